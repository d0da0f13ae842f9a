package dev.sparrow.snn.net;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A cheap, deterministic guess of which modules will hold a query's best place, so that only those are simulated.
 *
 * <p>Per module, the expected input of excitatory neuron j over one presentation is its drive
 * {@code d_j = sum_i (pixel_i / intensity * 0.35 s) * w_ij} (delays and dynamics ignored). That gives a mean
 * excitatory conductance {@code g_j = d_j * tau_ge / 0.35 s}, and without inhibition the membrane would settle at
 * {@code v_j = (v_rest + g_j * E_exc) / (1 + g_j)}; its readiness {@code r_j = v_j - threshold_j} (the frozen
 * adaptive threshold) says how easily the neuron fires. Lateral inhibition lets only the readiest neurons of a
 * module fire, so a neuron's expected activity is taken as {@code max(0, r_j - (max_k r_k - window))} with a window
 * of {@value #READINESS_WINDOW_MV} mV; every neuron competes (silenced ones still fire in the simulation), but, as
 * in the real score, a place sums only its non-silenced assigned neurons and divides by all neurons assigned to it.
 * A module's pre-score is its best place's.
 *
 * <p>Measured on Nordland (winter queries): with 3,300 places the 2 mV window put the module holding the exact
 * decision first for 10 % of queries and among the top 16 of 132 for 52 %, against 0 % and 30 % for the drive's
 * excess over the module mean, and ahead of 0.5, 1, 4 and 8 mV windows; with 200 places (8 modules per member)
 * the drive excess was somewhat better (53 % vs 48 % first). The pre-filter is therefore an approximation that
 * changes decisions: it is opt-in, and the exact path stays the default.
 */
final class ModulePrefilter {
    static final VectorSpecies<Float> F = Species.FLOAT;
    /** Expected input spikes per unit of pixel value over one presentation: rate = pixel / 4 Hz for 0.35 s. */
    static final float EXPECTED_SPIKES_PER_PIXEL =
            (float) (VprConstants.PRESENT_STEPS * VprConstants.DT_MS / 1000.0 / VprConstants.INTENSITY);

    /** Readiness below the module's readiest neuron by more than this is taken to stay silent (mV). */
    static final float READINESS_WINDOW_MV = 2f;
    /** Mean conductance per unit of drive: drive counts weight over one presentation, ge decays with tau_ge. */
    private static final float CONDUCTANCE_PER_DRIVE =
            (float) (VprConstants.TAU_GE_MS / (VprConstants.PRESENT_STEPS * VprConstants.DT_MS));

    private ModulePrefilter() {
    }

    /**
     * {@code drive[j] = sum_i x[i] * w[i * neurons + j]} over presynaptic-major weights, inputs in index order,
     * one fused multiply-add per term (the scalar twin uses the same order, so both agree bit for bit).
     */
    static void drive(float[] w, float[] x, int inputs, int neurons, float[] drive) {
        java.util.Arrays.fill(drive, 0, neurons, 0f);
        int bound = F.loopBound(neurons);
        for (int i = 0; i < inputs; i++) {
            float xi = x[i];
            if (xi == 0f) {
                continue;
            }
            FloatVector xv = FloatVector.broadcast(F, xi);
            int row = i * neurons;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector acc = FloatVector.fromArray(F, drive, j);
                FloatVector.fromArray(F, w, row + j).lanewise(VectorOperators.FMA, xv, acc).intoArray(drive, j);
            }
            for (; j < neurons; j++) {
                drive[j] = Math.fma(w[row + j], xi, drive[j]);
            }
        }
    }

    /** Scalar twin of {@link #drive}. */
    static void driveScalar(float[] w, float[] x, int inputs, int neurons, float[] drive) {
        java.util.Arrays.fill(drive, 0, neurons, 0f);
        for (int i = 0; i < inputs; i++) {
            float xi = x[i];
            if (xi == 0f) {
                continue;
            }
            int row = i * neurons;
            for (int j = 0; j < neurons; j++) {
                drive[j] = Math.fma(w[row + j], xi, drive[j]);
            }
        }
    }

    /** Drive through int8 weights: integer weights accumulated in float, the neuron's scale applied once. */
    static void driveInt8(byte[] q, float[] scale, float[] x, int inputs, int neurons, float[] drive) {
        java.util.Arrays.fill(drive, 0, neurons, 0f);
        for (int i = 0; i < inputs; i++) {
            float xi = x[i];
            if (xi == 0f) {
                continue;
            }
            int row = i * neurons;
            for (int j = 0; j < neurons; j++) {
                drive[j] = Math.fma(q[row + j], xi, drive[j]);
            }
        }
        for (int j = 0; j < neurons; j++) {
            drive[j] *= scale[j];
        }
    }

    /**
     * Pre-score of one module for one query (see class comment).
     *
     * @param expected     expected input spikes per input neuron ({@link #EXPECTED_SPIKES_PER_PIXEL} × pixel)
     * @param local        local place of each neuron, -1 unassigned
     * @param assigned     neurons assigned per local place
     * @param threshold    hyperactive threshold (neurons with activity ≥ it are silenced; ≤ 0 silences none)
     * @param driveScratch at least {@code mod.neurons} floats
     * @param placeScratch at least {@code mod.places.length} floats
     */
    static float moduleScore(SnnModule mod, float[] expected, int[] local, int[] assigned, int threshold,
                             float[] driveScratch, float[] placeScratch) {
        if (mod.weights != null) {
            drive(mod.weights, expected, mod.inputs, mod.neurons, driveScratch);
        } else {
            driveInt8(mod.quantised, mod.scale, expected, mod.inputs, mod.neurons, driveScratch);
        }
        float readiest = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < mod.neurons; j++) {
            float g = driveScratch[j] * CONDUCTANCE_PER_DRIVE;
            float settled = (VprConstants.V_REST_E + g * VprConstants.E_EXC) / (1f + g);
            driveScratch[j] = settled - mod.threshold[j];
            readiest = Math.max(readiest, driveScratch[j]);
        }
        float floor = readiest - READINESS_WINDOW_MV;
        java.util.Arrays.fill(placeScratch, 0, mod.places.length, 0f);
        for (int j = 0; j < mod.neurons; j++) {
            if (local[j] >= 0 && (threshold <= 0 || mod.activeCount[j] < threshold)) {
                placeScratch[local[j]] += Math.max(0f, driveScratch[j] - floor);
            }
        }
        float best = 0f;
        for (int p = 0; p < mod.places.length; p++) {
            if (assigned[p] > 0) {
                best = Math.max(best, placeScratch[p] / assigned[p]);
            }
        }
        return best;
    }

    /**
     * Indices of the {@code k} highest pre-scores, ties to the lower module index, so the choice depends only on
     * the scores.
     */
    static int[] topK(float[] moduleScores, int k) {
        Integer[] order = new Integer[moduleScores.length];
        for (int m = 0; m < order.length; m++) {
            order[m] = m;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Float.compare(moduleScores[b], moduleScores[a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] top = new int[Math.min(k, order.length)];
        for (int t = 0; t < top.length; t++) {
            top[t] = order[t];
        }
        return top;
    }
}
