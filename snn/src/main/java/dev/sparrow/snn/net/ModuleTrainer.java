package dev.sparrow.snn.net;

import java.util.SplittableRandom;

/**
 * Trains one module on the images of its places: STDP epochs (images in index order, each preceded by the weight
 * normalisation), then an assignment pass with everything frozen in which each neuron is assigned to the place
 * with its maximum mean spike count (never firing: unassigned, -1).
 */
final class ModuleTrainer {
    private ModuleTrainer() {
    }

    /** Seed of module {@code m}'s own random stream, so results do not depend on thread scheduling. */
    static long moduleSeed(long seed, int m) {
        long z = seed + 0x9E3779B97F4A7C15L * (m + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @param delays     input delays of the network, shared by all its modules
     * @param images     all reference images
     * @param imageIndex indices (into images) of this module's training images, ascending
     * @param placeOf    global place of each image
     * @param places     global places of this module
     * @param afterImage called after each presentation (for progress)
     */
    static SnnModule train(SnnConfig cfg, int m, ModuleSimulator sim, byte[] delays, float[][] images,
                           int[] imageIndex, int[] placeOf, int[] places, Runnable afterImage) {
        SplittableRandom rnd = new SplittableRandom(moduleSeed(cfg.seed(), m));
        int n = cfg.neuronsPerModule();
        TrainingState st = new TrainingState(cfg.inputs(), n, rnd, delays);
        int[] counts = new int[n];
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            for (int idx : imageIndex) {
                sim.learn(st, PoissonEncoder.encode(images[idx], rnd.nextLong(), VprConstants.PRESENT_STEPS), counts);
                afterImage.run();
            }
        }
        float[] theta = new float[n];
        for (int j = 0; j < n; j++) {
            theta[j] = (float) st.theta[j];
        }
        int[] unassigned = new int[n];
        java.util.Arrays.fill(unassigned, -1);
        SnnModule frozen = new SnnModule(cfg.inputs(), n, places, st.weights, null, null, st.delays, theta,
                unassigned, new int[n]);
        double[][] sum = new double[places.length][n];
        int[] shown = new int[places.length];
        for (int idx : imageIndex) {
            int local = localIndex(places, placeOf[idx]);
            sim.respond(frozen, PoissonEncoder.encode(images[idx], rnd.nextLong(), VprConstants.PRESENT_STEPS), counts);
            for (int j = 0; j < n; j++) {
                sum[local][j] += counts[j];
            }
            shown[local]++;
            afterImage.run();
        }
        int[] assignment = new int[n];
        for (int j = 0; j < n; j++) {
            double best = 0;
            int bestPlace = -1;
            for (int p = 0; p < places.length; p++) {
                double mean = shown[p] == 0 ? 0 : sum[p][j] / shown[p];
                if (mean > best) {
                    best = mean;
                    bestPlace = places[p];
                }
            }
            assignment[j] = bestPlace;
        }
        return new SnnModule(cfg.inputs(), n, places, st.weights, null, null, st.delays, theta, assignment, new int[n]);
    }

    static int localIndex(int[] places, int place) {
        for (int p = 0; p < places.length; p++) {
            if (places[p] == place) {
                return p;
            }
        }
        throw new IllegalArgumentException("place " + place + " is not one of the module's places");
    }
}
