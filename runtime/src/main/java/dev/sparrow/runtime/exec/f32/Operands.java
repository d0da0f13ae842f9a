package dev.sparrow.runtime.exec.f32;

import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import java.util.Arrays;

/** Validation and small lookups shared by the fp32 operator compilers; every failure names the operator. */
final class Operands {
    /** Work below this many multiply-adds (or elements) per part is not worth another thread. */
    static final long MIN_WORK_PER_PART = 1 << 15;

    private Operands() {}

    static ModelException error(Operator op, String what) {
        return new ModelException(op.describe() + ": " + what);
    }

    /** A required FLOAT32 input (activation or constant). */
    static Tensor input(Operator op, CompileContext ctx, int i, String role) {
        int index = op.input(i);
        if (index < 0) {
            throw error(op, "missing " + role + " (input " + i + ")");
        }
        return requireFloat(op, ctx.tensor(index), role);
    }

    /** An optional FLOAT32 input; null when omitted (index −1). */
    static Tensor optionalInput(Operator op, CompileContext ctx, int i, String role) {
        int index = op.input(i);
        return index < 0 ? null : requireFloat(op, ctx.tensor(index), role);
    }

    static Tensor output(Operator op, CompileContext ctx) {
        if (op.outputs().length != 1) {
            throw error(op, "expected 1 output, got " + op.outputs().length);
        }
        return requireFloat(op, ctx.tensor(op.output(0)), "output");
    }

    static Tensor requireFloat(Operator op, Tensor t, String role) {
        if (t.type() != DataType.FLOAT32) {
            throw error(op, role + " " + t.describe() + " is not FLOAT32");
        }
        return t;
    }

    static Tensor requireConstant(Operator op, Tensor t, String role) {
        if (!t.isConstant()) {
            throw error(op, role + " " + t.describe() + " must be a constant");
        }
        return t;
    }

    static void requireRank(Operator op, Tensor t, int rank, String role) {
        if (t.rank() != rank) {
            throw error(op, role + " " + t.describe() + " must have rank " + rank);
        }
    }

    static void requireShape(Operator op, Tensor t, int[] expected, String role) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw error(op, role + " " + t.describe() + " has the wrong shape, expected " + Tensor.formatShape(expected));
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends OpOptions> T options(Operator op, Class<T> type) {
        if (!type.isInstance(op.options())) {
            throw error(op, "expected " + type.getSimpleName() + " options, got " + op.options());
        }
        return (T) op.options();
    }

    /**
     * The clamp of a fused activation as {lo, hi}. TANH and SIGN_BIT are refused: TFLite's float kernels
     * silently skip them (no clamp), which would hide a model the author meant differently.
     */
    static float[] clamp(Operator op, Activation activation) {
        return switch (activation) {
            case NONE -> new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
            case RELU -> new float[] {0f, Float.POSITIVE_INFINITY};
            case RELU6 -> new float[] {0f, 6f};
            case RELU_N1_TO_1 -> new float[] {-1f, 1f};
            case TANH, SIGN_BIT -> throw error(op, "fused activation " + activation + " is not supported");
        };
    }

    static void requirePositive(Operator op, String what, int... values) {
        for (int v : values) {
            if (v <= 0) {
                throw error(op, what + " must be positive, got " + Arrays.toString(values));
            }
        }
    }

    /** Parts worth running for {@code work} units on {@code threads} threads, at most {@code units} (≥ 1). */
    static int parts(CompileContext ctx, long work, long units) {
        long byWork = Math.max(1, work / MIN_WORK_PER_PART);
        return (int) Math.max(1, Math.min(Math.min(ctx.threads(), byWork), units));
    }

    /** A step from a body run per part; its {@code toString} names the operator and the kernel chosen. */
    static Step step(Operator op, String kernel, int maxParts, Step body) {
        return Step.named(op.describe() + ": " + kernel, maxParts, body);
    }
}
