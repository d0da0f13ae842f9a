package dev.sparrow.tests.generated;

import static dev.sparrow.tests.generated.Shapes.count;
import static dev.sparrow.tests.generated.Shapes.outSize;

import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.tests.generated.TfliteModelWriter.Act;
import dev.sparrow.tests.generated.TfliteModelWriter.Op;
import dev.sparrow.tests.generated.TfliteModelWriter.Options;
import dev.sparrow.tests.generated.TfliteModelWriter.Padding;
import dev.sparrow.tests.generated.TfliteModelWriter.Quant;
import dev.sparrow.tests.generated.TfliteModelWriter.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * int8 single-operator models (and a few chains) written by {@link TfliteModelWriter}, quantised as
 * TFLite's converter would ({@link Int8Params}), each run through Sparrow in TFLite mode and TensorFlow
 * Lite 2.6.2's built-in kernels on three seeded inputs uniform over the int8 range: every output byte
 * must match. Zero points include −128, 127 and odd values; the "ties" cases use power-of-two scales so
 * that requantisation hits exact halves.
 */
class Int8OpsConformanceTest {

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource({"conv2d", "depthwise", "fullyConnected", "ties", "add", "mul", "prelu", "activations", "pools",
        "mean", "lookup", "longSoftmax", "conversions", "layout", "resizes", "chains"})
    void isBitExactAgainstTfliteBuiltins(String name, byte[] model) throws Exception {
        GeneratedModelCheck.assertConforms(name, model, dir);
    }

    /**
     * The same models through Sparrow's XNNPACK mode against TensorFlow Lite 2.21 + XNNPACK, for the
     * operators whose XNNPACK arithmetic reference/int8-rounding.md §5 describes (fp32 requantisation of
     * conv/depthwise/FC, integer ADD, fp32 MUL, MEAN, QUANTIZE), PRELU (which 2.21's delegate leaves to the
     * built-in kernel), the activations and the table and pooling operators, and RESIZE_BILINEAR (XNNPACK's own
     * 11-bit arithmetic); the pure data-movement operators and the long softmax rows are left to the TFLite-mode
     * test.
     */
    @ParameterizedTest(name = "XNNPACK mode: {0}")
    @MethodSource({"conv2d", "depthwise", "fullyConnected", "ties", "add", "mul", "prelu", "activations", "pools",
        "mean", "meanWithEqualParams", "lookup", "conversions", "resizes", "chains"})
    void xnnpackModeIsBitExactAgainstTflite221Xnnpack(String name, byte[] model) throws Exception {
        GeneratedModelCheck.assertConforms(name, model, dir, Int8Mode.XNNPACK);
    }

    private static final int[] ZERO_POINTS = {-128, 5, -7, 0, 37};

    // ---------------------------------------------------------------- convolution

    static Stream<Arguments> conv2d() {
        List<Arguments> cases = new ArrayList<>();
        Act[] acts = Act.values();
        int k = 0;
        for (int kernel : new int[] {1, 3}) {
            for (int stride : new int[] {1, 2}) {
                for (Padding padding : Padding.values()) {
                    for (boolean ties : new boolean[] {false, true}) {
                        int zp = ZERO_POINTS[k % ZERO_POINTS.length];
                        int outZp = ZERO_POINTS[(k + 2) % ZERO_POINTS.length];
                        cases.add(conv(9, 11, 3, 5, kernel, kernel, stride, stride, 1, 1, padding, acts[k % acts.length],
                                zp, outZp, ties, 1));
                        k++;
                    }
                }
            }
        }
        cases.add(conv(9, 11, 4, 6, 5, 5, 1, 1, 1, 1, Padding.SAME, Act.RELU6, -128, -128, false, 1));
        cases.add(conv(9, 11, 4, 6, 3, 3, 1, 1, 2, 2, Padding.SAME, Act.NONE, 3, -1, true, 1));
        cases.add(conv(10, 9, 4, 6, 3, 3, 2, 1, 1, 2, Padding.VALID, Act.RELU, -128, 10, false, 1));
        cases.add(conv(7, 9, 17, 19, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.NONE, 11, -3, false, 1));
        cases.add(conv(5, 5, 33, 40, 1, 1, 1, 1, 1, 1, Padding.VALID, Act.RELU6, -128, -128, true, 1));
        // RELU6 with an output scale so fine that 6 lies past the int8 range: only the lower bound clamps.
        cases.add(conv(6, 6, 8, 4, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU6, -128, -128, false, 0.02f));
        // Zero point 127 with RELU: the whole range collapses onto 127.
        cases.add(conv(6, 6, 8, 4, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU, 0, 127, false, 1));
        // A coarse output scale: most values round to a handful of levels, many of them exactly at ties.
        cases.add(conv(6, 7, 8, 5, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU_N1_TO_1, 9, -20, true, 16));
        return cases.stream();
    }

