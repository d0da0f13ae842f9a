package dev.sparrow.kernels.f32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GemmTest {

    static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void vectorAndScalarAgreeOnOddShapesWithStridesAndPanelRanges() {
        Random r = new Random(1);
        // includes one-vector panels (n = L, L/2 + 1, 3L) with depth past one chunk and rows past one block
        int[][] shapes = {{1, 1, 1}, {7, 3, 5}, {13, 27, 33}, {6, 300, 17}, {101, 513, 2 * Gemm.NR + 3}, {5, 9, Gemm.NR},
                {29, 70, Gemm.L}, {25, 40, Gemm.L / 2 + 1}, {113, 300, 3 * Gemm.L},
                // narrow last panels stored through lane masks (face detectors' 8-, 24- and 4-output layers)
                {37, 32, 8}, {50, 48, 24}, {30, 16, 4}, {41, 20, Gemm.L + Gemm.L / 2},
                // partial last panels with the depth cut into chunks (they take the edge buffer, not masks)
                {20, 1100, Gemm.L + Gemm.L / 2 + 1}, {26, 1100, 2 * Gemm.L + 3},
                // pairs of full two-vector panels (four-vector tiles), an odd panel left over, rows left over
                {23, 40, 5 * Gemm.NR}, {7, 600, 4 * Gemm.NR}, {103, 16, 4 * Gemm.NR + Gemm.L},
                // quadruples and triples of full one-vector panels, the same
                {37, 300, 7 * Gemm.L}, {10, 40, 5 * Gemm.L}, {99, 24, 7 * Gemm.L - 3}, {22, 20, 3 * Gemm.L},
                {15, 33, 11 * Gemm.L}, {31, 50, 9 * Gemm.L}, {12, 70, 13 * Gemm.L}};
        for (int[] s : shapes) {
            int rows = s[0], k = s[1], n = s[2];
            int lda = k + 3, ldc = n + 2;
            float[] a = random(r, 4 + rows * lda);
            PackedWeights w = PackedWeights.fromRowsByOutput(random(r, n * k), k, n, random(r, n));
            float[] cv = new float[5 + rows * ldc];
            float[] cs = new float[5 + rows * ldc];
            float lo = -0.5f, hi = 1.5f;
            Gemm.multiply(a, 4, lda, rows, w, 0, w.panels(), cv, 5, ldc, lo, hi);
            Gemm.multiplyScalar(a, 4, lda, rows, w, 0, w.panels(), cs, 5, ldc, lo, hi);
            assertArrayEquals(cs, cv, 0f, "rows " + rows + " k " + k + " n " + n);
            // a panel range touches only its columns
            float[] cp = new float[cv.length];
            int p0 = w.panels() / 2;
            Gemm.multiply(a, 4, lda, rows, w, p0, w.panels(), cp, 5, ldc, lo, hi);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    float expected = j >= p0 * w.panelWidth() ? cs[5 + i * ldc + j] : 0f;
                    assertEquals(expected, cp[5 + i * ldc + j], 0f);
                }
            }
        }
    }

    @Test
    void clampMatchesMathMaxMinForEveryFusedActivation() {
        float[][] bounds = {{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f, Float.POSITIVE_INFINITY}, {0f, 6f},
                {-1f, 1f}};
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 6f, -1f, 1f,
                Float.MIN_VALUE, -Float.MIN_VALUE, 5.9999995f, 6.0000005f};
        Random r = new Random(4);
        for (float[] b : bounds) {
            for (int i = 0; i < special.length + 1000; i++) {
                float x = i < special.length ? special[i] : (float) (r.nextGaussian() * 4);
                float expected = Math.min(Math.max(x, b[0]), b[1]);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(Gemm.clamp(x, b[0], b[1])),
                        x + " clamped to [" + b[0] + ", " + b[1] + "]");
            }
        }
        // and the vector tiles clamp the same: signed zeros and NaN from the bias, through every micro-tile kind
        for (int n : new int[] {8, 24, 2 * Gemm.NR, Gemm.L}) {
            int rows = 29, k = 5;
            float[] a = new float[rows * k];
            for (int i = 0; i < a.length; i++) {
                a[i] = i / k % 3 == 0 ? 0f : (float) r.nextGaussian();
            }
            float[] bias = random(r, n);
            bias[0] = -0f;
            bias[n - 1] = Float.NaN;
            PackedWeights w = PackedWeights.fromRowsByOutput(random(r, n * k), k, n, bias);
            for (float[] b : bounds) {
                float[] raw = new float[rows * n];
                float[] clamped = new float[rows * n];
                Gemm.multiply(a, 0, k, rows, w, 0, w.panels(), raw, 0, n, Float.NEGATIVE_INFINITY,
                        Float.POSITIVE_INFINITY);
                Gemm.multiply(a, 0, k, rows, w, 0, w.panels(), clamped, 0, n, b[0], b[1]);
                for (int i = 0; i < raw.length; i++) {
                    assertEquals(Float.floatToRawIntBits(Math.min(Math.max(raw[i], b[0]), b[1])),
                            Float.floatToRawIntBits(clamped[i]), "n " + n + " element " + i);
                }
            }
        }
    }

    @Test
    void scalarMatchesDoubleReference() {
        Random r = new Random(2);
        int rows = 9, k = 41, n = 19;
        float[] a = random(r, rows * k);
        float[] wt = random(r, n * k);
        float[] bias = random(r, n);
        PackedWeights w = PackedWeights.fromRowsByOutput(wt, k, n, bias);
        float[] c = new float[rows * n];
        Gemm.multiplyScalar(a, 0, k, rows, w, 0, w.panels(), c, 0, n, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                double acc = bias[j];
                for (int kk = 0; kk < k; kk++) {
                    acc += (double) a[i * k + kk] * wt[j * k + kk];
                }
                assertEquals(acc, c[i * n + j], 1e-4);
            }
        }
    }
}
