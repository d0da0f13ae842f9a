package dev.sparrow.snn.net;

import java.util.SplittableRandom;

/**
 * Trains one module on the images of its places: STDP epochs (images in index order, each preceded by the weight
 * normalisation), then an assignment pass with everything frozen in which each neuron is assigned to the place
 * with its maximum mean spike count (never firing: unassigned, -1) — once at the end, or at every epoch count
 * the calibration compares.
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
     * Trains module m for {@code checkpoints[last]} epochs and returns it as it stands after each checkpoint's
     * epoch count, each snapshot assigned (weights and thresholds frozen).
     *
     * <p>The module's random stream draws the initial weights and every training presentation's Poisson train, and
     * after the last epoch the final assignment's trains, so the last snapshot is the module a run with just that
     * epoch count produces. Earlier snapshots are assigned with trains from their own stream, which leaves the
     * training that follows them untouched.
     *
     * @param delays      input delays of the network, shared by all its modules
     * @param images      all reference images
     * @param imageIndex  indices (into images) of this module's training images, ascending
     * @param placeOf     global place of each image
     * @param places      global places of this module
     * @param checkpoints epoch counts to snapshot, ascending, at least one
     * @param afterImage  called after each presentation (for progress)
     */
    static SnnModule[] train(SnnConfig cfg, int m, ModuleSimulator sim, byte[] delays, float[][] images,
                             int[] imageIndex, int[] placeOf, int[] places, int[] checkpoints, Runnable afterImage) {
        SplittableRandom rnd = new SplittableRandom(moduleSeed(cfg.seed(), m));
        int n = cfg.neuronsPerModule();
        TrainingState st = new TrainingState(cfg.inputs(), n, rnd, delays);
        int[] counts = new int[n];
        SnnModule[] snapshots = new SnnModule[checkpoints.length];
        int epoch = 0;
        for (int c = 0; c < checkpoints.length; c++) {
            for (; epoch < checkpoints[c]; epoch++) {
                for (int idx : imageIndex) {
                    sim.learn(st, PoissonEncoder.encode(images[idx], rnd.nextLong(), VprConstants.PRESENT_STEPS),
                            counts);
                    afterImage.run();
                }
            }
            boolean last = c == checkpoints.length - 1;
            SplittableRandom assignmentTrains = last ? rnd : new SplittableRandom(moduleSeed(cfg.seed() ^ epoch, m));
            snapshots[c] = assign(cfg, sim, last ? st.weights : st.weights.clone(), st, images, imageIndex, placeOf,
                    places, assignmentTrains, afterImage);
        }
        return snapshots;
    }

    /** Frozen module with these weights and st's thresholds, each neuron assigned to its maximum-mean place. */
    private static SnnModule assign(SnnConfig cfg, ModuleSimulator sim, float[] weights, TrainingState st,
                                    float[][] images, int[] imageIndex, int[] placeOf, int[] places,
                                    SplittableRandom rnd, Runnable afterImage) {
        int n = cfg.neuronsPerModule();
        int[] counts = new int[n];
        float[] theta = new float[n];
        for (int j = 0; j < n; j++) {
            theta[j] = (float) st.theta[j];
        }
        int[] unassigned = new int[n];
        java.util.Arrays.fill(unassigned, -1);
        SnnModule frozen = new SnnModule(cfg.inputs(), n, places, weights, null, null, st.delays, theta,
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
        return new SnnModule(cfg.inputs(), n, places, weights, null, null, st.delays, theta, assignment, new int[n]);
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
