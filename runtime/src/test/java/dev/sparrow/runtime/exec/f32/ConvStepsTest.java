package dev.sparrow.runtime.exec.f32;

import static dev.sparrow.runtime.exec.f32.TestGraph.assertClose;
import static dev.sparrow.runtime.exec.f32.TestGraph.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Padding;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvStepsTest {

    static double act(double v, Activation a) {
        return switch (a) {
            case RELU -> Math.max(0, v);
            case RELU6 -> Math.min(6, Math.max(0, v));
            case RELU_N1_TO_1 -> Math.min(1, Math.max(-1, v));
            default -> v;
        };
    }

    /** TFLite's reference convolution loop (padding.h offsets), double accumulation; depthwise when {@code m > 0}. */
    static double[] convReference(float[] x, int n, int h, int w, int c, float[] f, int kh, int kw, int oc, float[] bias,
                                  Padding pad, int sh, int sw, int dh, int dw, Activation a, int m) {
        int oh = pad.outputSize(h, kh, sh, dh), ow = pad.outputSize(w, kw, sw, dw);
        int pt = pad.padBefore(h, kh, sh, dh, oh), pl = pad.padBefore(w, kw, sw, dw, ow);
        double[] y = new double[n * oh * ow * oc];
        for (int b = 0; b < n; b++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < oc; o++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue;
                                }
                                if (m > 0) {
                                    acc += (double) x[((b * h + iy) * w + ix) * c + o / m] * f[(ky * kw + kx) * oc + o];
                                } else {
                                    for (int ci = 0; ci < c; ci++) {
                                        acc += (double) x[((b * h + iy) * w + ix) * c + ci] * f[((o * kh + ky) * kw + kx) * c + ci];
                                    }
                                }
                            }
                        }
                        y[((b * oh + oy) * ow + ox) * oc + o] = act(acc, a);
                    }
                }
            }
        }
        return y;
    }

    @Test
    void conv2dMatchesReferenceAcrossPaddingStrideDilationAndParts() {
        Random r = new Random(40);
        Activation[] acts = {Activation.NONE, Activation.RELU, Activation.RELU6, Activation.RELU_N1_TO_1};
        for (int t = 0; t < 24; t++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(12), w = 1 + r.nextInt(12), c = 1 + r.nextInt(20), oc = 1 + r.nextInt(40);
            int kh = 1 + r.nextInt(3), kw = 1 + r.nextInt(3), sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(2);
            int dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            Padding pad = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            if (t % 4 == 0) {
                kh = kw = sh = sw = dh = dw = 1;
            }
            int oh = pad.outputSize(h, kh, sh, dh), ow = pad.outputSize(w, kw, sw, dw);
            if (oh <= 0 || ow <= 0) {
                continue;
            }
            Activation a = acts[t % acts.length];
            float[] x = random(r, n * h * w * c), f = random(r, oc * kh * kw * c);
            float[] bias = t % 3 == 0 ? null : random(r, oc);
            TestGraph g = new TestGraph();
            int xi = g.activation(n, h, w, c);
            int fi = g.constant(f, oc, kh, kw, c);
            int bi = bias == null ? -1 : g.constant(bias, oc);
            int yi = g.activation(n, oh, ow, oc);
            g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(pad, sw, sh, a, dw, dh), yi, xi, fi, bi);
            double[] expected = convReference(x, n, h, w, c, f, kh, kw, oc, bias, pad, sh, sw, dh, dw, a, 0);
            for (int parts : new int[] {1, 2}) {
                assertClose(expected, g.compile(2).run(parts, xi, x), "conv t" + t + " parts " + parts);
            }
        }
    }

    @Test
    void sparsePointwiseConvolutionTakesTheSparsePathAndMatches() {
        Random r = new Random(41);
        int c = 128, oc = 128, h = 9, w = 15;
        float[] f = random(r, oc * c);
        for (int i = 0; i < f.length; i++) {
            if (r.nextDouble() < 0.92) {
                f[i] = 0f;
            }
        }
        float[] x = random(r, h * w * c), bias = random(r, oc);
        TestGraph g = new TestGraph();
        int xi = g.activation(1, h, w, c);
        int fi = g.constant(f, oc, 1, 1, c);
        int bi = g.constant(bias, oc);
        int yi = g.activation(1, h, w, oc);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.RELU6, 1, 1), yi, xi, fi, bi);
        // 92 % zeros on a 128→128 layer with 135 pixels: past the measured break-even (SparsePointwise.worthItNhwc)
        TestGraph.Compiled compiled = g.compile(2);
        assertTrue(compiled.step.toString().contains("sparse 1x1"), compiled.step.toString());
        double[] expected = convReference(x, 1, h, w, c, f, 1, 1, oc, bias, Padding.VALID, 1, 1, 1, 1, Activation.RELU6, 0);
        assertClose(expected, compiled.run(2, xi, x), "sparse 1x1");
    }

    /**
     * A 1×1 layer whose weights outweigh its activations (12 pixels, 96 → 200) splits its output panels between
     * threads, the last panel partial: the same bits as one thread's pixel loop, and close to the reference.
     */
    @Test
    void weightHeavyPointwiseConvolutionSplitsOutputChannelsBetweenThreads() {
        Random r = new Random(43);
        int c = 96, oc = 200, h = 3, w = 4;
        float[] f = random(r, oc * c), x = random(r, h * w * c), bias = random(r, oc);
        TestGraph g = new TestGraph();
        int xi = g.activation(1, h, w, c);
        int fi = g.constant(f, oc, 1, 1, c);
        int bi = g.constant(bias, oc);
        int yi = g.activation(1, h, w, oc);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.RELU, 1, 1), yi, xi, fi, bi);
        TestGraph.Compiled split = g.compile(2);
        TestGraph.Compiled single = g.compile(1);
        assertTrue(split.step.toString().contains("1x1 (GEMM, output channels split)"), split.step.toString());
        assertEquals(2, split.step.maxParts(), split.step.toString());
        assertFalse(single.step.toString().contains("output channels split"), single.step.toString());
        float[] both = split.run(2, xi, x);
        assertArrayEquals(single.run(1, xi, x), both, 0f);
        double[] expected = convReference(x, 1, h, w, c, f, 1, 1, oc, bias, Padding.SAME, 1, 1, 1, 1, Activation.RELU, 0);
        assertClose(expected, both, "1x1 split by output channels");

        // SSD's 10² × 256 → 5² × 512 3×3 stride 2 in small: im2col, then each thread its output panels
        float[] f3 = random(r, oc * 9 * c), x3 = random(r, 5 * 6 * c);
        TestGraph g3 = new TestGraph();
        int x3i = g3.activation(1, 5, 6, c);
        int f3i = g3.constant(f3, oc, 3, 3, c);
        int b3i = g3.constant(bias, oc);
        int y3i = g3.activation(1, 3, 3, oc);
        g3.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 2, 2, Activation.RELU6, 1, 1), y3i, x3i, f3i, b3i);
        TestGraph.Compiled split3 = g3.compile(2);
        assertTrue(split3.step.toString().contains("im2col + GEMM (output channels split)"), split3.step.toString());
        float[] both3 = split3.run(2, x3i, x3);
        assertArrayEquals(g3.compile(1).run(1, x3i, x3), both3, 0f);
        assertClose(convReference(x3, 1, 5, 6, c, f3, 3, 3, oc, bias, Padding.SAME, 2, 2, 1, 1, Activation.RELU6, 0),
                both3, "3x3 stride 2 split by output channels");
    }

    @Test
    void depthwiseWithMultipliersMatchesReference() {
        Random r = new Random(42);
        for (int t = 0; t < 16; t++) {
            int n = 1 + r.nextInt(2), h = 1 + r.nextInt(10), w = 1 + r.nextInt(10), c = 1 + r.nextInt(40);
            int m = t % 4 == 3 ? 1 + r.nextInt(8) : 1;
            int oc = c * m, kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5), sh = 1 + r.nextInt(2), sw = 1 + r.nextInt(2);
            int dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            Padding pad = r.nextBoolean() ? Padding.SAME : Padding.VALID;
            int oh = pad.outputSize(h, kh, sh, dh), ow = pad.outputSize(w, kw, sw, dw);
            if (oh <= 0 || ow <= 0) {
                continue;
            }
            float[] x = random(r, n * h * w * c), f = random(r, kh * kw * oc), bias = random(r, oc);
            TestGraph g = new TestGraph();
            int xi = g.activation(n, h, w, c);
            int fi = g.constant(f, 1, kh, kw, oc);
            int bi = g.constant(bias, oc);
            int yi = g.activation(n, oh, ow, oc);
            g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(pad, sw, sh, m, Activation.RELU, dw, dh), yi, xi, fi, bi);
            double[] expected = convReference(x, n, h, w, c, f, kh, kw, oc, bias, pad, sh, sw, dh, dw, Activation.RELU, m);
            assertClose(expected, g.compile(2).run(2, xi, x), "depthwise t" + t + " m " + m);
        }
    }

    @Test
    void fullyConnectedWithAndWithoutKeepNumDims() {
        Random r = new Random(43);
        int[][] cases = {{1, 37, 10}, {3, 5, 64}, {30, 17, 9}, {2, 50, 33}};
        for (int[] cs : cases) {
            int rows = cs[0], depth = cs[1], units = cs[2];
            boolean keep = rows % 2 == 0;
            float[] x = random(r, rows * depth), wt = random(r, units * depth);
            float[] bias = units % 2 == 0 ? random(r, units) : null;
            TestGraph g = new TestGraph();
            int xi = keep ? g.activation(1, rows, depth) : g.activation(rows, depth);
            int wi = g.constant(wt, units, depth);
            int bi = bias == null ? -1 : g.constant(bias, units);
            int yi = keep ? g.activation(1, rows, units) : g.activation(rows, units);
            g.op(BuiltinOp.FULLY_CONNECTED, new OpOptions.FullyConnected(Activation.RELU, keep), yi, xi, wi, bi);
            double[] expected = new double[rows * units];
            for (int i = 0; i < rows; i++) {
                for (int u = 0; u < units; u++) {
                    double acc = bias == null ? 0 : bias[u];
                    for (int d = 0; d < depth; d++) {
                        acc += (double) x[i * depth + d] * wt[u * depth + d];
                    }
                    expected[i * units + u] = Math.max(0, acc);
                }
            }
            assertClose(expected, g.compile(2).run(2, xi, x), "fc " + rows + "x" + depth + "x" + units);
        }
    }

    @Test
    void transposeConvBiasMatchesMediaPipeSemantics() {
        Random r = new Random(44);
        // the last three tile the output (window = stride, no padding), the disjoint scatter
        int[][] cases = {{5, 6, 3, 2, 2, 2, 2, 2, 0}, {4, 3, 5, 3, 3, 3, 2, 2, 1}, {3, 4, 2, 1, 3, 2, 1, 2, 0},
                {6, 4, 17, 1, 2, 2, 2, 2, 0}, {3, 5, 4, 3, 2, 2, 2, 2, 1}, {2, 3, 5, 2, 3, 2, 3, 2, 1}};
        for (int[] cs : cases) {
            int h = cs[0], w = cs[1], cin = cs[2], cout = cs[3], kh = cs[4], kw = cs[5], sh = cs[6], sw = cs[7];
            Padding pad = cs[8] == 0 ? Padding.SAME : Padding.VALID;
            int padH = pad == Padding.SAME ? Math.max(0, kh - (h - 1) % sh - 1) : 0;
            int padW = pad == Padding.SAME ? Math.max(0, kw - (w - 1) % sw - 1) : 0;
            int oh = sh * (h - 1) + kh - padH, ow = sw * (w - 1) + kw - padW;
            float[] x = random(r, h * w * cin), f = random(r, cout * kh * kw * cin), bias = random(r, cout);
            double[] expected = new double[oh * ow * cout];
            for (int p = 0; p < oh * ow; p++) {
                for (int o = 0; o < cout; o++) {
                    expected[p * cout + o] = bias[o];
                }
            }
            for (int iy = 0; iy < h; iy++) {
                for (int ix = 0; ix < w; ix++) {
                    for (int fy = 0; fy < kh; fy++) {
                        for (int fx = 0; fx < kw; fx++) {
                            int oy = iy * sh - padH / 2 + fy, ox = ix * sw - padW / 2 + fx;
                            if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) {
                                continue;
                            }
                            for (int o = 0; o < cout; o++) {
                                for (int ci = 0; ci < cin; ci++) {
                                    expected[(oy * ow + ox) * cout + o] += (double) x[(iy * w + ix) * cin + ci]
                                            * f[((o * kh + fy) * kw + fx) * cin + ci];
                                }
                            }
                        }
                    }
                }
            }
            TestGraph g = new TestGraph();
            int xi = g.activation(1, h, w, cin);
            int fi = g.constant(f, cout, kh, kw, cin);
            int bi = g.constant(bias, cout);
            int yi = g.activation(1, oh, ow, cout);
            g.custom(F32Ops.TRANSPOSE_CONV_BIAS, new OpOptions.TransposeConvBias(pad, sw, sh), yi, xi, fi, bi);
            assertClose(expected, g.compile(1).run(1, xi, x), "transpose conv " + java.util.Arrays.toString(cs));
        }
    }

    @Test
    void badShapesAndActivationsAreRefusedNamingOperatorAndTensor() {
        TestGraph g = new TestGraph();
        int xi = g.activation(1, 4, 4, 3);
        int fi = g.constant(new float[2 * 3 * 3 * 4], 2, 3, 3, 4);
        int yi = g.activation(1, 4, 4, 2);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1), yi, xi, fi);
        ModelException e = assertThrows(ModelException.class, () -> g.compile(1));
        assertTrue(e.getMessage().contains("operator 7 (CONV_2D)") && e.getMessage().contains("tensor 1"), e.getMessage());

        TestGraph g2 = new TestGraph();
        int x2 = g2.activation(1, 4, 4, 3);
        int f2 = g2.constant(new float[2 * 3], 2, 1, 1, 3);
        int y2 = g2.activation(1, 4, 4, 5);
        g2.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1), y2, x2, f2);
        e = assertThrows(ModelException.class, () -> g2.compile(1));
        assertTrue(e.getMessage().contains("output") && e.getMessage().contains("[1, 4, 4, 2]"), e.getMessage());

        TestGraph g3 = new TestGraph();
        int x3 = g3.activation(1, 4, 4, 3);
        int f3 = g3.constant(new float[2 * 3], 2, 1, 1, 3);
        int y3 = g3.activation(1, 4, 4, 2);
        g3.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.TANH, 1, 1), y3, x3, f3);
        e = assertThrows(ModelException.class, () -> g3.compile(1));
        assertTrue(e.getMessage().contains("TANH"), e.getMessage());
    }
}
