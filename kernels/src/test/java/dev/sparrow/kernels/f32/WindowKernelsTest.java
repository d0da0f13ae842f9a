package dev.sparrow.kernels.f32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Vector kernels against their scalar twins (bit-identical by construction) on random odd geometries. */
class WindowKernelsTest {

    static ConvShape randomShape(Random r, int c, int oc) {
        int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
        int sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(3);
        int dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
        int h = 1 + r.nextInt(11), w = 1 + r.nextInt(13);
        int padT = r.nextInt(3), padL = r.nextInt(3);
        int oh = Math.max(1, (h + 2 * padT - ((kh - 1) * dh + 1)) / sh + 1);
        int ow = Math.max(1, (w + 2 * padL - ((kw - 1) * dw + 1)) / sw + 1);
        return new ConvShape(1 + r.nextInt(2), h, w, c, kh, kw, sh, sw, dh, dw, padT, padL, oh, ow, oc);
    }

    @Test
    void convolutionMatchesScalarTwinAndDoubleReference() {
        Random r = new Random(10);
        for (int t = 0; t < 40; t++) {
            int c = 1 + r.nextInt(40), oc = 1 + r.nextInt(45);
            int h = 1 + r.nextInt(9), w0 = 1 + r.nextInt(9);
            ConvShape s = t % 5 == 0 ? new ConvShape(1 + r.nextInt(2), h, w0, c, 1, 1, 1, 1, 1, 1, 0, 0, h, w0, oc)
                    : randomShape(r, c, oc);
            int k = s.kh() * s.kw() * c;
            float[] in = GemmTest.random(r, 3 + s.n() * s.h() * s.w() * c);
            float[] wt = GemmTest.random(r, oc * k);
            float[] bias = GemmTest.random(r, oc);
            PackedWeights w = PackedWeights.fromRowsByOutput(wt, k, oc, bias);
            int outLen = 2 + s.outputPixels() * oc;
            float[] ov = new float[outLen], os = new float[outLen];
            float[] scratch = new float[Conv2d.scratchFloats(s)];
            int split = r.nextInt(s.outputPixels() + 1);
            Conv2d.conv(in, 3, s, w, ov, 2, 0, split, scratch, -2f, 3f);
            Conv2d.conv(in, 3, s, w, ov, 2, split, s.outputPixels(), scratch, -2f, 3f);
            Conv2d.convScalar(in, 3, s, w, os, 2, 0, s.outputPixels(), -2f, 3f);
            assertArrayEquals(os, ov, 0f, s.toString());
            assertEquals(reference(in, 3, s, wt, bias, s.outputPixels() / 2, oc / 2), os[2 + s.outputPixels() / 2 * oc + oc / 2], 1e-4);
            if (Conv2d.splitsByPanels(s)) {
                // the same outputs when two callers each take a range of output panels
                float[] op = new float[outLen];
                int panelSplit = r.nextInt(w.panels() + 1);
                Conv2d.convOutputPanels(in, 3, s, w, op, 2, 0, panelSplit, scratch, -2f, 3f);
                Conv2d.convOutputPanels(in, 3, s, w, op, 2, panelSplit, w.panels(), scratch, -2f, 3f);
                assertArrayEquals(os, op, 0f, "panels split at " + panelSplit + ": " + s);
            }
        }
    }

    /**
     * Stems read their windows from a zero-padded band of input rows: wide rows so that whole tiles, a row's
     * last tile overlapping the one before it and (split rows, narrow images) pixels one by one all occur, with
     * one- and two-vector panels and partial last vectors.
     */
    @Test
    void stemConvolutionMatchesScalarTwin() {
        Random r = new Random(14);
        for (int t = 0; t < 80; t++) {
            int c = 1 + r.nextInt(Conv2d.STEM_CHANNELS), oc = 1 + r.nextInt(45);
            int kh = 1 + r.nextInt(5), kw = 2 + r.nextInt(4), sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(2);
            int h = kh + r.nextInt(20), w = kw + r.nextInt(60);
            int padT = r.nextInt(3), padL = r.nextInt(3);
            int oh = (h + 2 * padT - kh) / sh + 1, ow = (w + 2 * padL - kw) / sw + 1;
            ConvShape s = new ConvShape(1 + r.nextInt(2), h, w, c, kh, kw, sh, sw, 1, 1, padT, padL, oh, ow, oc);
            assertTrue(Conv2d.isStem(s), s.toString());
            int k = kh * kw * c;
            float[] in = GemmTest.random(r, 1 + s.n() * h * w * c);
            float[] wt = GemmTest.random(r, oc * k);
            PackedWeights pw = PackedWeights.fromRowsByOutput(wt, k, oc, GemmTest.random(r, oc));
            int outLen = 3 + s.outputPixels() * oc;
            float[] ov = new float[outLen], os = new float[outLen];
            float[] scratch = new float[Conv2d.scratchFloats(s)];
            int split = r.nextInt(s.outputPixels() + 1);
            Conv2d.conv(in, 1, s, pw, ov, 3, 0, split, scratch, -1.5f, 2f);
            Conv2d.conv(in, 1, s, pw, ov, 3, split, s.outputPixels(), scratch, -1.5f, 2f);
            Conv2d.convScalar(in, 1, s, pw, os, 3, 0, s.outputPixels(), -1.5f, 2f);
            assertArrayEquals(os, ov, 0f, s.toString());
        }
    }

