package dev.sparrow.snn.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * What a network was trained on, recorded in its file: a network evaluated on another route or another
 * stride scores every query against the wrong places and reports R@1 0.000 as if it were a result.
 *
 * @param dataSet     the data set folder as given to training, for messages only (folders move)
 * @param places      places selected for training
 * @param every       the stride, every K-th place
 * @param fingerprint the first 8 bytes of SHA-256 over the selected reference images' file names and sizes,
 *                    in route order: the same images in the same order give the same fingerprint wherever the
 *                    folder is, a different route, stride or an extra image gives another
 */
public record TrainedOn(String dataSet, int places, int every, long fingerprint) {
    /** Longest {@link #dataSet} stored, in UTF-8 bytes. */
    public static final int MAX_DATA_SET_BYTES = 4096;

    public TrainedOn {
        if (places < 1 || every < 1) {
            throw new IllegalArgumentException("need places >= 1 and every >= 1, got places=" + places + " every=" + every);
        }
        if (dataSet.getBytes(StandardCharsets.UTF_8).length > MAX_DATA_SET_BYTES) {
            throw new IllegalArgumentException("data set name longer than " + MAX_DATA_SET_BYTES + " bytes");
        }
    }

    /** The record of a selected data set ({@link VprDataset#select}) read from {@code dataSet}. */
    public static TrainedOn of(String dataSet, VprDataset selected, int every) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (Path reference : selected.references()) {
            sha256.update(reference.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(ByteBuffer.allocate(8).putLong(Files.size(reference)).array());
        }
        long fingerprint = ByteBuffer.wrap(sha256.digest()).getLong();
        return new TrainedOn(dataSet, selected.places(), every, fingerprint);
    }

    /** Whether {@code other} selects the same reference images (the data set's name may differ). */
    public boolean sameImages(TrainedOn other) {
        return places == other.places && every == other.every && fingerprint == other.fingerprint;
    }

    /** E.g. {@code data/corridor (60 places, every 1, references 3f2a…)}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s (%d places, every %d, references %016x)", dataSet, places, every,
                fingerprint);
    }
}
