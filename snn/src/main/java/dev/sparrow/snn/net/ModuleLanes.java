package dev.sparrow.snn.net;

import java.util.Arrays;
import java.util.List;

/**
 * Up to {@link #LANES} modules with the same input delays laid out side by side for {@link LaneSimulator}: every
 * per-neuron quantity is stored as {@code [neuron][lane]} and every weight as {@code [input][neuron][lane]}, so
 * that one input spike adds a contiguous run of {@code LANES} weights per target. Weights are float32, or int8
 * with one scale per (neuron, lane) applied at the drain, as the modules store them. Lanes past the last module
 * are padding: zero weights and an infinite threshold, so they never fire. Immutable.
 */
final class ModuleLanes {
    /** Modules per group: one 512-bit float vector, four 128-bit ones. */
    static final int LANES = 16;

    /** Bytes held besides the modules' own arrays: the lane copy of weights, scales, thresholds. */
    long bytes() {
        long w = weights != null ? 4L * weights.length : quantised.length + 4L * scale.length;
        return w + 4L * threshold.length;
    }

    final int inputs;
    final int neurons;
    /** Index (in the network) of the module in lane 0; lanes {@code 0..modules-1} are real. */
    final int firstModule;
    final int modules;
    /** Float32 weights, or null when the modules hold int8 weights. */
    final float[] weights;
    /** Int8 weights and their per-(neuron, lane) scale, or null for float32 modules. */
    final byte[] quantised;
    final float[] scale;
    final float[] threshold;
    /** Ring offsets {@code (delay * neurons + j) * LANES} per synapse, shared by every group of a network. */
    final int[] offsets;

    private ModuleLanes(int inputs, int neurons, int firstModule, int modules, float[] weights, byte[] quantised,
                        float[] scale, float[] threshold, int[] offsets) {
        this.inputs = inputs;
        this.neurons = neurons;
        this.firstModule = firstModule;
        this.modules = modules;
        this.weights = weights;
        this.quantised = quantised;
        this.scale = scale;
        this.threshold = threshold;
        this.offsets = offsets;
    }

    /** Whether the modules can run in lanes: one delay matrix and one weight format for all of them. */
    static boolean fit(List<SnnModule> modules) {
        SnnModule first = modules.get(0);
        for (SnnModule m : modules) {
            if (m.isInt8() != first.isInt8() || m.neurons != first.neurons || m.inputs != first.inputs
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
            boolean int8 = first.isInt8();
            float[] weights = int8 ? null : new float[synapses * LANES];
            byte[] quantised = int8 ? new byte[synapses * LANES] : null;
            float[] scale = int8 ? new float[n * LANES] : null;
            float[] threshold = new float[n * LANES];
            Arrays.fill(threshold, Float.POSITIVE_INFINITY);
            for (int lane = 0; lane < count; lane++) {
                SnnModule m = modules.get(from + lane);
                for (int k = 0; k < synapses; k++) {
                    if (int8) {
                        quantised[k * LANES + lane] = m.quantised[k];
                    } else {
                        weights[k * LANES + lane] = m.weights[k];
                    }
                }
                for (int j = 0; j < n; j++) {
                    threshold[j * LANES + lane] = m.threshold[j];
                    if (int8) {
                        scale[j * LANES + lane] = m.scale[j];
                    }
                }
            }
            groups[g] = new ModuleLanes(first.inputs, n, from, count, weights, quantised, scale, threshold, offsets);
        }
        return groups;
    }
}
