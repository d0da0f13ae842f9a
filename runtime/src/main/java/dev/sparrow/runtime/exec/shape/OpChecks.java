package dev.sparrow.runtime.exec.shape;

import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Validation shared by the shape operators; every failure names the model, the operator and the tensor. */
final class OpChecks {

    private OpChecks() {
    }

    static ModelException error(CompileContext ctx, Operator op, String message) {
        return new ModelException(ctx.model().source() + ": " + op.describe() + ": " + message);
    }

    /** Input {@code i}, which must be present (not omitted with −1). */
    static Tensor input(CompileContext ctx, Operator op, int i) {
        int index = op.input(i);
        if (index < 0) {
            throw error(ctx, op, "input " + i + " is missing (the operator has " + op.inputs().length + " inputs)");
        }
        return ctx.tensor(index);
    }

    static Tensor output(CompileContext ctx, Operator op) {
        if (op.outputs().length != 1) {
            throw error(ctx, op, "expected 1 output, got " + op.outputs().length);
        }
        return ctx.tensor(op.output(0));
    }

    static void requireInputCount(CompileContext ctx, Operator op, int min, int max) {
        int n = op.inputs().length;
        if (n < min || n > max) {
            throw error(ctx, op, "expected " + (min == max ? String.valueOf(min) : min + " to " + max)
                    + " inputs, got " + n);
        }
    }

    /** The activation types that live in the arena: FLOAT32 in {@code f32}, INT8/UINT8 in {@code i8}. */
    static boolean isArenaType(DataType type) {
        return type == DataType.FLOAT32 || type == DataType.INT8 || type == DataType.UINT8;
    }

    static void requireArenaType(CompileContext ctx, Operator op, Tensor t, String role) {
        if (!isArenaType(t.type())) {
            throw error(ctx, op, role + " " + t.describe() + " has type " + t.type()
                    + "; only FLOAT32, INT8 and UINT8 are supported");
        }
    }

    static void requireSameType(CompileContext ctx, Operator op, Tensor in, Tensor out) {
        if (in.type() != out.type()) {
            throw error(ctx, op, "input " + in.describe() + " and output " + out.describe() + " differ in type");
        }
    }

    static void requireShape(CompileContext ctx, Operator op, Tensor out, int[] expected, String derivation) {
        if (!Arrays.equals(out.shape(), expected)) {
            throw error(ctx, op, "output " + out.describe() + " has shape " + Tensor.formatShape(out.shape())
                    + " but " + derivation + " gives " + Tensor.formatShape(expected));
        }
    }

    /**
     * A constant INT32 or INT64 parameter tensor (perm, paddings, begin/end/strides, size, shape) read at
     * compile time; INT64 values must fit in an int.
     */
    static int[] constantInts(CompileContext ctx, Operator op, Tensor t, String role) {
        if (!t.isConstant()) {
            throw error(ctx, op, role + " " + t.describe()
                    + " is not a constant; Sparrow needs it at compile time (no dynamic shapes)");
        }
        if (t.type() == DataType.INT32) {
            if (t.data().length != 4L * t.elementCount()) {
                throw error(ctx, op, role + " " + t.describe() + " holds " + t.data().length + " bytes, expected "
                        + 4L * t.elementCount());
            }
            return t.ints();
        }
        if (t.type() == DataType.INT64) {
            int n = t.elementCount();
            if (t.data().length != 8L * n) {
                throw error(ctx, op, role + " " + t.describe() + " holds " + t.data().length + " bytes, expected "
                        + 8L * n);
            }
            ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                long v = b.getLong(8 * i);
                if (v != (int) v) {
                    throw error(ctx, op, role + " " + t.describe() + " element " + i + " = " + v
                            + " does not fit in 32 bits");
                }
                out[i] = (int) v;
            }
            return out;
        }
        throw error(ctx, op, role + " " + t.describe() + " must be INT32 or INT64");
    }

    /** Per-tensor quantisation of an 8-bit tensor; rejects missing or per-channel parameters. */
    static Quantization perTensor(CompileContext ctx, Operator op, Tensor t, String role) {
        Quantization q = t.quantization();
        if (q == null) {
            throw error(ctx, op, role + " " + t.describe() + " has no quantization parameters");
        }
        if (q.perChannel()) {
            throw error(ctx, op, role + " " + t.describe() + " is quantized " + q
                    + "; this operator needs one scale and zero point");
        }
        if (!(q.scale() > 0f) || Float.isInfinite(q.scale())) {
            throw error(ctx, op, role + " " + t.describe() + " has scale " + q.scale() + "; it must be positive and finite");
        }
        return q;
    }

    /** Row-major element strides of a shape. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Normalises a possibly negative axis against {@code rank}, or throws naming {@code what}. */
    static int axis(CompileContext ctx, Operator op, int axis, int rank, String what) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw error(ctx, op, what + " " + axis + " is out of range for rank " + rank);
        }
        return a;
    }
}
