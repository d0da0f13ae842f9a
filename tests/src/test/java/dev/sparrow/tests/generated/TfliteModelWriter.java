package dev.sparrow.tests.generated;

import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.TfliteWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a one-subgraph model for tests — tensors, constants, operators with their options, graph inputs and
 * outputs — in Sparrow's model IR and serialises it with the runtime's {@link TfliteWriter}. The builder
 * records what it is told; TFLite itself judges whether the model is valid.
 */
final class TfliteModelWriter {

    /** Tensor types the generated tests use. */
    enum Type {
        FLOAT32(DataType.FLOAT32), INT32(DataType.INT32), INT8(DataType.INT8);

        final DataType ir;
        final int bytes;

        Type(DataType ir) {
            this.ir = ir;
            this.bytes = ir.bytes;
        }
    }

    enum Padding {
        SAME(dev.sparrow.runtime.model.Padding.SAME), VALID(dev.sparrow.runtime.model.Padding.VALID);

        final dev.sparrow.runtime.model.Padding ir;

        Padding(dev.sparrow.runtime.model.Padding ir) {
            this.ir = ir;
        }
    }

    /** Fused activations a test may ask for, by schema code. */
    enum Act {
        NONE(0), RELU(1), RELU_N1_TO_1(2), RELU6(3);

        final int code;

        Act(int code) {
            this.code = code;
        }

        Activation ir() {
            return Activation.ofCode(code);
        }
    }

    /** Builtin operators used by the generated tests, with their BuiltinOperator codes. */
    enum Op {
        ADD(0), AVERAGE_POOL_2D(1), CONCATENATION(2), CONV_2D(3), DEPTHWISE_CONV_2D(4), DEPTH_TO_SPACE(5),
        DEQUANTIZE(6), FULLY_CONNECTED(9), LOGISTIC(14), MAX_POOL_2D(17), MUL(18), RELU(19), RELU_N1_TO_1(20),
        RELU6(21), RESHAPE(22), RESIZE_BILINEAR(23), SOFTMAX(25), TANH(28), PAD(34), TRANSPOSE(39), MEAN(40),
        SQUEEZE(43), STRIDED_SLICE(45), PRELU(54), PADV2(60), QUANTIZE(114), HARD_SWISH(117);

        final int code;

        Op(int code) {
            this.code = code;
        }
    }

    /**
     * Quantisation parameters: one scale and zero point (per tensor) or one per index of {@code dimension}.
     */
    record Quant(float[] scales, long[] zeroPoints, int dimension) {
        static Quant of(float scale, int zeroPoint) {
            return new Quant(new float[] {scale}, new long[] {zeroPoint}, 0);
        }

        static Quant perChannel(float[] scales, int dimension) {
            return new Quant(scales.clone(), new long[scales.length], dimension);
        }

        float scale() {
            return scales[0];
        }

        int zeroPoint() {
            return (int) zeroPoints[0];
        }

        @Override
        public String toString() {
            return scales.length == 1 ? "s=" + scales[0] + " zp=" + zeroPoints[0]
                    : "per-channel(dim " + dimension + ") s=" + Arrays.toString(scales);
        }
    }

    /** An operator's builtin options, as the model IR holds them; {@link #NONE} for operators without. */
    record Options(OpOptions value) {
        static final Options NONE = new Options(OpOptions.None.INSTANCE);

        static Options conv2d(Padding padding, int strideW, int strideH, Act act, int dilationW, int dilationH) {
            return new Options(new OpOptions.Conv2D(padding.ir, strideW, strideH, act.ir(), dilationW, dilationH));
        }

        static Options depthwise(Padding padding, int strideW, int strideH, int depthMultiplier, Act act,
                                 int dilationW, int dilationH) {
            return new Options(new OpOptions.DepthwiseConv2D(padding.ir, strideW, strideH, depthMultiplier, act.ir(),
                    dilationW, dilationH));
        }

        static Options pool(Padding padding, int strideW, int strideH, int filterW, int filterH, Act act) {
            return new Options(new OpOptions.Pool2D(padding.ir, strideW, strideH, filterW, filterH, act.ir()));
        }

