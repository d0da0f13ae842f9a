package dev.sparrow.runtime.exec.q8;

import dev.sparrow.kernels.q8.OutputStage;
import dev.sparrow.kernels.q8.Requant;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;

/** Validation, quantisation arithmetic and the work split shared by the int8 operator compilers. */
final class Q8Support {
    /** Values below which a part of an element-wise step costs more in hand-off than it saves. */
    private static final int MIN_VALUES_PER_PART = 1 << 15;
    /** Parts of an element-wise step start on a cache line, so two threads never write one line. */
    private static final int LINE = 64;

    private Q8Support() {}

    /** An element-wise step of {@code op} over {@code n} values, split across up to {@code ctx.threads()} parts. */
    static Step elementwise(Operator op, CompileContext ctx, long n, Step body) {
        int maxParts = (int) Math.max(1, Math.min(ctx.threads(), n / MIN_VALUES_PER_PART));
        return Step.named(op.describe() + ": int8 element-wise", maxParts, body);
    }

    /** Start of part {@code part} of {@code n} values split into {@code parts}, on a cache line (n for the end). */
    static int lineStart(int n, int part, int parts) {
        return part == parts ? n : Step.rangeStart(n, part, parts) / LINE * LINE;
    }

    static ModelException fail(Operator op, Tensor t, String problem) {
        return new ModelException(op.describe() + ": " + (t == null ? "" : t.describe() + " ") + problem);
    }

    static Tensor tensor(Operator op, CompileContext ctx, int index, String role) {
        if (index < 0) {
            throw new ModelException(op.describe() + ": missing " + role + " tensor");
        }
        return ctx.tensor(index);
    }

    /** An int8 activation tensor with one scale and zero point. */
    static Quantization perTensorInt8(Operator op, Tensor t, String role) {
        if (t.type() != DataType.INT8) {
            throw fail(op, t, "(" + role + ") must be INT8");
        }
        Quantization q = t.quantization();
        if (q == null) {
            throw fail(op, t, "(" + role + ") has no quantization");
        }
        if (q.perChannel()) {
            throw fail(op, t, "(" + role + ") must be quantized per tensor, is " + q);
        }
        if (!(q.scale() > 0f) || Float.isInfinite(q.scale())) {
            throw fail(op, t, "(" + role + ") has scale " + q.scale() + ", must be positive and finite");
        }
        if (q.zeroPoint() < -128 || q.zeroPoint() > 127) {
            throw fail(op, t, "(" + role + ") has zero point " + q.zeroPoint() + " outside int8");
        }
        return q;
    }

    /**
     * Symmetric int8 weights with {@code channels} scales on {@code dimension} (or one scale); returns the
     * scale of every channel.
     */
    static float[] weightScales(Operator op, Tensor w, int channels, int dimension) {
        if (w.type() != DataType.INT8) {
            throw fail(op, w, "(weights) must be INT8");
        }
        if (!w.isConstant()) {
            throw fail(op, w, "(weights) must be a constant");
        }
        Quantization q = w.quantization();
        if (q == null) {
            throw fail(op, w, "(weights) has no quantization");
        }
        float[] scales = new float[channels];
        if (q.perChannel()) {
            if (q.scales().length != channels || q.quantizedDimension() != dimension) {
                throw fail(op, w, "(weights) has " + q + ", expected " + channels + " scales on dimension " + dimension);
            }
            System.arraycopy(q.scales(), 0, scales, 0, channels);
        } else {
            java.util.Arrays.fill(scales, q.scales()[0]);
        }
        for (int c = 0; c < channels; c++) {
            if (q.zeroPoints()[Math.min(c, q.zeroPoints().length - 1)] != 0) {
                throw fail(op, w, "(weights) has a non-zero zero point for channel " + c);
            }
            if (!(scales[c] > 0f) || Float.isInfinite(scales[c])) {
                throw fail(op, w, "(weights) has scale " + scales[c] + " for channel " + c);
            }
        }
        return scales;
    }

    /** int32 bias of {@code channels} values, or null when the operator has none. */
    static int[] bias(Operator op, CompileContext ctx, int index, int channels) {
        if (index < 0) {
            return null;
        }
        Tensor b = ctx.tensor(index);
        if (b.type() != DataType.INT32 || !b.isConstant()) {
            throw fail(op, b, "(bias) must be a constant INT32 tensor");
        }
        if (b.elementCount() != channels) {
            throw fail(op, b, "(bias) has " + b.elementCount() + " values, expected " + channels);
        }
        return b.ints();
    }

    /** Fused activation range of an int8 output, as TFLite ({@code roundf}) or XNNPACK ({@code lrintf}) computes it. */
    static int[] activationRange(Operator op, Activation act, float scale, int zp, Int8Mode mode) {
        return switch (act) {
            case NONE -> new int[] {-128, 127};
            case RELU -> new int[] {Math.max(-128, quantize(0f, scale, zp, mode)), 127};
            case RELU6 -> new int[] {Math.max(-128, quantize(0f, scale, zp, mode)),
                    Math.min(127, quantize(6f, scale, zp, mode))};
            case RELU_N1_TO_1 -> new int[] {Math.max(-128, quantize(-1f, scale, zp, mode)),
                    Math.min(127, quantize(1f, scale, zp, mode))};
            default -> throw new ModelException(op.describe() + ": fused activation " + act + " is not supported on int8");
        };
    }

    private static int quantize(float v, float scale, int zp, Int8Mode mode) {
        if (mode == Int8Mode.TFLITE) {
            long q = zp + Requant.roundHalfAway((double) (v / scale));
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q));
        }
        float f = Math.min(Math.max(v / scale + (float) zp, -128f), 127f);
        return (int) Math.rint(f);
    }

    /**
     * Output stage for per-channel real multipliers: TFLite fixed point with {@code rounding}, or XNNPACK's
     * float scales.
     */
    static OutputStage stage(Operator op, Int8Mode mode, Requant.Rounding rounding, double[] real, float[] xnnScale,
                             int zp, int[] range) {
        if (mode == Int8Mode.XNNPACK) {
            return OutputStage.fp32(xnnScale, zp, range[0], range[1]);
        }
        int[] mult = new int[real.length];
        int[] shift = new int[real.length];
        for (int c = 0; c < real.length; c++) {
            int[] ms = Requant.quantizeMultiplier(real[c]);
            mult[c] = ms[0];
            shift[c] = ms[1];
            if (rounding == Requant.Rounding.R3 && shift[c] > 30) {
                throw new ModelException(op.describe() + ": multiplier " + real[c] + " of channel " + c
                        + " is too large for single rounding");
            }
        }
        return OutputStage.fixedPoint(rounding, mult, shift, zp, range[0], range[1]);
    }

    static void requireShape(Operator op, Tensor t, int[] expected) {
        if (!java.util.Arrays.equals(t.shape(), expected)) {
            throw fail(op, t, "has shape " + Tensor.formatShape(t.shape()) + ", expected "
                    + Tensor.formatShape(expected));
        }
    }

    static void requireRank(Operator op, Tensor t, int rank, String role) {
        if (t.rank() != rank) {
            throw fail(op, t, "(" + role + ") must have rank " + rank);
        }
    }
}
