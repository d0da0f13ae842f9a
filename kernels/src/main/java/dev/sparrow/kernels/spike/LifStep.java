package dev.sparrow.kernels.spike;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One clock-driven Euler step of a conductance LIF population, threshold test and reset, fused in one pass.
 *
 * <p>Per neuron {@code k} at step {@code t}: {@code since = t - lastSpike[k]}. Unless {@code since < holdSteps}
 * the membrane is integrated with the old conductances; then both conductances decay; the neuron fires when
 * {@code v > threshold[k]} and {@code since > gateSteps}; a firing neuron gets {@code v = vReset} and
 * {@code lastSpike = t}. Indices of firing neurons are written in ascending order to {@code spikes}.
 * Step numbers are kept as floats (exact below 2^24) so that the whole state is one lane type.
 *
 * <p>{@link #step} and {@link #stepScalar} evaluate the same float expressions in the same order (no fused
 * multiply-add), so they agree bit for bit.
 */
public final class LifStep {
    static final VectorSpecies<Float> F = Species.FLOAT;

    private LifStep() {
    }

    /** Vector API version; returns the number of spikes written to {@code spikes}. */
    public static int step(LifParameters p, float[] v, float[] ge, float[] gi, float[] threshold, float[] lastSpike,
                           int n, float t, int[] spikes) {
        FloatVector tV = FloatVector.broadcast(F, t);
        FloatVector holdV = FloatVector.broadcast(F, (float) p.holdSteps());
        FloatVector gateV = FloatVector.broadcast(F, (float) p.gateSteps());
        FloatVector kV = FloatVector.broadcast(F, p.dtOverTau());
        FloatVector restV = FloatVector.broadcast(F, p.vRest());
        FloatVector resetV = FloatVector.broadcast(F, p.vReset());
        FloatVector eExcV = FloatVector.broadcast(F, p.eExc());
        FloatVector eInhV = FloatVector.broadcast(F, p.eInh());
        FloatVector geDecayV = FloatVector.broadcast(F, p.geDecay());
        FloatVector giDecayV = FloatVector.broadcast(F, p.giDecay());
        int count = 0;
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += F.length()) {
            FloatVector vv = FloatVector.fromArray(F, v, i);
            FloatVector gev = FloatVector.fromArray(F, ge, i);
            FloatVector giv = FloatVector.fromArray(F, gi, i);
            FloatVector last = FloatVector.fromArray(F, lastSpike, i);
            FloatVector since = tV.sub(last);
            VectorMask<Float> held = since.lt(holdV);
            FloatVector dv = restV.sub(vv).add(gev.mul(eExcV.sub(vv))).add(giv.mul(eInhV.sub(vv)));
            FloatVector integrated = vv.add(kV.mul(dv));
            FloatVector vNew = integrated.blend(vv, held);
            gev.mul(geDecayV).intoArray(ge, i);
            giv.mul(giDecayV).intoArray(gi, i);
            VectorMask<Float> fire = vNew.compare(VectorOperators.GT, FloatVector.fromArray(F, threshold, i))
                    .and(since.compare(VectorOperators.GT, gateV));
            if (fire.anyTrue()) {
                vNew = vNew.blend(resetV, fire);
                last.blend(tV, fire).intoArray(lastSpike, i);
                long bits = fire.toLong();
                while (bits != 0) {
                    spikes[count++] = i + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                }
            }
            vNew.intoArray(v, i);
        }
        return stepRange(p, v, ge, gi, threshold, lastSpike, i, n, t, spikes, count);
    }

    /** Scalar twin of {@link #step}. */
    public static int stepScalar(LifParameters p, float[] v, float[] ge, float[] gi, float[] threshold,
                                 float[] lastSpike, int n, float t, int[] spikes) {
        return stepRange(p, v, ge, gi, threshold, lastSpike, 0, n, t, spikes, 0);
    }

    private static int stepRange(LifParameters p, float[] v, float[] ge, float[] gi, float[] threshold,
                                 float[] lastSpike, int from, int to, float t, int[] spikes, int count) {
        float hold = p.holdSteps();
        float gate = p.gateSteps();
        for (int k = from; k < to; k++) {
            float vk = v[k];
            float since = t - lastSpike[k];
            if (!(since < hold)) {
                float dv = (p.vRest() - vk) + ge[k] * (p.eExc() - vk) + gi[k] * (p.eInh() - vk);
                vk = vk + p.dtOverTau() * dv;
            }
            ge[k] = ge[k] * p.geDecay();
            gi[k] = gi[k] * p.giDecay();
            if (vk > threshold[k] && since > gate) {
                vk = p.vReset();
                lastSpike[k] = t;
                spikes[count++] = k;
            }
            v[k] = vk;
        }
        return count;
    }
}