        static Options fullyConnected(Act act, boolean keepNumDims) {
            return new Options(new OpOptions.FullyConnected(act.ir(), keepNumDims));
        }

        static Options softmax(float beta) {
            return new Options(new OpOptions.Softmax(beta));
        }

        static Options concatenation(int axis, Act act) {
            return new Options(new OpOptions.Concatenation(axis, act.ir()));
        }

        static Options add(Act act) {
            return new Options(new OpOptions.Arithmetic(act.ir()));
        }

        static Options resizeBilinear(boolean alignCorners, boolean halfPixelCenters) {
            return new Options(new OpOptions.ResizeBilinear(alignCorners, halfPixelCenters));
        }

        static Options reshape(int... newShape) {
            return new Options(new OpOptions.Reshape(newShape.clone()));
        }

        static Options mul(Act act) {
            return new Options(new OpOptions.Arithmetic(act.ir()));
        }

        static Options reducer(boolean keepDims) {
            return new Options(new OpOptions.Reducer(keepDims));
        }

        static Options squeeze(int... squeezeDims) {
            return new Options(new OpOptions.Squeeze(squeezeDims.clone()));
        }

        static Options stridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask,
                                    int shrinkAxisMask) {
            return new Options(new OpOptions.StridedSlice(beginMask, endMask, ellipsisMask, newAxisMask,
                    shrinkAxisMask, false));
        }

        static Options depthToSpace(int blockSize) {
            return new Options(new OpOptions.DepthToSpace(blockSize));
        }
    }

    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Operator> operators = new ArrayList<>();
    private final List<Integer> inputs = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();

    private static Quantization ir(Quant q) {
        return q == null ? null : new Quantization(q.scales.clone(), q.zeroPoints.clone(), q.dimension);
    }

    /** A non-constant tensor (an activation); returns its index. */
    int tensor(String name, Type type, int[] shape, Quant quant) {
        tensors.add(new Tensor(tensors.size(), name, type.ir, shape.clone(), ir(quant), null, false));
        return tensors.size() - 1;
    }

    /** A graph input; returns its index. */
    int input(String name, Type type, int[] shape, Quant quant) {
        int t = tensor(name, type, shape, quant);
        inputs.add(t);
        return t;
    }

    /** Marks a tensor as a graph output. */
    void output(int tensor) {
        outputs.add(tensor);
    }

    /** A constant tensor holding {@code littleEndian}, which must be exactly the tensor's byte size. */
    int constant(String name, Type type, int[] shape, Quant quant, byte[] littleEndian) {
        long elements = 1;
        for (int d : shape) {
            elements *= d;
        }
        if (littleEndian.length != elements * type.bytes) {
            throw new IllegalArgumentException(name + ": " + Arrays.toString(shape) + " " + type + " needs "
                    + elements * type.bytes + " bytes, got " + littleEndian.length);
        }
        tensors.add(new Tensor(tensors.size(), name, type.ir, shape.clone(), ir(quant), littleEndian.clone(), false));
        return tensors.size() - 1;
    }

    int constantFloats(String name, int[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return constant(name, Type.FLOAT32, shape, null, b.array());
    }

    int constantInts(String name, int[] shape, Quant quant, int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return constant(name, Type.INT32, shape, quant, b.array());
    }

    /** A 1-D int32 constant such as a shape, axes or a permutation. */
    int constantVector(String name, int... values) {
        return constantInts(name, new int[] {values.length}, null, values);
    }

    int constantInt8(String name, int[] shape, Quant quant, byte[] values) {
        return constant(name, Type.INT8, shape, quant, values);
    }

    /** Appends an operator; {@code -1} in {@code in} marks an omitted optional input. */
    void op(Op op, Options options, int[] in, int... out) {
        operators.add(new Operator(operators.size(), operators.size(), BuiltinOp.ofCode(op.code), null, in.clone(),
                out.clone(), options.value(), null));
    }

    /** The finished model file. */
    byte[] build() {
        return TfliteWriter.write(new Model("generated", 3, "Sparrow generated test model", List.copyOf(tensors),
                List.copyOf(operators), toArray(inputs), toArray(outputs)));
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
