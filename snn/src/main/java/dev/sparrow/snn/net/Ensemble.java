package dev.sparrow.snn.net;

import dev.sparrow.snn.data.OutputFiles;
import dev.sparrow.snn.data.TrainedOn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An ensemble of independently seeded modular networks (T-RO): member k uses seed {@code cfg.seed + 10 k}
 * (the reference's 0, 10, 20, 30, 40), hence its own shuffled partition, initial weights, delays and calibrated
 * hyperactive threshold. The ensemble score is the element-wise sum of the members' score matrices — the
 * reference sums the raw mean-spike-count scores without further normalisation, so this does too. Higher = better.
 */
public final class Ensemble {
    private final List<ModularNetwork> members;
    /** What the members were trained on; null when unknown (files of format 1, ensembles made in code). */
    private final TrainedOn trainedOn;

    private Ensemble(List<ModularNetwork> members) {
        this(members, null);
    }

    private Ensemble(List<ModularNetwork> members, TrainedOn trainedOn) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one member");
        }
        int places = members.get(0).places();
        for (ModularNetwork m : members) {
            if (m.places() != places) {
                throw new IllegalArgumentException("ensemble members disagree on the number of places: "
                        + places + " vs " + m.places());
            }
        }
        this.members = List.copyOf(members);
        this.trainedOn = trainedOn;
    }

    public static Ensemble of(List<ModularNetwork> members) {
        return new Ensemble(members);
    }

    /** The same members, recording that they were trained on {@code data}. */
    public Ensemble withTrainedOn(TrainedOn data) {
        return new Ensemble(members, data);
    }

    /** What the members were trained on, when the file recorded it (files of format 1 do not). */
    public Optional<TrainedOn> trainedOn() {
        return Optional.ofNullable(trainedOn);
    }

    public static Ensemble train(SnnConfig cfg, int members, float[][] referenceImages, int[] placeOfImage,
                                 float[][] calibrationQueries, int[] calibrationPlace, ProgressListener progress) {
        return train(cfg, members, referenceImages, placeOfImage, calibrationQueries, calibrationPlace, 0, progress);
    }

    /**
     * Members with seeds {@code seed, seed + 10, ...} (Nordland's 0, 10, 20, 30, 40 from seed 0), each trained and
     * calibrated on its own (with {@code epochStep > 0}, each picks its own epoch count, as the T-RO members do).
     */
    public static Ensemble train(SnnConfig cfg, int members, float[][] referenceImages, int[] placeOfImage,
                                 float[][] calibrationQueries, int[] calibrationPlace, int epochStep,
                                 ProgressListener progress) {
        if (members < 1) {
            throw new IllegalArgumentException("members must be >= 1, got " + members);
        }
        List<ModularNetwork> nets = new ArrayList<>();
        for (int k = 0; k < members; k++) {
            ProgressListener tagged = progress == null ? ProgressListener.NONE : progress.prefixed("member " + k + " ");
            nets.add(ModularNetwork.train(cfg.withSeed(cfg.seed() + 10L * k), referenceImages, placeOfImage,
                    calibrationQueries, calibrationPlace, epochStep, tagged));
        }
        return new Ensemble(nets);
    }

    public List<ModularNetwork> members() {
        return members;
    }

    public int places() {
        return members.get(0).places();
    }

    /** Sum of the members' {@code [query][place]} scores. */
    public float[][] scores(float[][] queries) {
        float[][] sum = new float[queries.length][places()];
        for (ModularNetwork m : members) {
            float[][] s = m.scores(queries);
            for (int q = 0; q < queries.length; q++) {
                for (int p = 0; p < sum[q].length; p++) {
                    sum[q][p] += s[q][p];
                }
            }
        }
        return sum;
    }

    /** Sum of the members' scores, each member simulating only its top {@code prefilterModules} modules per query. */
    public float[][] scores(float[][] queries, int prefilterModules) {
        float[][] sum = new float[queries.length][places()];
        for (ModularNetwork m : members) {
            float[][] s = m.scores(queries, prefilterModules);
            for (int q = 0; q < queries.length; q++) {
                for (int p = 0; p < sum[q].length; p++) {
                    sum[q][p] += s[q][p];
                }
            }
        }
        return sum;
    }

    public float[] scores(float[] query) {
        return scores(new float[][] {query})[0];
    }

    public long weightBytes() {
        long total = 0;
        for (ModularNetwork m : members) {
            total += m.weightBytes();
        }
        return total;
    }

    public Ensemble withInt8Weights() {
        List<ModularNetwork> q = new ArrayList<>();
        for (ModularNetwork m : members) {
            q.add(m.withInt8Weights());
        }
        return new Ensemble(q);
    }

    public Ensemble withMode(SimulationMode mode, int threads) {
        List<ModularNetwork> q = new ArrayList<>();
        for (ModularNetwork m : members) {
            q.add(m.withMode(mode, threads));
        }
        return new Ensemble(q);
    }

    /** Writes all members in one atomically replaced, CRC32-checked file. */
    public void save(Path file) throws IOException {
        NetworkFile.writeAtomically(file, NetworkFile.encodeEnsemble(members, trainedOn));
    }

    public static Ensemble load(Path file) throws IOException {
        byte[] data = NetworkFile.readChecked(file, NetworkFile.ENSEMBLE_MAGIC);
        return new Ensemble(NetworkFile.decodeEnsemble(file, data), NetworkFile.trainedOn(file, data));
    }

    /**
     * Reads either kind of file written by {@code sparrow snn train}: an ensemble file (magic "SNNE"), or a network
     * file as an ensemble of one. Anything else goes to the network reader, which names the problem.
     */
    public static Ensemble read(Path file) throws IOException {
        NetworkFile.checkReadable(file);
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(magic, 0, 4) == 4 && Arrays.equals(magic, NetworkFile.ENSEMBLE_MAGIC)) {
                return load(file);
            }
        }
        byte[] data = NetworkFile.readChecked(file, NetworkFile.NETWORK_MAGIC);
        return new Ensemble(List.of(NetworkFile.decodeNetwork(file, data)), NetworkFile.trainedOn(file, data));
    }

    /**
     * Fails, naming the reason, when a network or ensemble file could not be saved at {@code file} (a
     * directory, a folder that is a file or not writable): checked before training, not after it.
     */
    public static void checkWritable(Path file) throws IOException {
        OutputFiles.checkWritable(file, "the network");
    }
}
