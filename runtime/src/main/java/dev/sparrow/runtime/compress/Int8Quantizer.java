package dev.sparrow.runtime.compress;

import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Post-training int8 quantisation of a float model, following TensorFlow Lite's int8 quantisation
 * specification (tensorflow.org/lite/performance/quantization_spec, and reference/int8-rounding.md §1):
 * <ul>
 * <li>activations int8, asymmetric, per tensor, from calibrated ranges that contain 0;</li>
 * <li>CONV_2D weights int8 symmetric per output channel (quantized_dimension 0), DEPTHWISE_CONV_2D per
 * channel on dimension 3, FULLY_CONNECTED per tensor (TensorFlow Lite 2.6's int8 FULLY_CONNECTED kernel
 * takes one weight scale), all in [−127, 127] with zero point 0;</li>
 * <li>bias int32 with scale input_scale × weight_scale[c] and zero point 0;</li>
 * <li>operators that only move values (RESHAPE, SQUEEZE, PAD, pooling, CONCATENATION, DEPTH_TO_SPACE,
 * RESIZE_BILINEAR, TRANSPOSE, STRIDED_SLICE) share one scale and zero point across inputs and output —
 * their int8 kernels copy or average bytes without rescaling — so each such chain gets the union of its
 * tensors' ranges;</li>
 * <li>LOGISTIC and SOFTMAX outputs are fixed at scale 1/256, zero point −128, TANH at 1/128, 0 (the
 * kernels require it);</li>
 * <li>ADD, MUL, PRELU, RELU, RELU6, HARD_SWISH and MEAN rescale to their own calibrated output range; a
 * constant operand (PRELU's slopes, a constant summand or factor) gets its own per-tensor asymmetric int8
 * parameters from its values, as the converter quantises such inputs.</li>
 * </ul>
 * By default the model's input stays float and is quantised by a QUANTIZE operator, and every output is
 * dequantised by a DEQUANTIZE operator, keeping its name and index, so callers see the same float interface.
 * With int8 I/O (the converter's {@code inference_input_type = inference_output_type = int8}) the input and
 * outputs themselves are int8 with their calibrated parameters, and the caller quantises and dequantises;
 * an output that an operator left float gets a QUANTIZE. Operators
 * without an int8 form here (e.g. custom operators) stay float between a DEQUANTIZE and a QUANTIZE;
 * {@link Result#floatOperators()} lists them.
 */
public final class Int8Quantizer {
    private static final float LOGISTIC_SCALE = 1f / 256f;
    private static final float TANH_SCALE = 1f / 128f;
    /** Largest |bias| in units of its scale: beyond it the weight scale of that channel is widened. */
    private static final double BIAS_LIMIT = (double) Integer.MAX_VALUE;

    /** The int8 model and what did not become int8, one line per operator ("operator 12 (PRELU): ..."). */
    public record Result(Model model, List<String> floatOperators) {}

    private enum Kind { WEIGHTED, SAME_SCALE, FIXED, RESCALED, FLOAT }

    private record Params(float scale, int zeroPoint) {
        Quantization quantization() {
            return Quantization.perTensor(scale, zeroPoint);
        }
    }

    private final Model source;
    private final Map<Integer, ActivationRanges.Range> ranges;
    private final boolean int8Io;
    private final Kind[] kinds;
    private final List<String> floatNotes = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Operator> ops = new ArrayList<>();
    /** Per source tensor: its index in the int8 domain, in the float domain, or −1 while it has none. */
    private final int[] int8Index;
    private final int[] floatIndex;
    private final Params[] params;

    private Int8Quantizer(Model source, Map<Integer, ActivationRanges.Range> ranges, boolean int8Io) {
        this.source = source;
        this.ranges = ranges;
        this.int8Io = int8Io;
        this.kinds = new Kind[source.operators().size()];
        int n = source.tensors().size();
        int8Index = new int[n];
        floatIndex = new int[n];
        params = new Params[n];
        Arrays.fill(int8Index, -1);
        Arrays.fill(floatIndex, -1);
    }

    /**
     * @param model  a float model whose transpose convolutions have been lowered where possible
     * @param ranges calibrated ranges of every float activation of {@code model}
     * @param int8Io whether the input and outputs become int8 instead of keeping a float interface
     */
    public static Result quantize(Model model, Map<Integer, ActivationRanges.Range> ranges, boolean int8Io) {
        Int8Quantizer q = new Int8Quantizer(model, ranges, int8Io);
        q.classify();
        q.assignParams();
        q.emit();
        return new Result(q.compact(q.outputs()), List.copyOf(q.floatNotes));
    }

    // ---- which operators become int8 ----

    private void classify() {
        for (Operator op : source.operators()) {
            String why = unsupported(op);
            kinds[op.index()] = why == null ? kindOf(op) : Kind.FLOAT;
            if (why != null) {
                floatNotes.add(op.describe() + ": stays float (" + why + ")");
            }
        }
    }

    private static Kind kindOf(Operator op) {
        return switch (op.op()) {
            case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> Kind.WEIGHTED;
            case RESHAPE, SQUEEZE, PAD, AVERAGE_POOL_2D, MAX_POOL_2D, CONCATENATION, DEPTH_TO_SPACE, RESIZE_BILINEAR,
                 TRANSPOSE, STRIDED_SLICE -> Kind.SAME_SCALE;
            case LOGISTIC, TANH, SOFTMAX -> Kind.FIXED;
            case ADD, MUL, PRELU, RELU, RELU6, HARD_SWISH, MEAN -> Kind.RESCALED;
            default -> Kind.FLOAT;
        };
    }

    /** Why {@code op} cannot be int8 here, or null when it can. */
    private String unsupported(Operator op) {
        if (kindOf(op) == Kind.FLOAT) {
            return "no int8 form of " + op.name() + " in Sparrow's int8 operator set";
        }
        Tensor x = source.tensor(op.input(0));
        if (x.isConstant() || x.type() != DataType.FLOAT32) {
            return "its first input is " + (x.isConstant() ? "a constant" : x.type().name());
        }
        for (int out : op.outputs()) {
            if (source.tensor(out).type() != DataType.FLOAT32) {
                return "its output is " + source.tensor(out).type();
            }
        }
        Activation act = activation(op);
        if (act == Activation.TANH || act == Activation.SIGN_BIT) {
            return "fused activation " + act + " has no int8 kernel";
        }
        switch (kindOf(op)) {
            case WEIGHTED -> {
                Tensor w = source.tensor(op.input(1));
                if (!w.isConstant() || w.type() != DataType.FLOAT32) {
                    return "its weights are not a float constant";
                }
                if (op.input(2) >= 0 && (!source.tensor(op.input(2)).isConstant()
                        || source.tensor(op.input(2)).type() != DataType.FLOAT32)) {
                    return "its bias is not a float constant";
                }
            }
            case RESCALED -> {
                for (int i = 0; i < dataInputs(op); i++) {
                    Tensor t = source.tensor(op.input(i));
                    if (t.type() != DataType.FLOAT32) {
                        return "input " + i + " is " + t.type();
                    }
                }
            }
            case SAME_SCALE -> {
                for (int i = 0; i < dataInputs(op); i++) {
                    if (source.tensor(op.input(i)).isConstant()) {
                        return "input " + i + " is a constant";
                    }
                }
            }
            default -> { }
        }
        return null;
    }

    private static Activation activation(Operator op) {
        return switch (op.options()) {
            case OpOptions.Conv2D c -> c.activation();
            case OpOptions.DepthwiseConv2D d -> d.activation();
            case OpOptions.FullyConnected f -> f.activation();
            case OpOptions.Arithmetic a -> a.activation();
            case OpOptions.Pool2D p -> p.activation();
            case OpOptions.Concatenation c -> c.activation();
            default -> Activation.NONE;
        };
    }

    // ---- scales and zero points ----

    private boolean isInt8(Operator op) {
        return kinds[op.index()] != Kind.FLOAT;
    }

    /**
     * Parameters of every activation that the int8 graph holds: tensors joined by same-scale operators form
     * one group; a group with a fixed-scale member (a LOGISTIC/TANH/SOFTMAX output) takes that scale, any other
     * the union of its members' calibrated ranges. A same-scale operator that would join two different fixed
     * scales stays float instead.
     */
    private void assignParams() {
        int n = source.tensors().size();
        int[] parent = new int[n];
        Params[] fixed = new Params[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (Operator op : source.operators()) {
            if (kinds[op.index()] == Kind.FIXED) {
                fixed[op.output(0)] = op.op() == BuiltinOp.TANH ? new Params(TANH_SCALE, 0) : new Params(LOGISTIC_SCALE, -128);
            }
        }
        for (Operator op : source.operators()) {
            if (kinds[op.index()] != Kind.SAME_SCALE) {
                continue;
            }
            int out = find(parent, op.output(0));
            int dataInputs = dataInputs(op);
            Params joinedFixed = fixed[out];
            boolean conflict = false;
            for (int i = 0; i < dataInputs; i++) {
                Params f = fixed[find(parent, op.input(i))];
                if (f != null && joinedFixed != null && !f.equals(joinedFixed)) {
                    conflict = true;
                }
                joinedFixed = joinedFixed != null ? joinedFixed : f;
            }
            if (conflict) {
                kinds[op.index()] = Kind.FLOAT;
                floatNotes.add(op.describe() + ": stays float (its inputs and output need different fixed scales)");
                continue;
            }
            for (int i = 0; i < dataInputs; i++) {
                int root = find(parent, op.input(i));
                if (root != out) {
                    parent[root] = out;
                }
            }
            fixed[out] = joinedFixed;
        }
        float[] lo = new float[n];
        float[] hi = new float[n];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (Map.Entry<Integer, ActivationRanges.Range> e : ranges.entrySet()) {
            int root = find(parent, e.getKey());
            lo[root] = Math.min(lo[root], e.getValue().min());
            hi[root] = Math.max(hi[root], e.getValue().max());
        }
        for (int t = 0; t < n; t++) {
            int root = find(parent, t);
            if (fixed[root] != null) {
                params[t] = fixed[root];
            } else if (lo[root] <= hi[root]) {
                params[t] = fromRange(lo[root], hi[root]);
            }
        }
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Asymmetric int8 over [lo, hi] (which holds 0): 255 steps, real 0 exactly on an integer zero point. */
    private static Params fromRange(float lo, float hi) {
        double min = Math.min(lo, 0), max = Math.max(hi, 0);
        if (max - min < 1e-6) {
            max = min + 1e-6;
        }
        float scale = (float) ((max - min) / 255.0);
        long zp = Math.round(-128 - min / scale);
        return new Params(scale, (int) Math.max(-128, Math.min(127, zp)));
    }

    // ---- building the int8 graph ----

    private void emit() {
        for (Tensor t : source.tensors()) {
            tensors.add(t);
        }
        Set<Integer> graphOutputs = new HashSet<>();
        if (!int8Io) {
            for (int o : source.outputs()) {
                graphOutputs.add(o);
            }
        }
        for (int in : source.inputs()) {
            if (int8Io) {
                Tensor f = source.tensor(in);
                tensors.set(in, new Tensor(in, f.name(), DataType.INT8, f.shape(), params[in].quantization(), null, false));
                int8Index[in] = in;
            } else {
                floatIndex[in] = in;
            }
        }
        for (Operator op : source.operators()) {
            if (isInt8(op)) {
                emitInt8(op, graphOutputs);
            } else {
                emitFloat(op);
            }
        }
    }

    private void emitFloat(Operator op) {
        int[] inputs = op.inputs().clone();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] >= 0 && isFloatActivation(inputs[i])) {
                inputs[i] = floatOf(inputs[i]);
            }
        }
        for (int out : op.outputs()) {
            floatIndex[out] = out;
        }
        add(op.op(), op.customCode(), inputs, op.outputs(), op.options(), op.customOptions(), op.fileIndex());
    }

    private boolean isFloatActivation(int t) {
        Tensor tensor = source.tensor(t);
        return !tensor.isConstant() && tensor.type() == DataType.FLOAT32;
    }

    /** How many leading inputs carry the values an int8 operator computes on (the rest are shapes, axes, sizes). */
    private static int dataInputs(Operator op) {
        return switch (op.op()) {
            case CONCATENATION, ADD, MUL, PRELU -> op.inputs().length;
            default -> 1;
        };
    }

    private void emitInt8(Operator op, Set<Integer> graphOutputs) {
        int[] inputs = op.inputs().clone();
        if (kinds[op.index()] == Kind.WEIGHTED) {
            inputs[0] = int8Of(inputs[0]);
            Tensor w = tensors.get(inputs[1] = weights(op));
            if (inputs.length > 2 && inputs[2] >= 0) {
                inputs[2] = bias(op, w);
            }
        } else {
            for (int i = 0; i < dataInputs(op); i++) {
                Tensor tensor = source.tensor(inputs[i]);
                // Float constants of ADD, MUL and PRELU get their own per-tensor parameters.
                inputs[i] = tensor.isConstant() ? quantizedConstant(tensor) : int8Of(inputs[i]);
            }
        }
        int out = op.output(0);
        Tensor y = source.tensor(out);
        Params p = params[out];
        Tensor int8 = new Tensor(-1, y.name(), DataType.INT8, y.shape(), p.quantization(), null, false);
        if (graphOutputs.contains(out)) {
            // The float output keeps the index and name callers know; the int8 tensor is new.
            int8Index[out] = append(int8.name() + "/int8", int8);
        } else {
            tensors.set(out, reindexed(int8, out));
            int8Index[out] = out;
        }
        add(op.op(), null, inputs, new int[] {int8Index[out]}, op.options(), null, op.fileIndex());
        if (graphOutputs.contains(out)) {
            floatIndex[out] = out;
            add(BuiltinOp.DEQUANTIZE, null, new int[] {int8Index[out]}, new int[] {out}, OpOptions.None.INSTANCE, null,
                    op.fileIndex());
        }
    }

    /** The tensor's int8 twin, made by a QUANTIZE (placed before its first int8 reader) when it is float. */
    private int int8Of(int t) {
        if (int8Index[t] < 0) {
            Tensor f = source.tensor(t);
            Params p = params[t];
            int q = append(f.name() + "/int8", new Tensor(-1, f.name(), DataType.INT8, f.shape(), p.quantization(), null, false));
            add(BuiltinOp.QUANTIZE, null, new int[] {floatOf(t)}, new int[] {q}, OpOptions.None.INSTANCE, null, -1);
            int8Index[t] = q;
        }
        return int8Index[t];
    }

    /** The tensor's float twin, made by a DEQUANTIZE when it is int8. */
    private int floatOf(int t) {
        if (floatIndex[t] < 0) {
            Tensor f = source.tensor(t);
            int d = append(f.name() + "/float", new Tensor(-1, f.name(), DataType.FLOAT32, f.shape(), null, null, false));
            add(BuiltinOp.DEQUANTIZE, null, new int[] {int8Index[t]}, new int[] {d}, OpOptions.None.INSTANCE, null, -1);
            floatIndex[t] = d;
        }
        return floatIndex[t];
    }

    private int weights(Operator op) {
        Tensor w = source.tensor(op.input(1));
        float[] values = w.floats();
        int dimension = op.op() == BuiltinOp.DEPTHWISE_CONV_2D ? w.rank() - 1 : 0;
        int channels = op.op() == BuiltinOp.FULLY_CONNECTED ? 1 : w.dim(dimension);
        float[] scales = weightScales(op, values, channels, dimension, w.shape());
        byte[] q = new byte[values.length];
        int inner = innerSize(w.shape(), dimension);
        for (int k = 0; k < values.length; k++) {
            int c = channels == 1 ? 0 : (k / inner) % w.dim(dimension);
            q[k] = (byte) Math.max(-127, Math.min(127, Math.round(values[k] / scales[c])));
        }
        return append(w.name(), new Tensor(-1, w.name(), DataType.INT8, w.shape(),
                new Quantization(scales, new long[channels], channels == 1 ? 0 : dimension), q, false));
    }

    /**
     * Symmetric scales max|w|/127 per channel. A channel of zeros gets scale 1 (any positive scale stores
     * zeros); a channel whose bias would not fit int32 at input_scale × weight_scale gets a wider scale.
     */
    private float[] weightScales(Operator op, float[] values, int channels, int dimension, int[] shape) {
        double[] maxAbs = new double[channels];
        int inner = innerSize(shape, dimension);
        for (int k = 0; k < values.length; k++) {
            int c = channels == 1 ? 0 : (k / inner) % shape[dimension];
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(values[k]));
        }
        float inScale = params[op.input(0)].scale;
        float[] bias = op.input(2) >= 0 ? source.tensor(op.input(2)).floats() : null;
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = maxAbs[c] > 0 ? maxAbs[c] / 127.0 : 1.0;
            if (bias != null) {
                double largest = 0;
                for (int k = channels == 1 ? 0 : c; k < (channels == 1 ? bias.length : c + 1); k++) {
                    largest = Math.max(largest, Math.abs(bias[k]));
                }
                s = Math.max(s, largest / (inScale * BIAS_LIMIT));
            }
            scales[c] = (float) s;
        }
        return scales;
    }

    /** Elements between two steps of {@code dimension} (row-major). */
    private static int innerSize(int[] shape, int dimension) {
        int inner = 1;
        for (int d = dimension + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return inner;
    }

    private int bias(Operator op, Tensor w) {
        Tensor b = source.tensor(op.input(2));
        float[] values = b.floats();
        float inScale = params[op.input(0)].scale;
        float[] weightScales = w.quantization().scales();
        float[] scales = new float[values.length];
        int[] q = new int[values.length];
        for (int c = 0; c < values.length; c++) {
            float ws = weightScales[weightScales.length == 1 ? 0 : c];
            scales[c] = inScale * ws;
            double v = Math.rint((double) values[c] / ((double) inScale * ws));
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        boolean perTensor = weightScales.length == 1;
        ByteBuffer data = ByteBuffer.allocate(4 * q.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asIntBuffer().put(q);
        Quantization quant = perTensor ? Quantization.perTensor(scales[0], 0)
                : new Quantization(scales, new long[scales.length], 0);
        return append(b.name(), new Tensor(-1, b.name(), DataType.INT32, b.shape(), quant, data.array(), false));
    }

    private int quantizedConstant(Tensor c) {
        float[] values = c.floats();
        float lo = 0, hi = 0;
        for (float v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        Params p = fromRange(lo, hi);
        byte[] q = new byte[values.length];
        for (int k = 0; k < values.length; k++) {
            q[k] = (byte) Math.max(-128, Math.min(127, Math.round(values[k] / p.scale) + p.zeroPoint));
        }
        return append(c.name(), new Tensor(-1, c.name(), DataType.INT8, c.shape(), p.quantization(), q, false));
    }

    private int append(String name, Tensor t) {
        int index = tensors.size();
        tensors.add(new Tensor(index, name, t.type(), t.shape(), t.quantization(), t.data(), false));
        return index;
    }

    private static Tensor reindexed(Tensor t, int index) {
        return new Tensor(index, t.name(), t.type(), t.shape(), t.quantization(), t.data(), false);
    }

    private void add(BuiltinOp op, String customCode, int[] inputs, int[] outputs, OpOptions options, byte[] customOptions,
                     int fileIndex) {
        ops.add(new Operator(ops.size(), fileIndex, op, customCode, inputs, outputs, options, customOptions));
    }

    /**
     * The graph's outputs: the source's float tensors, or with int8 I/O their int8 twins (a float output,
     * left by an operator that stays float, is quantised at the end).
     */
    private int[] outputs() {
        if (!int8Io) {
            return source.outputs();
        }
        int[] outputs = source.outputs().clone();
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = int8Of(outputs[i]);
        }
        return outputs;
    }

    /** The emitted graph, without the tensors nothing refers to any more (the float weights). */
    private Model compact(int[] outputs) {
        Model all = new Model(source.source(), source.version(), source.description(), List.copyOf(tensors),
                List.copyOf(ops), source.inputs(), outputs);
        return UnusedTensors.drop(all, "Sparrow int8 (post-training, calibrated)");
    }
}
