package dev.sparrow.kernels.q8;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Pooling, softmax and ADD edge cases from int8-rounding.md §7.1 (items 8 and 10). */
class SmallKernelsTest {

    @Test
    void averageRoundsHalfAwayFromZeroOverInBoundsTaps() {
        byte[] in = {1, 2, -1, -2};
        byte[] out = new byte[2];
        // 1×2 image with 2 channels pooled by a 1×2 window: sums 3 and −3 over n = 2.
        byte[] img = {in[0], in[2], in[1], in[3]};
        PoolQ8.average(img, 0, 1, 2, 2, out, 0, 1, 1, 1, 2, 1, 2, 0, 0, -128, 127);
        assertArrayEquals(new byte[] {2, -2}, out);
    }

    @Test
    void averageOfAllMinimumStaysMinimumForLargeWindows() {
        for (int k : new int[] {16, 17}) {
            byte[] in = new byte[k * k];
            Arrays.fill(in, (byte) -128);
            byte[] out = new byte[1];
            PoolQ8.average(in, 0, k, k, 1, out, 0, 1, 1, k, k, 1, 1, 0, 0, -128, 127);
            assertEquals(-128, out[0]);
        }
    }

    @Test
    void samePaddingCornersCountOnlyRealCells() {
        byte[] in = {10, 20, 30, 40};
        byte[] avg = new byte[4], max = new byte[4];
        PoolQ8.average(in, 0, 2, 2, 1, avg, 0, 2, 2, 3, 3, 1, 1, 1, 1, -128, 127);
        PoolQ8.max(in, 0, 2, 2, 1, max, 0, 2, 2, 3, 3, 1, 1, 1, 1, -128, 127);
        assertArrayEquals(new byte[] {25, 25, 25, 25}, avg);
        assertArrayEquals(new byte[] {40, 40, 40, 40}, max);
    }

    @Test
    void softmaxOfEqualValuesSharesProbability() {
        SoftmaxQ8 s = new SoftmaxQ8(0.1f, 1f, 1f / 256, -128);
        byte[] in = {5, 5, 5, 5, 7};
        byte[] out = new byte[5];
        s.run(in, 0, out, 0, 1, 4);
        s.run(in, 4, out, 4, 1, 1);
        assertArrayEquals(new byte[] {-64, -64, -64, -64, 127}, out);
    }

    @Test
    void softmaxWithManyTiesAtMinimum() {
        SoftmaxQ8 s = new SoftmaxQ8(0.5f, 2f, 1f / 256, -128);
        byte[] in = new byte[10];
        Arrays.fill(in, (byte) -128);
        in[3] = 127;
        byte[] out = new byte[10];
        s.run(in, 0, out, 0, 1, 10);
        assertEquals(127, out[3]);
        assertEquals(-128, out[0]);
    }

    @Test
    void preluScalesEachSideByItsOwnMultiplierAndRoundsTiesAwayFromZero() {
        // Input step 0.5, slope step 0.25, output step 0.5: identity multiplier 1, slope side 0.25.
        PreluQ8.Params p = PreluQ8.params(0.5f, 0, 0.25f, 0, 0.5f, 0);
        byte[] x = {4, -4, -3, -2, 2, -128};
        byte[] alpha = {2, 1};
        byte[] out = new byte[6];
        PreluQ8.run(x, 0, 1, alpha, 0, 0, out, 0, 1, p);
        PreluQ8.run(x, 1, 1, alpha, 0, 0, out, 1, 1, p);
        PreluQ8.run(x, 2, 1, alpha, 1, 0, out, 2, 4, p);
        // −4·2·0.25 = −2; −3·1·0.25 = −0.75 → −1; −2·0.25 = −0.5 → −1 (away from zero); −128·0.25 = −32.
        assertArrayEquals(new byte[] {4, -2, -1, -1, 2, -32}, out);
    }

