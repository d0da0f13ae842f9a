package dev.sparrow.snn.net;

import java.util.SplittableRandom;

/**
 * Mutable state of a module while it learns: plastic input weights, fixed delays, adaptive thresholds (kept in
 * double because their decay per 0.1 ms step, 1e-8 relative, is below float resolution yet adds up to 14 % over
 * a 60-epoch run) and the float thresholds derived from them.
 */
final class TrainingState {
    final int inputs;
    final int neurons;
    final float[] weights;
    final byte[] delays;
    final double[] theta;
    final float[] threshold;

    /** Random initial weights and delays, both from {@code rnd}. */
    TrainingState(int inputs, int neurons, SplittableRandom rnd) {
        this(inputs, neurons, rnd, null);
    }

    /**
     * Random initial weights from {@code rnd}; the given delays (shared by the modules of a network, as in the
     * reference, whose every module starts from the same fixed seed), or random ones drawn after the weights when
     * null.
     */
    TrainingState(int inputs, int neurons, SplittableRandom rnd, byte[] sharedDelays) {
        this.inputs = inputs;
        this.neurons = neurons;
        int synapses = inputs * neurons;
        weights = new float[synapses];
        for (int k = 0; k < synapses; k++) {
            weights[k] = (float) ((rnd.nextDouble() + VprConstants.W_INIT_OFFSET) * VprConstants.W_INIT_SCALE);
        }
        if (sharedDelays != null && sharedDelays.length != synapses) {
            throw new IllegalArgumentException(sharedDelays.length + " delays for " + synapses + " synapses");
        }
        delays = sharedDelays != null ? sharedDelays : randomDelays(synapses, rnd);
        theta = new double[neurons];
        threshold = new float[neurons];
        java.util.Arrays.fill(theta, VprConstants.THETA_INIT);
        refreshThresholds();
    }

    /** Input delays drawn uniformly from 0..10 ms and rounded to the 0.1 ms grid. */
    static byte[] randomDelays(int synapses, SplittableRandom rnd) {
        byte[] delays = new byte[synapses];
        for (int k = 0; k < synapses; k++) {
            delays[k] = (byte) Math.round(rnd.nextDouble() * VprConstants.MAX_DELAY_STEPS);
        }
        return delays;
    }

    /** Theta decays continuously (Euler, tau 1e7 ms); applied once per image period in closed form. */
    void decayThetaOverPeriod() {
        for (int j = 0; j < neurons; j++) {
            theta[j] *= VprConstants.THETA_DECAY_PER_PERIOD;
        }
        refreshThresholds();
    }

    void addThetaOnSpike(int j) {
        theta[j] += VprConstants.THETA_PLUS;
        threshold[j] = VprConstants.excitatoryThreshold(theta[j]);
    }

    private void refreshThresholds() {
        for (int j = 0; j < neurons; j++) {
            threshold[j] = VprConstants.excitatoryThreshold(theta[j]);
        }
    }
}
