package dev.sparrow.runtime.plan;

import dev.sparrow.kernels.f32.SparsePointwise;
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
import java.util.Arrays;
import java.util.List;

/**
 * Graph-level fusion of fp32 operators, run once before planning. Each rewrite but the first gives the same
 * numbers as the operators it replaces and removes an intermediate tensor that would otherwise be written to
 * and read back from memory:
 * <ul>
 * <li>PAD (zeros, spatial only) → VALID CONV_2D / DEPTHWISE_CONV_2D (every reader of the PAD): MediaPipe models
 * pad explicitly; the convolution skips taps outside its input, which is what the zeros contributed
 * ({@link OpOptions.FusedConv2D}, {@link OpOptions.PaddedDepthwiseConv2D}).</li>
 * <li>CONV_2D (no activation) → ADD of a same-shaped tensor (+ activation): the residual sum is done in
 * the convolution's output stage while the block is in cache ({@link OpOptions.FusedConv2D}). When that
 * tensor is a PAD with zeros after the channels only (BlazeFace's shortcut widening the channels of a
 * block's input, 11 of them in face_detection_short_range), the PAD goes too and the convolution adds the
 * narrower tensor to its first channels and {@code +0.0f} to the others.</li>
 * <li>CONV_2D (its last stage without activation) → PRELU with constant per-channel slopes: applied in the
 * same output stage ({@link OpOptions.PreluConv2D}); MediaPipe's landmark models put one after most convs.</li>
 * <li>CONV_2D / DEPTHWISE_CONV_2D (last stage without activation) → RELU, RELU6 or RELU_N1_TO_1: the
 * clamp becomes the convolution's own activation (selfie_segmentation has 22 such standalone RELUs).</li>
 * <li>RESIZE_BILINEAR → 1×1 CONV_2D to fewer channels becomes 1×1 CONV_2D → RESIZE_BILINEAR → activation
 * (pose_detection's 7² × 1152 → 14² then 1152 → 192: a quarter of the multiply-adds). Bilinear weights sum to
 * one and both maps are linear, so this is exact in real numbers; in floats it rounds differently, the one
 * rewrite here that does not give the same bits.</li>
 * <li>1×1 CONV_2D → DEPTHWISE_CONV_2D (MobileNet v2's expansion) when the expanded tensor is large: the
 * depthwise step computes the expanded rows band by band in L2 ({@link OpOptions.ExpandedDepthwiseConv2D},
 * {@code kernels.f32.PointwiseDepthwise}).</li>
 * </ul>
 * Int8 operators are left alone. Operators keep their file index for messages and are renumbered.
 */
public final class Fusion {

    private Fusion() {}

    public static Model apply(Model model) {
        List<Operator> ops = new ArrayList<>(model.operators());
        List<Tensor> tensors = new ArrayList<>(model.tensors());
        boolean changed = false;
        if (convolveBeforeResizing(model, ops, tensors)) {
            // the later passes read the tensors this one added
            model = new Model(model.source(), model.version(), model.description(), List.copyOf(tensors),
                    List.copyOf(ops), model.inputs(), model.outputs());
            changed = true;
        }
        changed |= foldPads(model, ops);
        changed |= foldResidualAdds(model, ops);
        changed |= foldPrelus(model, ops);
        changed |= foldActivations(model, ops);
        changed |= foldExpansions(model, ops);
        if (!changed) {
            return model;
        }
        List<Operator> renumbered = new ArrayList<>(ops.size());
        for (Operator op : ops) {
            renumbered.add(new Operator(renumbered.size(), op.fileIndex(), op.op(), op.customCode(), op.inputs(),
                    op.outputs(), op.options(), op.customOptions()));
        }
        return new Model(model.source(), model.version(), model.description(), model.tensors(), List.copyOf(renumbered),
                model.inputs(), model.outputs());
    }

    /** How many times each tensor is read (by operators or as a graph output). */
    private static int[] readers(Model model, List<Operator> ops) {
        int[] count = new int[model.tensors().size()];
        for (Operator op : ops) {
            for (int t : op.inputs()) {
                if (t >= 0) {
                    count[t]++;
                }
            }
        }
        for (int t : model.outputs()) {
            count[t]++;
        }
        return count;
    }

    private static boolean isFloat(Model model, int tensor) {
        return tensor >= 0 && model.tensor(tensor).type() == DataType.FLOAT32;
    }

