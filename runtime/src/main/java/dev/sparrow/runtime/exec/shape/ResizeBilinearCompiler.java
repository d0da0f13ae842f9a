package dev.sparrow.runtime.exec.shape;

import dev.sparrow.kernels.f32.Resize;
import dev.sparrow.kernels.q8.ResizeQ8;
import dev.sparrow.runtime.exec.Arena;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import java.util.Arrays;

/**
 * RESIZE_BILINEAR on NHWC, output size from the constant INT32 second input {@code [height, width]}.
 *
 * <p>Float follows TFLite's reference kernel: {@code scale = in/out}, or {@code (in−1)/(out−1)} with
 * align_corners and out > 1, computed in float; source coordinate {@code (o + 0.5)·scale − 0.5} with
 * half_pixel_centers, else {@code o·scale}; neighbours {@code max(floor, 0)} and {@code min(ceil, in−1)};
 * the four products are summed in the reference's order ({@link Resize}, channel vectors at a time).
 *
 * <p>int8 follows {@code ResizeBilinearInteger} ({@link ResizeQ8#bilinearRow}): 10-bit fixed-point coordinates,
 * 64-bit products, and {@code (v ± 2^19) / 2^20} with C division, i.e. ties away from zero. In
 * {@link Int8Mode#XNNPACK} it follows XNNPACK's {@code s8} resize, which TensorFlow Lite 2.21's delegate runs
 * ({@link ResizeQ8#bilinearRowQ11}): float source coordinates as its indirection setup computes them
 * ({@link IntAxis#q11}), fractions rounded to 11 bits, two interpolations and ties rounded up; on pose_detection's
 * 7² → 14² resize the two arithmetics differ in one value in twenty. Input and output must share their
 * quantisation (there is no requantisation step). Work is split by output rows.
 */
final class ResizeBilinearCompiler {

    private ResizeBilinearCompiler() {
    }

    static Step compile(Operator op, CompileContext ctx) {
        OpChecks.requireInputCount(ctx, op, 2, 2);
        Tensor in = OpChecks.input(ctx, op, 0);
        Tensor out = OpChecks.output(ctx, op);
        if (in.type() != DataType.FLOAT32 && in.type() != DataType.INT8) {
            throw OpChecks.error(ctx, op, "input " + in.describe() + " must be FLOAT32 or INT8");
        }
        OpChecks.requireSameType(ctx, op, in, out);
        if (!(op.options() instanceof OpOptions.ResizeBilinear(boolean alignCorners, boolean halfPixelCenters))) {
            throw OpChecks.error(ctx, op, "has no ResizeBilinearOptions");
        }
        if (alignCorners && halfPixelCenters) {
            throw OpChecks.error(ctx, op, "align_corners and half_pixel_centers are both set; TFLite allows only one");
        }
        if (in.rank() != 4) {
            throw OpChecks.error(ctx, op, "input " + in.describe() + " must have rank 4 (NHWC)");
        }
        Tensor sizeTensor = OpChecks.input(ctx, op, 1);
        if (sizeTensor.type() != DataType.INT32 || sizeTensor.elementCount() != 2) {
            throw OpChecks.error(ctx, op, "size " + sizeTensor.describe() + " must be two INT32 values [height, width]");
        }
        int[] size = OpChecks.constantInts(ctx, op, sizeTensor, "size");
        if (size[0] < 1 || size[1] < 1) {
            throw OpChecks.error(ctx, op, "size " + Arrays.toString(size) + " must be positive");
        }
        if (in.dim(1) < 1 || in.dim(2) < 1) {
            throw OpChecks.error(ctx, op, "input " + in.describe() + " has an empty spatial dimension");
        }
        Geometry g = new Geometry(in.dim(0), in.dim(1), in.dim(2), in.dim(3), size[0], size[1]);
        OpChecks.requireShape(ctx, op, out, new int[] {g.batch, g.outH, g.outW, g.depth},
                "input " + Arrays.toString(in.shape()) + " resized to " + Arrays.toString(size));
        int inOffset = ctx.offset(in.index());
        int outOffset = ctx.offset(out.index());
        int rows = g.batch * g.outH;
        int parts = Math.max(1, Math.min(Math.min(ctx.threads(), rows), out.elementCount() / 16384));
        if (in.type() == DataType.FLOAT32) {
            return new FloatStep(g, FloatAxis.of(g.inH, g.outH, alignCorners, halfPixelCenters),
                    FloatAxis.of(g.inW, g.outW, alignCorners, halfPixelCenters), inOffset, outOffset, parts);
        }
        Quantization qi = OpChecks.perTensor(ctx, op, in, "input");
        Quantization qo = OpChecks.perTensor(ctx, op, out, "output");
        if (qi.scale() != qo.scale() || qi.zeroPoint() != qo.zeroPoint()) {
            throw OpChecks.error(ctx, op, "input " + in.describe() + " is quantized " + qi + " but output "
                    + out.describe() + " is " + qo + "; int8 resize needs equal parameters (as in TFLite)");
        }
        if (ctx.int8Mode() == Int8Mode.XNNPACK) {
            return new IntegerStep(g, IntAxis.q11(g.inH, g.outH, alignCorners, halfPixelCenters),
                    IntAxis.q11(g.inW, g.outW, alignCorners, halfPixelCenters), true, inOffset, outOffset, parts);
        }
        return new IntegerStep(g, IntAxis.of(g.inH, g.outH, alignCorners, halfPixelCenters),
                IntAxis.of(g.inW, g.outW, alignCorners, halfPixelCenters), false, inOffset, outOffset, parts);
    }

