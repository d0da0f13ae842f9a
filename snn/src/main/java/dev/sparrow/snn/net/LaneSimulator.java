package dev.sparrow.snn.net;

import static dev.sparrow.snn.net.VprConstants.*;

import dev.sparrow.kernels.spike.LifStep;
import dev.sparrow.kernels.spike.SpikePropagation;
import java.util.Arrays;

/**
 * Frozen presentations of one image to {@link ModuleLanes#LANES} modules at once, one module per vector lane.
 *
 * <p>A query costs about 8,800 input spikes x 400 synapses per module. One module at a time, each of those
 * additions lands on its own ring row (the delay is random per synapse), so the per-module scatter is a
 * gather-add-scatter of single floats. The modules of a network share their input delays (as in the reference,
 * where every module starts from the same fixed seed) and every module sees the same Poisson train of a query, so
 * the additions of one (input spike, target neuron) pair for a whole group of modules go to one row and sit next to
 * each other: one contiguous vector add replaces sixteen scattered ones.
 *
 * <p>Everything else is {@link FastSimulator#respond}, lane by lane (int8 weights too: the ring sums the integer
 * weights and the drain applies each neuron's scale): the same Euler step (on {@code [neuron][lane]}
 * arrays), the same arrival order per target (by emission step, then input index), the same five-step inhibitory
 * rule, computed per lane. The spike counts are therefore identical bit for bit to module-by-module simulation.
 *
 * <p>Holds per-presentation scratch state (about 2.6 MB for 400 neurons): one per worker.
 */
final class LaneSimulator {
    private static final int SLOTS = MAX_DELAY_STEPS + 1;
    private static final int LANES = ModuleLanes.LANES;
    private static final int HISTORY = INHIBITORY_RESPONSE_STEPS + 1;

    private final int n;
    private final int width;
    private final float[] v;
    private final float[] ge;
    private final float[] gi;
    private final float[] last;
    private final int[] spikes;
    /** Excitatory spikes ({@code j * LANES + lane}) of the last few steps, row {@code t % HISTORY}. */
    private final int[] recentSpikes;
    private final int[] recentCount;
    private final float[] ring;
    private final float[] inhibition;
    private final int[] inhibitoryPerLane = new int[LANES];
    private final float[] toAll = new float[LANES];
    private final float[] toOthers = new float[LANES];

    LaneSimulator(int neurons) {
        n = neurons;
        width = neurons * LANES;
        v = new float[width];
        ge = new float[width];
        gi = new float[width];
        last = new float[width];
        spikes = new int[width];
        recentSpikes = new int[HISTORY * width];
        recentCount = new int[HISTORY];
        ring = new float[SLOTS * width];
        inhibition = new float[width];
    }

    /** Presents one train to every module of the group; spike counts to {@code counts[j * LANES + lane]}. */
    void respond(ModuleLanes group, InputSpikes in, int[] counts) {
        Arrays.fill(v, V_REST_E);
        Arrays.fill(ge, 0f);
        Arrays.fill(gi, 0f);
        Arrays.fill(last, -1e6f);
        Arrays.fill(recentCount, 0);
        Arrays.fill(ring, 0f);
        Arrays.fill(counts, 0);
        int[] starts = in.stepStart();
        int[] spiking = in.inputs();
        for (int t = 0; t < in.steps(); t++) {
            int fired = LifStep.step(EXCITATORY, v, ge, gi, group.threshold, last, width, t, spikes);
            int row = (t % SLOTS) * width;
            if (group.weights != null) {
                for (int s = starts[t]; s < starts[t + 1]; s++) {
                    SpikePropagation.scatterAddLanes(ring, ring.length, row, group.offsets, group.weights,
                            spiking[s] * n, n, LANES);
                }
                SpikePropagation.drain(ring, row, ge, width);
            } else {
                for (int s = starts[t]; s < starts[t + 1]; s++) {
                    SpikePropagation.scatterAddLanesBytes(ring, ring.length, row, group.offsets, group.quantised,
                            spiking[s] * n, n, LANES);
                }
                SpikePropagation.drainScaled(ring, row, group.scale, ge, width);
            }
            lateral(fired, t, counts);
        }
    }

    /**
     * {@code FastSimulator.lateral} per lane: each inhibitory spike of step t (an excitatory spike of step t - 5 in
     * the same lane) adds 17 to the {@code gi} of every other excitatory neuron of its lane. Lanes without
     * inhibitory spikes add 0, which leaves their non-negative {@code gi} unchanged bit for bit.
     */
    private void lateral(int fired, int t, int[] counts) {
        int row = t % HISTORY;
        System.arraycopy(spikes, 0, recentSpikes, row * width, fired);
        recentCount[row] = fired;
        for (int s = 0; s < fired; s++) {
            counts[spikes[s]]++;
        }
        int causing = (t + 1) % HISTORY;
        int inhibitory = t >= INHIBITORY_RESPONSE_STEPS ? recentCount[causing] : 0;
        if (inhibitory == 0) {
            return;
        }
        int from = causing * width;
        Arrays.fill(inhibitoryPerLane, 0);
        for (int s = 0; s < inhibitory; s++) {
            inhibitoryPerLane[recentSpikes[from + s] % LANES]++;
        }
        for (int lane = 0; lane < LANES; lane++) {
            toAll[lane] = W_IE * inhibitoryPerLane[lane];
            toOthers[lane] = W_IE * (inhibitoryPerLane[lane] - 1);
        }
        for (int j = 0; j < n; j++) {
            System.arraycopy(toAll, 0, inhibition, j * LANES, LANES);
        }
        for (int s = 0; s < inhibitory; s++) {
            int k = recentSpikes[from + s];
            inhibition[k] = toOthers[k % LANES];
        }
        for (int k = 0; k < width; k++) {
            gi[k] += inhibition[k];
        }
    }
}
