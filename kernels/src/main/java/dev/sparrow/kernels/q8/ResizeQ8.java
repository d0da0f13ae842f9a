package dev.sparrow.kernels.q8;

import static dev.sparrow.kernels.q8.OutputStage.B;
import static dev.sparrow.kernels.q8.OutputStage.I;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * int8 RESIZE_BILINEAR rows in the two arithmetics Sparrow reproduces.
 *
 * <p>{@link #bilinearRow}: TFLite's {@code ResizeBilinearInteger}: 10-bit fractions {@code dy}, {@code dx},
 * the four neighbours weighted by products of {@code 1024 − d} and {@code d}, and {@code (v ± 2^19) / 2^20}
 * with C division (ties away from zero). The C++ sums in 64 bits, but {@code |v| ≤ 128 · 2^20 = 2^27}
 * because the four weights add up to 2^20, so int32 lanes are exact.
 *
 * <p>{@link #bilinearRowQ11}: XNNPACK's {@code s8-ibilinear} micro-kernels (TensorFlow Lite 2.21's delegate):
 * 11-bit fractions, a horizontal interpolation {@code (l << 11) + (r − l)·αh} of the upper and the lower
 * row, then a vertical one {@code (t << 11) + (b − t)·αv}, and {@code (acc + 2^21) >> 22}, so ties round up,
 * not away from zero. Each interpolation stays between its ends, {@code |acc| ≤ 128 · 2^22 = 2^29}: int32
 * lanes are exact here too.
 */
public final class ResizeQ8 {
    private ResizeQ8() {}

    /**
     * One output row of {@code outW} pixels × {@code c} channels at {@code out[dst]} from input rows starting at
     * {@code row0} (upper) and {@code row1} (lower), {@code dy} their 10-bit fraction; pixel {@code x} reads
     * input columns {@code xLo[x]}, {@code xHi[x]} with fraction {@code xFrac[x]}. Channels run
     * {@link OutputStage#I} at a time, the rest as {@link #bilinearRowScalar}.
     */
    public static void bilinearRow(byte[] in, int row0, int row1, int dy, int[] xLo, int[] xHi, int[] xFrac, int c,
                                   int outW, byte[] out, int dst) {
        int lanes = I.length();
        int vectorEnd = c - B.length();
        for (int x = 0; x < outW; x++) {
            int x0 = xLo[x] * c, x1 = xHi[x] * c;
            int dx = xFrac[x];
            int w00 = ((1 << 10) - dy) * ((1 << 10) - dx), w10 = dy * ((1 << 10) - dx);
            int w01 = ((1 << 10) - dy) * dx, w11 = dy * dx;
            int o = dst + x * c;
            int k = 0;
            for (; k <= vectorEnd; k += lanes) {
                IntVector v = ((IntVector) ByteVector.fromArray(B, in, row0 + x0 + k)
                        .convertShape(VectorOperators.B2I, I, 0)).mul(w00)
                        .add(((IntVector) ByteVector.fromArray(B, in, row1 + x0 + k)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(w10))
                        .add(((IntVector) ByteVector.fromArray(B, in, row0 + x1 + k)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(w01))
                        .add(((IntVector) ByteVector.fromArray(B, in, row1 + x1 + k)
                                .convertShape(VectorOperators.B2I, I, 0)).mul(w11));
                IntVector r = v.abs().add(1 << 19).lanewise(VectorOperators.ASHR, 20);
                r = r.blend(r.neg(), v.compare(VectorOperators.LT, 0));
                ByteVector bytes = (ByteVector) r.convertShape(VectorOperators.I2B, B, 0);
                if (B.length() == lanes) {
                    bytes.intoArray(out, o + k);
                } else {
                    bytes.intoArray(out, o + k, B.indexInRange(0, lanes));
                }
            }
            for (; k < c; k++) {
                out[o + k] = (byte) blend(in, row0 + x0 + k, row1 + x0 + k, row0 + x1 + k, row1 + x1 + k, dy, dx);
            }
        }
    }

    /** Scalar twin of {@link #bilinearRow}. */
    public static void bilinearRowScalar(byte[] in, int row0, int row1, int dy, int[] xLo, int[] xHi, int[] xFrac,
                                         int c, int outW, byte[] out, int dst) {
        for (int x = 0; x < outW; x++) {
            int x0 = xLo[x] * c, x1 = xHi[x] * c;
            for (int k = 0; k < c; k++) {
                out[dst++] = (byte) blend(in, row0 + x0 + k, row1 + x0 + k, row0 + x1 + k, row1 + x1 + k, dy, xFrac[x]);
            }
        }
    }

    /**
     * One output row in XNNPACK's arithmetic (see the class comment); {@code alphaV} and {@code alphaH[x]} are
     * 11-bit fractions, the rest as in {@link #bilinearRow}. Channels run {@link OutputStage#I} at a time, the
     * rest as {@link #bilinearRowQ11Scalar}.
     */
    public static void bilinearRowQ11(byte[] in, int row0, int row1, int alphaV, int[] xLo, int[] xHi, int[] alphaH,
                                      int c, int outW, byte[] out, int dst) {
        int lanes = I.length();
        int vectorEnd = c - B.length();
        for (int x = 0; x < outW; x++) {
            int x0 = xLo[x] * c, x1 = xHi[x] * c;
            int ah = alphaH[x];
            int o = dst + x * c;
            int k = 0;
            for (; k <= vectorEnd; k += lanes) {
                IntVector tl = (IntVector) ByteVector.fromArray(B, in, row0 + x0 + k).convertShape(VectorOperators.B2I, I, 0);
                IntVector tr = (IntVector) ByteVector.fromArray(B, in, row0 + x1 + k).convertShape(VectorOperators.B2I, I, 0);
                IntVector bl = (IntVector) ByteVector.fromArray(B, in, row1 + x0 + k).convertShape(VectorOperators.B2I, I, 0);
                IntVector br = (IntVector) ByteVector.fromArray(B, in, row1 + x1 + k).convertShape(VectorOperators.B2I, I, 0);
                IntVector t = tl.lanewise(VectorOperators.LSHL, 11).add(tr.sub(tl).mul(ah));
                IntVector b = bl.lanewise(VectorOperators.LSHL, 11).add(br.sub(bl).mul(ah));
                IntVector r = t.lanewise(VectorOperators.LSHL, 11).add(b.sub(t).mul(alphaV))
                        .add(1 << 21).lanewise(VectorOperators.ASHR, 22);
                ByteVector bytes = (ByteVector) r.convertShape(VectorOperators.I2B, B, 0);
                if (B.length() == lanes) {
                    bytes.intoArray(out, o + k);
                } else {
                    bytes.intoArray(out, o + k, B.indexInRange(0, lanes));
                }
            }
            for (; k < c; k++) {
                out[o + k] = (byte) lerpQ11(in, row0 + x0 + k, row0 + x1 + k, row1 + x0 + k, row1 + x1 + k, alphaV, ah);
            }
        }
    }

    /** Scalar twin of {@link #bilinearRowQ11}. */
    public static void bilinearRowQ11Scalar(byte[] in, int row0, int row1, int alphaV, int[] xLo, int[] xHi,
                                            int[] alphaH, int c, int outW, byte[] out, int dst) {
        for (int x = 0; x < outW; x++) {
            int x0 = xLo[x] * c, x1 = xHi[x] * c;
            for (int k = 0; k < c; k++) {
                out[dst++] = (byte) lerpQ11(in, row0 + x0 + k, row0 + x1 + k, row1 + x0 + k, row1 + x1 + k, alphaV,
                        alphaH[x]);
            }
        }
    }

    /** XNNPACK's arithmetic for one value. */
    private static int lerpQ11(byte[] in, int tl, int tr, int bl, int br, int alphaV, int alphaH) {
        int t = (in[tl] << 11) + (in[tr] - in[tl]) * alphaH;
        int b = (in[bl] << 11) + (in[br] - in[bl]) * alphaH;
        return ((t << 11) + (b - t) * alphaV + (1 << 21)) >> 22;
    }

    /** TFLite's arithmetic for one value, in 64 bits as the C++ has it. */
    private static int blend(byte[] in, int i00, int i10, int i01, int i11, int dy, int dx) {
        long wy0 = (1 << 10) - dy, wx0 = (1 << 10) - dx;
        long v = in[i00] * wy0 * wx0 + in[i10] * (long) dy * wx0 + in[i01] * wy0 * dx + in[i11] * (long) dy * dx;
        return (int) ((v + (v > 0 ? 1 << 19 : -(1 << 19))) / (1 << 20));
    }
}