    /** See the class comment; {@code tensors} receives the new low-resolution tensors. */
    private static boolean convolveBeforeResizing(Model model, List<Operator> ops, List<Tensor> tensors) {
        boolean changed = false;
        int[] readers = readers(model, ops);
        for (int i = 0; i < ops.size(); i++) {
            Operator conv = ops.get(i);
            if (conv.op() != BuiltinOp.CONV_2D || !(conv.options() instanceof OpOptions.Conv2D o) || o.strideH() != 1
                    || o.strideW() != 1 || conv.inputs().length < 2 || conv.outputs().length != 1
                    || !isFloat(model, conv.input(0)) || !isFloat(model, conv.output(0))) {
                continue;
            }
            // The activation moves after the resize as its own operator: only the clamps have one.
            BuiltinOp clamp = switch (o.activation()) {
                case RELU -> BuiltinOp.RELU;
                case RELU6 -> BuiltinOp.RELU6;
                case RELU_N1_TO_1 -> BuiltinOp.RELU_N1_TO_1;
                default -> null;
            };
            Tensor f = model.tensor(conv.input(1));
            int resizeAt = producer(ops, conv.input(0), i);
            if (clamp == null && o.activation() != Activation.NONE || !f.isConstant() || f.rank() != 4 || f.dim(1) != 1 || f.dim(2) != 1 || resizeAt < 0
                    || conv.inputs().length > 2 && conv.input(2) >= 0 && !model.tensor(conv.input(2)).isConstant()) {
                continue;
            }
            Operator resize = ops.get(resizeAt);
            if (resize.op() != BuiltinOp.RESIZE_BILINEAR || readers[resize.output(0)] != 1
                    || !isFloat(model, resize.input(0)) || resize.inputs().length != 2) {
                continue;
            }
            int[] low = model.tensor(resize.input(0)).shape();
            int[] high = model.tensor(resize.output(0)).shape();
            if (low.length != 4 || high.length != 4 || f.dim(0) >= f.dim(3)
                    || (long) low[1] * low[2] >= (long) high[1] * high[2]) {
                continue;
            }
            Tensor out = model.tensor(conv.output(0));
            int projected = addTensor(tensors, out.name() + "/before_resize", low[0], low[1], low[2], f.dim(0));
            int resized = clamp == null ? conv.output(0)
                    : addTensor(tensors, out.name() + "/before_clamp", high[0], high[1], high[2], f.dim(0));
            int[] convInputs = conv.inputs().clone();
            convInputs[0] = resize.input(0);
            ops.set(resizeAt, new Operator(conv.index(), conv.fileIndex(), BuiltinOp.CONV_2D, null, convInputs,
                    new int[] {projected}, conv2d(o, Activation.NONE), conv.customOptions()));
            ops.set(i, new Operator(resize.index(), resize.fileIndex(), BuiltinOp.RESIZE_BILINEAR, null,
                    new int[] {projected, resize.input(1)}, new int[] {resized}, resize.options(),
                    resize.customOptions()));
            if (clamp != null) {
                ops.add(i + 1, new Operator(conv.index(), conv.fileIndex(), clamp, null, new int[] {resized},
                        conv.outputs(), OpOptions.None.INSTANCE, null));
            }
            changed = true;
        }
        return changed;
    }

    private static int addTensor(List<Tensor> tensors, String name, int... shape) {
        tensors.add(new Tensor(tensors.size(), name, DataType.FLOAT32, shape, null, null, false));
        return tensors.size() - 1;
    }

    private static boolean foldPads(Model model, List<Operator> ops) {
        boolean changed = false;
        int[] readers = readers(model, ops);
        for (int i = 0; i < ops.size(); i++) {
            Operator pad = ops.get(i);
            OpOptions.ExplicitPadding zeros = spatialZeroPadding(model, pad);
            if (zeros == null) {
                continue;
            }
            // Every reader must take the padded tensor as its input and fold it (pose_detection pads once for
            // two stride-2 depthwise convolutions); a graph output or any other reader keeps the PAD.
            List<Integer> consumers = new ArrayList<>();
            List<OpOptions> fusedOptions = new ArrayList<>();
            for (int j = reader(ops, pad.output(0), i + 1); j >= 0; j = reader(ops, pad.output(0), j + 1)) {
                OpOptions fused = withFoldedPad(ops.get(j), pad.output(0), zeros);
                if (fused == null) {
                    break;
                }
                consumers.add(j);
                fusedOptions.add(fused);
            }
            if (consumers.isEmpty() || consumers.size() != readers[pad.output(0)]) {
                continue;
            }
            for (int c = 0; c < consumers.size(); c++) {
                Operator conv = ops.get(consumers.get(c));
                int[] inputs = conv.inputs().clone();
                inputs[0] = pad.input(0);
                ops.set(consumers.get(c), new Operator(conv.index(), conv.fileIndex(), conv.op(), conv.customCode(),
                        inputs, conv.outputs(), fusedOptions.get(c), conv.customOptions()));
            }
            ops.remove(i);
            i--;
            changed = true;
        }
        return changed;
    }

