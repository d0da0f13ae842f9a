package dev.sparrow.kernels.q8;

import static dev.sparrow.kernels.q8.OutputStage.B;
import static dev.sparrow.kernels.q8.OutputStage.I;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * int8 NHWC pooling over in-bounds taps only (padding cells are not counted), as TFLite's integer pooling
 * kernels do. Windows are {@code kernelH×kernelW} with the given strides; dilation is not part of pooling.
 */
public final class PoolQ8 {
    private PoolQ8() {}

    /**
     * Average: {@code (Σ ± n/2) / n} with C truncating division — half away from zero — then clamped to
     * {@code [lo, hi]}; no zero-point arithmetic (input and output share quantisation). The sums run
     * {@link OutputStage#I} channels at a time in int32 lanes (exact: at most 128 per tap), the division stays
     * per channel as the twin does it; selfie_segmentation's global pools walked 4,096 taps channel by channel.
     */
    public static void average(byte[] in, int inOff, int inH, int inW, int c, byte[] out, int outOff, int outH,
                               int outW, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
                               int lo, int hi) {
        int lanes = I.length();
        int vectorEnd = c - B.length();
        int[] sums = new int[lanes];
        for (int oy = 0; oy < outH; oy++) {
            int y0 = Math.max(0, oy * strideH - padTop), y1 = Math.min(inH, oy * strideH - padTop + kernelH);
            for (int ox = 0; ox < outW; ox++) {
                int x0 = Math.max(0, ox * strideW - padLeft), x1 = Math.min(inW, ox * strideW - padLeft + kernelW);
                int n = (y1 - y0) * (x1 - x0);
                int dst = outOff + (oy * outW + ox) * c;
                int ch = 0;
                for (; ch <= vectorEnd; ch += lanes) {
                    IntVector sum = IntVector.zero(I);
                    for (int y = y0; y < y1; y++) {
                        for (int x = x0; x < x1; x++) {
                            sum = sum.add((IntVector) ByteVector.fromArray(B, in, inOff + (y * inW + x) * c + ch)
                                    .convertShape(VectorOperators.B2I, I, 0));
                        }
                    }
                    sum.intoArray(sums, 0);
                    for (int j = 0; j < lanes; j++) {
                        out[dst + ch + j] = (byte) roundedMean(sums[j], n, lo, hi);
                    }
                }
                for (; ch < c; ch++) {
                    out[dst + ch] = (byte) roundedMean(sumOfWindow(in, inOff, inW, c, ch, y0, y1, x0, x1), n, lo, hi);
                }
            }
        }
    }

    /** Scalar twin of {@link #average}. */
    public static void averageScalar(byte[] in, int inOff, int inH, int inW, int c, byte[] out, int outOff,
                                     int outH, int outW, int kernelH, int kernelW, int strideH, int strideW,
                                     int padTop, int padLeft, int lo, int hi) {
        for (int oy = 0; oy < outH; oy++) {
            int y0 = Math.max(0, oy * strideH - padTop), y1 = Math.min(inH, oy * strideH - padTop + kernelH);
            for (int ox = 0; ox < outW; ox++) {
                int x0 = Math.max(0, ox * strideW - padLeft), x1 = Math.min(inW, ox * strideW - padLeft + kernelW);
                int n = (y1 - y0) * (x1 - x0);
                int dst = outOff + (oy * outW + ox) * c;
                for (int ch = 0; ch < c; ch++) {
                    out[dst + ch] = (byte) roundedMean(sumOfWindow(in, inOff, inW, c, ch, y0, y1, x0, x1), n, lo, hi);
                }
            }
        }
    }

    /** One channel's sum over taps {@code [y0, y1) × [x0, x1)}. */
    private static int sumOfWindow(byte[] in, int inOff, int inW, int c, int ch, int y0, int y1, int x0, int x1) {
        int sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                sum += in[inOff + (y * inW + x) * c + ch];
            }
        }
        return sum;
    }

    /** {@code (sum ± n/2) / n}, C division (half away from zero), clamped to {@code [lo, hi]}. */
    private static int roundedMean(int sum, int n, int lo, int hi) {
        int avg = sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
        return Math.min(Math.max(avg, lo), hi);
    }

    /**
     * Maximum over in-bounds taps, clamped to {@code [lo, hi]}; channels {@link OutputStage#B} at a time (the
     * scalar loop cost face_landmark's six max pools 0.39 ms), the remaining channels as {@link #maxScalar}.
     */
    public static void max(byte[] in, int inOff, int inH, int inW, int c, byte[] out, int outOff, int outH, int outW,
                           int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft, int lo, int hi) {
        int lanes = B.length();
        int vectorC = c / lanes * lanes;
        for (int oy = 0; oy < outH; oy++) {
            int y0 = Math.max(0, oy * strideH - padTop), y1 = Math.min(inH, oy * strideH - padTop + kernelH);
            for (int ox = 0; ox < outW; ox++) {
                int x0 = Math.max(0, ox * strideW - padLeft), x1 = Math.min(inW, ox * strideW - padLeft + kernelW);
                int dst = outOff + (oy * outW + ox) * c;
                for (int ch = 0; ch < vectorC; ch += lanes) {
                    ByteVector m = ByteVector.broadcast(B, (byte) lo);
                    for (int y = y0; y < y1; y++) {
                        for (int x = x0; x < x1; x++) {
                            m = m.max(ByteVector.fromArray(B, in, inOff + (y * inW + x) * c + ch));
                        }
                    }
                    m.min((byte) hi).intoArray(out, dst + ch);
                }
                for (int ch = vectorC; ch < c; ch++) {
                    out[dst + ch] = (byte) maxOfWindow(in, inOff, inW, c, ch, y0, y1, x0, x1, lo, hi);
                }
            }
        }
    }

    /** Scalar twin of {@link #max}. */
    public static void maxScalar(byte[] in, int inOff, int inH, int inW, int c, byte[] out, int outOff, int outH,
                                 int outW, int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
                                 int lo, int hi) {
        for (int oy = 0; oy < outH; oy++) {
            int y0 = Math.max(0, oy * strideH - padTop), y1 = Math.min(inH, oy * strideH - padTop + kernelH);
            for (int ox = 0; ox < outW; ox++) {
                int x0 = Math.max(0, ox * strideW - padLeft), x1 = Math.min(inW, ox * strideW - padLeft + kernelW);
                int dst = outOff + (oy * outW + ox) * c;
                for (int ch = 0; ch < c; ch++) {
                    out[dst + ch] = (byte) maxOfWindow(in, inOff, inW, c, ch, y0, y1, x0, x1, lo, hi);
                }
            }
        }
    }

    /** One channel's maximum over taps {@code [y0, y1) × [x0, x1)}, clamped to {@code [lo, hi]}. */
    private static int maxOfWindow(byte[] in, int inOff, int inW, int c, int ch, int y0, int y1, int x0, int x1,
                                   int lo, int hi) {
        int m = -128;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m = Math.max(m, in[inOff + (y * inW + x) * c + ch]);
            }
        }
        return Math.min(Math.max(m, lo), hi);
    }
}
