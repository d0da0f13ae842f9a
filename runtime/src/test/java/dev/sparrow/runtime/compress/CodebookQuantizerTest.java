package dev.sparrow.runtime.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Palette;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodebookQuantizerTest {

    @Test
    void fewDistinctValuesAreKeptExactly() {
        float[] w = {0.5f, -1f, 0.5f, 2f, -1f, 2f, 2f};
        Palette p = CodebookQuantizer.palettise(w, 1, w.length, 16, 1);
        assertEquals(3, p.entries());
        assertArrayEquals(w, p.decode(w.length));
    }

    @Test
    void clustersSeparatedValuesAndIsDeterministic() {
        Random r = new Random(3);
        float[] w = new float[3000];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 3 - 1) * 10f + (float) r.nextGaussian() * 0.01f;
        }
        Palette p = CodebookQuantizer.palettise(w, 1, w.length, 3, 7);
        float[] decoded = p.decode(w.length);
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], decoded[i], 0.05f, "value " + i);
        }
        Palette again = CodebookQuantizer.palettise(w, 1, w.length, 3, 7);
        assertArrayEquals(p.codebook(), again.codebook());
        assertArrayEquals(p.indices(), again.indices());
    }

    @Test
    void channelsOnDifferentScalesKeepTheirRelativePrecision() {
        // Three channels as the last dimension (a depthwise filter's layout), 1000× apart.
        Random r = new Random(5);
        float[] w = new float[3 * 400];
        float[] magnitude = {1e-3f, 1f, 1e3f};
        for (int i = 0; i < w.length; i++) {
            w[i] = magnitude[i % 3] * (float) r.nextGaussian();
        }
        Palette p = CodebookQuantizer.palettise(w, 3, 1, 16, 1);
        assertEquals(3, p.scales().length);
        float[] d = p.decode(w.length);
        double[] mean = new double[3];
        for (int i = 0; i < w.length; i++) {
            mean[i % 3] += Math.abs(w[i] - d[i]) / p.scales()[i % 3] / 400;
        }
        // Gaussian values at K = 16 land within about 2 % of the channel's largest |weight|, whatever its scale.
        for (int c = 0; c < 3; c++) {
            assertTrue(mean[c] < 0.03, "channel " + c + ": mean error " + mean[c] + " of its largest |weight|");
        }
    }

    @Test
    void prunedWeightsStayExactlyZero() {
        Random r = new Random(6);
        float[] w = new float[2000];
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 10 < 7 ? 0f : (float) r.nextGaussian();
        }
        Palette p = CodebookQuantizer.palettise(w, 4, 500, 16, 1);
        float[] d = p.decode(w.length);
        for (int i = 0; i < w.length; i++) {
            if (w[i] == 0f) {
                assertEquals(0f, d[i], 0f, "value " + i);
            }
        }
        float[] allZero = CodebookQuantizer.palettise(new float[10], 1, 10, 16, 1).decode(10);
        assertArrayEquals(new float[10], allZero);
    }

    @Test
    void moreEntriesDeviateLess() {
        Random r = new Random(4);
        float[] w = new float[5000];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        double previous = Double.POSITIVE_INFINITY;
        for (int k : new int[] {2, 4, 16, 64, 256}) {
            float[] d = CodebookQuantizer.palettise(w, 1, w.length, k, 1).decode(w.length);
            double sse = 0;
            for (int i = 0; i < w.length; i++) {
                sse += (w[i] - d[i]) * (w[i] - d[i]);
            }
            assertTrue(sse < previous, "K " + k + ": " + sse + " after " + previous);
            previous = sse;
        }
    }

    @Test
    void palettisesConvolutionsDepthwiseAndFullyConnectedOnly() throws Exception {
        Model model = TfliteReader.read(SharedData.model("face_detection_short_range.tflite"));
        CodebookQuantizer.Result result = CodebookQuantizer.quantize(model, 16);
        int palettised = 0;
        for (Tensor t : result.model().tensors()) {
            if (t.palette() != null) {
                palettised++;
                assertEquals(4, t.palette().bits());
                assertNull(t.data());
                boolean depthwise = t.name().startsWith("depthwise");
                assertEquals(depthwise ? t.dim(3) : t.dim(0), t.palette().scales().length, t.describe());
                assertEquals(depthwise ? 1 : t.elementCount() / t.dim(0), t.palette().stride(), t.describe());
            }
        }
        assertEquals(37, palettised, "every conv and depthwise filter of the face detector");
        assertTrue(result.floatLayers().isEmpty(), result.floatLayers().toString());
    }
}
