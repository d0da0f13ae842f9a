package dev.sparrow.agent.cli;

import dev.sparrow.agent.Json;
import dev.sparrow.snn.data.OutputFiles;
import dev.sparrow.snn.data.SplitData;
import dev.sparrow.snn.data.TrainedOn;
import dev.sparrow.snn.data.VprDataset;
import dev.sparrow.snn.eval.Plots;
import dev.sparrow.snn.eval.PrCurve;
import dev.sparrow.snn.eval.RandomBaseline;
import dev.sparrow.snn.eval.SadBaseline;
import dev.sparrow.snn.eval.ScoreMatrices;
import dev.sparrow.snn.eval.SequenceMatcher;
import dev.sparrow.snn.eval.VprMetrics;
import dev.sparrow.snn.eval.VprReport;
import dev.sparrow.snn.net.Ensemble;
import dev.sparrow.snn.net.ModularNetwork;
import dev.sparrow.snn.net.SimulationMode;
import dev.sparrow.snn.net.SnnConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparrow snn}: train and evaluate spiking place recognition (VPRSNN) on a route data set, and
 * convert data sets into the corridor layout.
 */
@Command(name = "snn",
        description = "Spiking-neural-network visual place recognition (VPRSNN): train, eval, dataset.",
        subcommands = {SnnCommand.Train.class, SnnCommand.Eval.class, SnnCommand.Dataset.class})
public final class SnnCommand {

    @Command(name = "train",
            description = "Train a modular SNN (or an ensemble) on the reference images of the first N places. "
                    + "The first round(N*600/3300) places are calibration places; their queries calibrate the network. "
                    + "Queries of the remaining (test) places are never used here.")
    static final class Train extends Verb {
        @Option(names = "--data", required = true, description = "Data set folder (corridor or Nordland layout).")
        Path data;
        @Option(names = "--places", required = true, converter = OptionRanges.PlaceCount.class,
                description = "Number of places to use (from the start of the route), at least 2.")
        int places;
        @Option(names = "--every", defaultValue = "1", converter = OptionRanges.Count.class,
                description = "Use every K-th place (default ${DEFAULT-VALUE}); pass the same to eval.")
        int every;
        @Option(names = "--places-per-module", converter = OptionRanges.Count.class, description = "Places per module (default: VPRSNN's 25).")
        Integer placesPerModule;
        @Option(names = "--neurons-per-module", converter = OptionRanges.Count.class, description = "Excitatory neurons per module (default: VPRSNN's 400).")
        Integer neuronsPerModule;
        @Option(names = "--seed", description = "Random seed (default: the network's default).")
        Long seed;
        @Option(names = "--epochs", converter = OptionRanges.Count.class, description = "Training epochs (default: the network's default).")
        Integer epochs;
        @Option(names = "--epoch-step", defaultValue = "10", converter = OptionRanges.CountOrZero.class, description = "The calibration picks the epochs too, as "
                + "VPRSNN's does: snapshot at every multiple of this (and at --epochs), keep the best on the calibration "
                + "queries (default ${DEFAULT-VALUE}; 0 = train exactly --epochs).")
        int epochStep;
        @Option(names = "--members", defaultValue = "1", converter = OptionRanges.Count.class, description = "Ensemble members with seeds seed, seed+10, ... (default ${DEFAULT-VALUE}).")
        int members;
        @Option(names = "--mode", description = "Simulation: ${COMPLETION-CANDIDATES} (default: the network's default).")
        SimulationMode mode;
        @Option(names = "--threads", converter = OptionRanges.Threads.class,
                description = "Worker threads, 1 to the processor count (default: all processors).")
        Integer threads;
        @Option(names = "--out", required = true, description = "Model file to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Ensemble.checkWritable(out);
            SplitData split = SplitData.load(data, places, every);
            if (split.calibrationQueries().length == 0) {
                // Without calibration queries the threshold and epochs are picked from nothing.
                throw new IllegalArgumentException("--places " + places + ": no query of " + data + " matches only its "
                        + split.split().calibrationPlaces() + " calibration place(s); use more places");
            }
            SnnConfig cfg = config(SnnConfig.defaults());
            err().printf(Locale.ROOT, "training on %d places (%d calibration, %d test), %d calibration queries, %s%n",
                    split.split().places(), split.split().calibrationPlaces(), split.split().testPlaces(),
                    split.calibrationQueries().length, cfg);
            Progress progress = Progress.on(err());
            long t0 = System.nanoTime();
            List<ModularNetwork> trained = members > 1
                    ? Ensemble.train(cfg, members, split.references(), split.placeOfReference(),
                            split.calibrationQueries(), split.calibrationPlaces(), epochStep, progress).members()
                    : List.of(ModularNetwork.train(cfg, split.references(), split.placeOfReference(),
                            split.calibrationQueries(), split.calibrationPlaces(), epochStep, progress));
            for (int k = 0; k < trained.size(); k++) {
                ModularNetwork member = trained.get(k);
                for (ModularNetwork.Calibration c : member.calibrations()) {
                    err().printf(Locale.ROOT, "member %d, %d epochs: hyperactive threshold %d recognises "
                                    + "%d of %d calibration queries%s%n", k, c.epochs(), c.hyperactiveThreshold(),
                            c.recognised(), c.queries(), c.epochs() == member.config().epochs() ? " (kept)" : "");
                }
            }
            TrainedOn trainedOn = TrainedOn.of(data.toString(), split.dataset(), every);
            if (members > 1) {
                Ensemble.of(trained).withTrainedOn(trainedOn).save(out);
            } else {
                trained.get(0).save(out, trainedOn);
            }
            err().printf(Locale.ROOT, "wrote %s in %.1f s; evaluate with: sparrow snn eval --model %s --data %s --every %d%n",
                    out, (System.nanoTime() - t0) / 1e9, out, data, every);
            return SparrowCli.DONE;
        }

