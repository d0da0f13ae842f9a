package dev.sparrow.kernels.f32;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 matrix product with palettised weights: {@code C[rows × n] = clamp(A[rows × k] · B[k × n] + bias)}
 * where every {@code B} element is {@code codebook[index] · scale[column]} ({@link CodebookWeights}). The
 * weights stay packed in memory (4 or 8 bits per weight instead of 32); one panel chunk at a time
 * ({@code KC × NR} floats, 32 KB) is decoded a vector at a time into a caller's tile that stays in L1, and
 * then multiplied by {@link Gemm}'s own micro-tiles for every row of the row block, so decoding is paid once
 * per weight per {@link Gemm#MB} rows. The decode loads a panel row of indices, widens them to int lanes
 * and looks them up: in registers, by a lane shuffle of the codebook held in one vector, when K is at most
 * the lane count (K ≤ 16 at 512 bits); otherwise by a gather from the codebook array. The blocking,
 * summation order and clamp are those of {@link Gemm#multiply}, so the result is bit-identical to
 * {@link Gemm} on the decoded weights and to {@link #multiplyScalar}.
 */
public final class CodebookGemm {

    private static final VectorSpecies<Float> F = Gemm.F;
    private static final VectorSpecies<Integer> I = Species.INT;
    /** One byte per float lane: a panel row of indices per load. */
    private static final VectorSpecies<Byte> B = Species.BYTE_PER_INT_LANE;

    private CodebookGemm() {}

    /**
     * Computes rows {@code [0, rows)} and column panels {@code [p0, p1)} of C, addressed as in {@link Gemm#multiply}.
     *
     * @param tile at least {@link CodebookWeights#tileFloats()} floats, private to this caller
     */
    public static void multiply(float[] a, int aOff, int lda, int rows, CodebookWeights w, int p0, int p1,
                                float[] c, int cOff, int ldc, float lo, float hi, float[] tile) {
        int k = w.k;
        int nr = w.nr;
        int mr = nr == Gemm.NR ? Gemm.MR : Gemm.MR1;
        float[] edge = w.n % nr == 0 || p1 * nr < w.n ? null : new float[mr * nr];
        int[] gather = new int[Gemm.L];
        for (int i0 = 0; i0 < rows; i0 += Gemm.MB) {
            int i1 = Math.min(rows, i0 + Gemm.MB);
            for (int k0 = 0; k0 < k; k0 += Gemm.KC) {
                int kc = Math.min(k, k0 + Gemm.KC) - k0;
                boolean first = k0 == 0;
                boolean last = k0 + kc == k;
                float tileLo = last ? lo : Float.NEGATIVE_INFINITY;
                float tileHi = last ? hi : Float.POSITIVE_INFINITY;
                for (int p = p0; p < p1; p++) {
                    decodePanelChunk(w, p, k0, kc, tile, gather);
                    int nValid = Math.min(nr, w.n - p * nr);
                    int col = p * nr;
                    for (int i = i0; i < i1; ) {
                        int tileRows = i + mr <= i1 ? mr : 1;
                        int cRow = cOff + i * ldc + col;
                        float[] dst = c;
                        int dstRow = cRow;
                        int dstStride = ldc;
                        if (nValid < nr) {
                            dst = edge;
                            dstRow = 0;
                            dstStride = nr;
                            if (!first) {
                                Gemm.copyEdge(c, cRow, ldc, edge, 0, nr, tileRows, nValid);
                            }
                        }
                        float[] init = first ? w.bias : dst;
                        int initOff = first ? col : dstRow;
                        int initStride = first ? 0 : dstStride;
                        int aRow = aOff + i * lda + k0;
                        if (nr == Gemm.NR && tileRows == Gemm.MR) {
                            Gemm.tile6(a, aRow, lda, tile, 0, kc, dst, dstRow, dstStride, init, initOff, initStride,
                                    tileLo, tileHi);
                        } else if (nr == Gemm.NR) {
                            Gemm.tile1(a, aRow, tile, 0, kc, dst, dstRow, init, initOff, tileLo, tileHi);
                        } else if (tileRows == Gemm.MR1) {
                            Gemm.tile12(a, aRow, lda, tile, 0, kc, dst, dstRow, dstStride, init, initOff, initStride,
                                    tileLo, tileHi);
                        } else {
                            Gemm.tile1Narrow(a, aRow, tile, 0, kc, dst, dstRow, init, initOff, tileLo, tileHi);
                        }
                        if (nValid < nr) {
                            Gemm.copyEdge(edge, 0, nr, c, cRow, ldc, tileRows, nValid);
                        }
                        i += tileRows;
                    }
                }
            }
        }
    }

    /**
     * Decodes rows {@code [k0, k0 + kc)} of panel {@code p} into {@code tile}, laid out as a {@link PackedWeights}
     * panel chunk.
     *
     * @param gather one vector of ints, the index map of a gather
     */
    static void decodePanelChunk(CodebookWeights w, int p, int k0, int kc, float[] tile, int[] gather) {
        int nr = w.nr;
        int L = Gemm.L;
        // The entries are looked up in place, not in a helper: a vector passed to a method the JIT does not inline
        // is boxed on every call (see the package documentation of dev.sparrow.kernels).
        boolean inRegister = w.entries <= L;
        FloatVector table = FloatVector.fromArray(F, w.codebook, 0, F.indexInRange(0, Math.min(L, w.codebook.length)));
        int row = (p * w.k + k0) * w.rowBytes;
        int end = kc * nr;
        if (w.nibbles) {
            // Two-vector panels, K ≤ 16: low nibbles are the first vector's indices, high nibbles the second's.
            FloatVector s0 = FloatVector.fromArray(F, w.scales, p * nr);
            FloatVector s1 = FloatVector.fromArray(F, w.scales, p * nr + L);
            for (int t = 0; t < end; t += nr, row += w.rowBytes) {
                ByteVector b = ByteVector.fromArray(B, w.indices, row);
                IntVector lo = (IntVector) b.and((byte) 0x0F).convertShape(VectorOperators.B2I, I, 0);
                IntVector hi = (IntVector) b.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F)
                        .convertShape(VectorOperators.B2I, I, 0);
                FloatVector v0;
                FloatVector v1;
                if (inRegister) {
                    v0 = table.rearrange(lo.toShuffle().cast(F));
                    v1 = table.rearrange(hi.toShuffle().cast(F));
                } else {
                    lo.intoArray(gather, 0);
                    v0 = FloatVector.fromArray(F, w.codebook, 0, gather, 0);
                    hi.intoArray(gather, 0);
                    v1 = FloatVector.fromArray(F, w.codebook, 0, gather, 0);
                }
                v0.mul(s0).intoArray(tile, t);
                v1.mul(s1).intoArray(tile, t + L);
            }
            return;
        }
        for (int v = 0; v < nr; v += L) {
            FloatVector scale = FloatVector.fromArray(F, w.scales, p * nr + v);
            int at = row + v;
            for (int t = v; t < end; t += nr, at += w.rowBytes) {
                IntVector index = ((IntVector) ByteVector.fromArray(B, w.indices, at)
                        .convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
                FloatVector v0;
                if (inRegister) {
                    v0 = table.rearrange(index.toShuffle().cast(F));
                } else {
                    index.intoArray(gather, 0);
                    v0 = FloatVector.fromArray(F, w.codebook, 0, gather, 0);
                }
                v0.mul(scale).intoArray(tile, t);
            }
        }
    }

    /** Scalar twin of {@link #multiply}: plain loops, one codebook lookup per product, bit-identical results. */
    public static void multiplyScalar(float[] a, int aOff, int lda, int rows, CodebookWeights w, int p0, int p1,
                                      float[] c, int cOff, int ldc, float lo, float hi) {
        int k = w.k;
        int nr = w.nr;
        for (int i = 0; i < rows; i++) {
            for (int j = p0 * nr; j < Math.min(w.n, p1 * nr); j++) {
                float acc = w.bias[j];
                for (int kk = 0; kk < k; kk++) {
                    acc = Math.fma(a[aOff + i * lda + kk], w.weight(j / nr, kk, j % nr), acc);
                }
                c[cOff + i * ldc + j] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }
}