    @Test
    void preluClampsToInt8AfterTheOutputZeroPoint() {
        PreluQ8.Params p = PreluQ8.params(0.1f, -128, 0.01f, 0, 0.05f, 100);
        byte[] x = {127, -128};
        byte[] out = new byte[2];
        PreluQ8.run(x, 0, 1, new byte[] {50}, 0, 0, out, 0, 2, p);
        assertArrayEquals(new byte[] {127, 100}, out);
    }

    @Test
    void addOfEqualScalesIsExactSum() {
        AddQ8.TfliteParams p = AddQ8.tfliteParams(0.05f, 3, 0.05f, -2, 0.1f, 1, -128, 127);
        byte[] a = {13, 3, -7, 100}, b = {8, -2, -12, 90};
        byte[] out = new byte[4];
        AddQ8.tflite(a, 0, 1, b, 0, 1, out, 0, 4, p);
        // real values 0.5+0.5, 0, −0.5−0.5, 4.85+4.6 → output units of 0.1 plus zero point 1.
        assertArrayEquals(new byte[] {11, 1, -9, 96}, out);
        AddQ8.XnnpackParams x = AddQ8.xnnpackParams(0.05f, 3, 0.05f, -2, 0.1f, 1, -128, 127);
        byte[] xo = new byte[4];
        AddQ8.xnnpack(a, 0, 1, b, 0, 1, xo, 0, 4, x);
        assertArrayEquals(new byte[] {11, 1, -9, 96}, xo);
    }

    @Test
    void addBroadcastsWithStepZero() {
        AddQ8.TfliteParams p = AddQ8.tfliteParams(1f, 0, 1f, 0, 1f, 0, -128, 127);
        byte[] a = {1, 2, 3}, b = {10};
        byte[] out = new byte[3];
        AddQ8.tflite(a, 0, 1, b, 0, 0, out, 0, 3, p);
        assertArrayEquals(new byte[] {11, 12, 13}, out);
    }

