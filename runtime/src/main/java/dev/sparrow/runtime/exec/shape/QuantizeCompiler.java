package dev.sparrow.runtime.exec.shape;

import dev.sparrow.kernels.q8.QuantizeQ8;
import dev.sparrow.runtime.exec.Arena;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;

/**
 * QUANTIZE of activations to INT8 or UINT8 (per-tensor output parameters, as TFLite requires), from FLOAT32
 * or by requantising INT8/UINT8.
 *
 * <p>Float input runs through {@link QuantizeQ8}. {@link Int8Mode#TFLITE}: float input → {@code clamp(round(x / s) + zp)} with the division in double
 * ({@code QuantizationParams.scale} is a double) and {@code std::round}'s ties away from zero
 * ({@code reference_ops::AffineQuantize}). A float division differs on image inputs: with s = 2/255 and
 * x = p/127.5 − 1, x / s is an exact .5 in float but not in double (measured against TensorFlow Lite 2.6.2:
 * 72 of 768 such values off by one with float division, none with double). 8-bit input →
 * {@code clamp(MultiplyByQuantizedMultiplier(q − zpIn, M, shift) + zpOut)} with (M, shift) from
 * {@code (double) sIn / (double) sOut} ({@code reference_ops::Requantize}).
 *
 * <p>{@link Int8Mode#XNNPACK}: float input → {@code x · (1/s)} in float, clamped to
 * {@code [qmin − zp, qmax − zp]}, rounded half to even, plus zp (XNNPACK f32-qs8-vcvt); 8-bit input of the
 * same signedness → {@code m = lrintf(256 · (sIn/sOut))}, {@code q = clamp(((zpOut << 8) − m·zpIn + 0x80 +
 * x·m) >> 8)} (qs8-vcvt / qu8-vcvt). XNNPACK only takes ratios in [2^−8, 2^7]; other ratios and mixed
 * signedness stay on TFLite's built-in kernel, so they use the TFLite formula in this mode too.
 */
final class QuantizeCompiler {

    private QuantizeCompiler() {
    }

    static Step compile(Operator op, CompileContext ctx) {
        OpChecks.requireInputCount(ctx, op, 1, 1);
        Tensor in = OpChecks.input(ctx, op, 0);
        Tensor out = OpChecks.output(ctx, op);
        OpChecks.requireArenaType(ctx, op, in, "input");
        if (out.type() != DataType.INT8 && out.type() != DataType.UINT8) {
            throw OpChecks.error(ctx, op, "output " + out.describe() + " must be INT8 or UINT8");
        }
        OpChecks.requireShape(ctx, op, out, in.shape(), "input " + in.describe());
        Quantization qo = OpChecks.perTensor(ctx, op, out, "output");
        int qmin = out.type() == DataType.INT8 ? -128 : 0;
        int qmax = out.type() == DataType.INT8 ? 127 : 255;
        int zpOut = qo.zeroPoint();
        if (zpOut < qmin || zpOut > qmax) {
            throw OpChecks.error(ctx, op, "output " + out.describe() + " zero point " + zpOut + " is outside ["
                    + qmin + ", " + qmax + "]");
        }
        int n = in.elementCount();
        int parts = Math.max(1, Math.min(ctx.threads(), n / 16384));
        int inOffset = ctx.offset(in.index());
        int outOffset = ctx.offset(out.index());
        boolean xnnpack = ctx.int8Mode() == Int8Mode.XNNPACK;
        if (in.type() == DataType.FLOAT32) {
            return new FromFloat(qo.scale(), zpOut, qmin, qmax, xnnpack, inOffset, outOffset, n, parts);
        }
        Quantization qi = OpChecks.perTensor(ctx, op, in, "input");
        boolean unsignedIn = in.type() == DataType.UINT8;
        float ratio = qi.scale() / qo.scale();
        if (xnnpack && in.type() == out.type() && ratio >= 0x1.0p-8f && ratio <= 0x1.0p+7f) {
            int m = (int) Math.rint(256.0f * ratio);
            int bias = (zpOut << 8) - m * qi.zeroPoint() + 0x80;
            return new XnnpackRequantize(m, bias, unsignedIn, qmin, qmax, inOffset, outOffset, n, parts);
        }
        int[] mq = Requantization.quantizeMultiplier((double) qi.scale() / (double) qo.scale());
        return new Requantize(mq[0], mq[1], qi.zeroPoint(), zpOut, unsignedIn, qmin, qmax, inOffset, outOffset, n,
                parts);
    }

    record FromFloat(float scale, int zp, int qmin, int qmax, boolean xnnpack, int inOffset, int outOffset, int n,
                     int parts) implements Step {
        @Override
        public void run(Arena arena, int part, int parts) {
            int i0 = Step.rangeStart(n, part, parts);
            int i1 = Step.rangeStart(n, part + 1, parts);
            if (xnnpack) {
                QuantizeQ8.xnnpack(arena.f32, inOffset + i0, arena.i8, outOffset + i0, i1 - i0, 1.0f / scale, zp,
                        qmin, qmax);
            } else {
                QuantizeQ8.tflite(arena.f32, inOffset + i0, arena.i8, outOffset + i0, i1 - i0, scale, zp, qmin, qmax);
            }
        }

        @Override
        public int maxParts() {
            return parts;
        }
    }

    record Requantize(int multiplier, int shift, int zpIn, int zpOut, boolean unsignedIn, int qmin, int qmax,
                      int inOffset, int outOffset, int n, int parts) implements Step {
        @Override
        public void run(Arena arena, int part, int parts) {
            int i1 = Step.rangeStart(n, part + 1, parts);
            byte[] a = arena.i8;
            int mask = unsignedIn ? 0xFF : -1;
            for (int i = Step.rangeStart(n, part, parts); i < i1; i++) {
                int x = (a[inOffset + i] & mask) - zpIn;
                int q = Requantization.multiplyByQuantizedMultiplier(x, multiplier, shift) + zpOut;
                a[outOffset + i] = (byte) Math.min(Math.max(q, qmin), qmax);
            }
        }

        @Override
        public int maxParts() {
            return parts;
        }
    }

    record XnnpackRequantize(int multiplier, int bias, boolean unsignedIn, int qmin, int qmax, int inOffset,
                             int outOffset, int n, int parts) implements Step {
        @Override
        public void run(Arena arena, int part, int parts) {
            int i1 = Step.rangeStart(n, part + 1, parts);
            byte[] a = arena.i8;
            int mask = unsignedIn ? 0xFF : -1;
            for (int i = Step.rangeStart(n, part, parts); i < i1; i++) {
                int q = (bias + (a[inOffset + i] & mask) * multiplier) >> 8;
                a[outOffset + i] = (byte) Math.min(Math.max(q, qmin), qmax);
            }
        }

        @Override
        public int maxParts() {
            return parts;
        }
    }
}