    /** One output channel at stride 1 runs over pixel vectors of zero-padded channel planes. */
    @Test
    void singleOutputConvolutionMatchesScalarTwin() {
        Random r = new Random(16);
        for (int t = 0; t < 40; t++) {
            int c = 1 + r.nextInt(11);
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int h = kh + r.nextInt(25), w = kw + r.nextInt(90);
            int padT = r.nextInt(kh), padL = r.nextInt(kw);
            int oh = h + 2 * padT - kh + 1, ow = w + 2 * padL - kw + 1;
            ConvShape s = new ConvShape(1 + r.nextInt(2), h, w, c, kh, kw, 1, 1, 1, 1, padT, padL, oh, ow, 1);
            if (Conv2d.isPointwise(s)) {
                continue;
            }
            assertTrue(Conv2d.isSingleOutput(s), s.toString());
            int k = kh * kw * c;
            float[] in = GemmTest.random(r, 2 + s.n() * h * w * c);
            PackedWeights pw = PackedWeights.fromRowsByOutput(GemmTest.random(r, k), k, 1, GemmTest.random(r, 1));
            int outLen = 1 + s.outputPixels();
            float[] ov = new float[outLen], os = new float[outLen];
            float[] scratch = new float[Conv2d.scratchFloats(s)];
            int split = r.nextInt(s.outputPixels() + 1);
            Conv2d.conv(in, 2, s, pw, ov, 1, 0, split, scratch, -1.5f, 2f);
            Conv2d.conv(in, 2, s, pw, ov, 1, split, s.outputPixels(), scratch, -1.5f, 2f);
            Conv2d.convScalar(in, 2, s, pw, os, 1, 0, s.outputPixels(), -1.5f, 2f);
            assertArrayEquals(os, ov, 0f, s.toString());
        }
    }

