package dev.sparrow.snn.net;

import java.util.Arrays;
import java.util.List;

/**
 * Up to {@link #LANES} modules with the same input delays laid out side by side for {@link LaneSimulator}: every
 * per-neuron quantity is stored as {@code [neuron][lane]} and every weight as {@code [input][neuron][lane]}, so
 * that one input spike adds a contiguous run of {@code LANES} weights per target. Lanes past the last module are
 * padding: zero weights and an infinite threshold, so they never fire. Immutable.
 */
final class ModuleLanes {
    /** Modules per group: one 512-bit float vector, four 128-bit ones. */
    static final int LANES = 16;

    final int inputs;
    final int neurons;
    /** Index (in the network) of the module in lane 0; lanes {@code 0..modules-1} are real. */
    final int firstModule;
    final int modules;
    final float[] weights;
    final float[] threshold;
    /** Ring offsets {@code (delay * neurons + j) * LANES} per synapse, shared by every group of a network. */
    final int[] offsets;

    private ModuleLanes(int inputs, int neurons, int firstModule, int modules, float[] weights, float[] threshold,
                        int[] offsets) {
        this.inputs = inputs;
        this.neurons = neurons;
        this.firstModule = firstModule;
        this.modules = modules;
        this.weights = weights;
        this.threshold = threshold;
        this.offsets = offsets;
    }

    /**
     * Whether the modules can run in lanes: float32 weights (int8 modules keep their per-module path) and one
     * delay matrix for all of them.
     */
    static boolean fit(List<SnnModule> modules) {
        SnnModule first = modules.get(0);
        for (SnnModule m : modules) {
            if (m.isInt8() || m.neurons != first.neurons || m.inputs != first.inputs
                    || (m.delays != first.delays && !Arrays.equals(m.delays, first.delays))) {
                return false;
            }
        }
        return true;
    }

    /** Cuts the modules (which must {@link #fit}) into groups of {@link #LANES}. */
    static ModuleLanes[] group(List<SnnModule> modules) {
        SnnModule first = modules.get(0);
        int n = first.neurons;
        int synapses = first.inputs * n;
        int[] offsets = new int[synapses];
        for (int k = 0; k < synapses; k++) {
            offsets[k] = (first.delays[k] * n + k % n) * LANES;
        }
        ModuleLanes[] groups = new ModuleLanes[(modules.size() + LANES - 1) / LANES];
        for (int g = 0; g < groups.length; g++) {
            int from = g * LANES;
            int count = Math.min(LANES, modules.size() - from);
            float[] weights = new float[synapses * LANES];
            float[] threshold = new float[n * LANES];
            Arrays.fill(threshold, Float.POSITIVE_INFINITY);
            for (int lane = 0; lane < count; lane++) {
                SnnModule m = modules.get(from + lane);
                for (int k = 0; k < synapses; k++) {
                    weights[k * LANES + lane] = m.weights[k];
                }
                for (int j = 0; j < n; j++) {
                    threshold[j * LANES + lane] = m.threshold[j];
                }
            }
            groups[g] = new ModuleLanes(first.inputs, n, from, count, weights, threshold, offsets);
        }
        return groups;
    }
}
