package dev.sparrow.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Padding;
import dev.sparrow.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused graph gives the same outputs as the unfused one. The unfused run is the same graph with the
 * intermediate tensors also declared as graph outputs, which is exactly what stops the pass from folding
 * them away, so both runs go through the real interpreter and kernels.
 */
class FusionTest {

    /** A hand-built graph: tensors and operators appended in order. */
    private static final class Graph {
        final List<Tensor> tensors = new ArrayList<>();
        final List<Operator> ops = new ArrayList<>();
        final Random random = new Random(11);

        int activation(int... shape) {
            return add(shape, DataType.FLOAT32, null);
        }

        int weights(int... shape) {
            float[] v = new float[Tensor.elementCount(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian();
            }
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            return add(shape, DataType.FLOAT32, b.array());
        }

        int paddings(int... p) {
            ByteBuffer b = ByteBuffer.allocate(4 * p.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(p);
            return add(new int[] {p.length / 2, 2}, DataType.INT32, b.array());
        }

        int ints(int... v) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(v);
            return add(new int[] {v.length}, DataType.INT32, b.array());
        }

        private int add(int[] shape, DataType type, byte[] data) {
            tensors.add(new Tensor(tensors.size(), "t" + tensors.size(), type, shape, null, data, false));
            return tensors.size() - 1;
        }

        void op(BuiltinOp op, OpOptions options, int output, int... inputs) {
            ops.add(new Operator(ops.size(), ops.size(), op, null, inputs, new int[] {output}, options, null));
        }

        Model model(int input, int... outputs) {
            return new Model("fusion-test", 3, "", List.copyOf(tensors), List.copyOf(ops), new int[] {input}, outputs);
        }
    }

    private static float[] run(Model model, float[] input, int output) {
        return run(model, input, output, 1);
    }