    record Geometry(int batch, int inH, int inW, int depth, int outH, int outW) {}

    /** Per output coordinate: the two source indices and their float weights. */
    record FloatAxis(int[] lo, int[] hi, float[] wLo, float[] wHi) {
        static FloatAxis of(int in, int out, boolean alignCorners, boolean halfPixel) {
            float scale = alignCorners && out > 1 ? (in - 1) / (float) (out - 1) : in / (float) out;
            int[] lo = new int[out];
            int[] hi = new int[out];
            float[] wLo = new float[out];
            float[] wHi = new float[out];
            for (int o = 0; o < out; o++) {
                float v = halfPixel ? (o + 0.5f) * scale - 0.5f : o * scale;
                lo[o] = Math.max((int) Math.floor(v), 0);
                hi[o] = Math.min((int) Math.ceil(v), in - 1);
                wHi[o] = v - lo[o];
                wLo[o] = 1 - (v - lo[o]);
            }
            return new FloatAxis(lo, hi, wLo, wHi);
        }
    }

    /**
     * Per output coordinate: the two source indices and the fixed-point fraction of the second, 10 bits in
     * TFLite's arithmetic ({@link #of}) and 11 in XNNPACK's ({@link #q11}).
     */
    record IntAxis(int[] lo, int[] hi, int[] frac) {
        /** TFLite's {@code ResizeBilinearInteger}: 10-bit scale and coordinates, fraction {@code scaled − 1024·lo}. */
        static IntAxis of(int in, int out, boolean alignCorners, boolean halfPixel) {
            int scale10 = alignCorners && out > 1
                    ? ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1)
                    : ((1 << 10) * in + out / 2) / out;
            int[] lo = new int[out];
            int[] hi = new int[out];
            int[] frac = new int[out];
            for (int o = 0; o < out; o++) {
                int scaled = halfPixel ? o * scale10 + scale10 / 2 - (1 << 9) : o * scale10;
                lo[o] = Math.max(scaled / (1 << 10), 0);
                hi[o] = Math.min((scaled + (1 << 10) - 1) / (1 << 10), in - 1);
                frac[o] = scaled - (1 << 10) * lo[o];
            }
            return new IntAxis(lo, hi, frac);
        }