    /**
     * The options of {@code conv} with {@code zeros} folded in when it is a VALID CONV_2D or DEPTHWISE_CONV_2D
     * that reads {@code padded} as its input and nowhere else; null otherwise.
     */
    private static OpOptions withFoldedPad(Operator conv, int padded, OpOptions.ExplicitPadding zeros) {
        for (int k = 1; k < conv.inputs().length; k++) {
            if (conv.input(k) == padded) {
                return null;
            }
        }
        if (conv.input(0) != padded) {
            return null;
        }
        if (conv.op() == BuiltinOp.CONV_2D && conv.options() instanceof OpOptions.Conv2D o
                && o.padding() == Padding.VALID) {
            return new OpOptions.FusedConv2D(o, zeros, null);
        }
        if (conv.op() == BuiltinOp.DEPTHWISE_CONV_2D && conv.options() instanceof OpOptions.DepthwiseConv2D o
                && o.padding() == Padding.VALID) {
            return new OpOptions.PaddedDepthwiseConv2D(o, zeros);
        }
        return null;
    }

    /** First operator at or after {@code from} that reads {@code tensor}; −1 when none. */
    private static int reader(List<Operator> ops, int tensor, int from) {
        for (int j = from; j < ops.size(); j++) {
            for (int t : ops.get(j).inputs()) {
                if (t == tensor) {
                    return j;
                }
            }
        }
        return -1;
    }

    /**
     * The padding of a fp32 PAD (or PADV2 with a zero value) of a rank-4 NHWC tensor that pads only rows and
     * columns, with constant non-negative INT32 paddings; null for any other operator.
     */
    private static OpOptions.ExplicitPadding spatialZeroPadding(Model model, Operator op) {
        int[] p = zeroPaddings(model, op);
        if (p == null || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0) {
            return null;
        }
        return new OpOptions.ExplicitPadding(p[2], p[3], p[4], p[5]);
    }

    /** Whether {@code op} is a fp32 zero PAD (or PADV2) of a rank-4 NHWC tensor that only adds channels at the end. */
    private static boolean padsChannelsAfter(Model model, Operator op) {
        int[] p = zeroPaddings(model, op);
        return p != null && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0 && p[4] == 0 && p[5] == 0 && p[6] == 0
                && p[7] > 0;
    }

    /**
     * The paddings {@code (before, after)} per dimension of a fp32 PAD (or PADV2 with a zero value) of a
     * non-constant rank-4 tensor, when they are constant non-negative INT32; null for any other operator.
     */
    private static int[] zeroPaddings(Model model, Operator op) {
        if ((op.op() != BuiltinOp.PAD && op.op() != BuiltinOp.PADV2) || op.outputs().length != 1
                || !isFloat(model, op.input(0)) || model.tensor(op.input(0)).isConstant()) {
            return null;
        }
        if (op.op() == BuiltinOp.PADV2) {
            int v = op.input(2);
            if (v >= 0) {
                Tensor value = model.tensor(v);
                if (!value.isConstant() || value.type() != DataType.FLOAT32 || value.elementCount() != 1
                        || value.floats()[0] != 0f) {
                    return null;
                }
            }
        }
        if (op.input(1) < 0) {
            return null;
        }
        Tensor paddings = model.tensor(op.input(1));
        if (model.tensor(op.input(0)).rank() != 4 || !paddings.isConstant() || paddings.type() != DataType.INT32
                || !Arrays.equals(paddings.shape(), new int[] {4, 2})) {
            return null;
        }
        int[] p = new int[8];
        ByteBuffer.wrap(paddings.data()).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(p);
        for (int v : p) {
            if (v < 0) {
                return null;
            }
        }
        return p;
    }