    @Test
    void vectorAddMatchesScalarTwin() {
        java.util.Random r = new java.util.Random(8);
        for (int trial = 0; trial < 300; trial++) {
            float sa = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(9));
            float sb = r.nextInt(4) == 0 ? sa : (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(9));
            float so = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(7));
            int zpA = r.nextInt(256) - 128, zpB = r.nextInt(256) - 128, zpO = r.nextInt(256) - 128;
            int lo = r.nextBoolean() ? -128 : Math.max(-128, zpO);
            AddQ8.TfliteParams p;
            try {
                p = AddQ8.tfliteParams(sa, zpA, sb, zpB, so, zpO, lo, 127);
            } catch (IllegalArgumentException e) {
                continue;
            }
            int n = 1 + r.nextInt(100);
            byte[] a = new byte[n + 3], b = new byte[n + 1];
            r.nextBytes(a);
            r.nextBytes(b);
            byte[] vector = new byte[n + 2], scalar = new byte[n + 2];
            AddQ8.tflite(a, 3, 1, b, 1, 1, vector, 2, n, p);
            AddQ8.tfliteScalar(a, 3, 1, b, 1, 1, scalar, 2, n, p);
            assertArrayEquals(scalar, vector, "trial " + trial + " " + p);
        }
    }

    @Test
    void vectorPreluMatchesScalarTwin() {
        java.util.Random r = new java.util.Random(13);
        for (int trial = 0; trial < 400; trial++) {
            // Identity ratios from 2^-9 to 2^4 (left shifts too), slope scales down to 2^-12.
            float si = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(9));
            float sa = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(12));
            float so = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(14) + 4);
            PreluQ8.Params p = PreluQ8.params(si, r.nextInt(256) - 128, sa, r.nextInt(256) - 128, so,
                    r.nextInt(256) - 128);
            int n = 1 + r.nextInt(100);
            int aStep = r.nextInt(3) == 0 ? 0 : 1;
            byte[] x = new byte[n + 3], alpha = new byte[n + 1];
            r.nextBytes(x);
            r.nextBytes(alpha);
            byte[] vector = new byte[n + 2], scalar = new byte[n + 2];
            PreluQ8.run(x, 3, 1, alpha, 1, aStep, vector, 2, n, p);
            PreluQ8.runScalar(x, 3, 1, alpha, 1, aStep, scalar, 2, n, p);
            assertArrayEquals(scalar, vector, "trial " + trial + " " + p + " slope step " + aStep);
        }
    }

    @Test
    void vectorMulMatchesScalarTwins() {
        java.util.Random r = new java.util.Random(21);
        for (int trial = 0; trial < 400; trial++) {
            // Real multipliers from about 2^-16 to 2^7 (XNNPACK takes up to 2^8), so that both shift directions occur.
            float sa = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(8));
            float sb = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(8));
            float so = (float) Math.scalb(0.5 + r.nextDouble(), -r.nextInt(6) + 1);
            int zpA = r.nextInt(256) - 128, zpB = r.nextInt(256) - 128, zpO = r.nextInt(256) - 128;
            int lo = r.nextBoolean() ? -128 : Math.max(-128, zpO);
            int n = 1 + r.nextInt(100);
            int aStep = r.nextInt(4) == 0 ? 0 : 1;
            int bStep = aStep == 0 || r.nextBoolean() ? 1 : 0;
            byte[] a = new byte[n + 3], b = new byte[n + 1];
            r.nextBytes(a);
            r.nextBytes(b);
            MulQ8.TfliteParams t = MulQ8.tfliteParams(sa, zpA, sb, zpB, so, zpO, lo, 127);
            byte[] vector = new byte[n + 2], scalar = new byte[n + 2];
            MulQ8.tflite(a, 3, aStep, b, 1, bStep, vector, 2, n, t);
            MulQ8.tfliteScalar(a, 3, aStep, b, 1, bStep, scalar, 2, n, t);
            assertArrayEquals(scalar, vector, "trial " + trial + " " + t + " steps " + aStep + ", " + bStep);
            MulQ8.XnnpackParams x = MulQ8.xnnpackParams(sa, zpA, sb, zpB, so, zpO, lo, 127);
            MulQ8.xnnpack(a, 3, aStep, b, 1, bStep, vector, 2, n, x);
            MulQ8.xnnpackScalar(a, 3, aStep, b, 1, bStep, scalar, 2, n, x);
            assertArrayEquals(scalar, vector, "trial " + trial + " " + x + " steps " + aStep + ", " + bStep);
        }
    }

    @Test
    void vectorPoolsMatchScalarTwins() {
        java.util.Random r = new java.util.Random(34);
        for (int trial = 0; trial < 200; trial++) {
            int inH = 1 + r.nextInt(9), inW = 1 + r.nextInt(9), c = 1 + r.nextInt(70);
            int kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3), sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(2);
            int padTop = r.nextInt(kh), padLeft = r.nextInt(kw);
            int outH = (inH + padTop - 1) / sh + 1, outW = (inW + padLeft - 1) / sw + 1;
            int lo = r.nextBoolean() ? -128 : r.nextInt(100) - 50, hi = r.nextBoolean() ? 127 : lo + r.nextInt(60);
            byte[] in = new byte[inH * inW * c + 5];
            r.nextBytes(in);
            byte[] vector = new byte[outH * outW * c + 3], scalar = new byte[outH * outW * c + 3];
            PoolQ8.max(in, 5, inH, inW, c, vector, 3, outH, outW, kh, kw, sh, sw, padTop, padLeft, lo, hi);
            PoolQ8.maxScalar(in, 5, inH, inW, c, scalar, 3, outH, outW, kh, kw, sh, sw, padTop, padLeft, lo, hi);
            assertArrayEquals(scalar, vector, "max, trial " + trial);
            PoolQ8.average(in, 5, inH, inW, c, vector, 3, outH, outW, kh, kw, sh, sw, padTop, padLeft, lo, hi);
            PoolQ8.averageScalar(in, 5, inH, inW, c, scalar, 3, outH, outW, kh, kw, sh, sw, padTop, padLeft, lo, hi);
            assertArrayEquals(scalar, vector, "average, trial " + trial);
        }
    }

    @Test
    void vectorBilinearRowMatchesScalarTwin() {
        java.util.Random r = new java.util.Random(55);
        for (int trial = 0; trial < 200; trial++) {
            int inW = 1 + r.nextInt(12), outW = 1 + r.nextInt(24), c = 1 + r.nextInt(70);
            int[] lo = new int[outW], hi = new int[outW], frac = new int[outW];
            for (int x = 0; x < outW; x++) {
                lo[x] = r.nextInt(inW);
                hi[x] = Math.min(inW - 1, lo[x] + 1);
                frac[x] = r.nextInt(1 << 10);
            }
            byte[] in = new byte[2 * inW * c + 7];
            r.nextBytes(in);
            int dy = r.nextInt(4) == 0 ? 512 : r.nextInt(1 << 10);
            byte[] vector = new byte[outW * c + 2], scalar = new byte[outW * c + 2];
            ResizeQ8.bilinearRow(in, 7, 7 + inW * c, dy, lo, hi, frac, c, outW, vector, 2);
            ResizeQ8.bilinearRowScalar(in, 7, 7 + inW * c, dy, lo, hi, frac, c, outW, scalar, 2);
            assertArrayEquals(scalar, vector, "trial " + trial);
        }
    }

    @Test
    void vectorBilinearRowQ11MatchesScalarTwin() {
        java.util.Random r = new java.util.Random(56);
        for (int trial = 0; trial < 200; trial++) {
            int inW = 1 + r.nextInt(12), outW = 1 + r.nextInt(24), c = 1 + r.nextInt(70);
            int[] lo = new int[outW], hi = new int[outW], alpha = new int[outW];
            for (int x = 0; x < outW; x++) {
                lo[x] = r.nextInt(inW);
                hi[x] = Math.min(inW - 1, lo[x] + 1);
                alpha[x] = r.nextInt(4) == 0 ? 1024 : r.nextInt((1 << 11) + 1);
            }
            byte[] in = new byte[2 * inW * c + 7];
            r.nextBytes(in);
            int alphaV = r.nextInt(4) == 0 ? 1024 : r.nextInt((1 << 11) + 1);
            byte[] vector = new byte[outW * c + 2], scalar = new byte[outW * c + 2];
            ResizeQ8.bilinearRowQ11(in, 7, 7 + inW * c, alphaV, lo, hi, alpha, c, outW, vector, 2);
            ResizeQ8.bilinearRowQ11Scalar(in, 7, 7 + inW * c, alphaV, lo, hi, alpha, c, outW, scalar, 2);
            assertArrayEquals(scalar, vector, "trial " + trial);
        }
    }

    /** Ties (an exact half after the shift) round up, towards +∞, in XNNPACK's arithmetic. */
    @Test
    void bilinearRowQ11RoundsTiesUp() {
        byte[] in = {-3, -4, 3, 4};
        byte[] out = new byte[2];
        // One row (row0 == row1), the two columns of each pair halfway: -3.5 → -3 and 3.5 → 4.
        ResizeQ8.bilinearRowQ11Scalar(in, 0, 0, 0, new int[] {0, 2}, new int[] {1, 3}, new int[] {1024, 1024}, 1, 2, out, 0);
        assertArrayEquals(new byte[] {-3, 4}, out);
    }

    @Test
    void vectorLookupMatchesScalarTwin() {
        java.util.Random r = new java.util.Random(89);
        for (int trial = 0; trial < 100; trial++) {
            int[] f = new int[256];
            for (int v = 0; v < 256; v++) {
                f[v] = r.nextInt(300) - 150;
            }
            LookupQ8 table = LookupQ8.of(v -> f[v & 0xFF]);
            int n = 1 + r.nextInt(300);
            byte[] in = new byte[n + 3];
            r.nextBytes(in);
            byte[] vector = new byte[n + 2], scalar = new byte[n + 2];
            table.run(in, 3, vector, 2, n);
            table.runScalar(in, 3, scalar, 2, n);
            assertArrayEquals(scalar, vector, "trial " + trial);
        }
    }
}
