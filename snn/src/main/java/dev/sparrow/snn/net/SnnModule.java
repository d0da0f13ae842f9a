package dev.sparrow.snn.net;

/**
 * One trained module: input weights and delays, frozen adaptive thresholds, neuron-to-place assignment and the
 * record-pass activity used to find hyperactive neurons. Immutable.
 *
 * <p>Weights are stored presynaptic-major ({@code w[i * neurons + j]}, input i, excitatory neuron j), either as
 * float32 or as int8 with one scale per neuron ({@code w = q * scale[j]}, q in 0..127; weights are never
 * negative).
 */
final class SnnModule {
    final int inputs;
    final int neurons;
    /** Global place indices learned by this module. */
    final int[] places;
    final float[] weights;
    final byte[] quantised;
    final float[] scale;
    final byte[] delays;
    final float[] theta;
    /** Global place of each neuron, -1 when the neuron never fired during the assignment pass. */
    final int[] assignment;
    /** Number of record-pass images on which each neuron fired at least once. */
    final int[] activeCount;
    /** Effective firing thresholds derived from theta. */
    final float[] threshold;

    SnnModule(int inputs, int neurons, int[] places, float[] weights, byte[] quantised, float[] scale, byte[] delays,
              float[] theta, int[] assignment, int[] activeCount) {
        if ((weights == null) == (quantised == null)) {
            throw new IllegalArgumentException("a module needs exactly one of float or int8 weights");
        }
        long synapses = (long) inputs * neurons;
        if (delays.length != synapses || (weights != null && weights.length != synapses)
                || (quantised != null && (quantised.length != synapses || scale.length != neurons))
                || theta.length != neurons || assignment.length != neurons || activeCount.length != neurons) {
            throw new IllegalArgumentException("module arrays do not match " + inputs + " inputs x " + neurons + " neurons");
        }
        this.inputs = inputs;
        this.neurons = neurons;
        this.places = places;
        this.weights = weights;
        this.quantised = quantised;
        this.scale = scale;
        this.delays = delays;
        this.theta = theta;
        this.assignment = assignment;
        this.activeCount = activeCount;
        this.threshold = new float[neurons];
        for (int j = 0; j < neurons; j++) {
            threshold[j] = VprConstants.excitatoryThreshold(theta[j]);
        }
    }

    private int[] ringOffsets;

    /**
     * Per-synapse ring-buffer offsets {@code delay * neurons + j} for the vector scatter of the fast simulator,
     * derived from the delays on first use (4 bytes per synapse, not persisted). A race computes the same array twice.
     */
    int[] ringOffsets() {
        int[] r = ringOffsets;
        if (r == null) {
            r = new int[delays.length];
            for (int k = 0; k < r.length; k++) {
                r[k] = delays[k] * neurons + k % neurons;
            }
            ringOffsets = r;
        }
        return r;
    }

    boolean isInt8() {
        return quantised != null;
    }

    /** Weight of synapse input i → neuron j, dequantised when stored as int8. */
    float weight(int i, int j) {
        int k = i * neurons + j;
        return weights != null ? weights[k] : quantised[k] * scale[j];
    }

    SnnModule withActiveCount(int[] counts) {
        return new SnnModule(inputs, neurons, places, weights, quantised, scale, delays, theta, assignment, counts);
    }

    /** Per-neuron symmetric int8 quantisation: scale = max_i w_ij / 127, q = round(w / scale). */
    SnnModule toInt8() {
        if (isInt8()) {
            return this;
        }
        float[] s = new float[neurons];
        for (int i = 0; i < inputs; i++) {
            for (int j = 0; j < neurons; j++) {
                s[j] = Math.max(s[j], weights[i * neurons + j]);
            }
        }
        for (int j = 0; j < neurons; j++) {
            s[j] = s[j] / 127f;
        }
        byte[] q = new byte[weights.length];
        for (int i = 0; i < inputs; i++) {
            for (int j = 0; j < neurons; j++) {
                q[i * neurons + j] = s[j] == 0f ? 0 : (byte) Math.min(127, Math.round(weights[i * neurons + j] / s[j]));
            }
        }
        return new SnnModule(inputs, neurons, places, null, q, s, delays, theta, assignment, activeCount);
    }

    /**
     * Bytes of the parameters held for inference besides the delays (which the modules of a network share):
     * weights and the per-neuron arrays.
     */
    long parameterBytesWithoutDelays() {
        long synapses = (long) inputs * neurons;
        long w = isInt8() ? synapses + 4L * neurons : 4L * synapses;
        return w + 4L * neurons * 3 + 4L * places.length;
    }
}