        private SnnConfig config(SnnConfig cfg) {
            if (mode != null) {
                cfg = cfg.withMode(mode);
            }
            if (neuronsPerModule != null) {
                cfg = cfg.withNeuronsPerModule(neuronsPerModule);
            }
            if (placesPerModule != null) {
                cfg = cfg.withPlacesPerModule(placesPerModule);
            }
            if (epochs != null) {
                cfg = cfg.withEpochs(epochs);
            }
            if (seed != null) {
                cfg = cfg.withSeed(seed);
            }
            if (threads != null) {
                cfg = cfg.withThreads(threads);
            }
            return cfg;
        }
    }

    @Command(name = "eval",
            description = "Evaluate on the test places of the data set: SNN, SAD on the same images, random guessing. "
                    + "Several --model files are ensemble members (their scores are summed).")
    static final class Eval extends Verb {
        @Option(names = "--model", required = true, description = "Model file(s) written by 'snn train'.")
        List<Path> models;
        @Option(names = "--data", required = true, description = "Data set folder (corridor or Nordland layout).")
        Path data;
        @Option(names = "--every", defaultValue = "1", converter = OptionRanges.Count.class,
                description = "Same stride as in training (default ${DEFAULT-VALUE}).")
        int every;
        @Option(names = "--sequence", defaultValue = "1", converter = OptionRanges.Count.class,
                description = "Sequence-matching length L, at most the test places (default ${DEFAULT-VALUE} = single frame).")
        int sequence;
        @Option(names = "--json", description = "Print one JSON object on stdout.")
        boolean json;
        @Option(names = "--table", description = "Print the comparison table (SNN, ensemble, SAD, each with L = 2/4/6/10, random) in Markdown.")
        boolean table;
        @Option(names = "--plots", description = "Folder for the PNG plots (default: the first model's folder).")
        Path plots;
        @Option(names = "--int8-weights", description = "Query with weights quantised to int8 (per neuron, symmetric): "
                + "≈ 2.5× less memory; compare its R@1 with a float run.")
        boolean int8Weights;
        @Option(names = "--prefilter", defaultValue = "0", converter = OptionRanges.CountOrZero.class, description = "Simulate only the K modules per member with the "
                + "highest pre-score (expected drive through the weights against each neuron's threshold, no simulation); "
                + "the other modules' places "
                + "score 0. Faster but approximate; 0 = every module, exact (default ${DEFAULT-VALUE}).")
        int prefilter;
        @Option(names = "--force", description = "Evaluate even when a model was trained on other data than --data "
                + "(another route, stride or reference images), e.g. for cross-route tests.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            List<ModularNetwork> members = new ArrayList<>();
            Map<Path, TrainedOn> trainedOn = new LinkedHashMap<>();
            for (Path m : models) {
                Ensemble ensemble = Ensemble.read(m);
                for (ModularNetwork n : ensemble.members()) {
                    members.add(int8Weights ? n.withInt8Weights() : n);
                }
                ensemble.trainedOn().ifPresentOrElse(t -> trainedOn.put(m, t), () -> err().println("note: " + m
                        + " records no training data (written before format 2); its pairing with " + data
                        + " is not checked"));
            }
            int places = members.getFirst().places();
            for (ModularNetwork n : members) {
                if (n.places() != places) {
                    throw new IllegalArgumentException("the models disagree on the number of places: " + places
                            + " vs " + n.places());
                }
            }
            // The plots are written last: a folder they cannot go to must fail before the evaluation, not after it.
            Path plotDir = plots != null ? plots : parentOf(models.getFirst());
            String stem = stem(models.getFirst());
            Path prPng = plotDir.resolve(stem + "-pr.png");
            Path simPng = plotDir.resolve(stem + "-similarity.png");
            OutputFiles.checkWritable(prPng, "a plot");
            OutputFiles.checkWritable(simPng, "a plot");
            SplitData split = SplitData.load(data, places, every);
            checkPairing(trainedOn, TrainedOn.of(data.toString(), split.dataset(), every));
            if (sequence > split.split().testPlaces()) {
                // SequenceMatcher cannot look further back than the route is long: it would compute less than L.
                throw new IllegalArgumentException("--sequence " + sequence + " is longer than the "
                        + split.split().testPlaces() + " test places of " + data);
            }
            int[][] truth = split.testMatches();
            List<float[][]> memberScores = new ArrayList<>();
            Progress progress = Progress.on(err());
            long t0 = System.nanoTime();
            for (int k = 0; k < members.size(); k++) {
                ModularNetwork n = members.get(k);
                String member = members.size() == 1 ? "" : "member " + k + " ";
                memberScores.add(split.testColumns(prefilter == 0
                        ? n.scores(split.testQueries(), progress.prefixed(member))
                        : n.scores(split.testQueries(), prefilter)));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            float[][] snn = memberScores.size() == 1 ? memberScores.getFirst() : ScoreMatrices.sum(memberScores);
            float[][] sad = SadBaseline.scores(split.testQueries(), split.testReferences());
            VprMetrics m = VprMetrics.of(snn, truth);
            VprMetrics sadM = VprMetrics.of(sad, truth);
            int testPlaces = split.split().testPlaces();

            Map<String, Object> out = new LinkedHashMap<>();
            out.put("places", testPlaces);
            out.put("queries", truth.length);
            out.put("r_at_1", m.recallAt1());
            out.put("r_at_5", m.recallAt5());
            out.put("r_at_10", m.recallAt10());
            out.put("r_at_25", m.recallAt25());
            out.put("pr_auc", m.prAuc());
            out.put("r_at_100p", m.recallAt100Precision());
            out.put("sad_r_at_1", sadM.recallAt1());
            out.put("sad_r_at_5", sadM.recallAt5());
            out.put("sad_pr_auc", sadM.prAuc());
            out.put("random_r_at_1", RandomBaseline.expectedRecallAt(truth, testPlaces, 1));
            out.put("random_r_at_5", RandomBaseline.expectedRecallAt(truth, testPlaces, 5));
            out.put("queries_per_s", truth.length / seconds);
            out.put("members", members.size());
            out.put("weights", int8Weights ? "int8" : "float32");
            out.put("prefilter_modules", prefilter);
            out.put("weight_bytes", members.stream().mapToLong(ModularNetwork::weightBytes).sum());
            out.put("member_epochs", members.stream().map(n -> n.config().epochs()).toList());
            out.put("member_hyperactive_thresholds",
                    members.stream().map(ModularNetwork::hyperactiveThreshold).toList());
            out.put("model_places", places);
            out.put("calibration_places", split.split().calibrationPlaces());
            Map<String, PrCurve> curves = new LinkedHashMap<>();
            curves.put("SNN", m.pr());
            curves.put("SAD", sadM.pr());
            if (sequence > 1) {
                VprMetrics seq = VprMetrics.of(SequenceMatcher.apply(snn, sequence), truth);
                VprMetrics sadSeq = VprMetrics.of(SequenceMatcher.apply(sad, sequence), truth);
                out.put("sequence_length", sequence);
                out.put("seq_r_at_1", seq.recallAt1());
                out.put("seq_r_at_5", seq.recallAt5());
                out.put("seq_pr_auc", seq.prAuc());
                out.put("sad_seq_r_at_1", sadSeq.recallAt1());
                out.put("sad_seq_pr_auc", sadSeq.prAuc());
                curves.put("SNN + seq L=" + sequence, seq.pr());
                curves.put("SAD + seq L=" + sequence, sadSeq.pr());
            }
            Plots.prCurves(prPng, curves);
            Plots.similarity(simPng, snn, truth);
            out.put("pr_plot", prPng.toString());
            out.put("similarity_plot", simPng.toString());

            if (json) {
                if (table) {
                    out.put("table_markdown", report(memberScores, sad, truth).toMarkdown());
                }
                out().println(Json.write(out));
            } else {
                for (Map.Entry<String, Object> e : out.entrySet()) {
                    out().printf(Locale.ROOT, "%-20s %s%n", e.getKey(),
                            e.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : e.getValue());
                }
                if (table) {
                    out().println();
                    out().print(report(memberScores, sad, truth).toMarkdown());
                }
            }
            return SparrowCli.DONE;
        }

        /**
         * Refuses models trained on other images than the ones evaluated, or on different ones from each other,
         * naming both sides; with --force only says so.
         */
        private void checkPairing(Map<Path, TrainedOn> trainedOn, TrainedOn evaluated) {
            Map.Entry<Path, TrainedOn> first = null;
            for (Map.Entry<Path, TrainedOn> e : trainedOn.entrySet()) {
                String mismatch = null;
                if (first != null && !e.getValue().sameImages(first.getValue())) {
                    mismatch = e.getKey() + " was trained on " + e.getValue().describe() + " but " + first.getKey()
                            + " on " + first.getValue().describe();
                } else if (!e.getValue().sameImages(evaluated)) {
                    mismatch = e.getKey() + " was trained on " + e.getValue().describe() + " but --data selects "
                            + evaluated.describe();
                }
                if (mismatch != null) {
                    if (!force) {
                        throw new IllegalArgumentException(mismatch + "; pass the training's --data and --every,"
                                + " or --force to evaluate anyway");
                    }
                    err().println("note: " + mismatch + "; evaluating anyway (--force)");
                }
                first = first == null ? e : first;
            }
        }

        private static VprReport report(List<float[][]> members, float[][] sad, int[][] truth) {
            return VprReport.compute(members, sad, truth, VprReport.SEQUENCE_LENGTHS, 42);
        }
    }

