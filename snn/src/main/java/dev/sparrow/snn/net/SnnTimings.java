package dev.sparrow.snn.net;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Measures the cost of training and querying at the reference size on synthetic images (no data needed), for the
 * CLI/bench: trains {@code modules} full-size modules (400 neurons, 25 places, 784 inputs) for {@code epochs}
 * epochs, then answers {@code queries} queries with them, and extrapolates.
 *
 * <p>The per-presentation costs are thread CPU times of one thread, not wall times: the development machines are
 * shared, and a loaded core stretches wall time by 2x or more while the CPU time of the measured thread stays
 * within about 10 %.
 */
public final class SnnTimings {
    private SnnTimings() {
    }

    /**
     * @param trainWallSeconds        wall seconds of the whole training (STDP, assignment, record pass) of the
     *                                {@code modules} modules with {@code threads} threads
     * @param learnMillis             CPU milliseconds of one learning presentation of one module
     * @param presentationMillis      CPU milliseconds of one frozen presentation of one module, as queries run
     *                                (modules in lanes where the network allows it)
     * @param singleModuleMillis      the same, simulating module by module, measured in the same run
     * @param queriesPerSecondPerCore queries per CPU second for a network of {@code extrapolatedModules}
     */
    public record Result(int modules, int epochs, int threads, SimulationMode mode, boolean int8,
                         double trainWallSeconds, double learnMillis, double presentationMillis,
                         double singleModuleMillis, int extrapolatedModules, double queriesPerSecondPerCore,
                         long bytesPerModule) {

        /**
         * Wall minutes of the whole training pipeline on {@code cores} fully available cores, from the measured
         * per-presentation CPU costs: every module learns {@code epochs} epochs over its {@code imagesPerModule}
         * images and sees them once more for the assignment; the record pass shows every module
         * {@code recordImages} images, the calibration {@code calibrationQueries} queries.
         */
        public double projectedTrainingMinutes(int modulesTotal, int imagesPerModule, int epochs, int recordImages,
                                               int calibrationQueries, int cores) {
            double learn = (double) modulesTotal * imagesPerModule * epochs * learnMillis;
            double frozen = (double) modulesTotal * (imagesPerModule + recordImages + calibrationQueries)
                    * presentationMillis;
            return (learn + frozen) / 1e3 / cores / 60;
        }
    }

    public static Result measure(SnnConfig base, int modules, int epochs, int queries, int extrapolatedModules,
                                 boolean int8) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        SnnConfig cfg = base.withEpochs(epochs);
        int places = modules * cfg.placesPerModule();
        SplittableRandom rnd = new SplittableRandom(1);
        float[][] images = new float[places][cfg.inputs()];
        for (float[] img : images) {
            for (int i = 0; i < img.length; i++) {
                img[i] = rnd.nextInt(256);
            }
        }
        int[] placeOf = java.util.stream.IntStream.range(0, places).toArray();
        long t0 = System.nanoTime();
        ModularNetwork net = ModularNetwork.train(cfg, images, placeOf, null, null, ProgressListener.NONE);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        if (int8) {
            net = net.withInt8Weights();
        }
        float[][] q = new float[queries][];
        for (int k = 0; k < queries; k++) {
            q[k] = images[k % places].clone();
            q[k][0] = (q[k][0] + 1) % 256;
        }
        ModularNetwork single = net.withMode(cfg.mode(), 1);
        single.scores(q[0]);
        single.scores(new float[][] {q[0]}, modules);
        double presentationMillis = 0;
        double singleModuleMillis = 0;
        // alternate the two ways of answering so that both see the same machine load
        for (int round = 0; round < 2; round++) {
            long c1 = cpu.getCurrentThreadCpuTime();
            single.scores(q);
            long c2 = cpu.getCurrentThreadCpuTime();
            single.scores(q, modules);
            long c3 = cpu.getCurrentThreadCpuTime();
            presentationMillis += (c2 - c1) / 1e6 / (2.0 * queries * modules);
            singleModuleMillis += (c3 - c2) / 1e6 / (2.0 * queries * modules);
        }
        double qps = 1e3 / (presentationMillis * extrapolatedModules);

        ModuleSimulator sim = ModuleSimulator.create(cfg.mode(), cfg.inputs(), cfg.neuronsPerModule());
        TrainingState st = new TrainingState(cfg.inputs(), cfg.neuronsPerModule(), new SplittableRandom(3));
        int[] counts = new int[cfg.neuronsPerModule()];
        int reps = 20;
        for (int r = 0; r < reps; r++) {
            sim.learn(st, PoissonEncoder.encode(images[r % places], reps + r, VprConstants.PRESENT_STEPS), counts);
        }
        long c4 = cpu.getCurrentThreadCpuTime();
        for (int r = 0; r < reps; r++) {
            sim.learn(st, PoissonEncoder.encode(images[r % places], r, VprConstants.PRESENT_STEPS), counts);
        }
        double learnMillis = (cpu.getCurrentThreadCpuTime() - c4) / 1e6 / reps;
        return new Result(modules, epochs, cfg.threads(), cfg.mode(), int8, trainSeconds, learnMillis,
                presentationMillis, singleModuleMillis, extrapolatedModules, qps, single.weightBytes() / modules);
    }

    /**
     * Prints a measurement and the Nordland-scale projections (132 modules x 25 places x 60 epochs trained, record
     * pass over 3,300 places, 600 calibration queries; 108 modules queried).
     * Arguments: threads, modules, epochs, queries (defaults 2 2 4 30), and {@code int8} to query with int8 weights.
     */
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int modules = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int queries = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        boolean int8 = args.length > 4 && args[4].equals("int8");
        Result r = measure(SnnConfig.defaults().withThreads(threads), modules, epochs, queries, 108, int8);
        System.out.println(r);
        System.out.println("species: " + dev.sparrow.kernels.Species.describe());
        System.out.printf("frozen presentation per module: %.3f ms in lanes vs %.3f ms module by module (%.2fx)%n",
                r.presentationMillis(), r.singleModuleMillis(), r.singleModuleMillis() / r.presentationMillis());
        System.out.printf("projected Nordland training (132 modules, 60 epochs, record 3300, calibration 600)"
                        + " on 2 cores: %.1f min; queries/s/core at 108 modules: %.2f%n",
                r.projectedTrainingMinutes(132, 25, 60, 3300, 600, 2), r.queriesPerSecondPerCore());
    }
}