    /**
     * @param outScaleFactor multiplies the automatically sized output scale (1 = three standard deviations)
     */
    private static Arguments conv(int h, int w, int cin, int cout, int kh, int kw, int strideH, int strideW,
                                  int dilationH, int dilationW, Padding padding, Act act, int inZp, int outZp,
                                  boolean ties, float outScaleFactor) {
        String name = "int8 CONV_2D in " + h + "x" + w + "x" + cin + " out " + cout + " k" + kh + "x" + kw + " s" + strideH
                + "x" + strideW + " d" + dilationH + "x" + dilationW + " " + padding + " " + act + " zp " + inZp + "->"
                + outZp + (ties ? " ties" : "") + (outScaleFactor != 1 ? " out-scale x" + outScaleFactor : "");
        SplittableRandom r = Shapes.random(name);
        float inScale = ties ? 1f / 64 : 0.02f + 0.03f * (float) r.nextDouble();
        float[] wScales = Int8Params.weightScales(r, cout, ties);
        float outScale = Int8Params.outputScale(inScale, inZp, wScales, kh * kw * cin, ties) * outScaleFactor;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, new int[] {1, h, w, cin}, Quant.of(inScale, inZp));
        int filter = m.constantInt8("filter", new int[] {cout, kh, kw, cin}, Quant.perChannel(wScales, 0),
                Int8Params.weights(r, cout * kh * kw * cin));
        float[] bScales = Int8Params.biasScales(inScale, wScales);
        int b = m.constantInts("bias", new int[] {cout}, Quant.perChannel(bScales, 0),
                Int8Params.biases(r, bScales, 20 * outScale));
        int oh = outSize(padding, h, kh, strideH, dilationH);
        int ow = outSize(padding, w, kw, strideW, dilationW);
        int y = m.tensor("y", Type.INT8, new int[] {1, oh, ow, cout}, Quant.of(outScale, outZp));
        m.op(Op.CONV_2D, Options.conv2d(padding, strideW, strideH, act, dilationW, dilationH), new int[] {x, filter, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> depthwise() {
        List<Arguments> cases = new ArrayList<>();
        Act[] acts = Act.values();
        int k = 0;
        for (int multiplier : new int[] {1, 2, 8}) {
            for (int stride : new int[] {1, 2}) {
                for (Padding padding : Padding.values()) {
                    boolean ties = k % 2 == 1;
                    int dilation = k % 3 == 2 ? 2 : 1;
                    cases.add(depthwise(9, 11, 3, multiplier, 3, 3, stride, stride, dilation, dilation, padding,
                            acts[k % acts.length], ZERO_POINTS[k % ZERO_POINTS.length],
                            ZERO_POINTS[(k + 3) % ZERO_POINTS.length], ties));
                    k++;
                }
            }
        }
        cases.add(depthwise(7, 21, 19, 1, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU6, -128, -128, false));
        cases.add(depthwise(7, 21, 16, 1, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.NONE, 3, 0, true));
        cases.add(depthwise(12, 13, 5, 1, 5, 5, 2, 2, 1, 1, Padding.SAME, Act.NONE, 1, -2, true));
        cases.add(depthwise(11, 10, 4, 8, 3, 3, 1, 2, 2, 1, Padding.VALID, Act.RELU, -128, 4, false));
        cases.add(depthwise(6, 37, 32, 1, 3, 3, 1, 1, 1, 1, Padding.SAME, Act.RELU6, -128, -128, false));
        return cases.stream();
    }

    private static Arguments depthwise(int h, int w, int cin, int multiplier, int kh, int kw, int strideH, int strideW,
                                       int dilationH, int dilationW, Padding padding, Act act, int inZp, int outZp,
                                       boolean ties) {
        int cout = cin * multiplier;
        String name = "int8 DEPTHWISE_CONV_2D in " + h + "x" + w + "x" + cin + " m" + multiplier + " k" + kh + "x" + kw
                + " s" + strideH + "x" + strideW + " d" + dilationH + "x" + dilationW + " " + padding + " " + act + " zp "
                + inZp + "->" + outZp + (ties ? " ties" : "");
        SplittableRandom r = Shapes.random(name);
        float inScale = ties ? 1f / 32 : 0.02f + 0.03f * (float) r.nextDouble();
        float[] wScales = Int8Params.weightScales(r, cout, ties);
        float outScale = Int8Params.outputScale(inScale, inZp, wScales, kh * kw, ties);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, new int[] {1, h, w, cin}, Quant.of(inScale, inZp));
        int filter = m.constantInt8("filter", new int[] {1, kh, kw, cout}, Quant.perChannel(wScales, 3),
                Int8Params.weights(r, kh * kw * cout));
        float[] bScales = Int8Params.biasScales(inScale, wScales);
        int b = m.constantInts("bias", new int[] {cout}, Quant.perChannel(bScales, 0),
                Int8Params.biases(r, bScales, 20 * outScale));
        int oh = outSize(padding, h, kh, strideH, dilationH);
        int ow = outSize(padding, w, kw, strideW, dilationW);
        int y = m.tensor("y", Type.INT8, new int[] {1, oh, ow, cout}, Quant.of(outScale, outZp));
        m.op(Op.DEPTHWISE_CONV_2D, Options.depthwise(padding, strideW, strideH, multiplier, act, dilationW, dilationH),
                new int[] {x, filter, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> fullyConnected() {
        return Stream.of(
                fc(new int[] {1, 10}, 7, true, false, Act.NONE, -128, 3, false),
                fc(new int[] {3, 33}, 17, false, false, Act.RELU, 5, -128, false),
                fc(new int[] {2, 3, 10}, 5, true, true, Act.RELU6, -128, -128, true),
                fc(new int[] {2, 3, 10}, 5, true, false, Act.RELU_N1_TO_1, 0, 0, true),
                fc(new int[] {1, 2, 2, 8}, 9, true, false, Act.NONE, 17, -9, false),
                fc(new int[] {4, 64}, 19, true, false, Act.NONE, -3, 2, true));
    }

    /**
     * FULLY_CONNECTED with per-tensor weights: TFLite 2.6's int8 kernel reads one weight scale (the
     * per-channel form arrived in later versions).
     */
    private static Arguments fc(int[] inShape, int units, boolean bias, boolean keepNumDims, Act act, int inZp,
                                int outZp, boolean ties) {
        int depth = inShape[inShape.length - 1];
        String name = "int8 FULLY_CONNECTED in " + Arrays.toString(inShape) + " units " + units + (bias ? "" : " no bias")
                + (keepNumDims ? " keep_num_dims" : "") + " " + act + " zp " + inZp + "->" + outZp + (ties ? " ties" : "");
        SplittableRandom r = Shapes.random(name);
        float inScale = ties ? 1f / 16 : 0.02f + 0.03f * (float) r.nextDouble();
        float[] wScale = Int8Params.weightScales(r, 1, ties);
        float outScale = Int8Params.outputScale(inScale, inZp, wScale, depth, ties);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, inShape, Quant.of(inScale, inZp));
        int weights = m.constantInt8("weights", new int[] {units, depth}, Quant.of(wScale[0], 0),
                Int8Params.weights(r, units * depth));
        float bScale = inScale * wScale[0];
        int b = -1;
        if (bias) {
            int[] values = new int[units];
            for (int u = 0; u < units; u++) {
                values[u] = (int) Math.round((r.nextDouble() * 2 - 1) * 20 * outScale / bScale);
            }
            b = m.constantInts("bias", new int[] {units}, Quant.of(bScale, 0), values);
        }
        int[] outShape;
        if (keepNumDims) {
            outShape = inShape.clone();
            outShape[outShape.length - 1] = units;
        } else {
            outShape = new int[] {count(inShape) / depth, units};
        }
        int y = m.tensor("y", Type.INT8, outShape, Quant.of(outScale, outZp));
        m.op(Op.FULLY_CONNECTED, Options.fullyConnected(act, keepNumDims), new int[] {x, weights, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /**
     * Convolutions built so that a large share of outputs land exactly on a rounding tie: power-of-two
     * scales make every multiplier 2^−2..2^−5, and small weights (|w| ≤ 3) keep the accumulator within a few
     * hundred so that it does not saturate. One output in four to one in thirty-two is then an exact half,
     * on both signs, which is where TFLite's double rounding (R1), its single-rounding variants (R2, R3) and
     * round-half-to-even part ways.
     */
    static Stream<Arguments> ties() {
        return Stream.of(
                tieHeavy(Op.CONV_2D, new int[] {1, 7, 9, 3}, 1, 8, 2, -128),
                tieHeavy(Op.CONV_2D, new int[] {1, 6, 7, 2}, 3, 4, 1, 5),
                tieHeavy(Op.CONV_2D, new int[] {1, 5, 5, 17}, 1, 12, 1, 0),
                tieHeavy(Op.DEPTHWISE_CONV_2D, new int[] {1, 7, 9, 8}, 3, 1, 2, -128),
                tieHeavy(Op.DEPTHWISE_CONV_2D, new int[] {1, 6, 21, 3}, 3, 8, 3, 7),
                tieHeavy(Op.FULLY_CONNECTED, new int[] {5, 4}, 0, 9, 3, -128),
                tieHeavy(Op.FULLY_CONNECTED, new int[] {3, 6}, 0, 16, 2, 1));
    }

    /**
     * @param kernel square kernel size (CONV_2D, DEPTHWISE_CONV_2D; SAME padding, stride 1)
     * @param outputs output channels for CONV_2D and FULLY_CONNECTED, the depth multiplier for depthwise
     */
    private static Arguments tieHeavy(Op op, int[] inShape, int kernel, int outputs, int weightMax, int inZp) {
        String name = "int8 " + op + " ties in " + Arrays.toString(inShape) + (kernel > 0 ? " k" + kernel : "") + " "
                + (op == Op.DEPTHWISE_CONV_2D ? "m" : "out ") + outputs + " |w|<=" + weightMax + " zp " + inZp;
        SplittableRandom r = Shapes.random(name);
        int depth = inShape[inShape.length - 1];
        int channels = op == Op.DEPTHWISE_CONV_2D ? depth * outputs : outputs;
        float inScale = 1f / 32;
        float[] wScales = new float[channels];
        for (int c = 0; c < channels; c++) {
            wScales[c] = (float) Math.scalb(1.0, -7 - c % 4);
        }
        // Multiplier of channel c: inScale · wScales[c] / outScale = 2^−(2 + c % 4).
        float outScale = (float) Math.scalb(1.0, -5 - 7 + 2);
        boolean perTensor = op == Op.FULLY_CONNECTED;
        if (perTensor) {
            Arrays.fill(wScales, wScales[0]);
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, inShape, Quant.of(inScale, inZp));
        int[] filterShape = switch (op) {
            case CONV_2D -> new int[] {channels, kernel, kernel, depth};
            case DEPTHWISE_CONV_2D -> new int[] {1, kernel, kernel, channels};
            default -> new int[] {channels, depth};
        };
        Quant filterQ = perTensor ? Quant.of(wScales[0], 0) : Quant.perChannel(wScales, op == Op.CONV_2D ? 0 : 3);
        int filter = m.constantInt8("filter", filterShape, filterQ, Int8Params.weights(r, count(filterShape), weightMax));
        float[] bScales = Int8Params.biasScales(inScale, wScales);
        int[] biases = new int[channels];
        for (int c = 0; c < channels; c++) {
            biases[c] = r.nextInt(101) - 50;
        }
        int b = m.constantInts("bias", new int[] {channels},
                perTensor ? Quant.of(bScales[0], 0) : Quant.perChannel(bScales, 0), biases);
        int[] outShape = inShape.clone();
        outShape[outShape.length - 1] = channels;
        int y = m.tensor("y", Type.INT8, outShape, Quant.of(outScale, -3));
        Options options = switch (op) {
            case CONV_2D -> Options.conv2d(Padding.SAME, 1, 1, Act.NONE, 1, 1);
            case DEPTHWISE_CONV_2D -> Options.depthwise(Padding.SAME, 1, 1, outputs, Act.NONE, 1, 1);
            default -> Options.fullyConnected(Act.NONE, false);
        };
        m.op(op, options, new int[] {x, filter, b}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- elementwise

    static Stream<Arguments> add() {
        return Stream.of(
                add(new int[] {1, 4, 5, 3}, new int[] {1, 4, 5, 3}, Quant.of(0.05f, -128), Quant.of(0.03f, 7),
                        Quant.of(0.07f, -20), Act.NONE),
                add(new int[] {1, 4, 5, 3}, new int[] {1, 4, 5, 3}, Quant.of(0.0625f, 3), Quant.of(0.0625f, -3),
                        Quant.of(0.125f, 0), Act.NONE),
                add(new int[] {1, 4, 5, 3}, new int[] {1, 4, 5, 3}, Quant.of(0.02f, 0), Quant.of(0.1f, 10),
                        Quant.of(0.05f, -128), Act.RELU6),
                add(new int[] {1, 4, 5, 3}, new int[] {3}, Quant.of(0.04f, -5), Quant.of(0.01f, 1),
                        Quant.of(0.05f, 2), Act.RELU),
                add(new int[] {1, 4, 5, 3}, new int[] {1, 1, 1, 3}, Quant.of(0.04f, -128), Quant.of(0.04f, -128),
                        Quant.of(0.08f, -128), Act.NONE),
                add(new int[] {1, 4, 1, 3}, new int[] {1, 1, 5, 1}, Quant.of(0.015f, 12), Quant.of(0.25f, -1),
                        Quant.of(0.3f, 4), Act.RELU_N1_TO_1),
                add(new int[] {2, 1, 7}, new int[] {3, 1}, Quant.of(0.5f, 0), Quant.of(0.5f, 0), Quant.of(0.5f, 0),
                        Act.NONE),
                // An output scale finer than both inputs: the output multipliers exceed 1.
                add(new int[] {1, 3, 5, 2}, new int[] {1, 3, 5, 2}, Quant.of(0.01f, 2), Quant.of(0.012f, -5),
                        Quant.of(0.004f, 1), Act.NONE));
    }

    private static Arguments add(int[] a, int[] b, Quant qa, Quant qb, Quant qy, Act act) {
        String name = "int8 ADD " + Arrays.toString(a) + " (" + qa + ") + " + Arrays.toString(b) + " (" + qb + ") -> "
                + qy + " " + act;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("a", Type.INT8, a, qa);
        int z = m.input("b", Type.INT8, b, qb);
        int y = m.tensor("y", Type.INT8, broadcastShape(a, b), qy);
        m.op(Op.ADD, Options.add(act), new int[] {x, z}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> mul() {
        return Stream.of(
                mul(new int[] {1, 4, 5, 3}, new int[] {1, 4, 5, 3}, Quant.of(0.05f, -128), Quant.of(0.03f, 7),
                        Quant.of(0.02f, -20), Act.NONE),
                mul(new int[] {1, 4, 5, 3}, new int[] {3}, Quant.of(0.04f, -5), Quant.of(0.01f, 1),
                        Quant.of(0.003f, 2), Act.RELU),
                mul(new int[] {1, 4, 5, 3}, new int[] {1, 1, 1, 3}, Quant.of(0.02f, -128), Quant.of(0.02f, -128),
                        Quant.of(0.02f, -128), Act.RELU6),
                mul(new int[] {2, 1, 7}, new int[] {3, 1}, Quant.of(0.5f, 0), Quant.of(0.25f, 0), Quant.of(0.5f, 0),
                        Act.NONE),
                mul(new int[] {3, 17}, new int[] {1}, Quant.of(0.1f, 127), Quant.of(0.05f, -3), Quant.of(0.2f, 11),
                        Act.RELU_N1_TO_1),
                // An output scale much finer than the product of the input scales: the multiplier exceeds 1.
                mul(new int[] {1, 3, 5, 2}, new int[] {1, 3, 5, 2}, Quant.of(0.1f, 2), Quant.of(0.12f, -5),
                        Quant.of(0.004f, 1), Act.NONE),
                // Power-of-two scales: products land exactly on halves of the output step.
                mul(new int[] {2, 33}, new int[] {2, 33}, Quant.of(0.125f, 0), Quant.of(0.25f, 3),
                        Quant.of(0.0625f, -1), Act.NONE));
    }

    private static Arguments mul(int[] a, int[] b, Quant qa, Quant qb, Quant qy, Act act) {
        String name = "int8 MUL " + Arrays.toString(a) + " (" + qa + ") * " + Arrays.toString(b) + " (" + qb + ") -> "
                + qy + " " + act;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("a", Type.INT8, a, qa);
        int z = m.input("b", Type.INT8, b, qb);
        int y = m.tensor("y", Type.INT8, broadcastShape(a, b), qy);
        m.op(Op.MUL, Options.mul(act), new int[] {x, z}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /**
     * PRELU with constant int8 slopes as the converter writes them (per tensor, asymmetric): per-channel slopes
     * broadcast over [1, H, W, C] as in MediaPipe's landmark models, slopes of the input's own shape, slopes
     * of both signs, an output scale finer than the input's (identity multiplier above 1) and power-of-two
     * scales whose products land on exact halves.
     */
    static Stream<Arguments> prelu() {
        return Stream.of(
                prelu(new int[] {1, 5, 7, 3}, new int[] {1, 1, 3}, Quant.of(0.05f, -10), Quant.of(0.002f, -128),
                        Quant.of(0.05f, -20), 0, 127),
                prelu(new int[] {1, 4, 6, 16}, new int[] {1, 1, 16}, Quant.of(0.03f, 7), Quant.of(0.004f, -40),
                        Quant.of(0.02f, -60), -100, 100),
                prelu(new int[] {1, 3, 5, 4}, new int[] {1, 3, 5, 4}, Quant.of(0.1f, 3), Quant.of(0.01f, 0),
                        Quant.of(0.08f, 1), -128, 127),
                prelu(new int[] {2, 37}, new int[] {37}, Quant.of(0.02f, -128), Quant.of(0.003f, 5),
                        Quant.of(0.007f, -128), -50, 90),
                prelu(new int[] {1, 2, 9, 8}, new int[] {8}, Quant.of(0.125f, 0), Quant.of(0.0625f, 0),
                        Quant.of(0.25f, -1), -128, 127),
                prelu(new int[] {1, 6, 6, 5}, new int[] {1, 1, 5}, Quant.of(0.04f, 127), Quant.of(0.01f, 17),
                        Quant.of(0.1f, 60), 0, 60));
    }

    /** @param alphaMin smallest and {@code alphaMax} largest stored slope value */
    private static Arguments prelu(int[] shape, int[] alphaShape, Quant qx, Quant qa, Quant qy, int alphaMin,
                                   int alphaMax) {
        String name = "int8 PRELU " + Arrays.toString(shape) + " (" + qx + ") alpha " + Arrays.toString(alphaShape)
                + " (" + qa + ") in [" + alphaMin + ", " + alphaMax + "] -> " + qy;
        SplittableRandom r = Shapes.random(name);
        byte[] slopes = new byte[count(alphaShape)];
        for (int i = 0; i < slopes.length; i++) {
            slopes[i] = (byte) r.nextInt(alphaMin, alphaMax + 1);
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, qx);
        int alpha = m.constantInt8("alpha", alphaShape, qa, slopes);
        int y = m.tensor("y", Type.INT8, shape, qy);
        m.op(Op.PRELU, Options.NONE, new int[] {x, alpha}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /**
     * RELU, RELU6 and HARD_SWISH with the input's and with their own output quantisation: zero point −128
     * where 6/s lies past the int8 range, zero point 127 where RELU collapses everything, and hard-swish with
     * the ranges MobileNetV3's converter writes.
     */
    static Stream<Arguments> activations() {
        return Stream.of(
                activation(Op.RELU, Options.NONE, new int[] {1, 5, 7, 3}, Quant.of(0.05f, -10), Quant.of(0.05f, -10)),
                activation(Op.RELU, Options.NONE, new int[] {2, 37}, Quant.of(0.1f, 3), Quant.of(0.03f, -128)),
                activation(Op.RELU, Options.NONE, new int[] {2, 37}, Quant.of(0.02f, 0), Quant.of(0.02f, 127)),
                activation(Op.RELU6, Options.NONE, new int[] {1, 5, 7, 3}, Quant.of(0.05f, -10), Quant.of(0.05f, -10)),
                activation(Op.RELU6, Options.NONE, new int[] {2, 37}, Quant.of(0.1f, 3), Quant.of(6f / 255, -128)),
                activation(Op.RELU6, Options.NONE, new int[] {2, 37}, Quant.of(0.01f, -128), Quant.of(0.01f, -128)),
                activation(Op.RELU6, Options.NONE, new int[] {3, 17}, Quant.of(0.0625f, 5), Quant.of(0.03125f, -100)),
                activation(Op.HARD_SWISH, Options.NONE, new int[] {1, 5, 7, 3}, Quant.of(0.05f, -10),
                        Quant.of(0.03f, -90)),
                activation(Op.HARD_SWISH, Options.NONE, new int[] {2, 37}, Quant.of(0.1f, 3),
                        Quant.of(0.06f, -128)),
                activation(Op.HARD_SWISH, Options.NONE, new int[] {2, 37}, Quant.of(0.02f, 0),
                        Quant.of(0.02f, 0)),
                activation(Op.HARD_SWISH, Options.NONE, new int[] {3, 41}, Quant.of(0.03125f, -128),
                        Quant.of(0.015625f, -110)));
    }

    // ---------------------------------------------------------------- pooling and reduction

    static Stream<Arguments> pools() {
        List<Arguments> cases = new ArrayList<>();
        for (Op op : new Op[] {Op.AVERAGE_POOL_2D, Op.MAX_POOL_2D}) {
            cases.add(pool(op, 9, 11, 3, 3, 3, 2, 2, Padding.SAME, Act.NONE, Quant.of(0.02f, -128)));
            cases.add(pool(op, 9, 11, 3, 3, 3, 2, 2, Padding.VALID, Act.RELU, Quant.of(0.05f, 17)));
            cases.add(pool(op, 9, 11, 5, 2, 2, 2, 2, Padding.SAME, Act.RELU6, Quant.of(0.03f, -3)));
            cases.add(pool(op, 8, 7, 5, 3, 2, 1, 1, Padding.SAME, Act.NONE, Quant.of(0.1f, 0)));
            cases.add(pool(op, 7, 7, 4, 3, 3, 1, 2, Padding.VALID, Act.RELU_N1_TO_1, Quant.of(0.01f, 5)));
            cases.add(pool(op, 7, 7, 19, 7, 7, 1, 1, Padding.VALID, Act.NONE, Quant.of(0.02f, -128)));
            cases.add(pool(op, 17, 17, 2, 17, 17, 1, 1, Padding.VALID, Act.NONE, Quant.of(0.02f, 9)));
            cases.add(pool(op, 5, 6, 3, 1, 2, 1, 1, Padding.SAME, Act.NONE, Quant.of(0.02f, 1)));
        }
        return cases.stream();
    }

    private static Arguments pool(Op op, int h, int w, int c, int fh, int fw, int strideH, int strideW, Padding padding,
                                  Act act, Quant q) {
        String name = "int8 " + op + " in " + h + "x" + w + "x" + c + " f" + fh + "x" + fw + " s" + strideH + "x" + strideW
                + " " + padding + " " + act + " " + q;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, new int[] {1, h, w, c}, q);
        int y = m.tensor("y", Type.INT8,
                new int[] {1, outSize(padding, h, fh, strideH, 1), outSize(padding, w, fw, strideW, 1), c}, q);
        m.op(op, Options.pool(padding, strideW, strideH, fw, fh, act), new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    static Stream<Arguments> mean() {
        Quant a = Quant.of(0.05f, -3);
        Quant b = Quant.of(0.02f, 10);
        Quant c = Quant.of(0.03f, -128);
        return Stream.of(
                mean(new int[] {1, 7, 9, 5}, new int[] {1, 2}, true, a, b),
                mean(new int[] {1, 7, 9, 5}, new int[] {1, 2}, true, a, a),
                mean(new int[] {1, 7, 9, 5}, new int[] {2, 1}, true, c, b),
                mean(new int[] {1, 7, 9, 5}, new int[] {1, 2}, false, a, b),
                mean(new int[] {1, 16, 16, 3}, new int[] {1, 2}, true, c, c),
                mean(new int[] {2, 5, 3, 4}, new int[] {3}, false, a, b),
                mean(new int[] {2, 5, 3, 4}, new int[] {-1}, true, b, c),
                mean(new int[] {2, 5, 3, 4}, new int[] {2, 3}, false, c, a),
                // Height and width with keep_dims where TFLite 2.6's integer kernel (rescale, then a rounded
                // division) and the float path part ways on a few means in a hundred.
                mean(new int[] {2, 4, 4, 30}, new int[] {2, 1}, true, Quant.of(0.009f, -115), Quant.of(0.058f, -26)),
                mean(new int[] {1, 3, 3, 60}, new int[] {1, 2}, true, Quant.of(0.008f, -63), Quant.of(0.071f, -72)),
                mean(new int[] {1, 7, 9, 60}, new int[] {1, 2}, true, Quant.of(0.014f, 78), Quant.of(0.067f, -78)));
    }

    /**
     * MEAN whose output has the input's scale and zero point, outside the 4-D height-and-width keep_dims
     * case (axes written {1, 2} or {2, 1}): TFLite 2.6 then runs {@code reference_ops::Mean}, which divides
     * the raw int8 sum with C integer division (truncation toward zero) instead of rounding.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("meanWithEqualParams")
    void meanWithEqualParamsTruncatesLikeTflite(String name, byte[] model) throws Exception {
        GeneratedModelCheck.assertConforms(name, model, dir);
    }

    static Stream<Arguments> meanWithEqualParams() {
        Quant a = Quant.of(0.05f, -3);
        Quant b = Quant.of(0.02f, 10);
        Quant c = Quant.of(0.03f, -128);
        return Stream.of(
                mean(new int[] {1, 7, 9, 5}, new int[] {1, 2}, false, c, c),
                mean(new int[] {2, 5, 3, 4}, new int[] {3}, false, a, a),
                mean(new int[] {2, 5, 3, 4}, new int[] {1}, true, a, a),
                mean(new int[] {3, 17}, new int[] {1}, false, b, b),
                // Height and width spelled with negative axes: not TFLite 2.6's 4-D special case.
                mean(new int[] {2, 5, 3, 4}, new int[] {-3, -2}, true, a, a),
                // Four values and equal scales and zero points: a quarter of the means are exact halves, which
                // XNNPACK rounds away from zero.
                mean(new int[] {6, 5, 3, 4}, new int[] {3}, true, Quant.of(0.068f, 61), Quant.of(0.068f, 61)));
    }

    private static Arguments mean(int[] inShape, int[] axes, boolean keepDims, Quant qIn, Quant qOut) {
        String name = "int8 MEAN in " + Arrays.toString(inShape) + " axes " + Arrays.toString(axes)
                + (keepDims ? " keep_dims" : "") + " (" + qIn + ") -> (" + qOut + ")";
        boolean[] reduced = new boolean[inShape.length];
        for (int ax : axes) {
            reduced[(ax + inShape.length) % inShape.length] = true;
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
        int x = m.input("x", Type.INT8, inShape, qIn);
        int y = m.tensor("y", Type.INT8, out.stream().mapToInt(Integer::intValue).toArray(), qOut);
        m.op(Op.MEAN, Options.reducer(keepDims), new int[] {x, m.constantVector("axes", axes)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- table and softmax activations

    static Stream<Arguments> lookup() {
        Quant softmaxOut = Quant.of(1f / 256, -128);
        return Stream.of(
                softmax(1f, new int[] {2, 10}, Quant.of(0.1f, 3), softmaxOut),
                softmax(1f, new int[] {1, 3, 4, 7}, Quant.of(0.0625f, -128), softmaxOut),
                softmax(0.5f, new int[] {3, 17}, Quant.of(0.05f, 0), softmaxOut),
                softmax(2.7f, new int[] {2, 9}, Quant.of(0.03f, -20), softmaxOut),
                softmax(1f, new int[] {4, 1}, Quant.of(0.1f, 0), softmaxOut),
                softmax(1f, new int[] {1, 1001}, Quant.of(0.2f, -60), softmaxOut),
                activation(Op.LOGISTIC, Options.NONE, new int[] {1, 5, 7, 3}, Quant.of(0.05f, -10), softmaxOut),
                activation(Op.LOGISTIC, Options.NONE, new int[] {2, 37}, Quant.of(0.1f, 0), softmaxOut),
                activation(Op.LOGISTIC, Options.NONE, new int[] {2, 37}, Quant.of(1f / 32, -128), softmaxOut),
                activation(Op.TANH, Options.NONE, new int[] {1, 5, 7, 3}, Quant.of(0.05f, -10), Quant.of(1f / 128, 0)),
                activation(Op.TANH, Options.NONE, new int[] {2, 37}, Quant.of(0.02f, 0), Quant.of(1f / 128, 0)),
                activation(Op.TANH, Options.NONE, new int[] {2, 37}, Quant.of(1f / 64, 127), Quant.of(1f / 128, 0)));
    }

    /**
     * SOFTMAX on rows longer than the short ones of {@link #lookup}: the 1/256, zero point −128 output the
     * converter writes, with input scales from fine to coarse and several beta values.
     */
    static Stream<Arguments> longSoftmax() {
        Quant out = Quant.of(1f / 256, -128);
        return Stream.of(
                softmax(1f, new int[] {1, 10}, Quant.of(0.1f, 3), out),
                softmax(1f, new int[] {1, 10}, Quant.of(0.0625f, -128), out),
                softmax(0.3f, new int[] {1, 10}, Quant.of(0.25f, 10), out),
                softmax(1f, new int[] {2, 33}, Quant.of(0.02f, -7), out),
                softmax(1f, new int[] {2, 33}, Quant.of(0.15f, 0), out),
                softmax(2f, new int[] {2, 33}, Quant.of(0.05f, 20), out),
                softmax(0.5f, new int[] {2, 33}, Quant.of(0.5f, -128), out),
                softmax(1f, new int[] {3, 100}, Quant.of(0.08f, 5), out));
    }

    private static Arguments softmax(float beta, int[] shape, Quant qIn, Quant qOut) {
        return activation(Op.SOFTMAX, Options.softmax(beta), "beta " + beta + " ", shape, qIn, qOut);
    }

    private static Arguments activation(Op op, Options options, int[] shape, Quant qIn, Quant qOut) {
        return activation(op, options, "", shape, qIn, qOut);
    }

    private static Arguments activation(Op op, Options options, String detail, int[] shape, Quant qIn, Quant qOut) {
        String name = "int8 " + op + " " + detail + Arrays.toString(shape) + " (" + qIn + ") -> (" + qOut + ")";
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, qIn);
        int y = m.tensor("y", Type.INT8, shape, qOut);
        m.op(op, options, new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- QUANTIZE / DEQUANTIZE

    static Stream<Arguments> conversions() {
        return Stream.of(
                quantize(new int[] {3, 41}, Quant.of(0.01f, -128)),
                quantize(new int[] {3, 41}, Quant.of(1f / 128, 0)),
                quantize(new int[] {1, 4, 5, 3}, Quant.of(0.0037f, 13)),
                quantize(new int[] {2, 9}, Quant.of(1e3f, 4)),
                quantize(new int[] {2, 9}, Quant.of(1e-8f, -2)),
                requantize(new int[] {3, 41}, Quant.of(0.05f, 3), Quant.of(0.1f, -5)),
                requantize(new int[] {3, 41}, Quant.of(0.05f, -128), Quant.of(0.037f, 20)),
                requantize(new int[] {3, 41}, Quant.of(0.02f, 0), Quant.of(0.005f, -1)),
                dequantize(new int[] {3, 41}, Quant.of(0.05f, -128)),
                dequantize(new int[] {1, 4, 5, 3}, Quant.of(0.0123f, 17)),
                dequantizeThenQuantize(new int[] {3, 41}, Quant.of(0.5f, 0), Quant.of(1f, 0)),
                dequantizeThenQuantize(new int[] {3, 41}, Quant.of(0.25f, -128), Quant.of(0.5f, 3)));
    }

    private static Arguments quantize(int[] shape, Quant q) {
        String name = "QUANTIZE float32 " + Arrays.toString(shape) + " -> int8 (" + q + ")";
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.FLOAT32, shape, null);
        int y = m.tensor("y", Type.INT8, shape, q);
        m.op(Op.QUANTIZE, Options.NONE, new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments requantize(int[] shape, Quant qIn, Quant qOut) {
        String name = "QUANTIZE int8 (" + qIn + ") -> int8 (" + qOut + ") " + Arrays.toString(shape);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, qIn);
        int y = m.tensor("y", Type.INT8, shape, qOut);
        m.op(Op.QUANTIZE, Options.NONE, new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments dequantize(int[] shape, Quant q) {
        String name = "DEQUANTIZE int8 (" + q + ") " + Arrays.toString(shape);
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, q);
        int y = m.tensor("y", Type.FLOAT32, shape, null);
        m.op(Op.DEQUANTIZE, Options.NONE, new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /** Dequantised values are multiples of {@code qIn}'s scale, so quantising to twice that scale hits exact halves. */
    private static Arguments dequantizeThenQuantize(int[] shape, Quant qIn, Quant qOut) {
        String name = "DEQUANTIZE (" + qIn + ") then QUANTIZE (" + qOut + ") " + Arrays.toString(shape) + " ties";
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, qIn);
        int f = m.tensor("f", Type.FLOAT32, shape, null);
        m.op(Op.DEQUANTIZE, Options.NONE, new int[] {x}, f);
        int y = m.tensor("y", Type.INT8, shape, qOut);
        m.op(Op.QUANTIZE, Options.NONE, new int[] {f}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- data movement

    static Stream<Arguments> layout() {
        Quant q = Quant.of(0.04f, -9);
        List<Arguments> cases = new ArrayList<>();
        cases.add(concat(new int[][] {{1, 3, 4, 2}, {1, 3, 4, 5}}, 3, q));
        cases.add(concat(new int[][] {{1, 2, 4, 3}, {1, 5, 4, 3}, {1, 1, 4, 3}}, 1, Quant.of(0.1f, -128)));
        cases.add(concat(new int[][] {{2, 5}, {3, 5}}, -2, q));
        cases.add(pad(new int[] {1, 4, 5, 3}, new int[] {0, 0, 1, 1, 2, 0, 0, 0}, null, q));
        cases.add(pad(new int[] {1, 4, 5, 3}, new int[] {0, 0, 0, 0, 0, 0, 0, 4}, null, Quant.of(0.02f, -128)));
        cases.add(pad(new int[] {1, 4, 5, 3}, new int[] {0, 1, 1, 0, 1, 1, 0, 2}, (byte) 77, q));
        cases.add(reshape(new int[] {1, 4, 5, 3}, new int[] {1, 60}, q));
        cases.add(reshape(new int[] {1, 4, 5, 3}, new int[] {4, -1}, q));
        cases.add(transpose(new int[] {1, 3, 4, 5}, q, 0, 3, 1, 2));
        cases.add(transpose(new int[] {2, 3, 7}, q, 2, 0, 1));
        cases.add(stridedSlice(new int[] {1, 6, 7, 4}, new int[] {0, 1, 2, 0}, new int[] {1, 5, 7, 3},
                new int[] {1, 1, 2, 1}, q));
        cases.add(depthToSpace(new int[] {1, 3, 4, 8}, 2, q));
        return cases.stream();
    }

    /** Every coordinate mapping, up and down, and pose_detection's 2× upsampling, where ties are frequent. */
    static Stream<Arguments> resizes() {
        List<Arguments> cases = new ArrayList<>();
        Quant q = Quant.of(0.04f, -9);
        for (boolean[] f : new boolean[][] {{false, false}, {true, false}, {false, true}}) {
            cases.add(resize(new int[] {1, 4, 5, 3}, 9, 11, f[0], f[1], q));
            cases.add(resize(new int[] {1, 7, 9, 2}, 3, 4, f[0], f[1], Quant.of(0.02f, -128)));
            cases.add(resize(new int[] {1, 7, 7, 37}, 14, 14, f[0], f[1], Quant.of(0.03f, -128)));
        }
        return cases.stream();
    }

    private static Arguments concat(int[][] shapes, int axis, Quant q) {
        StringBuilder name = new StringBuilder("int8 CONCATENATION axis " + axis);
        int rank = shapes[0].length;
        int a = (axis + rank) % rank;
        int[] out = shapes[0].clone();
        out[a] = 0;
        TfliteModelWriter m = new TfliteModelWriter();
        int[] ins = new int[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            name.append(' ').append(Arrays.toString(shapes[i]));
            ins[i] = m.input("x" + i, Type.INT8, shapes[i], q);
            out[a] += shapes[i][a];
        }
        int y = m.tensor("y", Type.INT8, out, q);
        m.op(Op.CONCATENATION, Options.concatenation(axis, Act.NONE), ins, y);
        m.output(y);
        return Arguments.of(name + " (" + q + ")", m.build());
    }

    private static Arguments pad(int[] shape, int[] paddings, Byte value, Quant q) {
        String name = (value == null ? "int8 PAD " : "int8 PADV2 value " + value + " ") + Arrays.toString(shape)
                + " paddings " + Arrays.toString(paddings) + " (" + q + ")";
        int[] out = shape.clone();
        for (int i = 0; i < shape.length; i++) {
            out[i] += paddings[2 * i] + paddings[2 * i + 1];
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, q);
        int p = m.constantInts("paddings", new int[] {shape.length, 2}, null, paddings);
        int y = m.tensor("y", Type.INT8, out, q);
        if (value == null) {
            m.op(Op.PAD, Options.NONE, new int[] {x, p}, y);
        } else {
            int v = m.constantInt8("value", new int[] {}, q, new byte[] {value});
            m.op(Op.PADV2, Options.NONE, new int[] {x, p, v}, y);
        }
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments reshape(int[] shape, int[] newShape, Quant q) {
        String name = "int8 RESHAPE " + Arrays.toString(shape) + " to " + Arrays.toString(newShape);
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
        int x = m.input("x", Type.INT8, shape, q);
        int y = m.tensor("y", Type.INT8, out, q);
        m.op(Op.RESHAPE, Options.NONE, new int[] {x, m.constantVector("shape", newShape)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments transpose(int[] shape, Quant q, int... perm) {
        String name = "int8 TRANSPOSE " + Arrays.toString(shape) + " perm " + Arrays.toString(perm);
        int[] out = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = shape[perm[i]];
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, q);
        int y = m.tensor("y", Type.INT8, out, q);
        m.op(Op.TRANSPOSE, Options.NONE, new int[] {x, m.constantVector("perm", perm)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments stridedSlice(int[] shape, int[] begin, int[] end, int[] strides, Quant q) {
        String name = "int8 STRIDED_SLICE " + Arrays.toString(shape) + " begin " + Arrays.toString(begin) + " end "
                + Arrays.toString(end) + " strides " + Arrays.toString(strides);
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = (end[i] - begin[i] + strides[i] - 1) / strides[i];
        }
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, q);
        int y = m.tensor("y", Type.INT8, out, q);
        m.op(Op.STRIDED_SLICE, Options.stridedSlice(0, 0, 0, 0, 0), new int[] {x, m.constantVector("begin", begin),
            m.constantVector("end", end), m.constantVector("strides", strides)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments depthToSpace(int[] shape, int block, Quant q) {
        String name = "int8 DEPTH_TO_SPACE " + Arrays.toString(shape) + " block " + block;
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, q);
        int y = m.tensor("y", Type.INT8,
                new int[] {shape[0], shape[1] * block, shape[2] * block, shape[3] / (block * block)}, q);
        m.op(Op.DEPTH_TO_SPACE, Options.depthToSpace(block), new int[] {x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    private static Arguments resize(int[] shape, int outH, int outW, boolean alignCorners, boolean halfPixel, Quant q) {
        String name = "int8 RESIZE_BILINEAR " + Arrays.toString(shape) + " to " + outH + "x" + outW
                + (alignCorners ? " align_corners" : "") + (halfPixel ? " half_pixel_centers" : "") + " (" + q + ")";
        TfliteModelWriter m = new TfliteModelWriter();
        int x = m.input("x", Type.INT8, shape, q);
        int y = m.tensor("y", Type.INT8, new int[] {shape[0], outH, outW, shape[3]}, q);
        m.op(Op.RESIZE_BILINEAR, Options.resizeBilinear(alignCorners, halfPixel),
                new int[] {x, m.constantVector("size", outH, outW)}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    // ---------------------------------------------------------------- small graphs

    static Stream<Arguments> chains() {
        return Stream.of(quantizedConvBetweenFloats(), convThenDepthwise(), residualBlock(), tinyClassifier());
    }

    /** float → QUANTIZE → CONV_2D → DEQUANTIZE → float: the int8 path behind a float interface. */
    private static Arguments quantizedConvBetweenFloats() {
        String name = "chain QUANTIZE -> int8 CONV_2D 3x3 s2 SAME RELU6 -> DEQUANTIZE";
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        Quant qIn = Quant.of(1f / 127, 0);
        float[] wScales = Int8Params.weightScales(r, 6, false);
        float outScale = Int8Params.outputScale(qIn.scale(), 0, wScales, 27, false);
        int x = m.input("x", Type.FLOAT32, new int[] {1, 9, 9, 3}, null);
        int q = m.tensor("q", Type.INT8, new int[] {1, 9, 9, 3}, qIn);
        m.op(Op.QUANTIZE, Options.NONE, new int[] {x}, q);
        int filter = m.constantInt8("filter", new int[] {6, 3, 3, 3}, Quant.perChannel(wScales, 0),
                Int8Params.weights(r, 6 * 27));
        float[] bScales = Int8Params.biasScales(qIn.scale(), wScales);
        int b = m.constantInts("bias", new int[] {6}, Quant.perChannel(bScales, 0), Int8Params.biases(r, bScales, 0.5));
        int c = m.tensor("c", Type.INT8, new int[] {1, 5, 5, 6}, Quant.of(outScale, -128));
        m.op(Op.CONV_2D, Options.conv2d(Padding.SAME, 2, 2, Act.RELU6, 1, 1), new int[] {q, filter, b}, c);
        int y = m.tensor("y", Type.FLOAT32, new int[] {1, 5, 5, 6}, null);
        m.op(Op.DEQUANTIZE, Options.NONE, new int[] {c}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /** The MobileNet pattern: 1×1 expansion, 3×3 depthwise, both with RELU6 on zero point −128. */
    private static Arguments convThenDepthwise() {
        String name = "chain int8 CONV_2D 1x1 RELU6 -> DEPTHWISE_CONV_2D 3x3 s2 RELU6";
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        Quant qIn = Quant.of(0.03f, -128);
        int x = m.input("x", Type.INT8, new int[] {1, 10, 10, 4}, qIn);
        float[] w1 = Int8Params.weightScales(r, 12, false);
        float s1 = Int8Params.outputScale(qIn.scale(), -128, w1, 4, false);
        int f1 = m.constantInt8("expand", new int[] {12, 1, 1, 4}, Quant.perChannel(w1, 0), Int8Params.weights(r, 48));
        float[] b1s = Int8Params.biasScales(qIn.scale(), w1);
        int b1 = m.constantInts("expand_bias", new int[] {12}, Quant.perChannel(b1s, 0), Int8Params.biases(r, b1s, 0.3));
        int e = m.tensor("expanded", Type.INT8, new int[] {1, 10, 10, 12}, Quant.of(s1, -128));
        m.op(Op.CONV_2D, Options.conv2d(Padding.VALID, 1, 1, Act.RELU6, 1, 1), new int[] {x, f1, b1}, e);
        float[] w2 = Int8Params.weightScales(r, 12, false);
        float s2 = Int8Params.outputScale(s1, -128, w2, 9, false);
        int f2 = m.constantInt8("dw", new int[] {1, 3, 3, 12}, Quant.perChannel(w2, 3), Int8Params.weights(r, 108));
        float[] b2s = Int8Params.biasScales(s1, w2);
        int b2 = m.constantInts("dw_bias", new int[] {12}, Quant.perChannel(b2s, 0), Int8Params.biases(r, b2s, 0.3));
        int y = m.tensor("y", Type.INT8, new int[] {1, 5, 5, 12}, Quant.of(s2, -128));
        m.op(Op.DEPTHWISE_CONV_2D, Options.depthwise(Padding.SAME, 2, 2, 1, Act.RELU6, 1, 1), new int[] {e, f2, b2}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /** A residual connection: the block's input added to a 3×3 convolution of it. */
    private static Arguments residualBlock() {
        String name = "chain int8 CONV_2D 3x3 SAME -> ADD with the block input";
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        Quant qIn = Quant.of(0.04f, 6);
        int x = m.input("x", Type.INT8, new int[] {1, 7, 8, 5}, qIn);
        float[] ws = Int8Params.weightScales(r, 5, false);
        float s = Int8Params.outputScale(qIn.scale(), 6, ws, 45, false);
        int f = m.constantInt8("filter", new int[] {5, 3, 3, 5}, Quant.perChannel(ws, 0), Int8Params.weights(r, 225));
        float[] bs = Int8Params.biasScales(qIn.scale(), ws);
        int b = m.constantInts("bias", new int[] {5}, Quant.perChannel(bs, 0), Int8Params.biases(r, bs, 0.3));
        int c = m.tensor("c", Type.INT8, new int[] {1, 7, 8, 5}, Quant.of(s, -4));
        m.op(Op.CONV_2D, Options.conv2d(Padding.SAME, 1, 1, Act.NONE, 1, 1), new int[] {x, f, b}, c);
        int y = m.tensor("y", Type.INT8, new int[] {1, 7, 8, 5}, Quant.of(s + qIn.scale(), -2));
        m.op(Op.ADD, Options.add(Act.NONE), new int[] {c, x}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }

    /** Global average pool, fully connected, softmax: a classifier head. */
    private static Arguments tinyClassifier() {
        String name = "chain int8 AVERAGE_POOL_2D global -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX";
        SplittableRandom r = Shapes.random(name);
        TfliteModelWriter m = new TfliteModelWriter();
        Quant qIn = Quant.of(0.02f, -128);
        int x = m.input("x", Type.INT8, new int[] {1, 5, 5, 16}, qIn);
        int p = m.tensor("pooled", Type.INT8, new int[] {1, 1, 1, 16}, qIn);
        m.op(Op.AVERAGE_POOL_2D, Options.pool(Padding.VALID, 1, 1, 5, 5, Act.NONE), new int[] {x}, p);
        int flat = m.tensor("flat", Type.INT8, new int[] {1, 16}, qIn);
        m.op(Op.RESHAPE, Options.NONE, new int[] {p, m.constantVector("shape", 1, 16)}, flat);
        float ws = 0.004f;
        float s = Int8Params.outputScale(qIn.scale(), -128, new float[] {ws}, 16, false);
        int w = m.constantInt8("weights", new int[] {10, 16}, Quant.of(ws, 0), Int8Params.weights(r, 160));
        int b = m.constantInts("bias", new int[] {10}, Quant.of(qIn.scale() * ws, 0),
                Int8Params.biases(r, Int8Params.biasScales(qIn.scale(), new float[] {ws, ws, ws, ws, ws, ws, ws, ws, ws, ws}), 0.5));
        int logits = m.tensor("logits", Type.INT8, new int[] {1, 10}, Quant.of(s, 0));
        m.op(Op.FULLY_CONNECTED, Options.fullyConnected(Act.NONE, false), new int[] {flat, w, b}, logits);
        int y = m.tensor("y", Type.INT8, new int[] {1, 10}, Quant.of(1f / 256, -128));
        m.op(Op.SOFTMAX, Options.softmax(1f), new int[] {logits}, y);
        m.output(y);
        return Arguments.of(name, m.build());
    }
}
