package dev.sparrow.kernels.f32;

/**
 * A 1×1 expansion convolution followed by a depthwise convolution (MobileNet v2's inverted bottleneck), run
 * in bands of output rows so that the expanded tensor never leaves the core's L2: per band, the expanded
 * input rows under it are computed by {@link Gemm#multiply} into a private band buffer, then
 * {@link Depthwise#depthwise} runs on the band as if it were the whole input. The expanded tensor of the
 * early layers (SSD MobileNet v2: 150² × 96 floats, 8.6 MB) is otherwise written to memory by one step and
 * read back by the next. The rows that two bands share are moved to the front of the buffer, not recomputed.
 * Every value is computed by the same kernels in the same order as the two steps run apart, so the results
 * are identical bit for bit (and to {@link #pointwiseDepthwiseScalar}).
 */
public final class PointwiseDepthwise {

    private PointwiseDepthwise() {}

    /**
     * Floats in a band buffer: the expanded rows under as many output rows as fit in {@link #BAND_BUDGET}, but
     * at least one output row's window.
     */
    public static int bandFloats(ConvShape s) {
        return bandInputRows(s, bandOutputRows(s, BAND_BUDGET)) * s.w() * s.c();
    }

    /**
     * Target size of a band buffer, in floats: 384 KB of Zen 5's 1 MB L2 (see BENCHMARKS.md, "1×1 expansion
     * fused into depthwise").
     */
    static final int BAND_BUDGET = 96 * 1024;

    /** Output rows per band in a buffer of {@code floats}; at least one. */
    private static int bandOutputRows(ConvShape s, int floats) {
        int rowFloats = s.w() * s.c();
        int rows = 1;
        while (rows < s.oh() && (long) bandInputRows(s, rows + 1) * rowFloats <= floats) {
            rows++;
        }
        return rows;
    }

    /** Input rows under {@code outputRows} consecutive output rows, at most the input's height. */
    private static int bandInputRows(ConvShape s, int outputRows) {
        return Math.min(s.h(), (outputRows - 1) * s.strideH() + (s.kh() - 1) * s.dilationH() + 1);
    }

    /**
     * Output rows {@code [row0, row1)} of a depthwise convolution {@code s} (one image, {@code s.c()} expanded
     * channels, multiplier 1) whose input is the 1×1 convolution {@code expand} (k = {@code inChannels},
     * n = {@code s.c()}) of the tensor at {@code in[inOff]}, clamped to {@code [expandLo, expandHi]}.
     *
     * @param band a buffer private to the caller's thread, of {@link #bandFloats} floats (or any size that
     *     holds one output row's window: its size decides the band height)
     */
    public static void pointwiseDepthwise(float[] in, int inOff, int inChannels, PackedWeights expand, float expandLo,
                                          float expandHi, ConvShape s, float[] weights, float[] bias, float[] out,
                                          int outOff, int row0, int row1, float[] band, float lo, float hi) {
        requireFusable(s, inChannels, expand);
        int rowFloats = s.w() * s.c();
        if (band.length < bandInputRows(s, 1) * rowFloats) {
            throw new IllegalArgumentException("band of " + band.length + " floats cannot hold the window of " + s);
        }
        int bandRows = bandOutputRows(s, band.length);
        // Input rows [haveLo, haveHi) are in the band, row haveLo at its start.
        int haveLo = 0;
        int haveHi = 0;
        for (int oy0 = row0; oy0 < row1; oy0 += bandRows) {
            int oy1 = Math.min(row1, oy0 + bandRows);
            int first = oy0 * s.strideH() - s.padTop();
            int lo0 = Math.max(0, first);
            int hi0 = Math.min(s.h(), (oy1 - 1) * s.strideH() - s.padTop() + (s.kh() - 1) * s.dilationH() + 1);
            int from = lo0;
            if (haveLo <= lo0 && lo0 < haveHi) {
                System.arraycopy(band, (lo0 - haveLo) * rowFloats, band, 0, (haveHi - lo0) * rowFloats);
                from = haveHi;
            }
            if (from < hi0) {
                Gemm.multiply(in, inOff + from * s.w() * inChannels, inChannels, (hi0 - from) * s.w(), expand, 0,
                        expand.panels(), band, (from - lo0) * rowFloats, s.c(), expandLo, expandHi);
            }
            haveLo = lo0;
            haveHi = hi0;
            Depthwise.depthwise(band, 0, bandShape(s, first, lo0, hi0, oy1 - oy0), weights, bias, out,
                    outOff + oy0 * s.ow() * s.oc(), 0, oy1 - oy0, lo, hi);
        }
    }

    /** The window over a band of input rows {@code [lo0, hi0)} whose first output row's window starts at {@code first}. */
    private static ConvShape bandShape(ConvShape s, int first, int lo0, int hi0, int outputRows) {
        return new ConvShape(1, hi0 - lo0, s.w(), s.c(), s.kh(), s.kw(), s.strideH(), s.strideW(), s.dilationH(),
                s.dilationW(), lo0 - first, s.padLeft(), outputRows, s.ow(), s.oc());
    }

    /**
     * Whether the fused kernel can run {@code s}: one image, multiplier 1, and every output row's window
     * touching at least one input row (so that no band is empty).
     */
    public static boolean fusable(ConvShape s) {
        int lastWindowEnd = (s.oh() - 1) * s.strideH() - s.padTop() + (s.kh() - 1) * s.dilationH() + 1;
        return s.n() == 1 && s.c() == s.oc() && s.padTop() < (s.kh() - 1) * s.dilationH() + 1
                && lastWindowEnd > 0 && (s.oh() - 1) * s.strideH() - s.padTop() < s.h();
    }

    private static void requireFusable(ConvShape s, int inChannels, PackedWeights expand) {
        if (!fusable(s) || expand.k != inChannels || expand.n != s.c()) {
            throw new IllegalArgumentException("expansion " + expand.k + "→" + expand.n + " cannot feed depthwise "
                    + s + " from " + inChannels + " channels");
        }
    }

    /** Scalar twin: the whole expanded tensor, then the depthwise convolution, both by their scalar twins. */
    public static void pointwiseDepthwiseScalar(float[] in, int inOff, int inChannels, PackedWeights expand,
                                                float expandLo, float expandHi, ConvShape s, float[] weights,
                                                float[] bias, float[] out, int outOff, int row0, int row1, float lo,
                                                float hi) {
        requireFusable(s, inChannels, expand);
        float[] expanded = new float[s.h() * s.w() * s.c()];
        Gemm.multiplyScalar(in, inOff, inChannels, s.h() * s.w(), expand, 0, expand.panels(), expanded, 0, s.c(),
                expandLo, expandHi);
        Depthwise.depthwiseScalar(expanded, 0, s, weights, bias, out, outOff, row0, row1, lo, hi);
    }
}
