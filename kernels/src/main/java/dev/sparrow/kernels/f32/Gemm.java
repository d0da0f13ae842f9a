package dev.sparrow.kernels.f32;

import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.LE;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense fp32 matrix product with register blocking: {@code C[rows × n] = clamp(A[rows × k] · B[k × n] + bias)}
 * with B and bias pre-packed in {@link PackedWeights}. A is read in place with a row stride, so a 1×1
 * convolution in NHWC multiplies the activation tensor directly.
 *
 * <p>Blocking: a micro-tile is {@link #MR} rows × {@link #NR} columns held in {@code 2·MR} vector
 * accumulators, {@link #MR1} rows × one vector for one-vector panels (see {@link PackedWeights}), and
 * {@link #MR_WIDE} rows × three or four vectors where as many columns of full panels sit side by side; the
 * depth is cut into chunks of {@link #KC} so one panel chunk (KC × NR floats, 32 KB) stays in L1 while the A
 * block ({@link #MB} rows × KC) stays in L2. Accumulators start at the bias (first chunk) or at C (later chunks)
 * and the clamp ({@link #clamp}) is applied after the last chunk. Every element is summed as
 * {@code fma(a, b, acc)} in increasing {@code kk} order from the bias, so {@link #multiplyScalar} gives
 * bit-identical results.
 */
public final class Gemm {
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final int L = F.length();
    /** Columns per panel: two vectors. */
    public static final int NR = 2 * L;
    /** Rows per micro-tile. */
    public static final int MR = 6;
    /** Columns of the widest micro-tile ({@link #tile4x4}): four vectors. */
    static final int WIDE = 4 * L;
    /** Rows per micro-tile of {@link #WIDE} columns. */
    static final int MR_WIDE = 4;
    /** Rows per micro-tile of one-vector panels. */
    static final int MR1 = 12;
    /** A row count that every micro-tile height divides. */
    static final int MR_ALL = 12;
    static final int KC = Math.max(64, 8192 / NR);
    static final int MB = 16 * MR;

    private Gemm() {}

    /**
     * Computes rows {@code [0, rows)} and column panels {@code [p0, p1)} of C. Row {@code i} of A starts at
     * {@code a[aOff + i·lda]}; row {@code i} of C at {@code c[cOff + i·ldc]}.
     *
     * @param lo lower clamp (−∞ for none), see {@link #clamp}
     * @param hi upper clamp (+∞ for none)
     */
    public static void multiply(float[] a, int aOff, int lda, int rows, PackedWeights w, int p0, int p1,
                                float[] c, int cOff, int ldc, float lo, float hi) {
        int k = w.k;
        int nr = w.nr;
        int mr = nr == NR ? MR : MR1;
        // The last panel may be narrower than nr: its micro-tiles go through this private buffer (C's row
        // stride leaves no room past column n), except whole tiles when the depth is one chunk.
        float[] edge = w.n % nr == 0 || p1 * nr < w.n ? null : new float[mr * nr];
        for (int i0 = 0; i0 < rows; i0 += MB) {
            int i1 = Math.min(rows, i0 + MB);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(k, k0 + KC) - k0;
                boolean first = k0 == 0;
                boolean last = k0 + kc == k;
                float tileLo = last ? lo : Float.NEGATIVE_INFINITY;
                float tileHi = last ? hi : Float.POSITIVE_INFINITY;
                for (int p = p0; p < p1; p++) {
                    int group = widePanels(nr, Math.min(p1, w.n / nr) - p);
                    if (group > 0) {
                        multiplyWide(a, aOff, lda, i0, i1, w, p, group * nr / L, k0, kc, first, c, cOff, ldc, tileLo,
                                tileHi);
                        p += group - 1;
                        continue;
                    }
                    int nValid = Math.min(nr, w.n - p * nr);
                    int bOff = (p * k + k0) * nr;
                    int col = p * nr;
                    for (int i = i0; i < i1; ) {
                        int tileRows = i + mr <= i1 ? mr : 1;
                        int cRow = cOff + i * ldc + col;
                        int aRow = aOff + i * lda + k0;
                        if (nValid < nr && tileRows == mr && kc == k) {
                            // A partial last panel (24, 28, 36 or 42 outputs at 16 lanes) with the whole depth in
                            // one chunk stores its last vector through a lane mask: the edge buffer and its
                            // copies cost 40 % of a 64²×24 → 24 convolution.
                            if (nr == NR) {
                                tile6LastLanes(a, aRow, lda, w.data, bOff, k, w.bias, col, c, cRow, ldc,
                                        firstLanes(nValid - L), tileLo, tileHi);
                            } else {
                                tile12LastLanes(a, aRow, lda, w.data, bOff, k, w.bias, col, c, cRow, ldc,
                                        firstLanes(nValid), tileLo, tileHi);
                            }
                            i += tileRows;
                            continue;
                        }
                        float[] dst = c;
                        int dstRow = cRow;
                        int dstStride = ldc;
                        if (nValid < nr) {
                            dst = edge;
                            dstRow = 0;
                            dstStride = nr;
                            if (!first) {
                                copyEdge(c, cRow, ldc, edge, 0, nr, tileRows, nValid);
                            }
                        }
                        float[] init = first ? w.bias : dst;
                        int initOff = first ? col : dstRow;
                        int initStride = first ? 0 : dstStride;
                        if (nr == NR && tileRows == MR) {
                            tile6(a, aRow, lda, w.data, bOff, kc, dst, dstRow, dstStride, init, initOff, initStride,
                                    tileLo, tileHi);
                        } else if (nr == NR) {
                            tile1(a, aRow, w.data, bOff, kc, dst, dstRow, init, initOff, tileLo, tileHi);
                        } else if (tileRows == MR1) {
                            tile12(a, aRow, lda, w.data, bOff, kc, dst, dstRow, dstStride, init, initOff, initStride,
                                    tileLo, tileHi);
                        } else {
                            tile1Narrow(a, aRow, w.data, bOff, kc, dst, dstRow, init, initOff, tileLo, tileHi);
                        }
                        if (nValid < nr) {
                            copyEdge(edge, 0, nr, c, cRow, ldc, tileRows, nValid);
                        }
                        i += tileRows;
                    }
                }
            }
        }
    }

    /**
     * Panels that the next wide micro-tile takes when {@code full} full panels of {@code nr} floats are left, or 0:
     * two two-vector panels ({@link #tile4x4}); four one-vector panels, or three ({@link #tile4x3}) where fours
     * would leave one or two panels for {@link #tile12} (9 = 3 + 3 + 3, 6 = 3 + 3).
     */
    static int widePanels(int nr, int full) {
        if (nr == NR) {
            return full >= 2 ? 2 : 0;
        }
        if (full == 3 || full >= 9 && full % 4 == 1 || full >= 6 && full % 4 == 2) {
            return 3;
        }
        return full >= 4 ? 4 : 0;
    }

    /**
     * Rows {@code [i0, i1)} × {@code vectors} vectors of columns of the full panels from {@code p} on (four: two
     * two-vector or four one-vector panels; three: three one-vector panels) for depth chunk {@code [k0, k0 + kc)},
     * in {@link #tile4x4}, {@link #tile4x4Narrow} or {@link #tile4x3} micro-tiles: four vectors per row take one
     * broadcast (and its address arithmetic) per four FMAs where {@link #tile6} takes one per two and
     * {@link #tile12} one per one, which pays most at a shallow depth (16 input channels). Rows left over at the
     * end go one by one when the depth is cut into chunks (C then holds partial sums).
     */
    private static void multiplyWide(float[] a, int aOff, int lda, int i0, int i1, PackedWeights w, int p,
                                     int vectors, int k0, int kc, boolean first, float[] c, int cOff, int ldc, float lo,
                                     float hi) {
        int nr = w.nr;
        int bOff = (p * w.k + k0) * nr;
        int panelStride = w.k * nr;
        int col = p * nr;
        float[] init = first ? w.bias : c;
        boolean wholeDepth = kc == w.k;
        for (int i = i0; i < i1; ) {
            if (i + MR_WIDE > i1 && wholeDepth && i1 - i0 >= MR_WIDE) {
                // the last tile ends at i1, computing again a few rows with the same bits
                i = i1 - MR_WIDE;
            }
            int cRow = cOff + i * ldc + col;
            int aRow = aOff + i * lda + k0;
            int initOff = first ? col : cRow;
            if (i + MR_WIDE <= i1) {
                if (nr == NR) {
                    tile4x4(a, aRow, lda, w.data, bOff, panelStride, kc, c, cRow, ldc, init, initOff, first ? 0 : ldc,
                            lo, hi);
                } else if (vectors == 4) {
                    tile4x4Narrow(a, aRow, lda, w.data, bOff, panelStride, kc, c, cRow, ldc, init, initOff,
                            first ? 0 : ldc, lo, hi);
                } else {
                    tile4x3(a, aRow, lda, w.data, bOff, panelStride, kc, c, cRow, ldc, init, initOff,
                            first ? 0 : ldc, lo, hi);
                }
                i += MR_WIDE;
                continue;
            }
            for (int q = 0; q < vectors * L / nr; q++) {
                int o = q * nr;
                if (nr == NR) {
                    tile1(a, aRow, w.data, bOff + q * panelStride, kc, c, cRow + o, init, initOff + o, lo, hi);
                } else {
                    tile1Narrow(a, aRow, w.data, bOff + q * panelStride, kc, c, cRow + o, init, initOff + o, lo, hi);
                }
            }
            i++;
        }
    }

    /**
     * Copies the first {@code nValid} columns of {@code rows} rows between C and the edge buffer a vector at a
     * time: a layer of 8 outputs at 16 lanes is all edge, and an arraycopy call per 8-float row cost as much as
     * the arithmetic. Where {@code nValid ≥ L} the last vector of a row ends at {@code nValid} and overlaps the one
     * before it, so no mask is built at all. (The masks stay out of the micro-kernels too: a masked
     * {@code tile12} is too big for C1's register allocator and then never reaches C2.)
     */
    static void copyEdge(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                                 int rows, int nValid) {
        if (nValid >= L) {
            int last = nValid - L;
            for (int r = 0; r < rows; r++) {
                int s = srcOff + r * srcStride;
                int d = dstOff + r * dstStride;
                for (int j = 0; j < last; j += L) {
                    FloatVector.fromArray(F, src, s + j).intoArray(dst, d + j);
                }
                FloatVector.fromArray(F, src, s + last).intoArray(dst, d + last);
            }
            return;
        }
        VectorMask<Float> m = VectorMask.fromLong(F, firstLanes(nValid));
        for (int r = 0; r < rows; r++) {
            FloatVector.fromArray(F, src, srcOff + r * srcStride, m).intoArray(dst, dstOff + r * dstStride, m);
        }
    }

    /**
     * The mask bits of the first {@code count} lanes (all lanes from 64 on), for {@code VectorMask.fromLong}: one
     * move into a mask register. {@code indexInRange} builds the same mask through a chain of library calls that
     * C2 sometimes leaves partly out of line in a large kernel, and then allocates the mask on every call.
     */
    static long firstLanes(int count) {
        return count >= Long.SIZE ? -1L : (1L << count) - 1;
    }

    /**
     * The clamp of every output, as the micro-tiles apply it: two compares and two blends per vector, where
     * {@code FloatVector.max/min} compile to five instructions each (Java's NaN and signed-zero rules), a large
     * share of a 16-deep tile's time. It equals {@code Math.min(Math.max(acc, lo), hi)} for every {@code acc}
     * (NaN, ±0 and ±∞ included) when {@code lo ≤ hi}, neither is NaN, {@code lo} is not −0 and {@code hi} is
     * not +0: true of every fused activation (NONE, RELU, RELU6, RELU_N1_TO_1).
     */
    static float clamp(float acc, float lo, float hi) {
        return acc >= hi ? hi : acc <= lo ? lo : acc;
    }

    /** Scalar twin of {@link #multiply}: same arguments, plain loops, bit-identical results. */
    public static void multiplyScalar(float[] a, int aOff, int lda, int rows, PackedWeights w, int p0, int p1,
                                      float[] c, int cOff, int ldc, float lo, float hi) {
        int k = w.k;
        int nr = w.nr;
        for (int i = 0; i < rows; i++) {
            for (int j = p0 * nr; j < Math.min(w.n, p1 * nr); j++) {
                int p = j / nr;
                int col = j % nr;
                float acc = w.bias[j];
                for (int kk = 0; kk < k; kk++) {
                    acc = Math.fma(a[aOff + i * lda + kk], w.data[(p * k + kk) * nr + col], acc);
                }
                c[cOff + i * ldc + j] = clamp(acc, lo, hi);
            }
        }
    }

    /**
     * {@link #MR_WIDE} rows × four vectors in 16 accumulators: the two-vector panel at {@code b[bOff]} and the next
     * one, {@code panelStride} floats on. (Five rows, 20 accumulators, ran slower.)
     */
    static void tile4x4(float[] a, int aRow, int lda, float[] b, int bOff, int panelStride, int kc, float[] c, int cRow,
                        int ldc, float[] init, int initOff, int initStride, float lo, float hi) {
        FloatVector c00 = FloatVector.fromArray(F, init, initOff);
        FloatVector c01 = FloatVector.fromArray(F, init, initOff + L);
        FloatVector c02 = FloatVector.fromArray(F, init, initOff + 2 * L);
        FloatVector c03 = FloatVector.fromArray(F, init, initOff + 3 * L);
        FloatVector c10 = FloatVector.fromArray(F, init, initOff + initStride);
        FloatVector c11 = FloatVector.fromArray(F, init, initOff + initStride + L);
        FloatVector c12 = FloatVector.fromArray(F, init, initOff + initStride + 2 * L);
        FloatVector c13 = FloatVector.fromArray(F, init, initOff + initStride + 3 * L);
        FloatVector c20 = FloatVector.fromArray(F, init, initOff + 2 * initStride);
        FloatVector c21 = FloatVector.fromArray(F, init, initOff + 2 * initStride + L);
        FloatVector c22 = FloatVector.fromArray(F, init, initOff + 2 * initStride + 2 * L);
        FloatVector c23 = FloatVector.fromArray(F, init, initOff + 2 * initStride + 3 * L);
        FloatVector c30 = FloatVector.fromArray(F, init, initOff + 3 * initStride);
        FloatVector c31 = FloatVector.fromArray(F, init, initOff + 3 * initStride + L);
        FloatVector c32 = FloatVector.fromArray(F, init, initOff + 3 * initStride + 2 * L);
        FloatVector c33 = FloatVector.fromArray(F, init, initOff + 3 * initStride + 3 * L);
        int a0 = aRow;
        int a1 = aRow + lda;
        int a2 = aRow + 2 * lda;
        int a3 = aRow + 3 * lda;
        // one index per panel: with loop-invariant offsets between the panels' loads instead, the loop ran slower
        int bo = bOff;
        int bq = bOff + panelStride;
        for (int kk = 0; kk < kc; kk++, bo += NR, bq += NR) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bq);
            FloatVector b3 = FloatVector.fromArray(F, b, bq + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        c00.blend(lo, c00.compare(LE, lo)).blend(hi, c00.compare(GE, hi)).intoArray(c, cRow);
        c01.blend(lo, c01.compare(LE, lo)).blend(hi, c01.compare(GE, hi)).intoArray(c, cRow + L);
        c02.blend(lo, c02.compare(LE, lo)).blend(hi, c02.compare(GE, hi)).intoArray(c, cRow + 2 * L);
        c03.blend(lo, c03.compare(LE, lo)).blend(hi, c03.compare(GE, hi)).intoArray(c, cRow + 3 * L);
        c10.blend(lo, c10.compare(LE, lo)).blend(hi, c10.compare(GE, hi)).intoArray(c, cRow + ldc);
        c11.blend(lo, c11.compare(LE, lo)).blend(hi, c11.compare(GE, hi)).intoArray(c, cRow + ldc + L);
        c12.blend(lo, c12.compare(LE, lo)).blend(hi, c12.compare(GE, hi)).intoArray(c, cRow + ldc + 2 * L);
        c13.blend(lo, c13.compare(LE, lo)).blend(hi, c13.compare(GE, hi)).intoArray(c, cRow + ldc + 3 * L);
        c20.blend(lo, c20.compare(LE, lo)).blend(hi, c20.compare(GE, hi)).intoArray(c, cRow + 2 * ldc);
        c21.blend(lo, c21.compare(LE, lo)).blend(hi, c21.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + L);
        c22.blend(lo, c22.compare(LE, lo)).blend(hi, c22.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + 2 * L);
        c23.blend(lo, c23.compare(LE, lo)).blend(hi, c23.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + 3 * L);
        c30.blend(lo, c30.compare(LE, lo)).blend(hi, c30.compare(GE, hi)).intoArray(c, cRow + 3 * ldc);
        c31.blend(lo, c31.compare(LE, lo)).blend(hi, c31.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + L);
        c32.blend(lo, c32.compare(LE, lo)).blend(hi, c32.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + 2 * L);
        c33.blend(lo, c33.compare(LE, lo)).blend(hi, c33.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + 3 * L);
    }

    /** {@link #tile4x4} over the four one-vector panels at {@code b[bOff]} and after it, {@code panelStride} apart. */
    static void tile4x4Narrow(float[] a, int aRow, int lda, float[] b, int bOff, int panelStride, int kc, float[] c,
                              int cRow, int ldc, float[] init, int initOff, int initStride, float lo, float hi) {
        FloatVector c00 = FloatVector.fromArray(F, init, initOff);
        FloatVector c01 = FloatVector.fromArray(F, init, initOff + L);
        FloatVector c02 = FloatVector.fromArray(F, init, initOff + 2 * L);
        FloatVector c03 = FloatVector.fromArray(F, init, initOff + 3 * L);
        FloatVector c10 = FloatVector.fromArray(F, init, initOff + initStride);
        FloatVector c11 = FloatVector.fromArray(F, init, initOff + initStride + L);
        FloatVector c12 = FloatVector.fromArray(F, init, initOff + initStride + 2 * L);
        FloatVector c13 = FloatVector.fromArray(F, init, initOff + initStride + 3 * L);
        FloatVector c20 = FloatVector.fromArray(F, init, initOff + 2 * initStride);
        FloatVector c21 = FloatVector.fromArray(F, init, initOff + 2 * initStride + L);
        FloatVector c22 = FloatVector.fromArray(F, init, initOff + 2 * initStride + 2 * L);
        FloatVector c23 = FloatVector.fromArray(F, init, initOff + 2 * initStride + 3 * L);
        FloatVector c30 = FloatVector.fromArray(F, init, initOff + 3 * initStride);
        FloatVector c31 = FloatVector.fromArray(F, init, initOff + 3 * initStride + L);
        FloatVector c32 = FloatVector.fromArray(F, init, initOff + 3 * initStride + 2 * L);
        FloatVector c33 = FloatVector.fromArray(F, init, initOff + 3 * initStride + 3 * L);
        int a0 = aRow;
        int a1 = aRow + lda;
        int a2 = aRow + 2 * lda;
        int a3 = aRow + 3 * lda;
        int b0o = bOff;
        int b1o = bOff + panelStride;
        int b2o = bOff + 2 * panelStride;
        int b3o = bOff + 3 * panelStride;
        for (int kk = 0; kk < kc; kk++, b0o += L, b1o += L, b2o += L, b3o += L) {
            FloatVector b0 = FloatVector.fromArray(F, b, b0o);
            FloatVector b1 = FloatVector.fromArray(F, b, b1o);
            FloatVector b2 = FloatVector.fromArray(F, b, b2o);
            FloatVector b3 = FloatVector.fromArray(F, b, b3o);
            FloatVector x = FloatVector.broadcast(F, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(F, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(F, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(F, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        c00.blend(lo, c00.compare(LE, lo)).blend(hi, c00.compare(GE, hi)).intoArray(c, cRow);
        c01.blend(lo, c01.compare(LE, lo)).blend(hi, c01.compare(GE, hi)).intoArray(c, cRow + L);
        c02.blend(lo, c02.compare(LE, lo)).blend(hi, c02.compare(GE, hi)).intoArray(c, cRow + 2 * L);
        c03.blend(lo, c03.compare(LE, lo)).blend(hi, c03.compare(GE, hi)).intoArray(c, cRow + 3 * L);
        c10.blend(lo, c10.compare(LE, lo)).blend(hi, c10.compare(GE, hi)).intoArray(c, cRow + ldc);
        c11.blend(lo, c11.compare(LE, lo)).blend(hi, c11.compare(GE, hi)).intoArray(c, cRow + ldc + L);
        c12.blend(lo, c12.compare(LE, lo)).blend(hi, c12.compare(GE, hi)).intoArray(c, cRow + ldc + 2 * L);
        c13.blend(lo, c13.compare(LE, lo)).blend(hi, c13.compare(GE, hi)).intoArray(c, cRow + ldc + 3 * L);
        c20.blend(lo, c20.compare(LE, lo)).blend(hi, c20.compare(GE, hi)).intoArray(c, cRow + 2 * ldc);
        c21.blend(lo, c21.compare(LE, lo)).blend(hi, c21.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + L);
        c22.blend(lo, c22.compare(LE, lo)).blend(hi, c22.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + 2 * L);
        c23.blend(lo, c23.compare(LE, lo)).blend(hi, c23.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + 3 * L);
        c30.blend(lo, c30.compare(LE, lo)).blend(hi, c30.compare(GE, hi)).intoArray(c, cRow + 3 * ldc);
        c31.blend(lo, c31.compare(LE, lo)).blend(hi, c31.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + L);
        c32.blend(lo, c32.compare(LE, lo)).blend(hi, c32.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + 2 * L);
        c33.blend(lo, c33.compare(LE, lo)).blend(hi, c33.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + 3 * L);
    }

    /**
     * {@link #MR_WIDE} rows × three vectors in 12 accumulators, from the three one-vector panels at {@code b[bOff]}
     * and after it, {@code panelStride} floats apart: the panels that an odd count of vectors leaves after
     * {@link #tile4x4}.
     */
    static void tile4x3(float[] a, int aRow, int lda, float[] b, int bOff, int panelStride, int kc, float[] c, int cRow,
                        int ldc, float[] init, int initOff, int initStride, float lo, float hi) {
        FloatVector c00 = FloatVector.fromArray(F, init, initOff);
        FloatVector c01 = FloatVector.fromArray(F, init, initOff + L);
        FloatVector c02 = FloatVector.fromArray(F, init, initOff + 2 * L);
        FloatVector c10 = FloatVector.fromArray(F, init, initOff + initStride);
        FloatVector c11 = FloatVector.fromArray(F, init, initOff + initStride + L);
        FloatVector c12 = FloatVector.fromArray(F, init, initOff + initStride + 2 * L);
        FloatVector c20 = FloatVector.fromArray(F, init, initOff + 2 * initStride);
        FloatVector c21 = FloatVector.fromArray(F, init, initOff + 2 * initStride + L);
        FloatVector c22 = FloatVector.fromArray(F, init, initOff + 2 * initStride + 2 * L);
        FloatVector c30 = FloatVector.fromArray(F, init, initOff + 3 * initStride);
        FloatVector c31 = FloatVector.fromArray(F, init, initOff + 3 * initStride + L);
        FloatVector c32 = FloatVector.fromArray(F, init, initOff + 3 * initStride + 2 * L);
        int a0 = aRow;
        int a1 = aRow + lda;
        int a2 = aRow + 2 * lda;
        int a3 = aRow + 3 * lda;
        int b0o = bOff;
        int b1o = bOff + panelStride;
        int b2o = bOff + 2 * panelStride;
        for (int kk = 0; kk < kc; kk++, b0o += L, b1o += L, b2o += L) {
            FloatVector b0 = FloatVector.fromArray(F, b, b0o);
            FloatVector b1 = FloatVector.fromArray(F, b, b1o);
            FloatVector b2 = FloatVector.fromArray(F, b, b2o);
            FloatVector x = FloatVector.broadcast(F, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(F, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(F, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(F, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        c00.blend(lo, c00.compare(LE, lo)).blend(hi, c00.compare(GE, hi)).intoArray(c, cRow);
        c01.blend(lo, c01.compare(LE, lo)).blend(hi, c01.compare(GE, hi)).intoArray(c, cRow + L);
        c02.blend(lo, c02.compare(LE, lo)).blend(hi, c02.compare(GE, hi)).intoArray(c, cRow + 2 * L);
        c10.blend(lo, c10.compare(LE, lo)).blend(hi, c10.compare(GE, hi)).intoArray(c, cRow + ldc);
        c11.blend(lo, c11.compare(LE, lo)).blend(hi, c11.compare(GE, hi)).intoArray(c, cRow + ldc + L);
        c12.blend(lo, c12.compare(LE, lo)).blend(hi, c12.compare(GE, hi)).intoArray(c, cRow + ldc + 2 * L);
        c20.blend(lo, c20.compare(LE, lo)).blend(hi, c20.compare(GE, hi)).intoArray(c, cRow + 2 * ldc);
        c21.blend(lo, c21.compare(LE, lo)).blend(hi, c21.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + L);
        c22.blend(lo, c22.compare(LE, lo)).blend(hi, c22.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + 2 * L);
        c30.blend(lo, c30.compare(LE, lo)).blend(hi, c30.compare(GE, hi)).intoArray(c, cRow + 3 * ldc);
        c31.blend(lo, c31.compare(LE, lo)).blend(hi, c31.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + L);
        c32.blend(lo, c32.compare(LE, lo)).blend(hi, c32.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + 2 * L);
    }

    static void tile6(float[] a, int aRow, int lda, float[] b, int bOff, int kc, float[] c, int cRow, int ldc,
                              float[] init, int initOff, int initStride, float lo, float hi) {
        FloatVector c00 = FloatVector.fromArray(F, init, initOff);
        FloatVector c01 = FloatVector.fromArray(F, init, initOff + L);
        FloatVector c10 = FloatVector.fromArray(F, init, initOff + initStride);
        FloatVector c11 = FloatVector.fromArray(F, init, initOff + initStride + L);
        FloatVector c20 = FloatVector.fromArray(F, init, initOff + 2 * initStride);
        FloatVector c21 = FloatVector.fromArray(F, init, initOff + 2 * initStride + L);
        FloatVector c30 = FloatVector.fromArray(F, init, initOff + 3 * initStride);
        FloatVector c31 = FloatVector.fromArray(F, init, initOff + 3 * initStride + L);
        FloatVector c40 = FloatVector.fromArray(F, init, initOff + 4 * initStride);
        FloatVector c41 = FloatVector.fromArray(F, init, initOff + 4 * initStride + L);
        FloatVector c50 = FloatVector.fromArray(F, init, initOff + 5 * initStride);
        FloatVector c51 = FloatVector.fromArray(F, init, initOff + 5 * initStride + L);
        int a0 = aRow;
        int a1 = aRow + lda;
        int a2 = aRow + 2 * lda;
        int a3 = aRow + 3 * lda;
        int a4 = aRow + 4 * lda;
        int a5 = aRow + 5 * lda;
        int bo = bOff;
        for (int kk = 0; kk < kc; kk++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.blend(lo, c00.compare(LE, lo)).blend(hi, c00.compare(GE, hi)).intoArray(c, cRow);
        c01.blend(lo, c01.compare(LE, lo)).blend(hi, c01.compare(GE, hi)).intoArray(c, cRow + L);
        c10.blend(lo, c10.compare(LE, lo)).blend(hi, c10.compare(GE, hi)).intoArray(c, cRow + ldc);
        c11.blend(lo, c11.compare(LE, lo)).blend(hi, c11.compare(GE, hi)).intoArray(c, cRow + ldc + L);
        c20.blend(lo, c20.compare(LE, lo)).blend(hi, c20.compare(GE, hi)).intoArray(c, cRow + 2 * ldc);
        c21.blend(lo, c21.compare(LE, lo)).blend(hi, c21.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + L);
        c30.blend(lo, c30.compare(LE, lo)).blend(hi, c30.compare(GE, hi)).intoArray(c, cRow + 3 * ldc);
        c31.blend(lo, c31.compare(LE, lo)).blend(hi, c31.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + L);
        c40.blend(lo, c40.compare(LE, lo)).blend(hi, c40.compare(GE, hi)).intoArray(c, cRow + 4 * ldc);
        c41.blend(lo, c41.compare(LE, lo)).blend(hi, c41.compare(GE, hi)).intoArray(c, cRow + 4 * ldc + L);
        c50.blend(lo, c50.compare(LE, lo)).blend(hi, c50.compare(GE, hi)).intoArray(c, cRow + 5 * ldc);
        c51.blend(lo, c51.compare(LE, lo)).blend(hi, c51.compare(GE, hi)).intoArray(c, cRow + 5 * ldc + L);
    }

    /**
     * {@link #tile6} over the whole depth, from the bias, for a panel whose second vector holds only
     * {@code secondLanes} (mask bits) of C's columns: that vector is stored through the mask, so nothing past
     * column n is touched. Only the stores are masked: with masked loads too, C1 runs out of virtual registers
     * on it ("COMPILE SKIPPED") and the launch runs it boxed at 1 GFLOP/s.
     */
    static void tile6LastLanes(float[] a, int aRow, int lda, float[] b, int bOff, int k, float[] bias, int col,
                               float[] c, int cRow, int ldc, long secondLanes, float lo, float hi) {
        FloatVector c00 = FloatVector.fromArray(F, bias, col);
        FloatVector c01 = FloatVector.fromArray(F, bias, col + L);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01;
        FloatVector c50 = c00, c51 = c01;
        int a0 = aRow;
        int a1 = aRow + lda;
        int a2 = aRow + 2 * lda;
        int a3 = aRow + 3 * lda;
        int a4 = aRow + 4 * lda;
        int a5 = aRow + 5 * lda;
        int bo = bOff;
        for (int kk = 0; kk < k; kk++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(F, b, bo);
            FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        VectorMask<Float> m = VectorMask.fromLong(F, secondLanes);
        c00.blend(lo, c00.compare(LE, lo)).blend(hi, c00.compare(GE, hi)).intoArray(c, cRow);
        c01.blend(lo, c01.compare(LE, lo)).blend(hi, c01.compare(GE, hi)).intoArray(c, cRow + L, m);
        c10.blend(lo, c10.compare(LE, lo)).blend(hi, c10.compare(GE, hi)).intoArray(c, cRow + ldc);
        c11.blend(lo, c11.compare(LE, lo)).blend(hi, c11.compare(GE, hi)).intoArray(c, cRow + ldc + L, m);
        c20.blend(lo, c20.compare(LE, lo)).blend(hi, c20.compare(GE, hi)).intoArray(c, cRow + 2 * ldc);
        c21.blend(lo, c21.compare(LE, lo)).blend(hi, c21.compare(GE, hi)).intoArray(c, cRow + 2 * ldc + L, m);
        c30.blend(lo, c30.compare(LE, lo)).blend(hi, c30.compare(GE, hi)).intoArray(c, cRow + 3 * ldc);
        c31.blend(lo, c31.compare(LE, lo)).blend(hi, c31.compare(GE, hi)).intoArray(c, cRow + 3 * ldc + L, m);
        c40.blend(lo, c40.compare(LE, lo)).blend(hi, c40.compare(GE, hi)).intoArray(c, cRow + 4 * ldc);
        c41.blend(lo, c41.compare(LE, lo)).blend(hi, c41.compare(GE, hi)).intoArray(c, cRow + 4 * ldc + L, m);
        c50.blend(lo, c50.compare(LE, lo)).blend(hi, c50.compare(GE, hi)).intoArray(c, cRow + 5 * ldc);
        c51.blend(lo, c51.compare(LE, lo)).blend(hi, c51.compare(GE, hi)).intoArray(c, cRow + 5 * ldc + L, m);
    }

    /** {@link #tile12} over the whole depth, from the bias, storing only {@code lanes} (mask bits) of each row. */
    static void tile12LastLanes(float[] a, int aRow, int lda, float[] b, int bOff, int k, float[] bias, int col,
                                float[] c, int cRow, int ldc, long lanes, float lo, float hi) {
        FloatVector c0 = FloatVector.fromArray(F, bias, col);
        FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        int bo = bOff;
        for (int kk = 0; kk < k; kk++, bo += L) {
            FloatVector bv = FloatVector.fromArray(F, b, bo);
            int x = aRow + kk;
            c0 = FloatVector.broadcast(F, a[x]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[x + lda]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[x + 2 * lda]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[x + 3 * lda]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[x + 4 * lda]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[x + 5 * lda]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[x + 6 * lda]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[x + 7 * lda]).fma(bv, c7);
            c8 = FloatVector.broadcast(F, a[x + 8 * lda]).fma(bv, c8);
            c9 = FloatVector.broadcast(F, a[x + 9 * lda]).fma(bv, c9);
            c10 = FloatVector.broadcast(F, a[x + 10 * lda]).fma(bv, c10);
            c11 = FloatVector.broadcast(F, a[x + 11 * lda]).fma(bv, c11);
        }
        VectorMask<Float> m = VectorMask.fromLong(F, lanes);
        c0.blend(lo, c0.compare(LE, lo)).blend(hi, c0.compare(GE, hi)).intoArray(c, cRow, m);
        c1.blend(lo, c1.compare(LE, lo)).blend(hi, c1.compare(GE, hi)).intoArray(c, cRow + ldc, m);
        c2.blend(lo, c2.compare(LE, lo)).blend(hi, c2.compare(GE, hi)).intoArray(c, cRow + 2 * ldc, m);
        c3.blend(lo, c3.compare(LE, lo)).blend(hi, c3.compare(GE, hi)).intoArray(c, cRow + 3 * ldc, m);
        c4.blend(lo, c4.compare(LE, lo)).blend(hi, c4.compare(GE, hi)).intoArray(c, cRow + 4 * ldc, m);
        c5.blend(lo, c5.compare(LE, lo)).blend(hi, c5.compare(GE, hi)).intoArray(c, cRow + 5 * ldc, m);
        c6.blend(lo, c6.compare(LE, lo)).blend(hi, c6.compare(GE, hi)).intoArray(c, cRow + 6 * ldc, m);
        c7.blend(lo, c7.compare(LE, lo)).blend(hi, c7.compare(GE, hi)).intoArray(c, cRow + 7 * ldc, m);
        c8.blend(lo, c8.compare(LE, lo)).blend(hi, c8.compare(GE, hi)).intoArray(c, cRow + 8 * ldc, m);
        c9.blend(lo, c9.compare(LE, lo)).blend(hi, c9.compare(GE, hi)).intoArray(c, cRow + 9 * ldc, m);
        c10.blend(lo, c10.compare(LE, lo)).blend(hi, c10.compare(GE, hi)).intoArray(c, cRow + 10 * ldc, m);
        c11.blend(lo, c11.compare(LE, lo)).blend(hi, c11.compare(GE, hi)).intoArray(c, cRow + 11 * ldc, m);
    }

    static void tile1(float[] a, int aRow, float[] b, int bOff, int kc, float[] c, int cRow,
                              float[] init, int initOff, float lo, float hi) {
        FloatVector c0 = FloatVector.fromArray(F, init, initOff);
        FloatVector c1 = FloatVector.fromArray(F, init, initOff + L);
        int bo = bOff;
        for (int kk = 0; kk < kc; kk++, bo += NR) {
            FloatVector x = FloatVector.broadcast(F, a[aRow + kk]);
            c0 = x.fma(FloatVector.fromArray(F, b, bo), c0);
            c1 = x.fma(FloatVector.fromArray(F, b, bo + L), c1);
        }
        c0.blend(lo, c0.compare(LE, lo)).blend(hi, c0.compare(GE, hi)).intoArray(c, cRow);
        c1.blend(lo, c1.compare(LE, lo)).blend(hi, c1.compare(GE, hi)).intoArray(c, cRow + L);
    }

    static void tile12(float[] a, int aRow, int lda, float[] b, int bOff, int kc, float[] c, int cRow, int ldc,
                               float[] init, int initOff, int initStride, float lo, float hi) {
        FloatVector c0 = FloatVector.fromArray(F, init, initOff);
        FloatVector c1 = FloatVector.fromArray(F, init, initOff + initStride);
        FloatVector c2 = FloatVector.fromArray(F, init, initOff + 2 * initStride);
        FloatVector c3 = FloatVector.fromArray(F, init, initOff + 3 * initStride);
        FloatVector c4 = FloatVector.fromArray(F, init, initOff + 4 * initStride);
        FloatVector c5 = FloatVector.fromArray(F, init, initOff + 5 * initStride);
        FloatVector c6 = FloatVector.fromArray(F, init, initOff + 6 * initStride);
        FloatVector c7 = FloatVector.fromArray(F, init, initOff + 7 * initStride);
        FloatVector c8 = FloatVector.fromArray(F, init, initOff + 8 * initStride);
        FloatVector c9 = FloatVector.fromArray(F, init, initOff + 9 * initStride);
        FloatVector c10 = FloatVector.fromArray(F, init, initOff + 10 * initStride);
        FloatVector c11 = FloatVector.fromArray(F, init, initOff + 11 * initStride);
        int bo = bOff;
        for (int kk = 0; kk < kc; kk++, bo += L) {
            FloatVector bv = FloatVector.fromArray(F, b, bo);
            int x = aRow + kk;
            c0 = FloatVector.broadcast(F, a[x]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[x + lda]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[x + 2 * lda]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[x + 3 * lda]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[x + 4 * lda]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[x + 5 * lda]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[x + 6 * lda]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[x + 7 * lda]).fma(bv, c7);
            c8 = FloatVector.broadcast(F, a[x + 8 * lda]).fma(bv, c8);
            c9 = FloatVector.broadcast(F, a[x + 9 * lda]).fma(bv, c9);
            c10 = FloatVector.broadcast(F, a[x + 10 * lda]).fma(bv, c10);
            c11 = FloatVector.broadcast(F, a[x + 11 * lda]).fma(bv, c11);
        }
        c0.blend(lo, c0.compare(LE, lo)).blend(hi, c0.compare(GE, hi)).intoArray(c, cRow);
        c1.blend(lo, c1.compare(LE, lo)).blend(hi, c1.compare(GE, hi)).intoArray(c, cRow + ldc);
        c2.blend(lo, c2.compare(LE, lo)).blend(hi, c2.compare(GE, hi)).intoArray(c, cRow + 2 * ldc);
        c3.blend(lo, c3.compare(LE, lo)).blend(hi, c3.compare(GE, hi)).intoArray(c, cRow + 3 * ldc);
        c4.blend(lo, c4.compare(LE, lo)).blend(hi, c4.compare(GE, hi)).intoArray(c, cRow + 4 * ldc);
        c5.blend(lo, c5.compare(LE, lo)).blend(hi, c5.compare(GE, hi)).intoArray(c, cRow + 5 * ldc);
        c6.blend(lo, c6.compare(LE, lo)).blend(hi, c6.compare(GE, hi)).intoArray(c, cRow + 6 * ldc);
        c7.blend(lo, c7.compare(LE, lo)).blend(hi, c7.compare(GE, hi)).intoArray(c, cRow + 7 * ldc);
        c8.blend(lo, c8.compare(LE, lo)).blend(hi, c8.compare(GE, hi)).intoArray(c, cRow + 8 * ldc);
        c9.blend(lo, c9.compare(LE, lo)).blend(hi, c9.compare(GE, hi)).intoArray(c, cRow + 9 * ldc);
        c10.blend(lo, c10.compare(LE, lo)).blend(hi, c10.compare(GE, hi)).intoArray(c, cRow + 10 * ldc);
        c11.blend(lo, c11.compare(LE, lo)).blend(hi, c11.compare(GE, hi)).intoArray(c, cRow + 11 * ldc);
    }

    static void tile1Narrow(float[] a, int aRow, float[] b, int bOff, int kc, float[] c, int cRow,
                                    float[] init, int initOff, float lo, float hi) {
        FloatVector c0 = FloatVector.fromArray(F, init, initOff);
        int bo = bOff;
        for (int kk = 0; kk < kc; kk++, bo += L) {
            c0 = FloatVector.broadcast(F, a[aRow + kk]).fma(FloatVector.fromArray(F, b, bo), c0);
        }
        c0.blend(lo, c0.compare(LE, lo)).blend(hi, c0.compare(GE, hi)).intoArray(c, cRow);
    }
}