        /**
         * XNNPACK's {@code xnn_indirection_init_resize_bilinear2d_hwc_q11}, in float as it computes: the source
         * coordinate {@code o·scale} (align_corners, or TensorFlow's legacy mapping without half_pixel_centers)
         * or {@code o·scale + (scale/2 − 1/2)} clamped to the input (half_pixel_centers), its truncation and
         * the next index (clamped), and the fraction rounded to 11 bits, ties to even.
         */
        static IntAxis q11(int in, int out, boolean alignCorners, boolean halfPixel) {
            int adjustment = alignCorners && out != 1 ? 1 : 0;
            float scale = (float) (in - adjustment) / (float) (out - adjustment);
            float offset = 0.5f * scale - 0.5f;
            int[] lo = new int[out];
            int[] hi = new int[out];
            int[] frac = new int[out];
            for (int o = 0; o < out; o++) {
                float v = (float) o * scale;
                if (halfPixel && !alignCorners) {
                    v = Math.min(Math.max(v + offset, 0f), (float) (in - 1));
                }
                lo[o] = (int) v;
                hi[o] = Math.min(lo[o] + 1, in - 1);
                frac[o] = (int) Math.rint((v - (float) lo[o]) * 2048f);
            }
            return new IntAxis(lo, hi, frac);
        }
    }

    record FloatStep(Geometry g, FloatAxis ys, FloatAxis xs, int inOffset, int outOffset, int parts) implements Step {
        @Override
        public void run(Arena arena, int part, int parts) {
            float[] a = arena.f32;
            int rows = g.batch * g.outH;
            int r1 = Step.rangeStart(rows, part + 1, parts);
            int c = g.depth;
            int inRow = g.inW * c;
            int inImage = g.inH * inRow;
            for (int r = Step.rangeStart(rows, part, parts); r < r1; r++) {
                int b = r / g.outH;
                int y = r % g.outH;
                int row0 = inOffset + b * inImage + ys.lo[y] * inRow;
                int row1 = inOffset + b * inImage + ys.hi[y] * inRow;
                Resize.bilinearRow(a, row0, row1, ys.wLo[y], ys.wHi[y], xs.lo, xs.hi, xs.wLo, xs.wHi, c, g.outW, a,
                        outOffset + r * g.outW * c);
            }
        }

        @Override
        public int maxParts() {
            return parts;
        }
    }

    /** int8 rows; {@code q11}: XNNPACK's arithmetic on 11-bit fractions, else TFLite's on 10-bit ones. */
    record IntegerStep(Geometry g, IntAxis ys, IntAxis xs, boolean q11, int inOffset, int outOffset, int parts)
            implements Step {
        @Override
        public void run(Arena arena, int part, int parts) {
            byte[] a = arena.i8;
            int rows = g.batch * g.outH;
            int r1 = Step.rangeStart(rows, part + 1, parts);
            int c = g.depth;
            int inRow = g.inW * c;
            int inImage = g.inH * inRow;
            for (int r = Step.rangeStart(rows, part, parts); r < r1; r++) {
                int b = r / g.outH;
                int y = r % g.outH;
                int row0 = inOffset + b * inImage + ys.lo[y] * inRow;
                int row1 = inOffset + b * inImage + ys.hi[y] * inRow;
                int dst = outOffset + r * g.outW * c;
                if (q11) {
                    ResizeQ8.bilinearRowQ11(a, row0, row1, ys.frac[y], xs.lo, xs.hi, xs.frac, c, g.outW, a, dst);
                } else {
                    ResizeQ8.bilinearRow(a, row0, row1, ys.frac[y], xs.lo, xs.hi, xs.frac, c, g.outW, a, dst);
                }
            }
        }

        @Override
        public int maxParts() {
            return parts;
        }
    }
}
