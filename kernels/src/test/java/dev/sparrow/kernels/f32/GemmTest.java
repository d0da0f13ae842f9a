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
                {20, 1100, Gemm.L + Gemm.L / 2 + 1}, {26, 1100, 2 * Gemm.L + 3}};
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