    private static float[] randomInput(Model model) {
        Random r = new Random(5);
        float[] x = new float[model.input(0).elementCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void padDepthwiseConvAddChainGivesTheUnfusedOutputs() {
        Graph g = new Graph();
        int x = g.activation(1, 9, 13, 8);
        int padded = g.activation(1, 11, 15, 8);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, padded, x, g.paddings(0, 0, 1, 1, 1, 1, 0, 0));
        int dw = g.activation(1, 9, 13, 8);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.VALID, 1, 1, 1, Activation.RELU6, 1, 1),
                dw, padded, g.weights(1, 3, 3, 8), g.weights(8));
        int pw = g.activation(1, 9, 13, 8);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), pw, dw,
                g.weights(8, 1, 1, 8), g.weights(8));
        int sum = g.activation(1, 9, 13, 8);
        g.op(BuiltinOp.ADD, new OpOptions.Arithmetic(Activation.RELU), sum, pw, x);
        // stride-2 stem style: asymmetric PAD (after only) then a VALID 3×3 stride-2 convolution
        int padded2 = g.activation(1, 10, 14, 8);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, padded2, sum, g.paddings(0, 0, 0, 1, 0, 1, 0, 0));
        int down = g.activation(1, 4, 6, 5);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 2, 2, Activation.NONE, 1, 1), down, padded2,
                g.weights(5, 3, 3, 8), g.weights(5));

        Model fusedGraph = g.model(x, down);
        Model unfusedGraph = g.model(x, down, padded, pw, padded2);
        Model fused = Fusion.apply(fusedGraph);
        assertEquals(3, fused.operators().size(), "two PADs and the ADD are folded");
        assertInstanceOf(OpOptions.PaddedDepthwiseConv2D.class, fused.operators().get(0).options());
        OpOptions.FusedConv2D residual = assertInstanceOf(OpOptions.FusedConv2D.class, fused.operators().get(1).options());
        assertEquals(Activation.RELU, residual.residualActivation());
        OpOptions.FusedConv2D stem = assertInstanceOf(OpOptions.FusedConv2D.class, fused.operators().get(2).options());
        assertEquals(new OpOptions.ExplicitPadding(0, 1, 0, 1), stem.padding());
        assertEquals(6, Fusion.apply(unfusedGraph).operators().size(), "tensors read as outputs are kept");

        float[] input = randomInput(fusedGraph);
        assertArrayEquals(run(unfusedGraph, input, 0), run(fusedGraph, input, 0), 0f);
    }

    @Test
    void preluAfterConvolutionAndAfterResidualSumGivesTheUnfusedOutputs() {
        Graph g = new Graph();
        int x = g.activation(1, 15, 13, 24);
        int stem = g.activation(1, 15, 13, 24);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1), stem, x,
                g.weights(24, 3, 3, 24), g.weights(24));
        int act = g.activation(1, 15, 13, 24);
        g.op(BuiltinOp.PRELU, OpOptions.None.INSTANCE, act, stem, g.weights(1, 1, 24));
        int pw = g.activation(1, 15, 13, 24);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), pw, act,
                g.weights(24, 1, 1, 24), g.weights(24));
        int sum = g.activation(1, 15, 13, 24);
        g.op(BuiltinOp.ADD, new OpOptions.Arithmetic(Activation.NONE), sum, pw, act);
        int out = g.activation(1, 15, 13, 24);
        g.op(BuiltinOp.PRELU, OpOptions.None.INSTANCE, out, sum, g.weights(24));

        Model fusedGraph = g.model(x, out);
        Model unfusedGraph = g.model(x, out, stem, pw, sum);
        Model fused = Fusion.apply(fusedGraph);
        assertEquals(2, fused.operators().size(), "both PRELUs and the ADD are folded");
        OpOptions.PreluConv2D first = assertInstanceOf(OpOptions.PreluConv2D.class, fused.operators().get(0).options());
        assertInstanceOf(OpOptions.Conv2D.class, first.conv());
        OpOptions.PreluConv2D second = assertInstanceOf(OpOptions.PreluConv2D.class, fused.operators().get(1).options());
        assertInstanceOf(OpOptions.FusedConv2D.class, second.conv());
        assertEquals(5, Fusion.apply(unfusedGraph).operators().size(), "tensors read as outputs are kept");

        float[] input = randomInput(fusedGraph);
        assertArrayEquals(run(unfusedGraph, input, 0), run(fusedGraph, input, 0), 0f);
    }

    @Test
    void standaloneClampsAfterConvolutionsGiveTheUnfusedOutputs() {
        Graph g = new Graph();
        int x = g.activation(1, 11, 9, 16);
        int pw = g.activation(1, 11, 9, 24);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), pw, x,
                g.weights(24, 1, 1, 16), g.weights(24));
        int relu = g.activation(1, 11, 9, 24);
        g.op(BuiltinOp.RELU, OpOptions.None.INSTANCE, relu, pw);
        int padded = g.activation(1, 13, 11, 24);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, padded, relu, g.paddings(0, 0, 1, 1, 1, 1, 0, 0));
        int dw = g.activation(1, 6, 5, 24);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.VALID, 2, 2, 1, Activation.NONE, 1, 1),
                dw, padded, g.weights(1, 3, 3, 24), g.weights(24));
        int six = g.activation(1, 6, 5, 24);
        g.op(BuiltinOp.RELU6, OpOptions.None.INSTANCE, six, dw);
        int res = g.activation(1, 6, 5, 24);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1), res, six,
                g.weights(24, 3, 3, 24), g.weights(24));
        int sum = g.activation(1, 6, 5, 24);
        g.op(BuiltinOp.ADD, new OpOptions.Arithmetic(Activation.NONE), sum, res, six);
        int out = g.activation(1, 6, 5, 24);
        g.op(BuiltinOp.RELU_N1_TO_1, OpOptions.None.INSTANCE, out, sum);

        Model fusedGraph = g.model(x, out);
        Model unfusedGraph = g.model(x, out, pw, dw, sum);
        Model fused = Fusion.apply(fusedGraph);
        assertEquals(3, fused.operators().size(), "the PAD, the ADD and the three clamps are folded");
        assertEquals(Activation.RELU,
                assertInstanceOf(OpOptions.Conv2D.class, fused.operators().get(0).options()).activation());
        assertEquals(Activation.RELU6, assertInstanceOf(OpOptions.PaddedDepthwiseConv2D.class,
                fused.operators().get(1).options()).depthwise().activation());
        assertEquals(Activation.RELU_N1_TO_1, assertInstanceOf(OpOptions.FusedConv2D.class,
                fused.operators().get(2).options()).residualActivation());

        float[] input = randomInput(fusedGraph);
        assertArrayEquals(run(unfusedGraph, input, 0), run(fusedGraph, input, 0), 0f);
    }

    @Test
    void padReadByTwoConvolutionsFoldsIntoBoth() {
        // pose_detection pads once for two stride-2 depthwise convolutions of the same input.
        Graph g = new Graph();
        int x = g.activation(1, 11, 12, 24);
        int padded = g.activation(1, 13, 14, 24);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, padded, x, g.paddings(0, 0, 1, 1, 1, 1, 0, 0));
        int a = g.activation(1, 6, 6, 24);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.VALID, 2, 2, 1, Activation.NONE, 1, 1),
                a, padded, g.weights(1, 3, 3, 24), g.weights(24));
        int b = g.activation(1, 6, 6, 24);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.VALID, 2, 2, 1, Activation.NONE, 1, 1),
                b, padded, g.weights(1, 3, 3, 24), g.weights(24));
        int sum = g.activation(1, 6, 6, 24);
        g.op(BuiltinOp.ADD, new OpOptions.Arithmetic(Activation.NONE), sum, a, b);

        Model fusedGraph = g.model(x, sum);
        Model fused = Fusion.apply(fusedGraph);
        assertEquals(3, fused.operators().size(), "the PAD is folded into both readers");
        assertInstanceOf(OpOptions.PaddedDepthwiseConv2D.class, fused.operators().get(0).options());
        assertInstanceOf(OpOptions.PaddedDepthwiseConv2D.class, fused.operators().get(1).options());
        Model unfusedGraph = g.model(x, sum, padded);
        assertEquals(4, Fusion.apply(unfusedGraph).operators().size(), "a PAD that is also an output stays");

        float[] input = randomInput(fusedGraph);
        assertArrayEquals(run(unfusedGraph, input, 0), run(fusedGraph, input, 0), 0f);
    }

    @Test
    void channelPadOfTheShortcutFoldsIntoTheResidualSum() {
        // BlazeFace's blocks: the shortcut widens the block's input with zero channels (after a stride-2 max
        // pool in downsampling blocks) and is added to the 1×1 convolution, which runs first in file order.
        Graph g = new Graph();
        int x = g.activation(1, 10, 9, 20);
        int dw = g.activation(1, 10, 9, 20);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.NONE, 1, 1),
                dw, x, g.weights(1, 3, 3, 20), g.weights(20));
        int pw = g.activation(1, 10, 9, 28);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), pw, dw,
                g.weights(28, 1, 1, 20), g.weights(28));
        int wide = g.activation(1, 10, 9, 28);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, wide, x, g.paddings(0, 0, 0, 0, 0, 0, 0, 8));
        int sum = g.activation(1, 10, 9, 28);
        g.op(BuiltinOp.ADD, new OpOptions.Arithmetic(Activation.NONE), sum, wide, pw);
        int relu = g.activation(1, 10, 9, 28);
        g.op(BuiltinOp.RELU, OpOptions.None.INSTANCE, relu, sum);
        int pooled = g.activation(1, 5, 5, 28);
        g.op(BuiltinOp.MAX_POOL_2D, new OpOptions.Pool2D(Padding.SAME, 2, 2, 2, 2, Activation.NONE), pooled, relu);
        int down = g.activation(1, 5, 5, 28);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.SAME, 2, 2, 1, Activation.NONE, 1, 1),
                down, relu, g.weights(1, 3, 3, 28), g.weights(28));
        int pw2 = g.activation(1, 5, 5, 45);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), pw2, down,
                g.weights(45, 1, 1, 28), g.weights(45));
        int wide2 = g.activation(1, 5, 5, 45);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, wide2, pooled, g.paddings(0, 0, 0, 0, 0, 0, 0, 17));
        int sum2 = g.activation(1, 5, 5, 45);
        g.op(BuiltinOp.ADD, new OpOptions.Arithmetic(Activation.NONE), sum2, pw2, wide2);
        int out = g.activation(1, 5, 5, 45);
        g.op(BuiltinOp.PRELU, OpOptions.None.INSTANCE, out, sum2, g.weights(1, 1, 45));

        Model fusedGraph = g.model(x, out);
        Model unfusedGraph = g.model(x, out, wide, sum, wide2, sum2);
        Model fused = Fusion.apply(fusedGraph);
        List<BuiltinOp> kept = fused.operators().stream().map(Operator::op).toList();
        assertEquals(List.of(BuiltinOp.DEPTHWISE_CONV_2D, BuiltinOp.CONV_2D, BuiltinOp.MAX_POOL_2D,
                BuiltinOp.DEPTHWISE_CONV_2D, BuiltinOp.CONV_2D), kept, "both PADs, ADDs, the RELU and the PRELU are folded");
        Operator first = fused.operators().get(1);
        assertEquals(Activation.RELU,
                assertInstanceOf(OpOptions.FusedConv2D.class, first.options()).residualActivation());
        assertEquals(x, first.input(3), "the convolution adds the unpadded shortcut");
        Operator second = fused.operators().get(4);
        assertInstanceOf(OpOptions.FusedConv2D.class,
                assertInstanceOf(OpOptions.PreluConv2D.class, second.options()).conv());
        assertEquals(pooled, second.input(3));
        assertEquals(11, Fusion.apply(unfusedGraph).operators().size(), "tensors read as outputs are kept");

        float[] input = randomInput(fusedGraph);
        float[] unfusedOut = run(unfusedGraph, input, 0);
        float[] fusedOut = run(fusedGraph, input, 0);
        for (int i = 0; i < unfusedOut.length; i++) {
            assertEquals(Float.floatToRawIntBits(unfusedOut[i]), Float.floatToRawIntBits(fusedOut[i]), "element " + i);
        }
    }

    @Test
    void channelPaddingAndConvolutionsWithActivationsAreLeftAlone() {
        Graph g = new Graph();
        int x = g.activation(1, 6, 6, 4);
        int wide = g.activation(1, 6, 6, 8);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, wide, x, g.paddings(0, 0, 0, 0, 0, 0, 0, 4));
        int conv = g.activation(1, 6, 6, 8);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.RELU, 1, 1), conv, wide,
                g.weights(8, 1, 1, 8), g.weights(8));
        int sum = g.activation(1, 6, 6, 8);
        g.op(BuiltinOp.ADD, new OpOptions.Arithmetic(Activation.NONE), sum, conv, wide);
        Model model = g.model(x, sum);
        assertSame(model, Fusion.apply(model));
    }

    /**
     * Two MobileNet v2 expansions with expanded tensors past {@link Fusion#EXPANSION_MIN_BYTES}: a 1×1
     * convolution with a standalone RELU6 before a PAD and a VALID 3×3 stride-2 depthwise, and one before a SAME
     * 5×5 stride-1 depthwise; a small third one stays two steps. One and two threads, so that a part's first band
     * starts mid-image.
     */
    @Test
    void largeExpansionsFoldIntoTheirDepthwiseAndGiveTheUnfusedOutputs() {
        Graph g = new Graph();
        int h = 60, w = 70, c = 16, e = 48;
        int x = g.activation(1, h, w, c);
        int expanded = g.activation(1, h, w, e);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1), expanded, x,
                g.weights(e, 1, 1, c), g.weights(e));
        int clamped = g.activation(1, h, w, e);
        g.op(BuiltinOp.RELU6, OpOptions.None.INSTANCE, clamped, expanded);
        int padded = g.activation(1, h + 1, w + 1, e);
        g.op(BuiltinOp.PAD, OpOptions.None.INSTANCE, padded, clamped, g.paddings(0, 0, 0, 1, 0, 1, 0, 0));
        int down = g.activation(1, h / 2, w / 2, e);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.VALID, 2, 2, 1, Activation.RELU6, 1, 1),
                down, padded, g.weights(1, 3, 3, e), g.weights(e));
        int wide = g.activation(1, h / 2, w / 2, 4 * e);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.RELU, 1, 1), wide, down,
                g.weights(4 * e, 1, 1, e), g.weights(4 * e));
        int same = g.activation(1, h / 2, w / 2, 4 * e);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.NONE, 1, 1),
                same, wide, g.weights(1, 5, 5, 4 * e), g.weights(4 * e));
        int small = g.activation(1, h / 2, w / 2, 8);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), small, same,
                g.weights(8, 1, 1, 4 * e), g.weights(8));
        int smallExpanded = g.activation(1, h / 2, w / 2, 16);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), smallExpanded, small,
                g.weights(16, 1, 1, 8), g.weights(16));
        int y = g.activation(1, h / 2, w / 2, 16);
        g.op(BuiltinOp.DEPTHWISE_CONV_2D, new OpOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 1, Activation.NONE, 1, 1),
                y, smallExpanded, g.weights(1, 3, 3, 16), g.weights(16));

        Model fusedGraph = g.model(x, y);
        Model unfusedGraph = g.model(x, y, expanded, padded, wide);
        Model fused = Fusion.apply(fusedGraph);
        assertEquals(5, fused.operators().size(), "two expansions, the RELU6 and the PAD folded");
        OpOptions.ExpandedDepthwiseConv2D first = assertInstanceOf(OpOptions.ExpandedDepthwiseConv2D.class,
                fused.operators().get(0).options());
        assertEquals(Activation.RELU6, first.expand().activation());
        assertInstanceOf(OpOptions.PaddedDepthwiseConv2D.class, first.depthwise());
        assertInstanceOf(OpOptions.ExpandedDepthwiseConv2D.class, fused.operators().get(1).options());
        assertInstanceOf(OpOptions.DepthwiseConv2D.class, fused.operators().get(4).options(),
                "a 67 KB expansion stays in the cache between two steps");

        float[] input = randomInput(fusedGraph);
        for (int threads = 1; threads <= 2; threads++) {
            assertArrayEquals(run(unfusedGraph, input, 0, threads), run(fusedGraph, input, 0, threads), 0f,
                    threads + " threads");
        }
    }

    private static float[] run(Model model, float[] input, int output, int threads) {
        try (Interpreter it = Interpreter.create(model, new Interpreter.Options(threads, Int8Mode.TFLITE))) {
            it.setInput(0, input);
            it.run();
            return it.outputFloats(output);
        }
    }

    /**
     * RESIZE_BILINEAR → 1×1 CONV_2D to fewer channels runs the convolution first, at the low resolution, with
     * its RELU6 after the resize (both resize modes); equal to the original up to rounding, since bilinear
     * weights sum to one. A convolution to more channels than it reads is left alone.
     */
    @Test
    void convolutionToFewerChannelsMovesBeforeTheResize() {
        Graph g = new Graph();
        int x = g.activation(1, 5, 6, 64);
        int up = g.activation(1, 10, 12, 64);
        g.op(BuiltinOp.RESIZE_BILINEAR, new OpOptions.ResizeBilinear(false, true), up, x, g.ints(10, 12));
        int narrow = g.activation(1, 10, 12, 24);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.RELU6, 1, 1), narrow, up,
                g.weights(24, 1, 1, 64), g.weights(24));
        int up2 = g.activation(1, 19, 23, 24);
        g.op(BuiltinOp.RESIZE_BILINEAR, new OpOptions.ResizeBilinear(true, false), up2, narrow, g.ints(19, 23));
        int narrower = g.activation(1, 19, 23, 8);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.SAME, 1, 1, Activation.NONE, 1, 1), narrower, up2,
                g.weights(8, 1, 1, 24), g.weights(8));
        int up3 = g.activation(1, 38, 46, 8);
        g.op(BuiltinOp.RESIZE_BILINEAR, new OpOptions.ResizeBilinear(false, false), up3, narrower, g.ints(38, 46));
        int wider = g.activation(1, 38, 46, 16);
        g.op(BuiltinOp.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), wider, up3,
                g.weights(16, 1, 1, 8), g.weights(16));

        Model fusedGraph = g.model(x, wider);
        Model fused = Fusion.apply(fusedGraph);
        List<BuiltinOp> order = fused.operators().stream().map(Operator::op).toList();
        assertEquals(List.of(BuiltinOp.CONV_2D, BuiltinOp.RESIZE_BILINEAR, BuiltinOp.RELU6, BuiltinOp.CONV_2D,
                BuiltinOp.RESIZE_BILINEAR, BuiltinOp.RESIZE_BILINEAR, BuiltinOp.CONV_2D), order);
        assertArrayEquals(new int[] {1, 5, 6, 24}, fused.tensor(fused.operators().get(0).output(0)).shape());
        assertEquals(6, Fusion.apply(g.model(x, wider, up, up2)).operators().size(), "resized tensors read as outputs");

        float[] input = randomInput(fusedGraph);
        float[] expected = run(g.model(x, wider, up, up2), input, 0);
        float[] actual = run(fusedGraph, input, 0);
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale, "output " + i);
        }
    }
}