    private static float reference(float[] in, int inOff, ConvShape s, float[] wt, float[] bias, int p, int o) {
        int b = p / (s.oh() * s.ow()), oy = p / s.ow() % s.oh(), ox = p % s.ow();
        double acc = bias[o];
        for (int ky = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++) {
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                int ix = ox * s.strideW() - s.padLeft() + kx * s.dilationW();
                if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) {
                    continue;
                }
                for (int c = 0; c < s.c(); c++) {
                    acc += (double) in[inOff + ((b * s.h() + iy) * s.w() + ix) * s.c() + c] * wt[((o * s.kh() + ky) * s.kw() + kx) * s.c() + c];
                }
            }
        }
        return (float) Math.min(Math.max(acc, -2), 3);
    }

    @Test
    void depthwiseMatchesScalarTwin() {
        Random r = new Random(11);
        for (int t = 0; t < 60; t++) {
            // past four vectors too, so border pixels take the four-chain path
            int c = 1 + r.nextInt(5 * Depthwise.L + 2);
            // every few cases a wide row, so the 8- and 4-pixel interior blocks run next to clipped edges,
            // and pose's small planes with 5×5 windows whose interior is not a multiple of the block
            ConvShape s = t % 3 == 0
                    ? new ConvShape(1, 4, 30 + r.nextInt(9), c, 3, 3, 1, 1 + r.nextInt(2), 1, 1, 1, 1, 4, 30, c)
                    : t % 3 == 1 ? new ConvShape(1, 6, 14, c, 5, 5, 1, 1, 1, 1, 2, 2, 6, 14, c)
                    : randomShape(r, c, c);
            float[] in = GemmTest.random(r, 1 + s.n() * s.h() * s.w() * c);
            float[] w = GemmTest.random(r, s.kh() * s.kw() * c);
            float[] bias = GemmTest.random(r, c);
            float[] ov = new float[s.outputPixels() * c], os = new float[ov.length];
            int split = r.nextInt(s.outputRows() + 1);
            Depthwise.depthwise(in, 1, s, w, bias, ov, 0, 0, split, 0f, 6f);
            Depthwise.depthwise(in, 1, s, w, bias, ov, 0, split, s.outputRows(), 0f, 6f);
            Depthwise.depthwiseScalar(in, 1, s, w, bias, os, 0, 0, s.outputRows(), 0f, 6f);
            assertArrayEquals(os, ov, 0f, s.toString());
        }
    }

    /** Channel counts that divide the vector run the interior of a stride-1 row as flat vectors. */
    @Test
    void depthwiseWithFewChannelsMatchesScalarTwin() {
        Random r = new Random(15);
        for (int t = 0; t < 40; t++) {
            int c = 1 << r.nextInt(4);
            int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5), dh = 1 + r.nextInt(2);
            int h = 1 + r.nextInt(8), w = kw + r.nextInt(70);
            int padT = r.nextInt(3), padL = r.nextInt(kw);
            int oh = Math.max(1, (h + 2 * padT - ((kh - 1) * dh + 1)) / 1 + 1), ow = w + 2 * padL - kw + 1;
            ConvShape s = new ConvShape(1 + r.nextInt(2), h, w, c, kh, kw, 1, 1, dh, 1, padT, padL, oh, ow, c);
            float[] in = GemmTest.random(r, 2 + s.n() * h * w * c);
            float[] wt = GemmTest.random(r, kh * kw * c);
            float[] bias = GemmTest.random(r, c);
            float[] ov = new float[s.outputPixels() * c], os = new float[ov.length];
            int split = r.nextInt(s.outputRows() + 1);
            Depthwise.depthwise(in, 2, s, wt, bias, ov, 0, 0, split, -1f, 1.5f);
            Depthwise.depthwise(in, 2, s, wt, bias, ov, 0, split, s.outputRows(), -1f, 1.5f);
            Depthwise.depthwiseScalar(in, 2, s, wt, bias, os, 0, 0, s.outputRows(), -1f, 1.5f);
            assertArrayEquals(os, ov, 0f, s.toString());
        }
    }

    /**
     * The MediaPipe channel counts (16–96, some not a multiple of the vector) at 3×3 and 5×5, stride 1 and 2,
     * with padding on all four sides (bottom and right through the output size) and odd row splits: pairs of
     * rows, row pairs broken by a split or the image's last row, channel tails done by an overlapping vector.
     */
    @Test
    void depthwiseOnModelChannelCountsMatchesScalarTwin() {
        Random r = new Random(17);
        int[] channels = {Depthwise.L + 1, 24, 40, 48, 96, 2 * Depthwise.L + 3, 16, 8};
        for (int t = 0; t < 60; t++) {
            int c = channels[t % channels.length];
            int k = t % 3 == 2 ? 5 : 3, stride = 1 + (t / 3) % 2;
            int h = k + r.nextInt(12), w = k + 8 + r.nextInt(40);
            int padT = r.nextInt(k / 2 + 1), padL = r.nextInt(k / 2 + 1);
            int padB = r.nextInt(k / 2 + 1), padR = r.nextInt(k / 2 + 1);
            int oh = (h + padT + padB - k) / stride + 1, ow = (w + padL + padR - k) / stride + 1;
            ConvShape s = new ConvShape(1 + r.nextInt(2), h, w, c, k, k, stride, stride, 1, 1, padT, padL, oh, ow, c);
            float[] in = GemmTest.random(r, 3 + s.n() * h * w * c);
            float[] wt = GemmTest.random(r, k * k * c);
            float[] bias = GemmTest.random(r, c);
            float[] ov = new float[s.outputPixels() * c], os = new float[ov.length];
            int split = r.nextInt(s.outputRows() + 1);
            Depthwise.depthwise(in, 3, s, wt, bias, ov, 0, 0, split, -1f, 1.5f);
            Depthwise.depthwise(in, 3, s, wt, bias, ov, 0, split, s.outputRows(), -1f, 1.5f);
            Depthwise.depthwiseScalar(in, 3, s, wt, bias, os, 0, 0, s.outputRows(), -1f, 1.5f);
            assertArrayEquals(os, ov, 0f, s.toString());
        }
    }

    /**
     * The 1×1 expansion fused into a depthwise convolution, in bands from one output row's window up to the
     * whole image (shared rows moved, rows skipped at stride 2), with padding on all sides and odd row splits:
     * identical to the two scalar twins run apart.
     */
    @Test
    void pointwiseDepthwiseMatchesScalarTwins() {
        Random r = new Random(19);
        int[] channels = {Depthwise.L + 1, 24, 48, 96, 2 * Depthwise.L + 3, 16, 8, 3};
        for (int t = 0; t < 60; t++) {
            int c = channels[t % channels.length], inChannels = 1 + r.nextInt(40);
            int k = t % 3 == 2 ? 5 : 3, stride = 1 + (t / 3) % 2;
            int h = k + r.nextInt(14), w = k + 1 + r.nextInt(40);
            int padT = r.nextInt(k / 2 + 1), padL = r.nextInt(k / 2 + 1);
            int padB = r.nextInt(k / 2 + 1), padR = r.nextInt(k / 2 + 1);
            int oh = (h + padT + padB - k) / stride + 1, ow = (w + padL + padR - k) / stride + 1;
            ConvShape s = new ConvShape(1, h, w, c, k, k, stride, stride, 1, 1, padT, padL, oh, ow, c);
            assertTrue(PointwiseDepthwise.fusable(s), s.toString());
            float[] in = GemmTest.random(r, 3 + h * w * inChannels);
            PackedWeights expand = PackedWeights.fromRowsByOutput(GemmTest.random(r, inChannels * c), inChannels, c,
                    GemmTest.random(r, c));
            float[] wt = GemmTest.random(r, k * k * c);
            float[] bias = GemmTest.random(r, c);
            float[] ov = new float[2 + s.outputPixels() * c], os = new float[ov.length];
            int windowRows = Math.min(h, k);
            float[] band = new float[(windowRows + r.nextInt(h + 1)) * w * c];
            int split = r.nextInt(oh + 1);
            PointwiseDepthwise.pointwiseDepthwise(in, 3, inChannels, expand, 0f, 6f, s, wt, bias, ov, 2, 0, split,
                    band, -1f, 1.5f);
            PointwiseDepthwise.pointwiseDepthwise(in, 3, inChannels, expand, 0f, 6f, s, wt, bias, ov, 2, split, oh,
                    band, -1f, 1.5f);
            PointwiseDepthwise.pointwiseDepthwiseScalar(in, 3, inChannels, expand, 0f, 6f, s, wt, bias, os, 2, 0, oh,
                    -1f, 1.5f);
            assertArrayEquals(os, ov, 0f, s + " band " + band.length);
        }
    }

    @Test
    void channelExpansionRepeatsEachInputChannel() {
        float[] in = {1, 2, 3, 4, 5, 6};
        float[] out = new float[13];
        Depthwise.expandChannels(in, 0, 2, 3, 2, out, 1);
        assertArrayEquals(new float[] {0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}, out);
    }

    @Test
    void poolingMatchesScalarTwin() {
        Random r = new Random(12);
        for (int t = 0; t < 60; t++) {
            int c = 1 + r.nextInt(2 * Pool.L + 5);
            ConvShape g = randomShape(r, c, c);
            ConvShape s = new ConvShape(g.n(), g.h(), g.w(), c, g.kh(), g.kw(), g.strideH(), g.strideW(), 1, 1,
                    Math.min(g.padTop(), g.kh() - 1), Math.min(g.padLeft(), g.kw() - 1),
                    Math.max(1, (g.h() + g.kh() - 1 - g.kh()) / g.strideH() + 1), Math.max(1, (g.w() + g.kw() - 1 - g.kw()) / g.strideW() + 1), c);
            float[] in = GemmTest.random(r, s.n() * s.h() * s.w() * c);
            for (boolean max : new boolean[] {false, true}) {
                float[] ov = new float[s.outputPixels() * c], os = new float[ov.length];
                Pool.pool(in, 0, s, max, ov, 0, 0, s.outputRows(), -1f, 1f);
                Pool.poolScalar(in, 0, s, max, os, 0, 0, s.outputRows(), -1f, 1f);
                assertArrayEquals(os, ov, 0f, s + " max " + max);
            }
        }
    }

    @Test
    void meanMatchesScalarTwin() {
        Random r = new Random(13);
        for (int t = 0; t < 20; t++) {
            int outer = 1 + r.nextInt(3), inner = 1 + r.nextInt(50), c = 1 + r.nextInt(3 * Pool.L);
            float[] in = GemmTest.random(r, outer * inner * c);
            float[] ov = new float[outer * c], os = new float[outer * c];
            Pool.meanMiddle(in, 0, inner, c, ov, 0, 0, outer);
            Pool.meanMiddleScalar(in, 0, inner, c, os, 0, 0, outer);
            assertArrayEquals(os, ov, 0f);
        }
    }
}
