package dev.sparrow.snn.net;

import dev.sparrow.snn.data.TrainedOn;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A modular spiking place-recognition network (VPRSNN, Hussaini et al. ICRA 2023 / T-RO): the places are cut into
 * modules of {@code placesPerModule}; each module is a Diehl &amp; Cook network (784 Poisson inputs with random
 * 0–10 ms delays → 400 conductance LIF excitatory neurons with adaptive threshold ↔ 400 inhibitory neurons,
 * one-to-one excitation, all-but-self inhibition) trained by STDP on its own places only.
 *
 * <h2>Pipeline</h2>
 * <ol>
 *   <li>Train every module (in parallel, each with its own seeded random stream for initial weights and Poisson
 *       trains) for {@code epochs} epochs over the images of its places; weights are normalised to sum 78 per
 *       neuron before each image. The input delays are drawn once per network and shared by all its modules, as
 *       in the reference, where every module's run starts from the same fixed random seed.</li>
 *   <li>Assign each neuron to the place with its maximum mean spike count over the module's images (theta and
 *       weights frozen).</li>
 *   <li>Record pass: every module sees the first reference image of every place of the environment; a neuron's
 *       activity is the number of those images on which it fired.</li>
 *   <li>Calibration: with the calibration queries, the hyperactive threshold T is chosen from
 *       {0, 5, 10, 20, 40, …, 200} by best top-1 accuracy (first best wins; T = 0 keeps every neuron and is
 *       used when no calibration queries are given). Neurons with activity ≥ T are silenced at query time.
 *       Optionally the same calibration picks the epoch count, as VPRSNN's does: steps 2–4 run for snapshots of
 *       the modules at every multiple of an epoch step, and the best snapshot is kept.</li>
 *   <li>Query: every module sees the query; {@code score[place]} = (sum of spike counts of the non-silenced
 *       neurons assigned to the place) / (number of neurons assigned to it, silenced ones included, as the
 *       reference divides before zeroing); 0 for a place without neurons. The decision is the global argmax
 *       over all places of all modules. Scores are similarities: higher = better.</li>
 * </ol>
 *
 * <h2>Neuron model and the refractory gate</h2>
 * Euler, dt = 0.1 ms, 0.35 s per image, constants of {@code reference/vprsnn.md} 1.4–1.7. The reference's
 * refractory "timer" advances 0.1 ms per ms and must exceed 5 ms, so a neuron can fire again only 50 ms after its
 * last spike (at most 7 spikes per image); the 5 ms membrane clamp is applied as well. Both simulators reproduce
 * this gate. Theta is frozen at query time. Every presentation starts from the rest state (see
 * {@link ModuleSimulator} for why this replaces the 0.15 s rest); the Poisson train of a query is seeded from the
 * network seed and the pixels, so answers are reproducible and independent of batching and threads.
 *
 * <h2>Two simulators, one answer</h2>
 * {@link SimulationMode#REFERENCE} integrates clock-driven exactly as Brian2 does (every step checks every
 * recently spiking input's synapses for an arrival, scalar Euler for every neuron): small and obviously correct.
 * {@link SimulationMode#FAST} keeps the same time grid, the same Euler expressions and the same float summation
 * order, and changes only how work is found: input spikes scatter once into a 101-row delay ring buffer (queries)
 * or are collected per arrival step from delay-sorted synapse segments (training, where STDP needs the arrival
 * moment); the inhibitory population, whose neurons provably fire exactly five steps after their excitatory partner
 * and never otherwise, is replaced by that rule; neuron updates, ring drains and normalisation are Vector API kernels
 * that agree with the scalar code bit for bit; modules run on a fixed pool of {@code threads} workers. Frozen
 * presentations (record pass, calibration, queries) run sixteen modules at once, one per vector lane
 * ({@link LaneSimulator}): they share the delays and the query's Poisson train, so one input spike adds a contiguous
 * run of sixteen weights per target instead of sixteen scattered ones, with the same counts bit for bit. With
 * float32 weights the two modes therefore produce identical spike counts; the tests check the decisions agree on ≥ 95 % of queries. A larger
 * time step was not adopted: with tau_gi = 0.5 ms the Euler decay per step (0.8) is part of the reference's
 * answer, and changing dt changes it.
 *
 * <h2>int8</h2>
 * {@link #withInt8Weights()} quantises every neuron's incoming weights symmetrically (scale = max / 127); in fast
 * mode the ring accumulates the integer weights and the scale is applied once per neuron and step.
 */
public final class ModularNetwork {
    private static final int IMAGE_BLOCK = 64;
    /**
     * Fewest modules for which fast mode runs them in lanes. A group costs the same whatever number of its sixteen
     * lanes are real; measured per module against module-by-module simulation (SnnTimings, Zen 5, 512-bit):
     * 0.79x with 4 modules, 1.46x with 8, 2.6x with 16, so the break-even is near 5.
     */
    static final int MIN_LANE_MODULES = 6;
    /** Mixed into the network seed for the input delays, which all modules of a network share. */
    private static final long DELAY_SEED = 0x0DE1A75L;

    private final SnnConfig config;
    private final int places;
    private final List<SnnModule> modules;
    private final int hyperactiveThreshold;
    /** Per module: local place index of every neuron (-1 unassigned), and neurons assigned per local place. */
    private final int[][] neuronLocal;
    private final int[][] assignedCount;
    /** What the calibration measured when this network was trained; empty for a loaded network. */
    private final List<Calibration> calibrations;
    /** The modules cut into lane groups for {@link LaneSimulator}, built on first use; null when they do not fit. */
    private ModuleLanes[] lanes;
    private boolean lanesKnown;

    ModularNetwork(SnnConfig config, int places, List<SnnModule> modules, int hyperactiveThreshold) {
        this(config, places, modules, hyperactiveThreshold, null, List.of());
    }

    /** @param lanes lane groups of exactly these modules' weights and thresholds, or null to build them on use */
    private ModularNetwork(SnnConfig config, int places, List<SnnModule> modules, int hyperactiveThreshold,
                           ModuleLanes[] lanes, List<Calibration> calibrations) {
        this.config = config;
        this.calibrations = List.copyOf(calibrations);
        this.lanes = lanes;
        this.lanesKnown = lanes != null;
        this.places = places;
        this.modules = List.copyOf(modules);
        this.hyperactiveThreshold = hyperactiveThreshold;
        neuronLocal = new int[modules.size()][];
        assignedCount = new int[modules.size()][];
        for (int m = 0; m < modules.size(); m++) {
            SnnModule mod = modules.get(m);
            neuronLocal[m] = new int[mod.neurons];
            assignedCount[m] = new int[mod.places.length];
            for (int j = 0; j < mod.neurons; j++) {
                int a = mod.assignment[j];
                int local = a < 0 ? -1 : ModuleTrainer.localIndex(mod.places, a);
                neuronLocal[m][j] = local;
                if (local >= 0) {
                    assignedCount[m][local]++;
                }
            }
        }
    }

    /**
     * Trains the whole pipeline (see class comment).
     *
     * @param referenceImages    preprocessed images, 0..255, row-major {@code imageWidth x imageHeight}
     * @param placeOfImage       place (0..places-1) of each reference image; places = max + 1, each needs an image
     * @param calibrationQueries queries for choosing the hyperactive threshold; may be empty or null (T = 0)
     * @param calibrationPlace   true place of each calibration query
     */
    public static ModularNetwork train(SnnConfig cfg, float[][] referenceImages, int[] placeOfImage,
                                       float[][] calibrationQueries, int[] calibrationPlace,
                                       ProgressListener progress) {
        return train(cfg, referenceImages, placeOfImage, calibrationQueries, calibrationPlace, 0, progress);
    }

    /**
     * Trains as {@link #train(SnnConfig, float[][], int[], float[][], int[], ProgressListener)} and, with
     * {@code epochStep > 0} and calibration queries, lets the calibration pick the epoch count too, as VPRSNN does:
     * the modules learn {@code cfg.epochs()} epochs and are snapshot at every multiple of {@code epochStep} (and at
     * {@code cfg.epochs()}); each snapshot gets its record pass and threshold sweep, and the snapshot with the most
     * recognised calibration queries wins (the fewest epochs on a tie). Its epoch count is the returned network's
     * {@code config().epochs()}; {@link #calibrations()} lists every candidate. A snapshot is the network a run
     * with that epoch count would learn (same weights and thresholds; its assignment pass draws other Poisson
     * trains, except for the last).
     */
    public static ModularNetwork train(SnnConfig cfg, float[][] referenceImages, int[] placeOfImage,
                                       float[][] calibrationQueries, int[] calibrationPlace, int epochStep,
                                       ProgressListener progress) {
        if (epochStep < 0) {
            throw new IllegalArgumentException("epochStep must be >= 0, got " + epochStep);
        }
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        int places = validateReference(cfg, referenceImages, placeOfImage);
        float[][] calQ = calibrationQueries == null ? new float[0][] : calibrationQueries;
        int[] calP = calibrationPlace == null ? new int[0] : calibrationPlace;
        if (calQ.length != calP.length) {
            throw new IllegalArgumentException(calQ.length + " calibration queries but " + calP.length + " places");
        }
        for (int q = 0; q < calQ.length; q++) {
            PoissonEncoder.validate(calQ[q], cfg.inputs(), "calibration query " + q);
            if (calP[q] < 0 || calP[q] >= places) {
                throw new IllegalArgumentException("calibration place " + calP[q] + " of query " + q
                        + " is outside 0.." + (places - 1));
            }
        }
        int[] checkpoints = epochCandidates(cfg.epochs(), calQ.length == 0 ? 0 : epochStep);
        int[][] modulePlaces = partition(cfg, places);
        int[][] moduleImages = new int[modulePlaces.length][];
        long total = 0;
        for (int m = 0; m < modulePlaces.length; m++) {
            boolean[] mine = new boolean[places];
            for (int p : modulePlaces[m]) {
                mine[p] = true;
            }
            moduleImages[m] = java.util.stream.IntStream.range(0, placeOfImage.length)
                    .filter(i -> mine[placeOfImage[i]]).toArray();
            total += (long) moduleImages[m].length * (cfg.epochs() + checkpoints.length);
        }
        SnnModule[][] trained = new SnnModule[checkpoints.length][modulePlaces.length];
        AtomicLong done = new AtomicLong();
        long trainTotal = total;
        byte[] delays = TrainingState.randomDelays(cfg.inputs() * cfg.neuronsPerModule(),
                new SplittableRandom(cfg.seed() ^ DELAY_SEED));
        Parallel.forEach(cfg.threads(), modulePlaces.length,
                () -> ModuleSimulator.create(cfg.mode(), cfg.inputs(), cfg.neuronsPerModule()),
                (sim, m) -> {
                    SnnModule[] snapshots = ModuleTrainer.train(cfg, m, sim, delays, referenceImages, moduleImages[m],
                            placeOfImage, modulePlaces[m], checkpoints,
                            () -> listener.update("train", done.incrementAndGet(), trainTotal));
                    for (int c = 0; c < checkpoints.length; c++) {
                        trained[c][m] = snapshots[c];
                    }
                });

        float[][] recordImages = new float[places][];
        for (int i = placeOfImage.length - 1; i >= 0; i--) {
            recordImages[placeOfImage[i]] = referenceImages[i];
        }
        ModularNetwork best = null;
        List<Calibration> candidates = new ArrayList<>();
        for (int c = 0; c < checkpoints.length; c++) {
            String tag = checkpoints.length == 1 ? "" : " " + checkpoints[c] + " epochs";
            ModularNetwork net = recordAndCalibrate(cfg.withEpochs(checkpoints[c]), places, trained[c], recordImages,
                    calQ, calP, tag, listener);
            candidates.add(net.calibrations.get(0));
            trained[c] = null;
            if (best == null || net.calibrations.get(0).recognised() > best.calibrations.get(0).recognised()) {
                best = net;
            }
        }
        return new ModularNetwork(best.config, places, best.modules, best.hyperactiveThreshold, best.laneGroups(),
                candidates);
    }

    /** Epoch counts to compare: every multiple of {@code step} below {@code epochs}, then {@code epochs}. */
    static int[] epochCandidates(int epochs, int step) {
        if (step == 0 || step >= epochs) {
            return new int[] {epochs};
        }
        return java.util.stream.IntStream.concat(
                java.util.stream.IntStream.iterate(step, e -> e < epochs, e -> e + step),
                java.util.stream.IntStream.of(epochs)).toArray();
    }

    /**
     * Record pass (every module sees the first reference image of every place; a neuron's activity is the number
     * of images it fired on) and the hyperactive-threshold sweep on the calibration queries (T = 0 without them).
     */
    private static ModularNetwork recordAndCalibrate(SnnConfig cfg, int places, SnnModule[] trained,
                                                     float[][] recordImages, float[][] calQ, int[] calP, String tag,
                                                     ProgressListener listener) {
        List<SnnModule> modules = new ArrayList<>(Arrays.asList(trained));
        int[][] active = new int[modules.size()][cfg.neuronsPerModule()];
        ModuleLanes[] lanes = new ModularNetwork(cfg, places, modules, 0).laneGroups();
        respondAll(cfg, modules, lanes, recordImages, "record" + tag, listener, (m, img, counts) -> {
            for (int j = 0; j < counts.length; j++) {
                if (counts[j] > 0) {
                    active[m][j]++;
                }
            }
        });
        for (int m = 0; m < modules.size(); m++) {
            modules.set(m, modules.get(m).withActiveCount(active[m]));
        }
        ModularNetwork untuned = new ModularNetwork(cfg, places, modules, 0, lanes, List.of());
        Calibration calibration = calQ.length == 0 ? new Calibration(cfg.epochs(), 0, 0, 0)
                : untuned.calibrateThreshold(calQ, calP, "calibrate" + tag, listener);
        return new ModularNetwork(cfg, places, modules, calibration.hyperactiveThreshold(), lanes,
                List.of(calibration));
    }

    private static int validateReference(SnnConfig cfg, float[][] images, int[] placeOf) {
        if (images == null || placeOf == null || images.length == 0) {
            throw new IllegalArgumentException("reference images and their places are required");
        }
        if (images.length != placeOf.length) {
            throw new IllegalArgumentException(images.length + " reference images but " + placeOf.length + " places");
        }
        int places = 0;
        for (int i = 0; i < images.length; i++) {
            PoissonEncoder.validate(images[i], cfg.inputs(), "reference image " + i);
            if (placeOf[i] < 0) {
                throw new IllegalArgumentException("reference image " + i + " has negative place " + placeOf[i]);
            }
            places = Math.max(places, placeOf[i] + 1);
        }
        boolean[] seen = new boolean[places];
        for (int p : placeOf) {
            seen[p] = true;
        }
        for (int p = 0; p < places; p++) {
            if (!seen[p]) {
                throw new IllegalArgumentException("place " + p + " has no reference image (places must be 0.."
                        + (places - 1) + ")");
            }
        }
        return places;
    }

    /** Places of each module: contiguous ranges, or ranges of a seeded permutation when shuffled. */
    static int[][] partition(SnnConfig cfg, int places) {
        int[] order = java.util.stream.IntStream.range(0, places).toArray();
        if (cfg.shuffledModules()) {
            SplittableRandom rnd = new SplittableRandom(cfg.seed() ^ 0x5DEECE66DL);
            for (int i = places - 1; i > 0; i--) {
                int k = rnd.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[k];
                order[k] = tmp;
            }
        }
        int per = cfg.placesPerModule();
        int[][] result = new int[(places + per - 1) / per][];
        for (int m = 0; m < result.length; m++) {
            int[] mine = Arrays.copyOfRange(order, m * per, Math.min(places, (m + 1) * per));
            Arrays.sort(mine);
            result[m] = mine;
        }
        return result;
    }

    interface CountSink {
        /** Spike counts of module m for image img; called from worker threads, never twice for one (m, img). */
        void accept(int m, int img, int[] counts);
    }

    /**
     * Shows every image to every module, in blocks of images whose Poisson trains are encoded once (the same
     * train for all modules); within a block modules, or groups of modules in lanes when {@code lanes} is given,
     * run on the worker pool. Both give the same counts.
     */
    static void respondAll(SnnConfig cfg, List<SnnModule> modules, ModuleLanes[] lanes, float[][] images,
                           String stage, ProgressListener listener, CountSink sink) {
        if (lanes == null) {
            respondSelected(cfg, modules, images, null, stage, listener, sink);
            return;
        }
        int n = cfg.neuronsPerModule();
        long total = (long) images.length * modules.size();
        AtomicLong done = new AtomicLong();
        inBlocks(cfg, images, (start, size, trains) ->
            Parallel.forEach(cfg.threads(), lanes.length, () -> new LaneSimulator(n), (sim, g) -> {
                ModuleLanes group = lanes[g];
                int[] laneCounts = new int[n * ModuleLanes.LANES];
                int[] counts = new int[n];
                for (int k = 0; k < size; k++) {
                    sim.respond(group, trains[k], laneCounts);
                    for (int lane = 0; lane < group.modules; lane++) {
                        for (int j = 0; j < n; j++) {
                            counts[j] = laneCounts[j * ModuleLanes.LANES + lane];
                        }
                        sink.accept(group.firstModule + lane, start + k, counts);
                    }
                }
                listener.update(stage, done.addAndGet((long) size * group.modules), total);
            }));
    }

    private interface BlockWork {
        void run(int start, int size, InputSpikes[] trains);
    }

    /**
     * Cuts the images into blocks of {@link #IMAGE_BLOCK}, encodes each block's Poisson trains once (on the
     * worker pool) and hands them to {@code work}: every module of the block's work sees the same train of an image.
     */
    private static void inBlocks(SnnConfig cfg, float[][] images, BlockWork work) {
        for (int from = 0; from < images.length; from += IMAGE_BLOCK) {
            int start = from;
            int size = Math.min(IMAGE_BLOCK, images.length - from);
            InputSpikes[] trains = new InputSpikes[size];
            Parallel.forEach(cfg.threads(), size, () -> null, (unused, k) -> trains[k] = PoissonEncoder.encode(
                    images[start + k], PoissonEncoder.querySeed(cfg.seed(), images[start + k]),
                    VprConstants.PRESENT_STEPS));
            work.run(start, size, trains);
        }
    }

    /**
     * The lane groups that {@link #respondAll} runs fast mode with: built once per network, null in reference
     * mode, for a network whose modules have different delays (files written before delays were
     * shared) and for networks of fewer than {@link #MIN_LANE_MODULES} modules, where the padding lanes would cost
     * more than the contiguous scatter saves.
     */
    synchronized ModuleLanes[] laneGroups() {
        if (!lanesKnown) {
            lanesKnown = true;
            boolean worth = config.mode() == SimulationMode.FAST && modules.size() >= MIN_LANE_MODULES;
            lanes = worth && ModuleLanes.fit(modules) ? ModuleLanes.group(modules) : null;
        }
        return config.mode() == SimulationMode.FAST ? lanes : null;
    }

    /**
     * Like {@link #respondAll}, but module m sees image i only when {@code selected[m][i]} (null = every pair).
     * The Poisson train of an image is the same whichever modules see it, so a selected pair gets exactly the
     * counts {@link #respondAll} would give it.
     */
    static void respondSelected(SnnConfig cfg, List<SnnModule> modules, float[][] images, boolean[][] selected,
                                String stage, ProgressListener listener, CountSink sink) {
        long total = (long) images.length * modules.size();
        AtomicLong done = new AtomicLong();
        inBlocks(cfg, images, (start, size, trains) ->
            Parallel.forEach(cfg.threads(), modules.size(),
                    () -> ModuleSimulator.create(cfg.mode(), cfg.inputs(), cfg.neuronsPerModule()),
                    (sim, m) -> {
                        int[] counts = new int[cfg.neuronsPerModule()];
                        for (int k = 0; k < size; k++) {
                            if (selected != null && !selected[m][start + k]) {
                                continue;
                            }
                            sim.respond(modules.get(m), trains[k], counts);
                            sink.accept(m, start + k, counts);
                        }
                        listener.update(stage, done.addAndGet(size), total);
                    }));
    }

    private Calibration calibrateThreshold(float[][] queries, int[] truePlace, String stage,
                                           ProgressListener listener) {
        int n = config.neuronsPerModule();
        byte[][][] counts = new byte[queries.length][modules.size()][];
        respondAll(config, modules, laneGroups(), queries, stage, listener, (m, q, c) -> {
            byte[] b = new byte[n];
            for (int j = 0; j < n; j++) {
                b[j] = (byte) Math.min(127, c[j]);
            }
            counts[q][m] = b;
        });
        int best = 0;
        int bestCorrect = -1;
        int[] asInt = new int[n];
        for (int t : VprConstants.HYPERACTIVE_SWEEP) {
            int correct = 0;
            for (int q = 0; q < queries.length; q++) {
                float[] score = new float[places];
                for (int m = 0; m < modules.size(); m++) {
                    for (int j = 0; j < n; j++) {
                        asInt[j] = counts[q][m][j];
                    }
                    addModuleScores(m, asInt, t, score);
                }
                if (uniquelyBest(score, truePlace[q])) {
                    correct++;
                }
            }
            if (correct > bestCorrect) {
                bestCorrect = correct;
                best = t;
            }
        }
        return new Calibration(config.epochs(), best, bestCorrect, queries.length);
    }

    private void addModuleScores(int m, int[] counts, int threshold, float[] score) {
        SnnModule mod = modules.get(m);
        int[] local = neuronLocal[m];
        float[] sum = new float[mod.places.length];
        for (int j = 0; j < mod.neurons; j++) {
            if (local[j] >= 0 && (threshold <= 0 || mod.activeCount[j] < threshold)) {
                sum[local[j]] += counts[j];
            }
        }
        for (int p = 0; p < sum.length; p++) {
            int assigned = assignedCount[m][p];
            score[mod.places[p]] = assigned == 0 ? 0f : sum[p] / assigned;
        }
    }

    /**
     * A calibration query counts as recognised only when its true place scores strictly above every other
     * place — the rule the recall metric applies. With a plain argmax, a query that silenced every neuron
     * (all scores 0) would "recognise" place 0, and on routes that start with a stationary stretch
     * (Nordland's first frames are identical) a threshold that silences the whole network would win the
     * sweep.
     */
    static boolean uniquelyBest(float[] score, int place) {
        for (int p = 0; p < score.length; p++) {
            if (p != place && score[p] >= score[place]) {
                return false;
            }
        }
        return true;
    }

    static int argmax(float[] score) {
        int best = 0;
        for (int p = 1; p < score.length; p++) {
            if (score[p] > score[best]) {
                best = p;
            }
        }
        return best;
    }

    /** Number of places (global indices 0..places-1). */
    public int places() {
        return places;
    }

    public SnnConfig config() {
        return config;
    }

    public int modules() {
        return modules.size();
    }

    /** Hyperactive threshold chosen on the calibration queries (0 = no neuron silenced). */
    public int hyperactiveThreshold() {
        return hyperactiveThreshold;
    }

    /**
     * One calibrated candidate: with {@code epochs} of training, the threshold sweep chose
     * {@code hyperactiveThreshold}, with which {@code recognised} of the {@code queries} calibration queries had
     * their true place strictly best.
     */
    public record Calibration(int epochs, int hyperactiveThreshold, int recognised, int queries) {
    }

    /**
     * The candidates the calibration compared when this network was trained, in ascending epochs (one without
     * epoch calibration); empty for a network read from a file, which keeps only the outcome.
     */
    public List<Calibration> calibrations() {
        return calibrations;
    }

    public boolean isInt8() {
        return modules.get(0).isInt8();
    }

    List<SnnModule> moduleList() {
        return modules;
    }

    /** Scores {@code [query][place]}, higher = better; decisions are the row argmax. */
    public float[][] scores(float[][] queries) {
        return scores(queries, ProgressListener.NONE);
    }

    /** {@link #scores(float[][])}, reporting progress as stage "query" in module presentations. */
    public float[][] scores(float[][] queries, ProgressListener progress) {
        for (int q = 0; q < queries.length; q++) {
            PoissonEncoder.validate(queries[q], config.inputs(), "query " + q);
        }
        float[][] result = new float[queries.length][places];
        respondAll(config, modules, laneGroups(), queries, "query", progress,
                (m, q, counts) -> addModuleScores(m, counts, hyperactiveThreshold, result[q]));
        return result;
    }

    /**
     * Scores with a module pre-filter: for every query, only the {@code prefilterModules} modules with the highest
     * {@link ModulePrefilter} pre-score (how readily their neurons would fire under the query's expected drive, no
     * simulation) are simulated; the places of the other modules score 0. The simulated modules' scores are exactly those of
     * {@link #scores(float[][])}; with {@code prefilterModules >= modules()} the whole matrix is. Deterministic:
     * the choice depends only on the network and the query. It is an approximation — the top-1 decision changes
     * whenever the true best module is not among the chosen ones.
     */
    public float[][] scores(float[][] queries, int prefilterModules) {
        if (prefilterModules < 1) {
            throw new IllegalArgumentException("prefilterModules must be >= 1, got " + prefilterModules);
        }
        for (int q = 0; q < queries.length; q++) {
            PoissonEncoder.validate(queries[q], config.inputs(), "query " + q);
        }
        boolean[][] selected = new boolean[modules.size()][queries.length];
        if (prefilterModules >= modules.size()) {
            for (boolean[] row : selected) {
                Arrays.fill(row, true);
            }
        } else {
            float[][] pre = preScores(queries);
            for (int q = 0; q < queries.length; q++) {
                for (int m : ModulePrefilter.topK(pre[q], prefilterModules)) {
                    selected[m][q] = true;
                }
            }
        }
        float[][] result = new float[queries.length][places];
        respondSelected(config, modules, queries, selected, "query", ProgressListener.NONE,
                (m, q, counts) -> addModuleScores(m, counts, hyperactiveThreshold, result[q]));
        return result;
    }

    /** Pre-scores {@code [query][module]} of {@link ModulePrefilter}; modules run on the worker pool. */
    float[][] preScores(float[][] queries) {
        int inputs = config.inputs();
        float[][] expected = new float[queries.length][inputs];
        for (int q = 0; q < queries.length; q++) {
            for (int i = 0; i < inputs; i++) {
                expected[q][i] = queries[q][i] * ModulePrefilter.EXPECTED_SPIKES_PER_PIXEL;
            }
        }
        float[][] pre = new float[queries.length][modules.size()];
        Parallel.forEach(config.threads(), modules.size(), () -> new float[config.neuronsPerModule()],
                (scratch, m) -> {
                    SnnModule mod = modules.get(m);
                    float[] placeScratch = new float[mod.places.length];
                    for (int q = 0; q < queries.length; q++) {
                        pre[q][m] = ModulePrefilter.moduleScore(mod, expected[q], neuronLocal[m], assignedCount[m],
                                hyperactiveThreshold, scratch, placeScratch);
                    }
                });
        return pre;
    }

    /** Scores of one frame over all places, higher = better. */
    public float[] scores(float[] query) {
        return scores(new float[][] {query})[0];
    }

    /** Same network answered with another simulator or thread count (weights, thresholds, assignment unchanged). */
    public ModularNetwork withMode(SimulationMode mode, int threads) {
        ModuleLanes[] known;
        synchronized (this) {
            known = lanes;
        }
        return new ModularNetwork(config.withMode(mode).withThreads(threads), places, modules, hyperactiveThreshold,
                known, calibrations);
    }

    /**
     * Bytes of all parameters held in memory for inference (weights, thetas, assignments, activity, and each
     * distinct delay matrix once), plus the lane copy of the float weights once fast mode has built it.
     */
    public long weightBytes() {
        long total = 0;
        Set<byte[]> delays = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SnnModule m : modules) {
            total += m.parameterBytesWithoutDelays();
            if (delays.add(m.delays)) {
                total += m.delays.length;
            }
        }
        ModuleLanes[] built;
        synchronized (this) {
            built = lanes;
        }
        if (built != null) {
            for (ModuleLanes g : built) {
                total += g.bytes();
            }
            total += 4L * built[0].offsets.length;
        }
        return total;
    }

    /** The same network with int8 input weights (per-neuron symmetric scale); about 2.4x smaller. */
    public ModularNetwork withInt8Weights() {
        List<SnnModule> q = new ArrayList<>();
        for (SnnModule m : modules) {
            q.add(m.toInt8());
        }
        return new ModularNetwork(config, places, q, hyperactiveThreshold);
    }

    /** Writes the network atomically as a versioned, CRC32-checked file (format in {@link NetworkFile}). */
    public void save(Path file) throws IOException {
        save(file, null);
    }

    /**
     * Writes the network with a record of what it was trained on ({@code null}: nothing recorded), which
     * {@link Ensemble#read} gives back so that evaluating it on other data can be refused.
     */
    public void save(Path file, TrainedOn trainedOn) throws IOException {
        NetworkFile.writeAtomically(file, NetworkFile.encodeNetwork(this, trainedOn));
    }

    /** Reads a network written by {@link #save}; a corrupt or mismatched file fails naming the file and problem. */
    public static ModularNetwork load(Path file) throws IOException {
        return NetworkFile.decodeNetwork(file, NetworkFile.readChecked(file, NetworkFile.NETWORK_MAGIC));
    }
}
