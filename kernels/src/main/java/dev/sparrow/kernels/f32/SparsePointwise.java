package dev.sparrow.kernels.f32;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight-sparse 1×1 convolution (SpMM, {@code reference/sparse-kernels.md} §5): {@code OUT[n × m] =
 * W[n × k] · IN[k × m]} in channel-major (CHW) planes, vectorised along the plane. Every nonzero weight is
 * one broadcast and {@code U} plane loads + FMAs; zeros cost nothing. Weights are encoded once
 * ({@link #encode}) as per-output-channel runs of (bias, nonzeros) with each nonzero's input plane
 * offset precomputed.
 *
 * <p>{@link #pointwiseNhwc} runs it on NHWC activations by transposing tiles of {@link #TILE} pixels
 * into a CHW scratch and back; the transposes cost {@code (k + n)·TILE} moves per tile against
 * {@code nnz·TILE} multiply-adds, which decides the break-even against the dense {@link Gemm}
 * (measured in {@code SparseBreakEven}; the rule is {@link #worthItNhwc}).
 */
public final class SparsePointwise {
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final int L = F.length();
    /** Pixels per CHW tile of the NHWC path: four vectors, one {@code spmm4} pass. */
    public static final int TILE = 4 * L;

    /**
     * Zero fraction above which the NHWC path (transposes included) beats the dense {@link Gemm}, measured
     * with {@code SparseBreakEven} on a Zen 5 core at 512 bits: ≤ 0.85 for 112→672 at 14², 1152→192 at 7²
     * and 128→128 at 56², never within 0.95 for layers with few weights per channel (64→16, 32→128,
     * 192→48, 96→24) where the transposes dominate. The CHW kernel alone wins from 0.6–0.7 on planes of
     * ≥ 144 pixels (0.5 at 48², 0.9–0.95 on 6²–7² planes), which is for a CHW-planned graph to use.
     */
    public static final double BREAK_EVEN_ZEROS = 0.85;
    /** Weights per transposed channel ({@code k·n/(k+n)}) below which the transposes cost more than the skipped work. */
    public static final int MIN_WEIGHTS_PER_CHANNEL = 64;

    private SparsePointwise() {}

    /** The encoded weights of one layer. */
    public static final class Weights {
        final int k;
        final int n;
        final int inStride;
        /** Per output channel: its bias, then its nonzero weights in increasing input channel. */
        final float[] values;
        final int[] nonzeros;
        /** Per nonzero: {@code inputChannel · inStride}. */
        final int[] offsets;

        private Weights(int k, int n, int inStride, float[] values, int[] nonzeros, int[] offsets) {
            this.k = k;
            this.n = n;
            this.inStride = inStride;
            this.values = values;
            this.nonzeros = nonzeros;
            this.offsets = offsets;
        }

        /** Stored nonzero weights. */
        public int nonzeroCount() {
            return offsets.length;
        }
    }

    /** Counts exact zeros among the first {@code count} weights. */
    public static int zeros(float[] weights, int count) {
        int z = 0;
        for (int i = 0; i < count; i++) {
            if (weights[i] == 0f) {
                z++;
            }
        }
        return z;
    }

    /**
     * The selection rule for the NHWC path, from the measurement above: strictly more than
     * {@link #BREAK_EVEN_ZEROS} zeros, at least {@link #MIN_WEIGHTS_PER_CHANNEL} weights per transposed
     * channel and at least one full tile of pixels.
     */
    public static boolean worthItNhwc(long zeros, int k, int n, int pixels) {
        long weights = (long) k * n;
        return zeros > BREAK_EVEN_ZEROS * weights && weights >= (long) MIN_WEIGHTS_PER_CHANNEL * (k + n)
                && pixels >= TILE;
    }

    /** {@link #worthItNhwc(long, int, int, int)} for dense {@code [n][k]} weights, counting their zeros. */
    public static boolean worthItNhwc(float[] dense, int k, int n, int pixels) {
        return worthItNhwc(zeros(dense, k * n), k, n, pixels);
    }

    /**
     * Encodes dense {@code [n][k]} weights (row {@code j} = output channel {@code j}) for input planes
     * {@code inStride} floats apart.
     *
     * @param bias {@code n} values, or null for none
     */
    public static Weights encode(float[] dense, int k, int n, float[] bias, int inStride) {
        int nnz = k * n - zeros(dense, k * n);
        float[] values = new float[n + nnz];
        int[] counts = new int[n];
        int[] offsets = new int[nnz];
        int v = 0;
        int q = 0;
        for (int j = 0; j < n; j++) {
            values[v++] = bias == null ? 0f : bias[j];
            for (int kk = 0; kk < k; kk++) {
                float x = dense[j * k + kk];
                if (x != 0f) {
                    values[v++] = x;
                    offsets[q++] = kk * inStride;
                    counts[j]++;
                }
            }
        }
        return new Weights(k, n, inStride, values, counts, offsets);
    }

    /**
     * CHW SpMM over plane positions {@code [m0, m1)}: input plane {@code kk} at {@code in[inOff + kk·inStride]},
     * output plane {@code j} at {@code out[outOff + j·outStride]}.
     */
    public static void spmm(Weights w, float[] in, int inOff, float[] out, int outOff, int outStride, int m0, int m1,
                            float lo, float hi) {
        int m = m0;
        for (; m + 4 * L <= m1; m += 4 * L) {
            spmm4(w, in, inOff + m, out, outOff + m, outStride, lo, hi);
        }
        // Small planes (36, 49, 144, 196 positions) end in 1–3 vectors: a two-vector pass first, so the
        // weights are streamed once less than with one-vector passes alone.
        if (m + 2 * L <= m1) {
            spmm2(w, in, inOff + m, out, outOff + m, outStride, lo, hi);
            m += 2 * L;
        }
        for (; m < m1; m += L) {
            spmm1(w, in, inOff + m, out, outOff + m, outStride, m1 - m, lo, hi);
        }
    }

    private static void spmm2(Weights w, float[] in, int base, float[] out, int outBase, int outStride, float lo, float hi) {
        float[] values = w.values;
        int[] offsets = w.offsets;
        int v = 0;
        int q = 0;
        for (int j = 0; j < w.n; j++) {
            FloatVector a0 = FloatVector.broadcast(F, values[v++]);
            FloatVector a1 = a0;
            for (int end = q + w.nonzeros[j]; q < end; q++) {
                FloatVector x = FloatVector.broadcast(F, values[v++]);
                int o = base + offsets[q];
                a0 = FloatVector.fromArray(F, in, o).fma(x, a0);
                a1 = FloatVector.fromArray(F, in, o + L).fma(x, a1);
            }
            int d = outBase + j * outStride;
            a0.max(lo).min(hi).intoArray(out, d);
            a1.max(lo).min(hi).intoArray(out, d + L);
        }
    }

    private static void spmm4(Weights w, float[] in, int base, float[] out, int outBase, int outStride, float lo, float hi) {
        float[] values = w.values;
        int[] offsets = w.offsets;
        int v = 0;
        int q = 0;
        for (int j = 0; j < w.n; j++) {
            FloatVector a0 = FloatVector.broadcast(F, values[v++]);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int end = q + w.nonzeros[j]; q < end; q++) {
                FloatVector x = FloatVector.broadcast(F, values[v++]);
                int o = base + offsets[q];
                a0 = FloatVector.fromArray(F, in, o).fma(x, a0);
                a1 = FloatVector.fromArray(F, in, o + L).fma(x, a1);
                a2 = FloatVector.fromArray(F, in, o + 2 * L).fma(x, a2);
                a3 = FloatVector.fromArray(F, in, o + 3 * L).fma(x, a3);
            }
            int d = outBase + j * outStride;
            a0.max(lo).min(hi).intoArray(out, d);
            a1.max(lo).min(hi).intoArray(out, d + L);
            a2.max(lo).min(hi).intoArray(out, d + 2 * L);
            a3.max(lo).min(hi).intoArray(out, d + 3 * L);
        }
    }

    /** One vector of pixels, the first {@code count} of them in range (the mask made here, never passed in). */
    private static void spmm1(Weights w, float[] in, int base, float[] out, int outBase, int outStride, int count,
                              float lo, float hi) {
        VectorMask<Float> m = F.indexInRange(0, count);
        int v = 0;
        int q = 0;
        for (int j = 0; j < w.n; j++) {
            FloatVector a = FloatVector.broadcast(F, w.values[v++]);
            for (int end = q + w.nonzeros[j]; q < end; q++) {
                a = FloatVector.fromArray(F, in, base + w.offsets[q], m).fma(FloatVector.broadcast(F, w.values[v++]), a);
            }
            a.max(lo).min(hi).intoArray(out, outBase + j * outStride, m);
        }
    }

    /** Scalar twin of {@link #spmm}. */
    public static void spmmScalar(Weights w, float[] in, int inOff, float[] out, int outOff, int outStride, int m0,
                                  int m1, float lo, float hi) {
        for (int m = m0; m < m1; m++) {
            int v = 0;
            int q = 0;
            for (int j = 0; j < w.n; j++) {
                float acc = w.values[v++];
                for (int end = q + w.nonzeros[j]; q < end; q++) {
                    acc = Math.fma(in[inOff + w.offsets[q] + m], w.values[v++], acc);
                }
                out[outOff + j * outStride + m] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }

    /** Scratch floats for {@link #pointwiseNhwc}: a CHW input tile and a CHW output tile. */
    public static int scratchFloats(int k, int n) {
        return (k + n) * TILE;
    }

    /**
     * 1×1 convolution of NHWC pixels {@code [p0, p1)} ({@code k} channels in, {@code n} out) with weights
     * encoded for {@code inStride == TILE}: each tile is transposed to CHW, multiplied, transposed back.
     */
    public static void pointwiseNhwc(Weights w, float[] in, int inOff, float[] out, int outOff, int p0, int p1,
                                     float[] scratch, float lo, float hi) {
        if (w.inStride != TILE) {
            throw new IllegalArgumentException("weights encoded for plane stride " + w.inStride + ", need " + TILE);
        }
        int k = w.k;
        int n = w.n;
        int outTile = k * TILE;
        for (int t0 = p0; t0 < p1; t0 += TILE) {
            int count = Math.min(TILE, p1 - t0);
            for (int t = 0; t < TILE; t++) {
                int src = inOff + (t0 + t) * k;
                for (int kk = 0; kk < k; kk++) {
                    scratch[kk * TILE + t] = t < count ? in[src + kk] : 0f;
                }
            }
            spmm(w, scratch, 0, scratch, outTile, TILE, 0, TILE, lo, hi);
            for (int t = 0; t < count; t++) {
                int dst = outOff + (t0 + t) * n;
                for (int j = 0; j < n; j++) {
                    out[dst + j] = scratch[outTile + j * TILE + t];
                }
            }
        }
    }
}
