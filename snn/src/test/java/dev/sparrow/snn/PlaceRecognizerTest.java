package dev.sparrow.snn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.snn.data.Preprocessor;
import dev.sparrow.snn.eval.SequenceMatcher;
import dev.sparrow.snn.net.Ensemble;
import dev.sparrow.snn.net.SimulationMode;
import dev.sparrow.snn.net.SnnConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frame-by-frame recognition must make the decisions the offline evaluation reports. */
class PlaceRecognizerTest {
    private static final int PLACES = 12;
    private static final SnnConfig CFG = new SnnConfig(28, 28, 40, 4, 10, 5L, SimulationMode.FAST, 2);
    private static BufferedImage[] scenes;
    private static Ensemble ensemble;

    @BeforeAll
    static void train() {
        SplittableRandom rnd = new SplittableRandom(3);
        scenes = new BufferedImage[PLACES];
        for (int p = 0; p < PLACES; p++) {
            scenes[p] = new BufferedImage(56, 40, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 56; x++) {
                    scenes[p].setRGB(x, y, rnd.nextInt(1 << 24));
                }
            }
        }
        float[][] references = new float[PLACES][];
        for (int p = 0; p < PLACES; p++) {
            references[p] = Preprocessor.preprocess(scenes[p]);
        }
        int[] placeOf = IntStream.range(0, PLACES).toArray();
        ensemble = Ensemble.train(CFG, 2, references, placeOf, null, null, null);
    }

    /** Queries: the route once more, every frame slightly changed. */
    private static float[][] route() {
        SplittableRandom rnd = new SplittableRandom(9);
        float[][] queries = new float[PLACES][];
        for (int p = 0; p < PLACES; p++) {
            queries[p] = Preprocessor.preprocess(scenes[p]);
            for (int i = 0; i < queries[p].length; i++) {
                queries[p][i] = Math.max(0f, Math.min(255f, queries[p][i] + rnd.nextInt(-20, 21)));
            }
        }
        return queries;
    }

    @Test
    void streamDecisionsEqualTheOfflineSequenceMatching() {
        float[][] queries = route();
        float[][] offline = ensemble.scores(queries);
        for (int length : new int[] {1, 3}) {
            float[][] matched = SequenceMatcher.apply(offline, length);
            PlaceRecognizer recognizer = PlaceRecognizer.of(ensemble, length);
            int correct = 0;
            for (int q = 0; q < queries.length; q++) {
                PlaceRecognizer.Recognition r = recognizer.recognise(queries[q]);
                assertEquals(q, r.frame());
                assertEquals(firstBest(matched[q]), r.place(), "L=" + length + " frame " + q);
                assertEquals(matched[q][r.place()], r.score(), 1e-6f);
                assertTrue(r.margin() >= 0, "margin " + r.margin());
                assertEquals(Math.min(length, Math.min(q, r.place()) + 1), r.sequenceFrames());
                if (r.place() == q) {
                    correct++;
                }
            }
            assertTrue(correct >= PLACES / 2, "L=" + length + ": recognised " + correct + " of " + PLACES);
        }
    }

    private static int firstBest(float[] scores) {
        int best = 0;
        for (int p = 1; p < scores.length; p++) {
            if (scores[p] > scores[best]) {
                best = p;
            }
        }
        return best;
    }

    @Test
    void resetStartsANewTraverse() {
        float[][] queries = route();
        PlaceRecognizer recognizer = PlaceRecognizer.of(ensemble, 4);
        PlaceRecognizer.Recognition first = recognizer.recognise(queries[5]);
        recognizer.recognise(queries[6]);
        recognizer.reset();
        PlaceRecognizer.Recognition again = recognizer.recognise(queries[5]);
        assertEquals(0, again.frame());
        assertEquals(first.place(), again.place());
        assertEquals(first.score(), again.score());
        assertEquals(1, again.sequenceFrames());
    }

    @Test
    void cameraFramesAreThePreprocessedImages() {
        PlaceRecognizer recognizer = PlaceRecognizer.of(ensemble, 1);
        for (int p = 0; p < 3; p++) {
            PlaceRecognizer.Recognition fromImage = recognizer.recognise(scenes[p]);
            PlaceRecognizer.Recognition fromPixels = recognizer.recognise(Preprocessor.preprocess(scenes[p]));
            assertEquals(fromPixels.place(), fromImage.place());
            assertEquals(fromPixels.score(), fromImage.score());
        }
    }

    @Test
    void loadsNetworkAndEnsembleFiles(@TempDir Path dir) throws IOException {
        Path both = dir.resolve("ensemble.snn");
        Path one = dir.resolve("member0.snn");
        ensemble.save(both);
        ensemble.members().getFirst().save(one);
        float[][] queries = route();
        PlaceRecognizer fromFile = PlaceRecognizer.load(both, 2);
        PlaceRecognizer inMemory = PlaceRecognizer.of(ensemble, 2);
        PlaceRecognizer single = PlaceRecognizer.load(one, 1);
        PlaceRecognizer singleInMemory = PlaceRecognizer.of(Ensemble.of(List.of(ensemble.members().getFirst())), 1);
        assertEquals(PLACES, fromFile.places());
        for (float[] q : queries) {
            assertEquals(inMemory.recognise(q).place(), fromFile.recognise(q).place());
            assertEquals(singleInMemory.recognise(q).score(), single.recognise(q).score());
        }
        IOException missing = assertThrows(IOException.class, () -> PlaceRecognizer.load(dir.resolve("none.snn"), 1));
        assertTrue(missing.getMessage().contains("none.snn"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PlaceRecognizer.of(ensemble, 0));
    }
}
