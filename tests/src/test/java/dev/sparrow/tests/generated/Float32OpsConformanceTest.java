package dev.sparrow.tests.generated;

import static dev.sparrow.tests.generated.Shapes.count;
import static dev.sparrow.tests.generated.Shapes.floats;
import static dev.sparrow.tests.generated.Shapes.outSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.tests.generated.TfliteModelWriter.Act;
import dev.sparrow.tests.generated.TfliteModelWriter.Op;
import dev.sparrow.tests.generated.TfliteModelWriter.Options;
import dev.sparrow.tests.generated.TfliteModelWriter.Padding;
import dev.sparrow.tests.generated.TfliteModelWriter.Type;
import dev.sparrow.kernels.f32.SparsePointwise;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * fp32 single-operator models (and a few two-operator chains) written by {@link TfliteModelWriter},
 * each run through Sparrow and TensorFlow Lite 2.6.2 on three seeded inputs uniform in [−1, 1).
 * Sizes are odd and small so that every kernel's edges and vector tails are hit and the suite stays fast.
 */
class Float32OpsConformanceTest {

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"conv2d", "depthwise", "fullyConnected", "pools", "mean", "binary", "unary", "softmax",
        "layout", "resize", "blazeBlocks"})
    void conformsToTfliteBuiltins(String name, byte[] model) throws Exception {
        GeneratedModelCheck.assertConforms(name, model, dir);
    }

    // ---------------------------------------------------------------- convolution

    static Stream<Arguments> conv2d() {
        List<Arguments> cases = new ArrayList<>();
        Act[] acts = Act.values();
        int k = 0;
        for (int kernel : new int[] {1, 3, 5}) {
            for (int stride : new int[] {1, 2}) {
                for (int dilation : new int[] {1, 2}) {
                    for (Padding padding : Padding.values()) {
                        if (kernel == 1 && dilation == 2) {
                            continue; // a 1×1 kernel has no taps for dilation to spread
                        }
                        Act act = acts[k++ % acts.length];
                        cases.add(conv(9, 11, 3, 5, kernel, kernel, stride, stride, dilation, dilation, padding, act));
                    }
                }
            }
        }
        for (Act act : acts) {
            cases.add(conv(7, 7, 4, 6, 3, 3, 1, 1, 1, 1, Padding.SAME, act));
        }
        cases.add(conv(8, 13, 5, 3, 3, 2, 2, 1, 1, 2, Padding.SAME, Act.NONE));
        cases.add(conv(10, 9, 17, 19, 3, 3, 1, 2, 2, 1, Padding.VALID, Act.RELU));
        cases.add(conv(6, 5, 4, 7, 2, 2, 1, 1, 1, 1, Padding.SAME, Act.RELU6));
        cases.add(conv(1, 1, 33, 9, 1, 1, 1, 1, 1, 1, Padding.VALID, Act.NONE));
        cases.add(conv(16, 16, 24, 40, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU6));
        cases.add(sparsePointwise(SPARSE_H, SPARSE_W, SPARSE_CHANNELS, SPARSE_CHANNELS, 0.9));
        cases.add(sparsePointwise(5, 7, 32, 16, 0.5));
        return cases.stream();
    }

    private static Arguments conv(int h, int w, int cin, int cout, int kh, int kw, int strideH, int strideW,
                                  int dilationH, int dilationW, Padding padding, Act act) {
        String name = "CONV_2D in " + h + "x" + w + "x" + cin + " out " + cout + " k" + kh + "x" + kw + " s" + strideH
                + "x" + strideW + " d" + dilationH + "x" + dilationW + " " + padding + " " + act;
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, new int[] {1, h, w, cin}, null);
        int filter = m.constantFloats("filter", new int[] {cout, kh, kw, cin}, floats(r, cout * kh * kw * cin, 1));
        int oh = outSize(padding, h, kh, strideH, dilationH);
        int ow = outSize(padding, w, kw, strideW, dilationW);
        int y = m.tensor("y", Type.FLOAT32, new int[] {1, oh, ow, cout}, null);
        int b = m.constantFloats("bias", new int[] {cout}, floats(r, cout, 1));
        m.op(Op.CONV_2D, Options.conv2d(padding, strideW, strideH, act, dilationW, dilationH), new int[] {x, filter, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /** Shape of the 90 %-sparse 1×1 convolution, large enough for Sparrow's sparse kernel (see the test below). */
    static final int SPARSE_H = 9, SPARSE_W = 11, SPARSE_CHANNELS = 160;

    @Test
    void theSparseCaseIsOneSparrowRunsAsSparseMatrixProduct() {
        int weights = SPARSE_CHANNELS * SPARSE_CHANNELS;
        assertTrue(SparsePointwise.worthItNhwc((long) (0.88 * weights), SPARSE_CHANNELS, SPARSE_CHANNELS,
                SPARSE_H * SPARSE_W), "the sparse 1x1 case no longer reaches SparsePointwise: enlarge it");
    }

    /** A 1×1 convolution whose weights are mostly zero: the shape Sparrow may run as a sparse matrix product. */
    private static Arguments sparsePointwise(int h, int w, int cin, int cout, double zeroFraction) {
        String name = "CONV_2D 1x1 in " + h + "x" + w + "x" + cin + " out " + cout + " " + (int) (zeroFraction * 100)
                + "% zero weights";
        SplittableRandom r = Shapes.random(name);
        float[] weights = floats(r, cout * cin, 1);
        for (int i = 0; i < weights.length; i++) {
            if (r.nextDouble() < zeroFraction) {
                weights[i] = 0f;
            }
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, new int[] {1, h, w, cin}, null);
        int filter = m.constantFloats("filter", new int[] {cout, 1, 1, cin}, weights);
        int b = m.constantFloats("bias", new int[] {cout}, floats(r, cout, 1));
        int y = m.tensor("y", Type.FLOAT32, new int[] {1, h, w, cout}, null);
        m.op(Op.CONV_2D, Options.conv2d(Padding.VALID, 1, 1, Act.RELU6, 1, 1), new int[] {x, filter, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /**
     * BlazeFace's residual blocks, which Sparrow's graph fusion turns into one convolution: depthwise 3×3, 1×1
     * convolution to more channels, plus the block's input widened by a zero PAD of the channels (after a 2×2
     * max pool when the block halves the size), then RELU or PRELU.
     */
    static Stream<Arguments> blazeBlocks() {
        return Stream.of(blazeBlock(9, 11, 20, 28, 1, false), blazeBlock(10, 13, 24, 45, 2, true),
                blazeBlock(7, 5, 16, 32, 1, true));
    }

    private static Arguments blazeBlock(int h, int w, int cin, int cout, int stride, boolean prelu) {
        String name = "BlazeFace block " + h + "x" + w + "x" + cin + " to " + cout + " s" + stride
                + (prelu ? " PRELU" : " RELU");
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, new int[] {1, h, w, cin}, null);
        int oh = outSize(Padding.SAME, h, 3, stride, 1);
        int ow = outSize(Padding.SAME, w, 3, stride, 1);
        int dw = m.tensor("dw", Type.FLOAT32, new int[] {1, oh, ow, cin}, null);
        m.op(Op.DEPTHWISE_CONV_2D, Options.depthwise(Padding.SAME, stride, stride, 1, Act.NONE, 1, 1),
                new int[] {x, m.constantFloats("dw_filter", new int[] {1, 3, 3, cin}, floats(r, 9 * cin, 1)),
                    m.constantFloats("dw_bias", new int[] {cin}, floats(r, cin, 1))}, dw);
        int pw = m.tensor("pw", Type.FLOAT32, new int[] {1, oh, ow, cout}, null);
        m.op(Op.CONV_2D, Options.conv2d(Padding.VALID, 1, 1, Act.NONE, 1, 1),
                new int[] {dw, m.constantFloats("pw_filter", new int[] {cout, 1, 1, cin}, floats(r, cout * cin, 1)),
                    m.constantFloats("pw_bias", new int[] {cout}, floats(r, cout, 1))}, pw);
        int shortcut = x;
        if (stride == 2) {
            shortcut = m.tensor("pooled", Type.FLOAT32, new int[] {1, oh, ow, cin}, null);
            m.op(Op.MAX_POOL_2D, Options.pool(Padding.SAME, 2, 2, 2, 2, Act.NONE), new int[] {x}, shortcut);
        }
        int wide = m.tensor("wide", Type.FLOAT32, new int[] {1, oh, ow, cout}, null);
        m.op(Op.PAD, Options.NONE, new int[] {shortcut, m.constantInts("paddings", new int[] {4, 2}, null,
                0, 0, 0, 0, 0, 0, 0, cout - cin)}, wide);
        int sum = m.tensor("sum", Type.FLOAT32, new int[] {1, oh, ow, cout}, null);
        m.op(Op.ADD, Options.add(Act.NONE), new int[] {wide, pw}, sum);
        int y = m.tensor("y", Type.FLOAT32, new int[] {1, oh, ow, cout}, null);
        if (prelu) {
            m.op(Op.PRELU, Options.NONE, new int[] {sum, m.constantFloats("slopes", new int[] {1, 1, cout},
                    floats(r, cout, 1))}, y);
        } else {
            m.op(Op.RELU, Options.NONE, new int[] {sum}, y);
        }
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> depthwise() {
        List<Arguments> cases = new ArrayList<>();
        Act[] acts = Act.values();
        int k = 0;
        for (int multiplier : new int[] {1, 2, 8}) {
            for (int stride : new int[] {1, 2}) {
                for (int dilation : new int[] {1, 2}) {
                    for (Padding padding : Padding.values()) {
                        Act act = acts[k++ % acts.length];
                        cases.add(depthwise(9, 11, 3, multiplier, 3, 3, stride, stride, dilation, dilation, padding, act));
                    }
                }
            }
        }
        cases.add(depthwise(7, 21, 19, 1, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU6));
        cases.add(depthwise(12, 13, 5, 1, 5, 5, 2, 2, 1, 1, Padding.SAME, Act.NONE));
        cases.add(depthwise(11, 10, 6, 1, 5, 3, 1, 2, 2, 1, Padding.VALID, Act.RELU));
        cases.add(depthwise(4, 37, 8, 1, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU_N1_TO_1));
        return cases.stream();
    }

    private static Arguments depthwise(int h, int w, int cin, int multiplier, int kh, int kw, int strideH, int strideW,
                                       int dilationH, int dilationW, Padding padding, Act act) {
        int cout = cin * multiplier;
        String name = "DEPTHWISE_CONV_2D in " + h + "x" + w + "x" + cin + " m" + multiplier + " k" + kh + "x" + kw + " s"
                + strideH + "x" + strideW + " d" + dilationH + "x" + dilationW + " " + padding + " " + act;
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, new int[] {1, h, w, cin}, null);
        int filter = m.constantFloats("filter", new int[] {1, kh, kw, cout}, floats(r, kh * kw * cout, 1));
        int b = m.constantFloats("bias", new int[] {cout}, floats(r, cout, 1));
        int oh = outSize(padding, h, kh, strideH, dilationH);
        int ow = outSize(padding, w, kw, strideW, dilationW);
        int y = m.tensor("y", Type.FLOAT32, new int[] {1, oh, ow, cout}, null);
        m.op(Op.DEPTHWISE_CONV_2D, Options.depthwise(padding, strideW, strideH, multiplier, act, dilationW, dilationH),
                new int[] {x, filter, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> fullyConnected() {
        return Stream.of(
                fc(new int[] {1, 10}, 7, true, false, Act.NONE),
                fc(new int[] {3, 33}, 17, false, false, Act.RELU),
                fc(new int[] {2, 3, 10}, 5, true, true, Act.RELU6),
                fc(new int[] {2, 3, 10}, 5, true, false, Act.RELU_N1_TO_1),
                fc(new int[] {1, 2, 2, 8}, 9, false, false, Act.NONE),
                fc(new int[] {4, 64}, 3, true, false, Act.NONE));
    }

    private static Arguments fc(int[] inShape, int units, boolean bias, boolean keepNumDims, Act act) {
        int depth = inShape[inShape.length - 1];
        String name = "FULLY_CONNECTED in " + Arrays.toString(inShape) + " units " + units + (bias ? "" : " no bias")
                + (keepNumDims ? " keep_num_dims" : "") + " " + act;
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, inShape, null);
        int weights = m.constantFloats("weights", new int[] {units, depth}, floats(r, units * depth, 1));
        int b = bias ? m.constantFloats("bias", new int[] {units}, floats(r, units, 1)) : -1;
        int[] outShape;
        if (keepNumDims) {
            outShape = inShape.clone();
            outShape[outShape.length - 1] = units;
        } else {
            outShape = new int[] {count(inShape) / depth, units};
        }
        int y = m.tensor("y", Type.FLOAT32, outShape, null);
        m.op(Op.FULLY_CONNECTED, Options.fullyConnected(act, keepNumDims), new int[] {x, weights, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- pooling and reduction

    static Stream<Arguments> pools() {
        List<Arguments> cases = new ArrayList<>();
        for (Op op : new Op[] {Op.AVERAGE_POOL_2D, Op.MAX_POOL_2D}) {
            for (Padding padding : Padding.values()) {
                cases.add(pool(op, 9, 11, 3, 3, 3, 2, 2, padding, Act.NONE));
                cases.add(pool(op, 9, 11, 3, 2, 2, 2, 2, padding, Act.RELU));
                cases.add(pool(op, 8, 7, 5, 3, 2, 1, 1, padding, Act.RELU6));
                cases.add(pool(op, 7, 7, 4, 3, 3, 1, 2, padding, Act.RELU_N1_TO_1));
            }
            cases.add(pool(op, 7, 7, 19, 7, 7, 1, 1, Padding.VALID, Act.NONE));
        }
        return cases.stream();
    }

    private static Arguments pool(Op op, int h, int w, int c, int fh, int fw, int strideH, int strideW, Padding padding,
                                  Act act) {
        String name = op + " in " + h + "x" + w + "x" + c + " f" + fh + "x" + fw + " s" + strideH + "x" + strideW + " "
                + padding + " " + act;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, new int[] {1, h, w, c}, null);
        int y = m.tensor("y", Type.FLOAT32,
                new int[] {1, outSize(padding, h, fh, strideH, 1), outSize(padding, w, fw, strideW, 1), c}, null);
        m.op(op, Options.pool(padding, strideW, strideH, fw, fh, act), new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> mean() {
        return Stream.of(
                mean(new int[] {1, 7, 9, 5}, new int[] {1, 2}, true),
                mean(new int[] {1, 7, 9, 5}, new int[] {1, 2}, false),
                mean(new int[] {1, 7, 9, 5}, new int[] {2, 1}, true),
                mean(new int[] {2, 5, 3, 4}, new int[] {3}, false),
                mean(new int[] {2, 5, 3, 4}, new int[] {-1}, true),
                mean(new int[] {2, 5, 3, 4}, new int[] {1}, true),
                mean(new int[] {2, 5, 3, 4}, new int[] {0, 3}, false),
                mean(new int[] {3, 17}, new int[] {1}, false));
    }

    private static Arguments mean(int[] inShape, int[] axes, boolean keepDims) {
        String name = "MEAN in " + Arrays.toString(inShape) + " axes " + Arrays.toString(axes) + (keepDims ? " keep_dims" : "");
        boolean[] reduced = new boolean[inShape.length];
        for (int a : axes) {
            reduced[(a + inShape.length) % inShape.length] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < inShape.length; i++) {
            if (!reduced[i]) {
                out.add(inShape[i]);
            } else if (keepDims) {
                out.add(1);
            }
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, inShape, null);
        int axesTensor = m.constantVector("axes", axes);
        int y = m.tensor("y", Type.FLOAT32, out.stream().mapToInt(Integer::intValue).toArray(), null);
        m.op(Op.MEAN, Options.reducer(keepDims), new int[] {x, axesTensor}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- elementwise

    static Stream<Arguments> binary() {
        List<Arguments> cases = new ArrayList<>();
        int[][][] shapes = {
            {{1, 4, 5, 3}, {1, 4, 5, 3}},
            {{1, 4, 5, 3}, {3}},
            {{1, 4, 5, 3}, {1, 1, 1, 3}},
            {{1, 4, 1, 3}, {1, 1, 5, 1}},
            {{2, 1, 7}, {3, 1}},
            {{5}, {1, 3, 5}},
        };
        Act[] acts = Act.values();
        int k = 0;
        for (Op op : new Op[] {Op.ADD, Op.MUL}) {
            for (int[][] s : shapes) {
                cases.add(binary(op, s[0], s[1], acts[k++ % acts.length], false));
            }
            cases.add(binary(op, new int[] {1, 4, 5, 3}, new int[] {3}, Act.RELU6, true));
        }
        cases.add(prelu(new int[] {1, 4, 5, 3}, new int[] {1, 1, 3}));
        cases.add(prelu(new int[] {1, 4, 5, 3}, new int[] {3}));
        cases.add(prelu(new int[] {1, 4, 5, 3}, new int[] {4, 5, 3}));
        cases.add(prelu(new int[] {2, 9}, new int[] {9}));
        return cases.stream();
    }

    private static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            out[i] = Math.max(da, db);
        }
        return out;
    }

    private static Arguments binary(Op op, int[] a, int[] b, Act act, boolean constantB) {
        String name = op + " " + Arrays.toString(a) + " " + Arrays.toString(b) + (constantB ? " (constant)" : "") + " " + act;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("a", Type.FLOAT32, a, null);
        // The product of two inputs in [−1, 1) never reaches the RELU6 bound; a constant scale of up to 8 does.
        int y = constantB ? m.constantFloats("b", b, floats(Shapes.random(name), count(b), 8))
                : m.input("b", Type.FLOAT32, b, null);
        int out = m.tensor("out", Type.FLOAT32, broadcast(a, b), null);
        m.op(op, op == Op.ADD ? Options.add(act) : Options.mul(act), new int[] {x, y}, out);
        m.output(out);
        return Arguments.of(name, m.build());
    }

    private static Arguments prelu(int[] shape, int[] alphaShape) {
        String name = "PRELU " + Arrays.toString(shape) + " alpha " + Arrays.toString(alphaShape);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int alpha = m.constantFloats("alpha", alphaShape, floats(Shapes.random(name), count(alphaShape), 1));
        int y = m.tensor("y", Type.FLOAT32, shape, null);
        m.op(Op.PRELU, Options.NONE, new int[] {x, alpha}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> unary() {
        List<Arguments> cases = new ArrayList<>();
        for (Op op : new Op[] {Op.RELU, Op.RELU6, Op.RELU_N1_TO_1, Op.LOGISTIC, Op.TANH, Op.HARD_SWISH}) {
            Options options = op == Op.HARD_SWISH ? Options.NONE : Options.NONE;
            cases.add(unary(op, options, new int[] {1, 5, 7, 3}, 1f));
            // Scaled by 6 first (MUL by a constant): the inputs then reach every saturating region.
            cases.add(unary(op, options, new int[] {2, 37}, 6f));
        }
        return cases.stream();
    }

    private static Arguments unary(Op op, Options options, int[] shape, float preScale) {
        String name = (preScale == 1f ? "" : "MUL x" + preScale + " then ") + op + " " + Arrays.toString(shape);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int in = x;
        if (preScale != 1f) {
            int scale = m.constantFloats("scale", new int[] {1}, preScale);
            in = m.tensor("scaled", Type.FLOAT32, shape, null);
            m.op(Op.MUL, Options.mul(Act.NONE), new int[] {x, scale}, in);
        }
        int y = m.tensor("y", Type.FLOAT32, shape, null);
        m.op(op, options, new int[] {in}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> softmax() {
        return Stream.of(
                softmax(new int[] {2, 10}, 1f),
                softmax(new int[] {2, 10}, 0.5f),
                softmax(new int[] {1, 3, 4, 7}, 2.7f),
                softmax(new int[] {5, 1}, 1f),
                softmax(new int[] {1, 1001}, 0.1f));
    }

    private static Arguments softmax(int[] shape, float beta) {
        String name = "SOFTMAX " + Arrays.toString(shape) + " beta " + beta;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.FLOAT32, shape, null);
        m.op(Op.SOFTMAX, Options.softmax(beta), new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- data movement

    static Stream<Arguments> layout() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(concat(new int[][] {{1, 3, 4, 2}, {1, 3, 4, 5}}, 3));
        cases.add(concat(new int[][] {{1, 3, 4, 2}, {1, 3, 4, 1}, {1, 3, 4, 3}}, -1));
        cases.add(concat(new int[][] {{1, 2, 4, 3}, {1, 5, 4, 3}}, 1));
        cases.add(concat(new int[][] {{1, 3, 1, 3}, {1, 3, 6, 3}}, 2));
        cases.add(concat(new int[][] {{2, 5}, {1, 5}, {3, 5}}, 0));
        cases.add(pad(new int[] {1, 4, 5, 3}, new int[] {0, 0, 1, 1, 2, 0, 0, 0}, null));
        cases.add(pad(new int[] {1, 4, 5, 3}, new int[] {0, 0, 0, 0, 0, 0, 0, 4}, null));
        cases.add(pad(new int[] {2, 3}, new int[] {1, 2, 3, 0}, null));
        cases.add(pad(new int[] {1, 4, 5, 3}, new int[] {0, 1, 1, 0, 1, 1, 0, 2}, 0.75f));
        cases.add(pad(new int[] {3, 4}, new int[] {2, 1, 0, 3}, -2.5f));
        cases.add(reshape(new int[] {1, 4, 5, 3}, new int[] {1, 60}, true));
        cases.add(reshape(new int[] {1, 4, 5, 3}, new int[] {4, -1}, true));
        cases.add(reshape(new int[] {2, 6}, new int[] {3, 2, 2}, false));
        cases.add(squeeze(new int[] {1, 4, 1, 3}, new int[] {0, 2}, new int[] {4, 3}));
        cases.add(squeeze(new int[] {1, 1, 1, 7}, new int[] {}, new int[] {7}));
        cases.add(squeeze(new int[] {2, 1, 5}, new int[] {-2}, new int[] {2, 5}));
        cases.add(transpose(new int[] {1, 3, 4, 5}, 0, 2, 3, 1));
        cases.add(transpose(new int[] {1, 3, 4, 5}, 0, 3, 1, 2));
        cases.add(transpose(new int[] {2, 3, 4, 5}, 3, 2, 1, 0));
        cases.add(transpose(new int[] {3, 7, 2}, 1, 0, 2));
        cases.add(transpose(new int[] {5, 9}, 1, 0));
        cases.add(stridedSlice(new int[] {1, 6, 7, 4}, new int[] {0, 1, 2, 0}, new int[] {1, 5, 7, 3},
                new int[] {1, 1, 2, 1}, 0, 0, 0));
        cases.add(stridedSlice(new int[] {1, 6, 7, 4}, new int[] {0, 9, 0, 1}, new int[] {0, -10, 4, 0},
                new int[] {1, -2, 1, 1}, 0b0001, 0b1001, 0));
        cases.add(stridedSlice(new int[] {2, 6, 5}, new int[] {1, -4, 0}, new int[] {2, -1, 5},
                new int[] {1, 1, 3}, 0, 0, 0b001));
        cases.add(stridedSlice(new int[] {5, 8}, new int[] {-1, 7}, new int[] {0, 0},
                new int[] {-1, -3}, 0b01, 0b10, 0));
        cases.add(depthToSpace(new int[] {1, 3, 4, 8}, 2));
        cases.add(depthToSpace(new int[] {1, 2, 3, 18}, 3));
        return cases.stream();
    }

    private static Arguments concat(int[][] shapes, int axis) {
        StringBuilder name = new StringBuilder("CONCATENATION axis " + axis);
        int rank = shapes[0].length;
        int a = (axis + rank) % rank;
        int[] out = shapes[0].clone();
        out[a] = 0;
        TfliteModelWriter m = new TfliteModelWriter();
        int[] ins = new int[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            name.append(' ').append(Arrays.toString(shapes[i]));
            ins[i] = m.input("x" + i, Type.FLOAT32, shapes[i], null);
            out[a] += shapes[i][a];
        }
        int y = m.tensor("y", Type.FLOAT32, out, null);
        m.op(Op.CONCATENATION, Options.concatenation(axis, Act.NONE), ins, y);
        m.output(y);
        return Arguments.of(name.toString(), m.build());
    }

    private static Arguments pad(int[] shape, int[] paddings, Float value) {
        String name = (value == null ? "PAD " : "PADV2 value " + value + " ") + Arrays.toString(shape) + " paddings "
                + Arrays.toString(paddings);
        int[] out = shape.clone();
        for (int i = 0; i < shape.length; i++) {
            out[i] += paddings[2 * i] + paddings[2 * i + 1];
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int p = m.constantInts("paddings", new int[] {shape.length, 2}, null, paddings);
        int y = m.tensor("y", Type.FLOAT32, out, null);
        if (value == null) {
            m.op(Op.PAD, Options.NONE, new int[] {x, p}, y);
        } else {
            int v = m.constantFloats("value", new int[] {}, value);
            m.op(Op.PADV2, Options.NONE, new int[] {x, p, v}, y);
        }
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments reshape(int[] shape, int[] newShape, boolean shapeTensor) {
        String name = "RESHAPE " + Arrays.toString(shape) + " to " + Arrays.toString(newShape)
                + (shapeTensor ? " (shape tensor)" : " (new_shape option)");
        int[] out = newShape.clone();
        int known = 1;
        for (int d : newShape) {
            known *= d == -1 ? 1 : d;
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                out[i] = count(shape) / known;
            }
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.FLOAT32, out, null);
        if (shapeTensor) {
            m.op(Op.RESHAPE, Options.NONE, new int[] {x, m.constantVector("shape", newShape)}, y);
        } else {
            m.op(Op.RESHAPE, Options.reshape(newShape), new int[] {x}, y);
        }
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments squeeze(int[] shape, int[] dims, int[] out) {
        String name = "SQUEEZE " + Arrays.toString(shape) + " dims " + Arrays.toString(dims);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.FLOAT32, out, null);
        m.op(Op.SQUEEZE, Options.squeeze(dims), new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments transpose(int[] shape, int... perm) {
        String name = "TRANSPOSE " + Arrays.toString(shape) + " perm " + Arrays.toString(perm);
        int[] out = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = shape[perm[i]];
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.FLOAT32, out, null);
        m.op(Op.TRANSPOSE, Options.NONE, new int[] {x, m.constantVector("perm", perm)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments stridedSlice(int[] shape, int[] begin, int[] end, int[] strides, int beginMask,
                                          int endMask, int shrinkMask) {
        String name = "STRIDED_SLICE " + Arrays.toString(shape) + " begin " + Arrays.toString(begin) + " end "
                + Arrays.toString(end) + " strides " + Arrays.toString(strides) + " masks b" + beginMask + " e" + endMask
                + " s" + shrinkMask;
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            int n = shape[i];
            int s = strides[i];
            int lo = s > 0 ? 0 : -1;
            int hi = s > 0 ? n : n - 1;
            int start = (beginMask >> i & 1) != 0 ? (s > 0 ? 0 : n - 1)
                    : Math.clamp(begin[i] < 0 ? begin[i] + n : begin[i], lo, hi);
            if ((shrinkMask >> i & 1) != 0) {
                continue;
            }
            int stop = (endMask >> i & 1) != 0 ? (s > 0 ? n : -1)
                    : Math.clamp(end[i] < 0 ? end[i] + n : end[i], lo, hi);
            int len = s > 0 ? Math.max(0, (stop - start + s - 1) / s) : Math.max(0, (start - stop - s - 1) / -s);
            out.add(len);
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.FLOAT32, out.stream().mapToInt(Integer::intValue).toArray(), null);
        m.op(Op.STRIDED_SLICE, Options.stridedSlice(beginMask, endMask, 0, 0, shrinkMask),
                new int[] {x, m.constantVector("begin", begin), m.constantVector("end", end),
                    m.constantVector("strides", strides)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments depthToSpace(int[] shape, int block) {
        String name = "DEPTH_TO_SPACE " + Arrays.toString(shape) + " block " + block;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.FLOAT32,
                new int[] {shape[0], shape[1] * block, shape[2] * block, shape[3] / (block * block)}, null);
        m.op(Op.DEPTH_TO_SPACE, Options.depthToSpace(block), new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> resize() {
        List<Arguments> cases = new ArrayList<>();
        boolean[][] flags = {{false, false}, {true, false}, {false, true}};
        for (boolean[] f : flags) {
            cases.add(resize(new int[] {1, 4, 5, 3}, 9, 11, f[0], f[1]));
            cases.add(resize(new int[] {1, 7, 9, 2}, 3, 4, f[0], f[1]));
            cases.add(resize(new int[] {1, 5, 5, 1}, 1, 7, f[0], f[1]));
        }
        return cases.stream();
    }

    private static Arguments resize(int[] shape, int outH, int outW, boolean alignCorners, boolean halfPixel) {
        String name = "RESIZE_BILINEAR " + Arrays.toString(shape) + " to " + outH + "x" + outW
                + (alignCorners ? " align_corners" : "") + (halfPixel ? " half_pixel_centers" : "");
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.FLOAT32, new int[] {shape[0], outH, outW, shape[3]}, null);
        m.op(Op.RESIZE_BILINEAR, Options.resizeBilinear(alignCorners, halfPixel),
                new int[] {x, m.constantVector("size", outH, outW)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }
}