    @Command(name = "dataset",
            description = "Copy a data set (corridor or Nordland layout) into the corridor layout, optionally a subset.")
    static final class Dataset extends Verb {
        @Option(names = "--from", required = true, description = "Source data set folder.")
        Path from;
        @Option(names = "--out", required = true, description = "New folder to write (must not exist or be empty).")
        Path out;
        @Option(names = "--places", defaultValue = "0", converter = OptionRanges.CountOrZero.class,
                description = "Keep at most N places (0 = all).")
        int places;
        @Option(names = "--every", defaultValue = "1", converter = OptionRanges.Count.class,
                description = "Keep every K-th place and query (default ${DEFAULT-VALUE}).")
        int every;
        @Option(names = "--json", description = "Print one JSON object on stdout.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            VprDataset ds = VprDataset.open(from).select(places, every);
            ds.writeCorridor(out);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("from", from.toString());
            summary.put("layout", ds.layout());
            summary.put("out", out.toString());
            summary.put("places", ds.places());
            summary.put("queries", ds.queryCount());
            if (json) {
                out().println(Json.write(summary));
            } else {
                out().printf(Locale.ROOT, "wrote %d places and %d queries from %s (%s layout) to %s%n",
                        ds.places(), ds.queryCount(), from, ds.layout(), out);
            }
            return SparrowCli.DONE;
        }
    }

    private static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : Path.of(".");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
