package dev.sparrow.agent.demo;

import dev.sparrow.snn.data.PlaceSplit;
import dev.sparrow.snn.data.SplitData;
import dev.sparrow.snn.data.VprDataset;
import dev.sparrow.snn.net.ModularNetwork;
import dev.sparrow.snn.net.ProgressListener;
import dev.sparrow.snn.net.SnnConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * The route {@code sparrow demo} replays: a VPR data set (corridor layout or Nordland), its query images played
 * as a camera in route order, its ground truth to mark each recognised place right or wrong, and a place
 * recogniser trained on its reference images — trained once and cached, because training is the one slow step
 * (about a minute for the 111-place corridor on two cores).
 *
 * @param dataset the places kept (every place of the data set, or the first {@code places})
 */
public record DemoRoute(VprDataset dataset) {

    /** Opens {@code dir} and keeps its first {@code places} places (0 = all). */
    public static DemoRoute open(Path dir, int places) throws IOException {
        VprDataset all = VprDataset.open(dir);
        if (places < 0 || places == 1) {
            throw new IllegalArgumentException("--places " + places + ": give 0 (all) or at least 2");
        }
        return new DemoRoute(places == 0 || places >= all.places() ? all : all.select(places, 1));
    }

    /** The camera frames: the query images in route order. */
    public List<Path> frames() {
        return dataset.queries();
    }

    /** Whether {@code place} is a right answer for frame {@code frame} of the route (the ground truth's tolerance). */
    public boolean correct(long frame, int place) {
        int[] matches = dataset.matches()[(int) (frame % dataset.queryCount())];
        for (int m : matches) {
            if (m == place) {
                return true;
            }
        }
        return false;
    }

    /**
     * The recogniser's file in {@code cacheDir}, trained first when no earlier run left it there. The cache
     * key covers the data set's reference files (names, sizes, modification times) and the training
     * configuration, so a changed data set is trained again.
     */
    public Path trainedNetwork(Path cacheDir, ProgressListener progress, Consumer<String> log) throws IOException {
        SnnConfig config = SnnConfig.defaults();
        int epochStep = 10;
        Path cached = cacheDir.resolve("demo-" + key(config, epochStep) + ".snn");
        if (Files.isRegularFile(cached)) {
            log.accept("recogniser: " + cached + " (cached; delete it to train again)");
            return cached;
        }
        log.accept(String.format("recogniser: training on the %d reference images of %s (once: about a second per "
                + "place on two cores; cached in %s)", dataset.places(), dataset.root(), cacheDir));
        long t0 = System.nanoTime();
        SplitData split = SplitData.of(dataset, PlaceSplit.vprsnn(dataset.places()));
        ModularNetwork network = ModularNetwork.train(config, split.references(), split.placeOfReference(),
                split.calibrationQueries(), split.calibrationPlaces(), epochStep, progress);
        Files.createDirectories(cacheDir);
        Path partial = Files.createTempFile(cacheDir, "demo-", ".snn.partial");
        try {
            network.save(partial);
            Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        log.accept(String.format("recogniser: trained in %.1f s, saved to %s", (System.nanoTime() - t0) / 1e9, cached));
        return cached;
    }

    private String key(SnnConfig config, int epochStep) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((config + "|epoch-step " + epochStep + "|places " + dataset.places()).getBytes(StandardCharsets.UTF_8));
            for (Path reference : dataset.references()) {
                sha.update((reference.toAbsolutePath() + "|" + Files.size(reference) + "|"
                        + Files.getLastModifiedTime(reference).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