    private static boolean foldResidualAdds(Model model, List<Operator> ops) {
        boolean changed = false;
        int[] readers = readers(model, ops);
        for (int i = 0; i < ops.size(); i++) {
            Operator add = ops.get(i);
            if (add.op() != BuiltinOp.ADD || add.inputs().length != 2 || add.outputs().length != 1
                    || !(add.options() instanceof OpOptions.Arithmetic arithmetic)
                    || !isFloat(model, add.input(0)) || !isFloat(model, add.input(1)) || !isFloat(model, add.output(0))) {
                continue;
            }
            int[] shape = model.tensor(add.output(0)).shape();
            if (!Arrays.equals(model.tensor(add.input(0)).shape(), shape)
                    || !Arrays.equals(model.tensor(add.input(1)).shape(), shape)) {
                continue;
            }
            // An operand that is a channel PAD read only here is replaced by the PAD's input.
            int pad0 = channelPadOnlyFor(model, ops, readers, add.input(0), i);
            int pad1 = channelPadOnlyFor(model, ops, readers, add.input(1), i);
            int in0 = pad0 >= 0 ? ops.get(pad0).input(0) : add.input(0);
            int in1 = pad1 >= 0 ? ops.get(pad1).input(0) : add.input(1);
            int p0 = producer(ops, in0, i);
            int p1 = producer(ops, in1, i);
            // Fold into the later producer, so the other operand already exists when it runs.
            int convAt = Math.max(p0, p1);
            int other = convAt == p0 ? in1 : in0;
            int otherProducer = convAt == p0 ? p1 : p0;
            int padAt = convAt == p0 ? pad1 : pad0;
            if (convAt < 0 || otherProducer == convAt || (convAt == p0 ? pad0 : pad1) >= 0) {
                continue;
            }
            Operator conv = ops.get(convAt);
            if (conv.op() != BuiltinOp.CONV_2D || readers[conv.output(0)] != 1 || !isFloat(model, conv.input(0))) {
                continue;
            }
            OpOptions.FusedConv2D fused;
            if (conv.options() instanceof OpOptions.Conv2D o && o.activation() == Activation.NONE) {
                fused = new OpOptions.FusedConv2D(o, null, arithmetic.activation());
            } else if (conv.options() instanceof OpOptions.FusedConv2D f && f.residualActivation() == null
                    && f.conv().activation() == Activation.NONE) {
                fused = new OpOptions.FusedConv2D(f.conv(), f.padding(), arithmetic.activation());
            } else {
                continue;
            }
            int[] inputs = Arrays.copyOf(conv.inputs(), 4);
            if (conv.inputs().length < 3) {
                Arrays.fill(inputs, conv.inputs().length, 3, -1);
            }
            inputs[3] = other;
            ops.set(convAt, new Operator(conv.index(), conv.fileIndex(), conv.op(), conv.customCode(), inputs,
                    add.outputs(), fused, conv.customOptions()));
            ops.remove(i);
            i--;
            if (padAt >= 0) {
                ops.remove(padAt);
                i--;
            }
            changed = true;
        }
        return changed;
    }

    /**
     * Index (before {@code before}) of the zero PAD after the channels that writes {@code tensor} when it is
     * read only once; −1 otherwise.
     */
    private static int channelPadOnlyFor(Model model, List<Operator> ops, int[] readers, int tensor, int before) {
        int at = producer(ops, tensor, before);
        return at >= 0 && readers[tensor] == 1 && padsChannelsAfter(model, ops.get(at)) ? at : -1;
    }

    private static boolean foldPrelus(Model model, List<Operator> ops) {
        boolean changed = false;
        int[] readers = readers(model, ops);
        for (int i = 0; i < ops.size(); i++) {
            Operator prelu = ops.get(i);
            if (prelu.op() != BuiltinOp.PRELU || prelu.inputs().length != 2 || prelu.outputs().length != 1
                    || !isFloat(model, prelu.input(0)) || !isFloat(model, prelu.input(1))
                    || !isFloat(model, prelu.output(0))) {
                continue;
            }
            int[] shape = model.tensor(prelu.output(0)).shape();
            Tensor alpha = model.tensor(prelu.input(1));
            if (!alpha.isConstant() || shape.length != 4 || !Arrays.equals(model.tensor(prelu.input(0)).shape(), shape)
                    || !perChannel(alpha.shape(), shape[3])) {
                continue;
            }
            int convAt = producer(ops, prelu.input(0), i);
            if (convAt < 0) {
                continue;
            }
            Operator conv = ops.get(convAt);
            if (conv.op() != BuiltinOp.CONV_2D || readers[conv.output(0)] != 1 || !isFloat(model, conv.input(0))
                    || !lastStageLinear(conv.options())) {
                continue;
            }
            int[] inputs = Arrays.copyOf(conv.inputs(), 5);
            Arrays.fill(inputs, conv.inputs().length, 4, -1);
            inputs[4] = prelu.input(1);
            ops.set(convAt, new Operator(conv.index(), conv.fileIndex(), conv.op(), conv.customCode(), inputs,
                    prelu.outputs(), new OpOptions.PreluConv2D(conv.options()), conv.customOptions()));
            ops.remove(i);
            i--;
            changed = true;
        }
        return changed;
    }

