package dev.sparrow.runtime.compress;

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

/**
 * Rewrites MediaPipe's custom {@code Convolution2DTransposeBias} into standard operators when its kernel
 * equals its stride and nothing is cropped: then every output pixel receives exactly one tap, so the
 * operator is a 1×1 CONV_2D producing the kh·kw·C_out values of each input pixel, followed by
 * DEPTH_TO_SPACE with block kh (reference/tflite-format.md §5.4 and §7: output pixel (oy, ox) of channel oc
 * reads input pixel (oy/b, ox/b), channel oc + ((oy % b)·b + ox % b)·C_out, which is tap (oy % b, ox % b)).
 * Stock TensorFlow Lite has no kernel for the custom operator (it refuses selfie_segmentation), but it
 * runs both standard ones, in float and in int8.
 */
final class TransposeConvLowering {
    static final String TRANSPOSE_CONV_BIAS = "Convolution2DTransposeBias";

    private TransposeConvLowering() {}

    /** The model with every lowerable transpose convolution rewritten; the same model when there is none. */
    static Model apply(Model model) {
        List<Tensor> tensors = new ArrayList<>(model.tensors());
        List<Operator> ops = new ArrayList<>();
        boolean changed = false;
        for (Operator op : model.operators()) {
            if (!lowerable(model, op)) {
                ops.add(op);
                continue;
            }
            changed = true;
            Tensor x = model.tensor(op.input(0));
            Tensor w = model.tensor(op.input(1));
            Tensor y = model.tensor(op.output(0));
            int cout = w.dim(0), b = w.dim(1), cin = w.dim(3);
            int rows = b * b * cout;
            float[] weights = w.floats();
            float[] bias = op.input(2) >= 0 ? model.tensor(op.input(2)).floats() : new float[cout];
            float[] w1 = new float[rows * cin];
            float[] b1 = new float[rows];
            for (int fy = 0; fy < b; fy++) {
                for (int fx = 0; fx < b; fx++) {
                    for (int oc = 0; oc < cout; oc++) {
                        int row = (fy * b + fx) * cout + oc;
                        b1[row] = bias[oc];
                        System.arraycopy(weights, ((oc * b + fy) * b + fx) * cin, w1, row * cin, cin);
                    }
                }
            }
            int filter = add(tensors, y.name() + "/pointwise_filter", new int[] {rows, 1, 1, cin}, w1);
            int bias1 = add(tensors, y.name() + "/pointwise_bias", new int[] {rows}, b1);
            int mid = tensors.size();
            tensors.add(new Tensor(mid, y.name() + "/pointwise", DataType.FLOAT32,
                    new int[] {x.dim(0), x.dim(1), x.dim(2), rows}, null, null, false));
            ops.add(new Operator(0, op.fileIndex(), BuiltinOp.CONV_2D, null, new int[] {x.index(), filter, bias1},
                    new int[] {mid}, new OpOptions.Conv2D(Padding.VALID, 1, 1, dev.sparrow.runtime.model.Activation.NONE, 1, 1),
                    null));
            ops.add(new Operator(0, op.fileIndex(), BuiltinOp.DEPTH_TO_SPACE, null, new int[] {mid},
                    new int[] {y.index()}, new OpOptions.DepthToSpace(b), null));
        }
        if (!changed) {
            return model;
        }
        List<Operator> renumbered = new ArrayList<>();
        for (Operator op : ops) {
            renumbered.add(new Operator(renumbered.size(), op.fileIndex(), op.op(), op.customCode(), op.inputs(),
                    op.outputs(), op.options(), op.customOptions()));
        }
        return new Model(model.source(), model.version(), model.description(), List.copyOf(tensors),
                List.copyOf(renumbered), model.inputs(), model.outputs());
    }

    /** Whether {@code op} is a transpose convolution with a square kernel equal to its stride and no crop. */
    static boolean lowerable(Model model, Operator op) {
        if (op.op() != BuiltinOp.CUSTOM || !TRANSPOSE_CONV_BIAS.equals(op.customCode())
                || !(op.options() instanceof OpOptions.TransposeConvBias t)) {
            return false;
        }
        Tensor x = model.tensor(op.input(0));
        Tensor w = model.tensor(op.input(1));
        Tensor y = model.tensor(op.output(0));
        if (!w.isConstant() || w.type() != DataType.FLOAT32 || w.rank() != 4 || x.rank() != 4
                || (op.input(2) >= 0 && !model.tensor(op.input(2)).isConstant())) {
            return false;
        }
        int b = w.dim(1);
        return w.dim(2) == b && t.strideH() == b && t.strideW() == b
                && y.dim(1) == x.dim(1) * b && y.dim(2) == x.dim(2) * b && y.dim(3) == w.dim(0);
    }

    private static int add(List<Tensor> tensors, String name, int[] shape, float[] values) {
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        tensors.add(new Tensor(tensors.size(), name, DataType.FLOAT32, shape, null, data.array(), false));
        return tensors.size() - 1;
    }
}
