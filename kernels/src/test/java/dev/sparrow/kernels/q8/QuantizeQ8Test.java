package dev.sparrow.kernels.q8;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector QUANTIZE rules against their scalar twins, on exact halves, out-of-range values and tails. */
class QuantizeQ8Test {

    /** Random values, a third of them exact halves of the step (ties) and some far outside the range. */
    private static float[] values(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (r.nextInt(3)) {
                case 0 -> (r.nextInt(600) - 300 + 0.5f) * scale;
                case 1 -> (float) (r.nextGaussian() * 400 * scale);
                default -> (float) (r.nextDouble() * 2 - 1);
            };
        }
        return x;
    }

    @Test
    void vectorRulesMatchScalarTwinsForInt8AndUint8() {
        Random r = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            // Powers of two make x / s exact, so the halves stay ties; other scales test the double division.
            float scale = r.nextBoolean() ? (float) Math.scalb(1.0, -r.nextInt(10))
                    : (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(10));
            boolean unsigned = r.nextInt(3) == 0;
            int qmin = unsigned ? 0 : -128, qmax = unsigned ? 255 : 127;
            int zp = qmin + r.nextInt(256);
            int n = 1 + r.nextInt(120);
            float[] x = values(r, n + 3, scale);
            byte[] vector = new byte[n + 2], scalar = new byte[n + 2];
            QuantizeQ8.tflite(x, 3, vector, 2, n, scale, zp, qmin, qmax);
            QuantizeQ8.tfliteScalar(x, 3, scalar, 2, n, scale, zp, qmin, qmax);
            assertArrayEquals(scalar, vector, "TFLite rule, trial " + trial + " scale " + scale + " zp " + zp);
            QuantizeQ8.xnnpack(x, 3, vector, 2, n, 1.0f / scale, zp, qmin, qmax);
            QuantizeQ8.xnnpackScalar(x, 3, scalar, 2, n, 1.0f / scale, zp, qmin, qmax);
            assertArrayEquals(scalar, vector, "XNNPACK rule, trial " + trial + " scale " + scale + " zp " + zp);
        }
    }

    @Test
    void tiesGoAwayFromZeroInTfliteRuleAndToEvenInXnnpackRule() {
        float[] x = {2.5f, -2.5f, 3.5f, -3.5f, 0.5f, -0.5f, 1000f, -1000f};
        byte[] tflite = new byte[x.length], xnnpack = new byte[x.length];
        QuantizeQ8.tflite(x, 0, tflite, 0, x.length, 1f, 0, -128, 127);
        QuantizeQ8.xnnpack(x, 0, xnnpack, 0, x.length, 1f, 0, -128, 127);
        assertArrayEquals(new byte[] {3, -3, 4, -4, 1, -1, 127, -128}, tflite);
        assertArrayEquals(new byte[] {2, -2, 4, -4, 0, 0, 127, -128}, xnnpack);
    }
}
