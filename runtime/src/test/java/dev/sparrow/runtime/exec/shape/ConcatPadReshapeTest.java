package dev.sparrow.runtime.exec.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.exec.Arena;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Quantization;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConcatPadReshapeTest {

    // ---------------------------------------------------------------- CONCATENATION

    private static float[] concat(DataType type, int[][] shapes, int axisOption, float[][] values, int threads) {
        int rank = shapes[0].length;
        int axis = axisOption < 0 ? axisOption + rank : axisOption;
        int[] outShape = shapes[0].clone();
        outShape[axis] = 0;
        for (int[] s : shapes) {
            outShape[axis] += s[axis];
        }
        TestGraph g = new TestGraph();
        Quantization q = type == DataType.FLOAT32 ? null : Quantization.perTensor(0.25f, 7);
        int[] ins = new int[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            ins[i] = g.like(type, q, shapes[i]);
        }
        int out = g.like(type, q, outShape);
        TestGraph.Context ctx = new TestGraph.Context(g.model(BuiltinOp.CONCATENATION,
                new OpOptions.Concatenation(axisOption, Activation.NONE), ins, out), Int8Mode.TFLITE, threads);
        for (int i = 0; i < ins.length; i++) {
            ctx.setValues(ins[i], values[i]);
        }
        ctx.compileAndRun();
        return ctx.values(out);
    }

    /** Output element at multi-index idx comes from the input whose axis range holds idx[axis]. */
    private static float[] naiveConcat(int[][] shapes, int axis, float[][] values) {
        int[] outShape = shapes[0].clone();
        outShape[axis] = 0;
        for (int[] s : shapes) {
            outShape[axis] += s[axis];
        }
        float[] out = new float[Naive.size(outShape)];
        for (int o = 0; o < out.length; o++) {
            int[] idx = Naive.unravel(o, outShape);
            int k = 0;
            while (idx[axis] >= shapes[k][axis]) {
                idx[axis] -= shapes[k][axis];
                k++;
            }
            out[o] = values[k][Naive.ravel(idx, shapes[k])];
        }
        return out;
    }

    @Test
    void concatenatesOnTheLastAxis() {
        float[] out = concat(DataType.FLOAT32, new int[][] {{2, 1}, {2, 2}}, -1,
                new float[][] {{1, 2}, {10, 11, 20, 21}}, 1);
        assertArrayEquals(new float[] {1, 10, 11, 2, 20, 21}, out);
    }

    @Test
    void randomConcatenationsMatchTheNaiveIndexMath() {
        Random r = new Random(77);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + r.nextInt(4);
            int[] base = Naive.randomShape(r, rank, 4);
            int axis = r.nextInt(rank);
            int n = 1 + r.nextInt(4);
            int[][] shapes = new int[n][];
            float[][] values = new float[n][];
            for (int i = 0; i < n; i++) {
                shapes[i] = base.clone();
                shapes[i][axis] = 1 + r.nextInt(4);
                values[i] = Naive.values(r, Naive.size(shapes[i]));
            }
            DataType type = new DataType[] {DataType.FLOAT32, DataType.INT8, DataType.UINT8}[trial % 3];
            if (type == DataType.UINT8) {
                for (float[] v : values) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] += 128;
                    }
                }
            }
            int axisOption = r.nextBoolean() ? axis : axis - rank;
            assertArrayEquals(naiveConcat(shapes, axis, values), concat(type, shapes, axisOption, values, 1 + r.nextInt(3)),
                    "shapes " + Arrays.deepToString(shapes) + " axis " + axisOption);
        }
    }

    @Test
    void concatenatesAConstantInput() {
        TestGraph g = new TestGraph();
        int a = g.floats(1, 2);
        int c = g.constFloats(new int[] {1, 3}, 7, 8, 9);
        int out = g.floats(1, 5);
        TestGraph.Context ctx = new TestGraph.Context(g.model(BuiltinOp.CONCATENATION,
                new OpOptions.Concatenation(1, Activation.NONE), new int[] {a, c}, out), Int8Mode.TFLITE, 1);
        ctx.setFloats(a, new float[] {1, 2});
        ctx.compileAndRun();
        assertArrayEquals(new float[] {1, 2, 7, 8, 9}, ctx.floats(out));
    }

    @Test
    void rejectsInt8InputsWithOtherQuantizationAndFusedActivations() {
        TestGraph g = new TestGraph();
        int a = g.int8(0.5f, 0, 1, 2);
        int b = g.int8(0.25f, 0, 1, 2);
        int out = g.int8(0.5f, 0, 1, 4);
        Model m = g.model(BuiltinOp.CONCATENATION, new OpOptions.Concatenation(1, Activation.NONE), new int[] {a, b}, out);
        ModelException e = assertThrows(ModelException.class, () -> new TestGraph.Context(m, Int8Mode.TFLITE, 1).compile());
        assertTrue(e.getMessage().contains("input 1") && e.getMessage().contains("equal scales and zero points"),
                e.getMessage());
        Model relu = g.model(BuiltinOp.CONCATENATION, new OpOptions.Concatenation(1, Activation.RELU), new int[] {a, a},
                out);
        e = assertThrows(ModelException.class, () -> new TestGraph.Context(relu, Int8Mode.TFLITE, 1).compile());
        assertTrue(e.getMessage().contains("fused activation RELU"), e.getMessage());
    }

    @Test
    void rejectsMismatchedNonAxisDimensions() {
        ModelException e = assertThrows(ModelException.class, () -> concat(DataType.FLOAT32,
                new int[][] {{2, 3}, {3, 3}}, 1, new float[][] {new float[6], new float[9]}, 1));
        assertTrue(e.getMessage().contains("in dimension 0 (only axis 1 may differ)"), e.getMessage());
    }

    // ---------------------------------------------------------------- PAD / PADV2

    private static float[] naivePad(float[] in, int[] shape, int[] paddings, float fill) {
        int rank = shape.length;
        int[] outShape = new int[rank];
        for (int d = 0; d < rank; d++) {
            outShape[d] = shape[d] + paddings[2 * d] + paddings[2 * d + 1];
        }
        float[] out = new float[Naive.size(outShape)];
        for (int o = 0; o < out.length; o++) {
            int[] idx = Naive.unravel(o, outShape);
            boolean inside = true;
            for (int d = 0; d < rank; d++) {
                idx[d] -= paddings[2 * d];
                inside &= idx[d] >= 0 && idx[d] < shape[d];
            }
            out[o] = inside ? in[Naive.ravel(idx, shape)] : fill;
        }
        return out;
    }

    private static int[] paddedShape(int[] shape, int[] paddings) {
        int[] out = new int[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = shape[d] + paddings[2 * d] + paddings[2 * d + 1];
        }
        return out;
    }

    @Test
    void padsChannelsLikeFaceDetectionShortRange() {
        TestGraph g = new TestGraph();
        int in = g.floats(1, 1, 2, 2);
        int p = g.constInts(new int[] {4, 2}, 0, 0, 0, 0, 0, 0, 0, 2);
        int out = g.floats(1, 1, 2, 4);
        TestGraph.Context ctx = new TestGraph.Context(g.model(BuiltinOp.PAD, OpOptions.None.INSTANCE, new int[] {in, p},
                out), Int8Mode.TFLITE, 1);
        ctx.setFloats(in, new float[] {1, 2, 3, 4});
        ctx.compileAndRun();
        assertArrayEquals(new float[] {1, 2, 0, 0, 3, 4, 0, 0}, ctx.floats(out));
    }

    @Test
    void randomPadsMatchTheNaiveIndexMath() {
        Random r = new Random(31);
        for (int trial = 0; trial < 200; trial++) {
            int rank = 1 + r.nextInt(5);
            int[] shape = Naive.randomShape(r, rank, 4);
            int[] paddings = new int[2 * rank];
            long[] wide = new long[2 * rank];
            for (int i = 0; i < paddings.length; i++) {
                paddings[i] = r.nextInt(3) == 0 ? r.nextInt(3) : 0;
                wide[i] = paddings[i];
            }
            int[] outShape = paddedShape(shape, paddings);
            int kind = trial % 4; // 0 float PAD, 1 int8 PAD, 2 float PADV2, 3 int8 PADV2
            boolean floats = kind % 2 == 0;
            Quantization q = floats ? null : Quantization.perTensor(0.1f, -3);
            DataType type = floats ? DataType.FLOAT32 : DataType.INT8;
            TestGraph g = new TestGraph();
            int in = g.like(type, q, shape);
            int p = r.nextBoolean() ? g.constInts(new int[] {rank, 2}, paddings) : g.constLongs(new int[] {rank, 2}, wide);
            int out = g.like(type, q, outShape);
            float fill;
            int[] inputs;
            BuiltinOp op;
            if (kind < 2) {
                op = BuiltinOp.PAD;
                fill = floats ? 0f : -3f;
                inputs = new int[] {in, p};
            } else {
                op = BuiltinOp.PADV2;
                fill = floats ? 2.5f : 17f;
                int c = floats ? g.constFloats(new int[0], fill) : g.constBytes(DataType.INT8, q, new int[0], (byte) 17);
                inputs = new int[] {in, p, c};
            }
            TestGraph.Context ctx = new TestGraph.Context(g.model(op, OpOptions.None.INSTANCE, inputs, out),
                    Int8Mode.TFLITE, 1 + r.nextInt(3));
            float[] v = Naive.values(r, Naive.size(shape));
            ctx.setValues(in, v);
            ctx.compileAndRun();
            assertArrayEquals(naivePad(v, shape, paddings, fill), ctx.values(out),
                    op + " " + type + " shape " + Arrays.toString(shape) + " paddings " + Arrays.toString(paddings));
        }
    }

    @Test
    void padV2ReadsANonConstantValueEachRun() {
        TestGraph g = new TestGraph();
        int in = g.floats(2);
        int p = g.constInts(new int[] {1, 2}, 1, 1);
        int c = g.floats();
        int out = g.floats(4);
        TestGraph.Context ctx = new TestGraph.Context(g.model(BuiltinOp.PADV2, OpOptions.None.INSTANCE,
                new int[] {in, p, c}, out), Int8Mode.TFLITE, 1);
        ctx.setFloats(in, new float[] {5, 6});
        ctx.setFloats(c, new float[] {-1});
        var step = ctx.compileAndRun();
        assertArrayEquals(new float[] {-1, 5, 6, -1}, ctx.floats(out));
        ctx.setFloats(c, new float[] {9});
        ctx.run(step);
        assertArrayEquals(new float[] {9, 5, 6, 9}, ctx.floats(out));
    }

    @Test
    void rejectsNegativePaddingsAndBadPaddingShapes() {
        TestGraph g = new TestGraph();
        int in = g.floats(2);
        int p = g.constInts(new int[] {1, 2}, -1, 1);
        int out = g.floats(2);
        Model m = g.model(BuiltinOp.PAD, OpOptions.None.INSTANCE, new int[] {in, p}, out);
        ModelException e = assertThrows(ModelException.class, () -> new TestGraph.Context(m, Int8Mode.TFLITE, 1).compile());
        assertTrue(e.getMessage().contains("negative entry for dimension 0"), e.getMessage());
        int p2 = g.constInts(new int[] {2}, 1, 1);
        Model m2 = g.model(BuiltinOp.PAD, OpOptions.None.INSTANCE, new int[] {in, p2}, out);
        e = assertThrows(ModelException.class, () -> new TestGraph.Context(m2, Int8Mode.TFLITE, 1).compile());
        assertTrue(e.getMessage().contains("must have shape [1, 2]"), e.getMessage());
    }

    // ---------------------------------------------------------------- RESHAPE / SQUEEZE

    private static float[] reshape(int[] inShape, int[] outShape, int shapeInput, int[] shapeValues, int[] options) {
        TestGraph g = new TestGraph();
        int in = g.floats(inShape);
        int[] inputs = {in};
        if (shapeInput == 1) {
            inputs = new int[] {in, g.constInts(new int[] {shapeValues.length}, shapeValues)};
        }
        int out = g.floats(outShape);
        TestGraph.Context ctx = new TestGraph.Context(g.model(BuiltinOp.RESHAPE,
                options == null ? OpOptions.None.INSTANCE : new OpOptions.Reshape(options), inputs, out),
                Int8Mode.TFLITE, 1);
        float[] v = new float[Naive.size(inShape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 1.5f;
        }
        ctx.setFloats(in, v);
        ctx.compileAndRun();
        return ctx.floats(out);
    }

    @Test
    void reshapeCopiesInOrderFromEitherShapeSource() {
        float[] expected = {0, 1.5f, 3, 4.5f, 6, 7.5f};
        assertArrayEquals(expected, reshape(new int[] {2, 3}, new int[] {3, 2}, 1, new int[] {3, -1}, null));
        assertArrayEquals(expected, reshape(new int[] {2, 3}, new int[] {6}, 0, null, new int[] {-1}));
        assertArrayEquals(new float[] {0}, reshape(new int[] {1, 1}, new int[0], 0, null, new int[] {0}));
        assertArrayEquals(new float[] {0}, reshape(new int[] {1, 1}, new int[0], 0, null, null));
    }

    @Test
    void reshapeRejectsAShapeThatDisagreesWithTheOutput() {
        ModelException e = assertThrows(ModelException.class,
                () -> reshape(new int[] {2, 3}, new int[] {3, 2}, 1, new int[] {2, -1}, null));
        assertTrue(e.getMessage().contains("has shape [3, 2] but the requested shape [2, -1]"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> reshape(new int[] {2, 3}, new int[] {3, 2}, 1, new int[] {-1, -1}, null));
        assertTrue(e.getMessage().contains("more than one -1"), e.getMessage());
        e = assertThrows(ModelException.class, () -> reshape(new int[] {2, 3}, new int[] {4, 2}, 0, null, new int[] {8}));
        assertTrue(e.getMessage().contains("requested shape [8] holds 8 elements"), e.getMessage());
    }

    /**
     * With neither a shape input nor new_shape, TensorFlow Lite 2.6.2 and 2.21 reshape to a scalar and refuse
     * any larger input ({@code num_input_elements != num_output_elements}), even when the output's stored
     * shape holds as many elements: Sparrow refuses it too instead of taking the stored shape.
     */
    @Test
    void reshapeWithoutAShapeIsAScalarAsInTensorFlowLite() {
        ModelException e = assertThrows(ModelException.class,
                () -> reshape(new int[] {2, 3}, new int[] {1, 6}, 0, null, null));
        assertTrue(e.getMessage().contains("states no shape (no shape input, no new_shape option), which means a"
                + " scalar, but "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" has 6 elements"), e.getMessage());
    }

    @Test
    void aliasedReshapeIsANoOp() {
        Arena arena = new Arena(8, 0);
        for (int i = 0; i < 8; i++) {
            arena.f32[i] = i;
        }
        new ReshapeCompiler.CopyStep(true, 2, 2, 4).run(arena, 0, 1);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, arena.f32);
    }

    @Test
    void squeezeDropsListedOrAllUnitDimensions() {
        for (int[] dims : new int[][] {{}, {0, -2}}) {
            TestGraph g = new TestGraph();
            int in = g.int8(1f, 0, 1, 3, 1);
            int out = g.int8(1f, 0, 3);
            TestGraph.Context ctx = new TestGraph.Context(g.model(BuiltinOp.SQUEEZE, new OpOptions.Squeeze(dims),
                    new int[] {in}, out), Int8Mode.TFLITE, 1);
            if (dims.length == 2) {
                // dims 0 and -2 (= 1) would drop the size-3 axis: rejected.
                ModelException e = assertThrows(ModelException.class, ctx::compile);
                assertTrue(e.getMessage().contains("squeeze dimension -2") && e.getMessage().contains("has size 3"),
                        e.getMessage());
                continue;
            }
            ctx.setBytes(in, new byte[] {4, -5, 6});
            ctx.compileAndRun();
            assertArrayEquals(new byte[] {4, -5, 6}, ctx.bytes(out));
        }
        TestGraph g = new TestGraph();
        int in = g.floats(1, 3, 1);
        int out = g.floats(1, 3);
        TestGraph.Context ctx = new TestGraph.Context(g.model(BuiltinOp.SQUEEZE, new OpOptions.Squeeze(new int[] {-1}),
                new int[] {in}, out), Int8Mode.TFLITE, 1);
        ctx.setFloats(in, new float[] {1, 2, 3});
        ctx.compileAndRun();
        assertArrayEquals(new float[] {1, 2, 3}, ctx.floats(out));
    }
}
