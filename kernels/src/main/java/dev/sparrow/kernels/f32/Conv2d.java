package dev.sparrow.kernels.f32;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * fp32 convolution over NHWC with an OHWI filter ({@code [oc, kh, kw, c]}) packed as
 * {@code B[kh·kw·c × oc]} in {@link PackedWeights}. A pointwise convolution (1×1, stride 1, no padding)
 * is one {@link Gemm} on the activation itself. Any other geometry copies the receptive fields of a
 * block of output pixels into a scratch buffer (im2col, zeros for taps outside the input, in
 * {@code (ky, kx, c)} order matching the filter) and multiplies the block; blocks are sized so the copy
 * stays in L2 and costs {@code kh·kw·c} floats per output pixel against {@code kh·kw·c·oc} multiply-adds.
 * Stems (at most {@link #STEM_CHANNELS} input channels, no dilation) skip the copy: with 3 channels the
 * copy and its per-pixel bookkeeping cost as much as the few multiply-adds. Their micro-tiles read the window
 * rows from a zero-padded copy of the {@code kh} input rows under one output row (one row of a window is
 * {@code kw·c} contiguous floats, consecutive output pixels are {@code strideW·c} floats apart), so border
 * pixels take the same tiles as interior ones.
 */
public final class Conv2d {

    /** Input channels up to which a convolution reads its windows from a padded row band ({@link #convStem}). */
    static final int STEM_CHANNELS = 4;

    private Conv2d() {}

    /** Output rows per block of {@link #convSingleOutput}. */
    private static final int PLANE_ROWS = 8;

    /**
     * True for a window convolution with one output channel at stride 1 (pose_landmark's 3×3 8 → 1
     * segmentation head): a GEMM would use one lane of each vector, so it runs over pixels instead.
     */
    static boolean isSingleOutput(ConvShape s) {
        return s.oc() == 1 && !isPointwise(s) && s.strideH() == 1 && s.strideW() == 1 && s.dilationH() == 1
                && s.dilationW() == 1;
    }

    /** Floats per zero-padded input plane row of {@link #convSingleOutput}: output width, window, one vector of slack. */
    private static int planeWidth(ConvShape s) {
        return s.ow() + s.kw() - 1 + Gemm.L;
    }

    /** True when the convolution takes the direct stem path (windows from a padded row band, no im2col). */
    public static boolean isStem(ConvShape s) {
        return !isPointwise(s) && s.c() <= STEM_CHANNELS && s.dilationH() == 1 && s.dilationW() == 1;
    }

    /** True when the convolution is a plain product over pixels (no window, no stride, no padding). */
    public static boolean isPointwise(ConvShape s) {
        return s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1 && s.padTop() == 0
                && s.padLeft() == 0 && s.oh() == s.h() && s.ow() == s.w();
    }

    /**
     * Output pixels per im2col block for a filter depth of {@code k} floats: a multiple of {@link Gemm#MR_ALL}, so
     * no block but the last leaves rows over for one-row tiles.
     */
    static int blockPixels(int k) {
        int rows = Math.clamp(65536 / k, Gemm.MR_ALL, Gemm.MB);
        return rows / Gemm.MR_ALL * Gemm.MR_ALL;
    }

    /** Floats of scratch one caller of {@link #conv} must supply (0 for pointwise convolutions). */
    public static int scratchFloats(ConvShape s) {
        if (isPointwise(s)) {
            return 0;
        }
        if (isSingleOutput(s)) {
            return s.c() * (PLANE_ROWS + s.kh() - 1) * planeWidth(s);
        }
        if (isStem(s)) {
            return s.kh() * stemBandRowFloats(s);
        }
        int k = s.kh() * s.kw() * s.c();
        return blockPixels(k) * k + Gemm.L;
    }

    /**
     * Computes output pixels {@code [pixel0, pixel1)} (flattened over n, oh, ow).
     *
     * @param scratch at least {@link #scratchFloats} floats, private to this caller
     */
    public static void conv(float[] in, int inOff, ConvShape s, PackedWeights w, float[] out, int outOff,
                            int pixel0, int pixel1, float[] scratch, float lo, float hi) {
        if (isPointwise(s)) {
            Gemm.multiply(in, inOff + pixel0 * s.c(), s.c(), pixel1 - pixel0, w, 0, w.panels(),
                    out, outOff + pixel0 * s.oc(), s.oc(), lo, hi);
            return;
        }
        if (isSingleOutput(s)) {
            convSingleOutput(in, inOff, s, w, out, outOff, pixel0, pixel1, scratch, lo, hi);
        } else if (isStem(s)) {
            convStem(in, inOff, s, w, out, outOff, pixel0, pixel1, scratch, lo, hi);
        } else {
            im2colGemm(in, inOff, s, w, out, outOff, pixel0, pixel1, scratch, lo, hi);
        }
    }

    /**
     * Whether {@link #convOutputPanels} can run {@code s}: the 1×1 and im2col paths, whose product with the
     * packed weights takes any range of panels (the stem and single-output kernels run every panel per tile).
     */
    public static boolean splitsByPanels(ConvShape s) {
        return isPointwise(s) || !isSingleOutput(s) && !isStem(s);
    }

    /**
     * Output panels {@code [panel0, panel1)} of every output pixel: for layers whose weights outweigh their
     * activations, split between threads by output channels so that each streams only its share of the
     * weights. Each output is summed exactly as by {@link #conv}.
     *
     * @param scratch at least {@link #scratchFloats} floats, private to this caller
     */
    public static void convOutputPanels(float[] in, int inOff, ConvShape s, PackedWeights w, float[] out, int outOff,
                                        int panel0, int panel1, float[] scratch, float lo, float hi) {
        if (!splitsByPanels(s)) {
            throw new IllegalArgumentException("the stem and single-output kernels run every panel: " + s);
        }
        int pixels = s.outputPixels();
        if (isPointwise(s)) {
            Gemm.multiply(in, inOff, s.c(), pixels, w, panel0, panel1, out, outOff, s.oc(), lo, hi);
            return;
        }
        int k = s.kh() * s.kw() * s.c();
        int block = blockPixels(k);
        for (int b0 = 0; b0 < pixels; b0 += block) {
            int b1 = Math.min(pixels, b0 + block);
            im2colBlock(in, inOff, s, b0, b1, scratch, 0);
            Gemm.multiply(scratch, 0, k, b1 - b0, w, panel0, panel1, out, outOff + b0 * s.oc(), s.oc(), lo, hi);
        }
    }

    /**
     * Output row by output row: the {@code kh} input rows under it are copied into a zero-padded band
     * ({@link #packStemBand}), then every column panel sums tiles of neighbouring output pixels from the band
     * ({@link #stem6x2}, {@link #stem12x1}), the last tile of a row ending at the row's
     * end and recomputing a few pixels with the same bits; rows shorter than a tile go pixel by pixel
     * ({@link #stemPixel}). Every output sums {@code fma} in {@code (ky, kx, c)} order from the bias with zeros
     * for taps outside the input, as im2col and the scalar twin do, so borders need no other path.
     */
    private static void convStem(float[] in, int inOff, ConvShape s, PackedWeights w, float[] out, int outOff,
                                 int pixel0, int pixel1, float[] band, float lo, float hi) {
        int ow = s.ow();
        int oc = s.oc();
        int nr = w.nr;
        int pixStride = s.strideW() * s.c();
        int bandRow = stemBandRowFloats(s);
        int kwc = s.kw() * s.c();
        for (int p = pixel0; p < pixel1; ) {
            int row = p / ow;
            int rowStart = row * ow;
            int x0 = p - rowStart;
            int x1 = Math.min(ow, pixel1 - rowStart);
            packStemBand(in, inOff, s, row / s.oh(), row % s.oh(), band);
            for (int panel = 0; panel < w.panels; panel++) {
                int col = panel * nr;
                // lanes of the panel's last vector that are output channels
                long lastLanes = Gemm.firstLanes(Math.min(nr, w.n - col) - (nr - Gemm.L));
                int bOff = panel * w.k * nr;
                int o = outOff + rowStart * oc + col;
                int tile = nr == Gemm.NR ? STEM_TILE_TWO_VECTORS : STEM_TILE_ONE_VECTOR;
                if (x1 - x0 < tile) {
                    for (int x = x0; x < x1; x++) {
                        stemPixel(band, x * pixStride, bandRow, s.kh(), kwc, w.data, bOff, nr, w.bias, col, out,
                                o + x * oc, lastLanes, lo, hi);
                    }
                    continue;
                }
                for (int x = x0; x < x1; x += tile) {
                    int xt = Math.min(x, x1 - tile);
                    if (nr == Gemm.NR) {
                        stem6x2(band, xt * pixStride, pixStride, bandRow, s.kh(), kwc, w.data, bOff, w.bias, col,
                                out, o + xt * oc, oc, lastLanes, lo, hi);
                    } else {
                        stem12x1(band, xt * pixStride, pixStride, bandRow, s.kh(), kwc, w.data, bOff, w.bias, col,
                                out, o + xt * oc, oc, lastLanes, lo, hi);
                    }
                }
            }
            p = rowStart + x1;
        }
    }

    /** Output pixels per stem tile of a two-vector panel ({@link #stem6x2}) and of a one-vector panel. */
    static final int STEM_TILE_TWO_VECTORS = 6;
    static final int STEM_TILE_ONE_VECTOR = 12;

    /** Floats per band row of a stem: the input columns under a whole output row, zero-padded, {@code c} each. */
    private static int stemBandRowFloats(ConvShape s) {
        return ((s.ow() - 1) * s.strideW() + s.kw()) * s.c();
    }

    /**
     * Copies the input rows under output row {@code oy} of image {@code b} into {@code band}: band row {@code ky}
     * is input row {@code oy·sh − padTop + ky} from column {@code −padLeft} on, zeros outside the input.
     */
    static void packStemBand(float[] in, int inOff, ConvShape s, int b, int oy, float[] band) {
        int c = s.c();
        int rowFloats = stemBandRowFloats(s);
        int left = Math.min(rowFloats, s.padLeft() * c);
        int copied = Math.max(0, Math.min(s.w() * c, rowFloats - left));
        for (int ky = 0; ky < s.kh(); ky++) {
            int iy = oy * s.strideH() - s.padTop() + ky;
            int dst = ky * rowFloats;
            if (iy < 0 || iy >= s.h()) {
                java.util.Arrays.fill(band, dst, dst + rowFloats, 0f);
                continue;
            }
            java.util.Arrays.fill(band, dst, dst + left, 0f);
            System.arraycopy(in, inOff + (b * s.h() + iy) * s.w() * c, band, dst + left, copied);
            java.util.Arrays.fill(band, dst + left + copied, dst + rowFloats, 0f);
        }
    }

    /**
     * One output channel: blocks of up to {@link #PLANE_ROWS} output rows copy the input rows they read into
     * zero-padded channel planes, then each vector of output pixels sums its taps in {@code (ky, kx, c)}
     * order from the bias with contiguous plane loads (zeros for taps outside the input, as in im2col).
     */
    private static void convSingleOutput(float[] in, int inOff, ConvShape s, PackedWeights w, float[] out, int outOff,
                                         int pixel0, int pixel1, float[] planes, float lo, float hi) {
        int ow = s.ow();
        int pw = planeWidth(s);
        int firstRow = pixel0 / ow;
        int endRow = (pixel1 + ow - 1) / ow;
        for (int r0 = firstRow; r0 < endRow; ) {
            int image = r0 / s.oh();
            int r1 = Math.min(Math.min(endRow, r0 + PLANE_ROWS), (image + 1) * s.oh());
            int planeRows = r1 - r0 + s.kh() - 1;
            int iyBase = r0 % s.oh() - s.padTop();
            for (int ci = 0; ci < s.c(); ci++) {
                for (int pr = 0; pr < planeRows; pr++) {
                    int iy = iyBase + pr;
                    int dst = (ci * planeRows + pr) * pw;
                    if (iy < 0 || iy >= s.h()) {
                        java.util.Arrays.fill(planes, dst, dst + pw, 0f);
                        continue;
                    }
                    int src = inOff + (image * s.h() + iy) * s.w() * s.c() + ci;
                    for (int pc = 0; pc < pw; pc++) {
                        int ix = pc - s.padLeft();
                        planes[dst + pc] = ix >= 0 && ix < s.w() ? in[src + ix * s.c()] : 0f;
                    }
                }
            }
            for (int row = r0; row < r1; row++) {
                int rowStart = row * ow;
                int x0 = Math.max(0, pixel0 - rowStart);
                int x1 = Math.min(ow, pixel1 - rowStart);
                int base = (row - r0) * pw;
                int x = x0;
                for (; x + 4 * Gemm.L <= x1; x += 4 * Gemm.L) {
                    singleOutputFour(planes, base + x, pw, planeRows * pw, s.kh(), s.kw(), s.c(), w.data, w.nr,
                            w.bias[0], out, outOff + rowStart + x, lo, hi);
                }
                for (; x < x1; x += Gemm.L) {
                    singleOutputVector(planes, base + x, pw, planeRows * pw, s.kh(), s.kw(), s.c(), w.data, w.nr,
                            w.bias[0], out, outOff + rowStart + x, Math.min(Gemm.L, x1 - x), lo, hi);
                }
            }
            r0 = r1;
        }
    }

    /**
     * Four vectors of neighbouring output pixels, as {@link #singleOutputVector}: four independent chains,
     * where one chain waits on the FMA latency at every tap.
     */
    private static void singleOutputFour(float[] planes, int p, int rowStride, int planeStride, int kh, int kw, int c,
                                         float[] weights, int nr, float bias, float[] out, int o, float lo, float hi) {
        FloatVector a0 = FloatVector.broadcast(Gemm.F, bias);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int kk = 0;
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                int tap = p + ky * rowStride + kx;
                for (int ci = 0; ci < c; ci++, kk++, tap += planeStride) {
                    FloatVector wv = FloatVector.broadcast(Gemm.F, weights[kk * nr]);
                    a0 = FloatVector.fromArray(Gemm.F, planes, tap).fma(wv, a0);
                    a1 = FloatVector.fromArray(Gemm.F, planes, tap + Gemm.L).fma(wv, a1);
                    a2 = FloatVector.fromArray(Gemm.F, planes, tap + 2 * Gemm.L).fma(wv, a2);
                    a3 = FloatVector.fromArray(Gemm.F, planes, tap + 3 * Gemm.L).fma(wv, a3);
                }
            }
        }
        a0.max(lo).min(hi).intoArray(out, o);
        a1.max(lo).min(hi).intoArray(out, o + Gemm.L);
        a2.max(lo).min(hi).intoArray(out, o + 2 * Gemm.L);
        a3.max(lo).min(hi).intoArray(out, o + 3 * Gemm.L);
    }

    /**
     * {@code n ≤ L} neighbouring output pixels of one output channel; {@code p} is the plane float under the
     * first pixel's top-left tap, planes {@code planeStride} floats apart, rows {@code rowStride}.
     */
    private static void singleOutputVector(float[] planes, int p, int rowStride, int planeStride, int kh, int kw, int c,
                                           float[] weights, int nr, float bias, float[] out, int o, int n, float lo,
                                           float hi) {
        FloatVector acc = FloatVector.broadcast(Gemm.F, bias);
        int kk = 0;
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                int tap = p + ky * rowStride + kx;
                for (int ci = 0; ci < c; ci++, kk++) {
                    acc = FloatVector.fromArray(Gemm.F, planes, tap + ci * planeStride)
                            .fma(FloatVector.broadcast(Gemm.F, weights[kk * nr]), acc);
                }
            }
        }
        acc.max(lo).min(hi).intoArray(out, o, VectorMask.fromLong(Gemm.F, Gemm.firstLanes(n)));
    }

    /** im2col of output pixels {@code [pixel0, pixel1)} block by block, each block multiplied by {@link Gemm}. */
    private static void im2colGemm(float[] in, int inOff, ConvShape s, PackedWeights w, float[] out, int outOff,
                                   int pixel0, int pixel1, float[] scratch, float lo, float hi) {
        int k = s.kh() * s.kw() * s.c();
        int block = blockPixels(k);
        for (int b0 = pixel0; b0 < pixel1; b0 += block) {
            int b1 = Math.min(pixel1, b0 + block);
            im2colBlock(in, inOff, s, b0, b1, scratch, 0);
            Gemm.multiply(scratch, 0, k, b1 - b0, w, 0, w.panels(), out, outOff + b0 * s.oc(), s.oc(), lo, hi);
        }
    }

    /**
     * Six neighbouring output pixels × one two-vector panel of a stem: pixel {@code i}'s window row {@code ky}
     * is the {@code kwc} floats at {@code band[x + i·pixStride + ky·bandRow]}, taps in the packed filter's order;
     * of the second vector only {@code lastLanes} are stored. (Twelve pixels, 24 accumulators, ran no faster
     * once compiled by C2, and C1 runs out of registers on them: a launch then ran the stem 100× slower.)
     */
    private static void stem6x2(float[] band, int x, int pixStride, int bandRow, int kh, int kwc, float[] b, int bOff,
                                float[] bias, int col, float[] o, int oPix, int ldo, long lastLanes, float lo,
                                float hi) {
        FloatVector c00 = FloatVector.fromArray(Gemm.F, bias, col);
        FloatVector c01 = FloatVector.fromArray(Gemm.F, bias, col + Gemm.L);
        FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01, c40 = c00, c41 = c01;
        FloatVector c50 = c00, c51 = c01;
        int bo = bOff;
        for (int ky = 0; ky < kh; ky++) {
            int x0 = x + ky * bandRow;
            for (int t = 0; t < kwc; t++, bo += Gemm.NR) {
                FloatVector b0 = FloatVector.fromArray(Gemm.F, b, bo);
                FloatVector b1 = FloatVector.fromArray(Gemm.F, b, bo + Gemm.L);
                int a = x0 + t;
                FloatVector v = FloatVector.broadcast(Gemm.F, band[a]);
                c00 = v.fma(b0, c00);
                c01 = v.fma(b1, c01);
                v = FloatVector.broadcast(Gemm.F, band[a + pixStride]);
                c10 = v.fma(b0, c10);
                c11 = v.fma(b1, c11);
                v = FloatVector.broadcast(Gemm.F, band[a + 2 * pixStride]);
                c20 = v.fma(b0, c20);
                c21 = v.fma(b1, c21);
                v = FloatVector.broadcast(Gemm.F, band[a + 3 * pixStride]);
                c30 = v.fma(b0, c30);
                c31 = v.fma(b1, c31);
                v = FloatVector.broadcast(Gemm.F, band[a + 4 * pixStride]);
                c40 = v.fma(b0, c40);
                c41 = v.fma(b1, c41);
                v = FloatVector.broadcast(Gemm.F, band[a + 5 * pixStride]);
                c50 = v.fma(b0, c50);
                c51 = v.fma(b1, c51);
            }
        }
        VectorMask<Float> m = VectorMask.fromLong(Gemm.F, lastLanes);
        int l = Gemm.L;
        c00.max(lo).min(hi).intoArray(o, oPix);
        c01.max(lo).min(hi).intoArray(o, oPix + l, m);
        c10.max(lo).min(hi).intoArray(o, oPix + ldo);
        c11.max(lo).min(hi).intoArray(o, oPix + ldo + l, m);
        c20.max(lo).min(hi).intoArray(o, oPix + 2 * ldo);
        c21.max(lo).min(hi).intoArray(o, oPix + 2 * ldo + l, m);
        c30.max(lo).min(hi).intoArray(o, oPix + 3 * ldo);
        c31.max(lo).min(hi).intoArray(o, oPix + 3 * ldo + l, m);
        c40.max(lo).min(hi).intoArray(o, oPix + 4 * ldo);
        c41.max(lo).min(hi).intoArray(o, oPix + 4 * ldo + l, m);
        c50.max(lo).min(hi).intoArray(o, oPix + 5 * ldo);
        c51.max(lo).min(hi).intoArray(o, oPix + 5 * ldo + l, m);
    }

    /** Twelve output pixels × one one-vector panel of a stem, addressed like {@link #stem6x2}. */
    private static void stem12x1(float[] band, int x, int pixStride, int bandRow, int kh, int kwc, float[] b, int bOff,
                                 float[] bias, int col, float[] o, int oPix, int ldo, long lastLanes, float lo,
                                 float hi) {
        FloatVector c0 = FloatVector.fromArray(Gemm.F, bias, col);
        FloatVector c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        int bo = bOff;
        for (int ky = 0; ky < kh; ky++) {
            int x0 = x + ky * bandRow;
            for (int t = 0; t < kwc; t++, bo += Gemm.L) {
                FloatVector bv = FloatVector.fromArray(Gemm.F, b, bo);
                int a = x0 + t;
                c0 = FloatVector.broadcast(Gemm.F, band[a]).fma(bv, c0);
                c1 = FloatVector.broadcast(Gemm.F, band[a + pixStride]).fma(bv, c1);
                c2 = FloatVector.broadcast(Gemm.F, band[a + 2 * pixStride]).fma(bv, c2);
                c3 = FloatVector.broadcast(Gemm.F, band[a + 3 * pixStride]).fma(bv, c3);
                c4 = FloatVector.broadcast(Gemm.F, band[a + 4 * pixStride]).fma(bv, c4);
                c5 = FloatVector.broadcast(Gemm.F, band[a + 5 * pixStride]).fma(bv, c5);
                c6 = FloatVector.broadcast(Gemm.F, band[a + 6 * pixStride]).fma(bv, c6);
                c7 = FloatVector.broadcast(Gemm.F, band[a + 7 * pixStride]).fma(bv, c7);
                c8 = FloatVector.broadcast(Gemm.F, band[a + 8 * pixStride]).fma(bv, c8);
                c9 = FloatVector.broadcast(Gemm.F, band[a + 9 * pixStride]).fma(bv, c9);
                c10 = FloatVector.broadcast(Gemm.F, band[a + 10 * pixStride]).fma(bv, c10);
                c11 = FloatVector.broadcast(Gemm.F, band[a + 11 * pixStride]).fma(bv, c11);
            }
        }
        VectorMask<Float> m = VectorMask.fromLong(Gemm.F, lastLanes);
        c0.max(lo).min(hi).intoArray(o, oPix, m);
        c1.max(lo).min(hi).intoArray(o, oPix + ldo, m);
        c2.max(lo).min(hi).intoArray(o, oPix + 2 * ldo, m);
        c3.max(lo).min(hi).intoArray(o, oPix + 3 * ldo, m);
        c4.max(lo).min(hi).intoArray(o, oPix + 4 * ldo, m);
        c5.max(lo).min(hi).intoArray(o, oPix + 5 * ldo, m);
        c6.max(lo).min(hi).intoArray(o, oPix + 6 * ldo, m);
        c7.max(lo).min(hi).intoArray(o, oPix + 7 * ldo, m);
        c8.max(lo).min(hi).intoArray(o, oPix + 8 * ldo, m);
        c9.max(lo).min(hi).intoArray(o, oPix + 9 * ldo, m);
        c10.max(lo).min(hi).intoArray(o, oPix + 10 * ldo, m);
        c11.max(lo).min(hi).intoArray(o, oPix + 11 * ldo, m);
    }

    /**
     * One output pixel × one panel of {@code nr} floats (one or two vectors) of a stem, for rows shorter than a
     * tile; of the panel's last vector only {@code lastLanes} are stored.
     */
    private static void stemPixel(float[] band, int x, int bandRow, int kh, int kwc, float[] b, int bOff, int nr,
                                  float[] bias, int col, float[] o, int oPix, long lastLanes, float lo, float hi) {
        for (int v = 0; v < nr; v += Gemm.L) {
            FloatVector acc = FloatVector.fromArray(Gemm.F, bias, col + v);
            int bo = bOff + v;
            for (int ky = 0; ky < kh; ky++) {
                int x0 = x + ky * bandRow;
                for (int t = 0; t < kwc; t++, bo += nr) {
                    acc = FloatVector.broadcast(Gemm.F, band[x0 + t]).fma(FloatVector.fromArray(Gemm.F, b, bo), acc);
                }
            }
            long lanes = v + Gemm.L < nr ? -1L : lastLanes;
            acc.max(lo).min(hi).intoArray(o, oPix + v, VectorMask.fromLong(Gemm.F, lanes));
        }
    }

    /**
     * Writes the receptive fields of output pixels {@code [p0, p1)} (flattened over n, oh, ow), {@code kh·kw·c}
     * floats each, one after another from {@code dst[d]}: the A block of an im2col GEMM.
     */
    static void im2colBlock(float[] in, int inOff, ConvShape s, int p0, int p1, float[] dst, int d) {
        int k = s.kh() * s.kw() * s.c();
        int ow = s.ow();
        int b = p0 / (s.oh() * ow);
        int oy = p0 / ow % s.oh();
        int ox = p0 % ow;
        for (int p = p0; p < p1; p++, d += k) {
            im2colPixel(in, inOff, s, b, oy, ox, dst, d);
            if (++ox == ow) {
                ox = 0;
                if (++oy == s.oh()) {
                    oy = 0;
                    b++;
                }
            }
        }
    }

    /** Writes the receptive field of output pixel (b, oy, ox) as {@code kh·kw·c} floats at {@code dst[d]}. */
    private static void im2colPixel(float[] in, int inOff, ConvShape s, int b, int oy, int ox, float[] dst, int d) {
        int c = s.c();
        int iy0 = oy * s.strideH() - s.padTop();
        int ix0 = ox * s.strideW() - s.padLeft();
        int rowFloats = s.kw() * c;
        boolean rowInside = ix0 >= 0 && ix0 + (s.kw() - 1) * s.dilationW() < s.w();
        for (int ky = 0; ky < s.kh(); ky++, d += rowFloats) {
            int iy = iy0 + ky * s.dilationH();
            if (iy < 0 || iy >= s.h()) {
                java.util.Arrays.fill(dst, d, d + rowFloats, 0f);
                continue;
            }
            int src = inOff + ((b * s.h() + iy) * s.w() + ix0) * c;
            if (rowInside && s.dilationW() == 1) {
                copy(in, src, dst, d, rowFloats);
                continue;
            }
            for (int kx = 0; kx < s.kw(); kx++) {
                int ix = ix0 + kx * s.dilationW();
                if (ix < 0 || ix >= s.w()) {
                    java.util.Arrays.fill(dst, d + kx * c, d + kx * c + c, 0f);
                } else {
                    copy(in, src + kx * s.dilationW() * c, dst, d + kx * c, c);
                }
            }
        }
    }

    /**
     * Copies {@code n} floats. A 3-channel stem copies window rows of 9–15 floats per pixel, where
     * arraycopy's call dominates: such copies move one whole vector instead. The lanes past {@code n} land
     * on scratch cells that the ascending im2col writes overwrite next (the scratch has a vector of slack).
     */
    private static void copy(float[] src, int from, float[] dst, int to, int n) {
        if (n <= Gemm.L && from + Gemm.L <= src.length) {
            FloatVector.fromArray(Gemm.F, src, from).intoArray(dst, to);
        } else {
            System.arraycopy(src, from, dst, to, n);
        }
    }

    /**
     * Scalar twin of {@link #conv}: direct loops over the window in {@code (ky, kx, c)} order, taps outside
     * the input contributing {@code fma(0, w, acc)} exactly like the zeros of the im2col copy.
     */
    public static void convScalar(float[] in, int inOff, ConvShape s, PackedWeights w, float[] out, int outOff,
                                  int pixel0, int pixel1, float lo, float hi) {
        int k = s.kh() * s.kw() * s.c();
        directScalar(in, inOff, s, w.bias, (o, kk) -> w.data[(o / w.nr * k + kk) * w.nr + o % w.nr], out, outOff,
                pixel0, pixel1, lo, hi);
    }

    /** Filter weight of output channel {@code o} at reduction index {@code kk} (window order {@code (ky, kx, c)}). */
    interface FilterWeight {
        float at(int o, int kk);
    }

    /**
     * The direct convolution behind every scalar twin of a convolution kernel, whatever the weights' storage:
     * one {@code fma} per tap in {@code (ky, kx, c)} order from the bias, zeros for taps outside the input.
     */
    static void directScalar(float[] in, int inOff, ConvShape s, float[] bias, FilterWeight weight, float[] out,
                             int outOff, int pixel0, int pixel1, float lo, float hi) {
        int c = s.c();
        int perImage = s.oh() * s.ow();
        for (int p = pixel0; p < pixel1; p++) {
            int b = p / perImage;
            int oy = p % perImage / s.ow();
            int ox = p % s.ow();
            for (int o = 0; o < s.oc(); o++) {
                float acc = bias[o];
                int kk = 0;
                for (int ky = 0; ky < s.kh(); ky++) {
                    int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                    for (int kx = 0; kx < s.kw(); kx++) {
                        int ix = ox * s.strideW() - s.padLeft() + kx * s.dilationW();
                        boolean inside = iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w();
                        for (int ci = 0; ci < c; ci++, kk++) {
                            float x = inside ? in[inOff + ((b * s.h() + iy) * s.w() + ix) * c + ci] : 0f;
                            acc = Math.fma(x, weight.at(o, kk), acc);
                        }
                    }
                }
                out[outOff + p * s.oc() + o] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }
}
