package dev.sparrow.snn;

import dev.sparrow.snn.data.Preprocessor;
import dev.sparrow.snn.net.Ensemble;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Place recognition frame by frame, as a robot needs it: a trained network or ensemble, a camera frame in, the
 * recognised place out.
 *
 * <p>Each frame is preprocessed (VPRSNN: 28×28 grey, patch-normalised), presented to every module of every member,
 * and scored over all places (ensemble members' scores summed). With a sequence length L &gt; 1 the decision uses
 * the last L frames along the route's diagonal — the frame k steps back is compared with the place k steps before
 * — exactly as {@link dev.sparrow.snn.eval.SequenceMatcher} does offline, so a stream of frames gets the decisions
 * the evaluation reports. Frames must therefore come in route order, one per place step; call {@link #reset()}
 * when a new traverse starts.
 *
 * <p>Not thread-safe (it keeps the sequence history); the simulation itself runs on the network's worker threads.
 */
public final class PlaceRecognizer {
    private final Ensemble ensemble;
    private final int sequenceLength;
    /** Scores of the last {@code sequenceLength} frames, row {@code frame % sequenceLength}. */
    private final float[][] history;
    private long frames;

    /**
     * One recognised frame.
     *
     * @param frame          index of the frame since the start or the last {@link #reset()}
     * @param place          recognised place (0..places-1), the best (sequence-matched) score
     * @param score          that score: mean spike count of the place's neurons, summed over members and averaged
     *                       over the frames of the sequence window
     * @param margin         score minus the second-best place's score; 0 means a tie (no evidence to choose)
     * @param sequenceFrames frames that went into the decision: min(L, frames seen, place + 1)
     * @param nanos          wall time spent on this frame, preprocessing included
     */
    public record Recognition(long frame, int place, float score, float margin, int sequenceFrames, long nanos) {
    }

    private PlaceRecognizer(Ensemble ensemble, int sequenceLength) {
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequence length must be at least 1, got " + sequenceLength);
        }
        this.ensemble = ensemble;
        this.sequenceLength = sequenceLength;
        this.history = new float[sequenceLength][];
    }

    /** Recognises with a trained network or ensemble. */
    public static PlaceRecognizer of(Ensemble ensemble, int sequenceLength) {
        return new PlaceRecognizer(ensemble, sequenceLength);
    }

    /** Loads a file written by {@code sparrow snn train} (network or ensemble). */
    public static PlaceRecognizer load(Path model, int sequenceLength) throws IOException {
        return new PlaceRecognizer(Ensemble.read(model), sequenceLength);
    }

    public int places() {
        return ensemble.places();
    }

    public int sequenceLength() {
        return sequenceLength;
    }

    /** Forgets the sequence history: the next frame starts a new traverse. */
    public void reset() {
        Arrays.fill(history, null);
        frames = 0;
    }

    /** Preprocesses a camera frame of any size and recognises it. */
    public Recognition recognise(BufferedImage frame) {
        long t0 = System.nanoTime();
        return decide(ensemble.scores(Preprocessor.preprocess(frame)), t0);
    }

    /** Recognises a frame already preprocessed to {@link Preprocessor#PIXELS} values in 0..255. */
    public Recognition recognise(float[] preprocessed) {
        long t0 = System.nanoTime();
        return decide(ensemble.scores(preprocessed), t0);
    }

    private Recognition decide(float[] scores, long t0) {
        long frame = frames++;
        history[(int) (frame % sequenceLength)] = scores;
        int best = -1;
        float bestScore = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        int bestFrames = 1;
        for (int p = 0; p < scores.length; p++) {
            int window = (int) Math.min(sequenceLength - 1, Math.min(frame, p)) + 1;
            double sum = 0;
            for (int k = 0; k < window; k++) {
                sum += history[(int) ((frame - k) % sequenceLength)][p - k];
            }
            float s = (float) (sum / window);
            if (s > bestScore) {
                second = bestScore;
                bestScore = s;
                best = p;
                bestFrames = window;
            } else if (s > second) {
                second = s;
            }
        }
        float margin = scores.length > 1 ? bestScore - second : bestScore;
        return new Recognition(frame, best, bestScore, margin, bestFrames, System.nanoTime() - t0);
    }
}