    private static boolean foldActivations(Model model, List<Operator> ops) {
        boolean changed = false;
        int[] readers = readers(model, ops);
        for (int i = 0; i < ops.size(); i++) {
            Operator relu = ops.get(i);
            Activation activation = switch (relu.op()) {
                case RELU -> Activation.RELU;
                case RELU6 -> Activation.RELU6;
                case RELU_N1_TO_1 -> Activation.RELU_N1_TO_1;
                default -> null;
            };
            if (activation == null || relu.inputs().length != 1 || relu.outputs().length != 1
                    || !isFloat(model, relu.input(0)) || !isFloat(model, relu.output(0))) {
                continue;
            }
            int convAt = producer(ops, relu.input(0), i);
            if (convAt < 0) {
                continue;
            }
            Operator conv = ops.get(convAt);
            if ((conv.op() != BuiltinOp.CONV_2D && conv.op() != BuiltinOp.DEPTHWISE_CONV_2D)
                    || readers[conv.output(0)] != 1 || !isFloat(model, conv.input(0))) {
                continue;
            }
            OpOptions options = withActivation(conv.options(), activation);
            if (options == null) {
                continue;
            }
            ops.set(convAt, new Operator(conv.index(), conv.fileIndex(), conv.op(), conv.customCode(), conv.inputs(),
                    relu.outputs(), options, conv.customOptions()));
            ops.remove(i);
            i--;
            changed = true;
        }
        return changed;
    }

    /** The convolution's options with {@code activation} as its last stage; null when that stage has one. */
    private static OpOptions withActivation(OpOptions options, Activation activation) {
        if (options instanceof OpOptions.Conv2D o && o.activation() == Activation.NONE) {
            return conv2d(o, activation);
        }
        if (options instanceof OpOptions.FusedConv2D f) {
            if (f.residualActivation() != null) {
                return f.residualActivation() == Activation.NONE
                        ? new OpOptions.FusedConv2D(f.conv(), f.padding(), activation) : null;
            }
            return f.conv().activation() == Activation.NONE
                    ? new OpOptions.FusedConv2D(conv2d(f.conv(), activation), f.padding(), null) : null;
        }
        if (options instanceof OpOptions.DepthwiseConv2D d && d.activation() == Activation.NONE) {
            return depthwise(d, activation);
        }
        if (options instanceof OpOptions.PaddedDepthwiseConv2D p && p.depthwise().activation() == Activation.NONE) {
            return new OpOptions.PaddedDepthwiseConv2D(depthwise(p.depthwise(), activation), p.padding());
        }
        return null;
    }

    private static OpOptions.Conv2D conv2d(OpOptions.Conv2D o, Activation activation) {
        return new OpOptions.Conv2D(o.padding(), o.strideW(), o.strideH(), activation, o.dilationW(), o.dilationH());
    }

    private static OpOptions.DepthwiseConv2D depthwise(OpOptions.DepthwiseConv2D d, Activation activation) {
        return new OpOptions.DepthwiseConv2D(d.padding(), d.strideW(), d.strideH(), d.depthMultiplier(), activation,
                d.dilationW(), d.dilationH());
    }

    /** A shape of ones but the last dimension, which is {@code channels}: one slope per channel. */
    private static boolean perChannel(int[] alphaShape, int channels) {
        for (int i = 0; i < alphaShape.length - 1; i++) {
            if (alphaShape[i] != 1) {
                return false;
            }
        }
        return alphaShape.length > 0 && alphaShape[alphaShape.length - 1] == channels;
    }

    /** Whether a convolution's output stage ends without an activation (so PRELU may follow inside it). */
    private static boolean lastStageLinear(OpOptions options) {
        if (options instanceof OpOptions.Conv2D o) {
            return o.activation() == Activation.NONE;
        }
        if (options instanceof OpOptions.FusedConv2D f) {
            return f.residualActivation() == null ? f.conv().activation() == Activation.NONE
                    : f.residualActivation() == Activation.NONE;
        }
        return false;
    }

    /**
     * Expanded tensors below this size stay in the cache between the two steps anyway, and the fused step's
     * bands would only add the rows two bands share (measured in BENCHMARKS.md, "1×1 expansion fused into
     * depthwise").
     */
    static final long EXPANSION_MIN_BYTES = 512 * 1024;

    private static boolean foldExpansions(Model model, List<Operator> ops) {
        boolean changed = false;
        int[] readers = readers(model, ops);
        for (int i = 0; i < ops.size(); i++) {
            Operator dw = ops.get(i);
            OpOptions.DepthwiseConv2D d;
            OpOptions.ExplicitPadding zeros = null;
            if (dw.options() instanceof OpOptions.PaddedDepthwiseConv2D p) {
                d = p.depthwise();
                zeros = p.padding();
            } else if (dw.options() instanceof OpOptions.DepthwiseConv2D plain) {
                d = plain;
            } else {
                continue;
            }
            if (dw.op() != BuiltinOp.DEPTHWISE_CONV_2D || d.dilationH() != 1 || d.dilationW() != 1
                    || dw.inputs().length < 2 || dw.outputs().length != 1 || !isFloat(model, dw.input(0))
                    || !isFloat(model, dw.output(0)) || readers[dw.input(0)] != 1) {
                continue;
            }
            Tensor expanded = model.tensor(dw.input(0));
            Tensor dwFilter = model.tensor(dw.input(1));
            int kh = dwFilter.rank() == 4 ? dwFilter.dim(1) : 0;
            if (expanded.rank() != 4 || expanded.dim(0) != 1 || !dwFilter.isConstant() || dwFilter.rank() != 4
                    || dwFilter.dim(3) != expanded.dim(3)
                    || zeros != null && (zeros.top() >= kh || zeros.bottom() >= kh)
                    || 4L * expanded.elementCount() < EXPANSION_MIN_BYTES) {
                continue;
            }
            int convAt = producer(ops, dw.input(0), i);
            if (convAt < 0 || !pointwiseExpansion(model, ops.get(convAt))) {
                continue;
            }
            Operator conv = ops.get(convAt);
            int[] inputs = {conv.input(0), dw.input(1), dw.inputs().length > 2 ? dw.input(2) : -1, conv.input(1),
                    conv.inputs().length > 2 ? conv.input(2) : -1};
            ops.set(i, new Operator(dw.index(), dw.fileIndex(), dw.op(), dw.customCode(), inputs, dw.outputs(),
                    new OpOptions.ExpandedDepthwiseConv2D((OpOptions.Conv2D) conv.options(), dw.options()),
                    dw.customOptions()));
            ops.remove(convAt);
            i--;
            changed = true;
        }
        return changed;
    }

    /**
     * Whether {@code conv} is a fp32 1×1 stride-1 CONV_2D with plain options and dense constant weights that the
     * dense GEMM runs (not the NHWC SpMM, which the fused step does not have).
     */
    private static boolean pointwiseExpansion(Model model, Operator conv) {
        if (conv.op() != BuiltinOp.CONV_2D || !(conv.options() instanceof OpOptions.Conv2D o) || o.strideH() != 1
                || o.strideW() != 1 || conv.inputs().length < 2 || !isFloat(model, conv.input(0))) {
            return false;
        }
        Tensor x = model.tensor(conv.input(0));
        Tensor f = model.tensor(conv.input(1));
        if (x.rank() != 4 || f.rank() != 4 || f.dim(1) != 1 || f.dim(2) != 1 || f.dim(3) != x.dim(3)
                || f.type() != DataType.FLOAT32 || f.data() == null) {
            return false;
        }
        if (conv.inputs().length > 2 && conv.input(2) >= 0 && !model.tensor(conv.input(2)).isConstant()) {
            return false;
        }
        int k = f.dim(3);
        int n = f.dim(0);
        return !SparsePointwise.worthItNhwc(f.floats(), k, n, x.dim(1) * x.dim(2));
    }

    /** Index of the operator before {@code before} that writes {@code tensor}; −1 for graph inputs and constants. */
    private static int producer(List<Operator> ops, int tensor, int before) {
        for (int j = before - 1; j >= 0; j--) {
            for (int t : ops.get(j).outputs()) {
                if (t == tensor) {
                    return j;
                }
            }
        }
        return -1;
    }
}
