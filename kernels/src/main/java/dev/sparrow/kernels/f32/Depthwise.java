package dev.sparrow.kernels.f32;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Depthwise convolution over NHWC, vectorised over channels. Filter {@code [kh, kw, c]} (TFLite's
 * {@code [1, kh, kw, c·m]} with multiplier 1); a multiplier {@code m > 1} is run by first expanding the
 * input with {@link #expandChannels} so that channel {@code ic·m + j} holds input channel {@code ic}.
 * Each output channel is summed as {@code fma(x, w, acc)} from the bias over the in-bounds taps in
 * {@code (ky, kx)} order; {@link #depthwiseScalar} does the same and agrees bit for bit.
 */
public final class Depthwise {
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final int L = F.length();

    private Depthwise() {}

    /** Computes output rows {@code [row0, row1)} (flattened over n and oh); requires {@code s.c() == s.oc()}. */
    public static void depthwise(float[] in, int inOff, ConvShape s, float[] weights, float[] bias, float[] out,
                                 int outOff, int row0, int row1, float lo, float hi) {
        int c = s.c();
        // Output columns whose whole window row lies inside the input: [oxIn, oxOut).
        int oxIn = Math.min(s.ow(), (s.padLeft() + s.strideW() - 1) / s.strideW());
        int lastStart = s.w() - 1 - (s.kw() - 1) * s.dilationW() + s.padLeft();
        int oxOut = lastStart < 0 ? 0 : Math.min(s.ow(), lastStart / s.strideW() + 1);
        boolean unitStride = s.strideW() == 1 && s.dilationW() == 1;
        // Fewer channels than lanes, dividing the vector: the interior of a row is one flat run of floats (see
        // flatBlock). A whole vector of channels takes the pixel kernels, which share loads between taps.
        int flatPixels = 0;
        float[] periodic = null;
        if (unitStride && c < L && L % c == 0 && oxOut - oxIn >= FLAT_VECTORS * L / c) {
            flatPixels = (oxOut - oxIn) * c / (FLAT_VECTORS * L) * (FLAT_VECTORS * L / c);
            periodic = periodicTaps(weights, bias, s.kh() * s.kw(), c);
        }
        // Row pairs share their middle input rows (see twoRowOct3x3); flat rows keep their own path.
        boolean pairs = unitStride && s.strideH() == 1 && s.dilationH() == 1 && s.kh() == s.kw()
                && (s.kw() == 3 || s.kw() == 5) && flatPixels == 0 && c >= L && oxOut - oxIn >= 8;
        // Many channels on a small plane: a pass over the rows per slab of 4L channels keeps the slab's weights
        // in L1 (and its input plane near), where a pass over all channels per pixel re-streams every weight
        // from L2 at every pixel (25·1152 floats for pose_detection's 7² × 1152 layers).
        int slab = c > 4 * L && s.h() * s.w() <= SLAB_PLANE ? 4 * L : c;
        for (int c0 = 0; c0 < c; c0 += slab) {
            rows(in, inOff, s, weights, bias, out, outOff, row0, row1, lo, hi, c0, Math.min(c, c0 + slab), oxIn,
                    oxOut, flatPixels, periodic, pairs);
        }
    }

    /** Planes of at most this many pixels run wide layers in channel slabs (see {@link #depthwise}). */
    private static final int SLAB_PLANE = 256;

    /** Output rows {@code [row0, row1)} of {@link #depthwise}, channels {@code [c0, c1)}. */
    private static void rows(float[] in, int inOff, ConvShape s, float[] weights, float[] bias, float[] out,
                             int outOff, int row0, int row1, float lo, float hi, int c0, int c1, int oxIn, int oxOut,
                             int flatPixels, float[] periodic, boolean pairs) {
        int c = s.c();
        boolean unitStride = s.strideW() == 1 && s.dilationW() == 1;
        boolean stride2 = s.strideW() == 2 && s.dilationW() == 1;
        for (int r = row0; r < row1; r++) {
            int b = r / s.oh();
            int oy = r % s.oh();
            int iy0 = oy * s.strideH() - s.padTop();
            int kyLo = firstTap(iy0, s.dilationH());
            int kyHi = endTap(iy0, s.dilationH(), s.kh(), s.h());
            int inRow = inOff + b * s.h() * s.w() * c;
            int outRow = outOff + (b * s.oh() + oy) * s.ow() * c;
            if (pairs && r + 1 < row1 && oy + 1 < s.oh() && iy0 >= 0 && iy0 + s.kh() + 1 <= s.h()) {
                rowPair(in, inRow, s, iy0, oxIn, oxOut, c0, c1, weights, bias, out, outRow, lo, hi);
                r++;
                continue;
            }
            int ox = 0;
            while (ox < s.ow()) {
                if (ox == oxIn && flatPixels > 0) {
                    int o = inRow + (ox - s.padLeft()) * c;
                    int d = outRow + ox * c;
                    for (int f = 0; f < flatPixels * c; f += FLAT_VECTORS * L) {
                        flatBlock(in, o + f, s, iy0, kyLo, kyHi, periodic, out, d + f, lo, hi);
                    }
                    ox += flatPixels;
                    continue;
                }
                // The last block of the interior is moved back to end at oxOut, recomputing a few pixels of
                // the previous block (same inputs, same values) instead of leaving them to the slow
                // one-pixel path: with a folded PAD the interior is ow − 2, not a multiple of 8. With whole
                // channel vectors even a remainder of one to four pixels costs less as a moved-back block of
                // eight (shared loads, eight chains) than as a masked four-pixel block.
                if (ox >= oxIn && (oxOut - ox > 4 || c >= L && ox < oxOut) && oxOut - oxIn >= 8) {
                    int at = Math.min(ox, oxOut - 8);
                    if (c >= L) {
                        // The channels past the last whole vector are done by the vector ending at c, which
                        // recomputes some channels of the one before it (same values) instead of masking.
                        for (int next = c0; next < c1; next += L) {
                            int ch = Math.min(next, c - L);
                            if (unitStride && s.kw() == 3) {
                                octRowOfThree(in, inRow, s, iy0, kyLo, kyHi, at, ch, weights, bias, out, outRow, lo,
                                        hi);
                            } else if (unitStride && s.kw() == 5) {
                                octRowOfFive(in, inRow, s, iy0, kyLo, kyHi, at, ch, weights, bias, out, outRow, lo, hi);
                            } else if (stride2 && s.kw() == 3) {
                                octRowOfThreeStride2(in, inRow, s, iy0, kyLo, kyHi, at, ch, weights, bias, out, outRow,
                                        lo, hi);
                            } else if (stride2 && s.kw() == 5) {
                                octRowOfFiveStride2(in, inRow, s, iy0, kyLo, kyHi, at, ch, weights, bias, out, outRow,
                                        lo, hi);
                            } else {
                                oct(in, inRow, s, iy0, kyLo, kyHi, at, ch, weights, bias, out, outRow, lo, hi);
                            }
                        }
                    } else {
                        quad(in, inRow, s, iy0, kyLo, kyHi, at, 0, weights, bias, out, outRow, lo, hi);
                        quad(in, inRow, s, iy0, kyLo, kyHi, at + 4, 0, weights, bias, out, outRow, lo, hi);
                    }
                    ox = at + 8;
                } else if (ox >= oxIn && ox < oxOut && oxOut - oxIn >= 4) {
                    int at = Math.min(ox, oxOut - 4);
                    for (int ch = c0; ch < c1; ch += L) {
                        quad(in, inRow, s, iy0, kyLo, kyHi, at, ch, weights, bias, out, outRow, lo, hi);
                    }
                    ox = at + 4;
                } else {
                    pixel(in, inRow, s, iy0, kyLo, kyHi, ox, c0, c1, weights, bias, out, outRow, lo, hi);
                    ox++;
                }
            }
        }
    }

    /**
     * Output rows {@code oy} and {@code oy + 1} of a 3×3 or 5×5 stride-1 layer whose windows lie inside the
     * input vertically ({@code iy0 ≥ 0}, kh + 1 input rows from {@code iy0}): the interior in blocks of eight
     * (3×3) or six (5×5) pixels, the last one moved back to end at {@code oxOut}, the border columns pixel by
     * pixel. Needs at least eight interior pixels and one whole channel vector.
     */
    private static void rowPair(float[] in, int inRow, ConvShape s, int iy0, int oxIn, int oxOut, int c0, int c1,
                                float[] weights, float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        int nextRow = outRow + s.ow() * c;
        for (int ox = 0; ox < oxIn; ox++) {
            pixel(in, inRow, s, iy0, 0, s.kh(), ox, c0, c1, weights, bias, out, outRow, lo, hi);
            pixel(in, inRow, s, iy0 + 1, 0, s.kh(), ox, c0, c1, weights, bias, out, nextRow, lo, hi);
        }
        int block = s.kw() == 3 ? 8 : 6;
        for (int ox = oxIn; ox < oxOut; ox += block) {
            int at = Math.min(ox, oxOut - block);
            for (int next = c0; next < c1; next += L) {
                int ch = Math.min(next, c - L);
                if (s.kw() == 3) {
                    twoRowOct3x3(in, inRow, s, iy0, at, ch, weights, bias, out, outRow, lo, hi);
                } else {
                    twoRowHex5x5(in, inRow, s, iy0, at, ch, weights, bias, out, outRow, lo, hi);
                }
            }
        }
        for (int ox = oxOut; ox < s.ow(); ox++) {
            pixel(in, inRow, s, iy0, 0, s.kh(), ox, c0, c1, weights, bias, out, outRow, lo, hi);
            pixel(in, inRow, s, iy0 + 1, 0, s.kh(), ox, c0, c1, weights, bias, out, nextRow, lo, hi);
        }
    }

    /**
     * Two output rows × eight pixels of a 3×3 window at stride 1, one channel vector, all taps in bounds: the
     * four input rows under the pair are loaded once for both rows (window row {@code i} of the upper row is
     * window row {@code i − 1} of the lower one), and the sixteen independent accumulators keep both FMA pipes
     * busy where eight chains of nine dependent FMAs leave them waiting. Each accumulator still sums its taps
     * in (ky, kx) order from the bias. {@code iy0} is the upper row's first input row; the lower row's outputs
     * follow one output row later.
     */
    private static void twoRowOct3x3(float[] in, int inRow, ConvShape s, int iy0, int ox, int ch, float[] weights,
                                     float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        int rowFloats = s.w() * c;
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        FloatVector b4 = a0;
        FloatVector b5 = a0;
        FloatVector b6 = a0;
        FloatVector b7 = a0;
        int x0 = inRow + iy0 * rowFloats + (ox - s.padLeft()) * c + ch;
        // input row 0: window row 0 of the upper output row only
        FloatVector u0 = FloatVector.fromArray(F, weights, ch);
        FloatVector u1 = FloatVector.fromArray(F, weights, ch + c);
        FloatVector u2 = FloatVector.fromArray(F, weights, ch + 2 * c);
        int o = x0;
        FloatVector x;
        x = FloatVector.fromArray(F, in, o);
        a0 = x.fma(u0, a0);
        x = FloatVector.fromArray(F, in, o + c);
        a1 = x.fma(u0, a1);
        a0 = x.fma(u1, a0);
        x = FloatVector.fromArray(F, in, o + 2 * c);
        a2 = x.fma(u0, a2);
        a1 = x.fma(u1, a1);
        a0 = x.fma(u2, a0);
        x = FloatVector.fromArray(F, in, o + 3 * c);
        a3 = x.fma(u0, a3);
        a2 = x.fma(u1, a2);
        a1 = x.fma(u2, a1);
        x = FloatVector.fromArray(F, in, o + 4 * c);
        a4 = x.fma(u0, a4);
        a3 = x.fma(u1, a3);
        a2 = x.fma(u2, a2);
        x = FloatVector.fromArray(F, in, o + 5 * c);
        a5 = x.fma(u0, a5);
        a4 = x.fma(u1, a4);
        a3 = x.fma(u2, a3);
        x = FloatVector.fromArray(F, in, o + 6 * c);
        a6 = x.fma(u0, a6);
        a5 = x.fma(u1, a5);
        a4 = x.fma(u2, a4);
        x = FloatVector.fromArray(F, in, o + 7 * c);
        a7 = x.fma(u0, a7);
        a6 = x.fma(u1, a6);
        a5 = x.fma(u2, a5);
        x = FloatVector.fromArray(F, in, o + 8 * c);
        a7 = x.fma(u1, a7);
        a6 = x.fma(u2, a6);
        x = FloatVector.fromArray(F, in, o + 9 * c);
        a7 = x.fma(u2, a7);
        // input rows 1 and 2: window row i of the upper output row, i − 1 of the lower
        for (int i = 1; i < 3; i++) {
            o = x0 + i * rowFloats;
            int wo = i * 3 * c + ch;
            u0 = FloatVector.fromArray(F, weights, wo);
            u1 = FloatVector.fromArray(F, weights, wo + c);
            u2 = FloatVector.fromArray(F, weights, wo + 2 * c);
            FloatVector v0 = FloatVector.fromArray(F, weights, wo - 3 * c);
            FloatVector v1 = FloatVector.fromArray(F, weights, wo - 2 * c);
            FloatVector v2 = FloatVector.fromArray(F, weights, wo - c);
            x = FloatVector.fromArray(F, in, o);
            a0 = x.fma(u0, a0);
            b0 = x.fma(v0, b0);
            x = FloatVector.fromArray(F, in, o + c);
            a1 = x.fma(u0, a1);
            a0 = x.fma(u1, a0);
            b1 = x.fma(v0, b1);
            b0 = x.fma(v1, b0);
            x = FloatVector.fromArray(F, in, o + 2 * c);
            a2 = x.fma(u0, a2);
            a1 = x.fma(u1, a1);
            a0 = x.fma(u2, a0);
            b2 = x.fma(v0, b2);
            b1 = x.fma(v1, b1);
            b0 = x.fma(v2, b0);
            x = FloatVector.fromArray(F, in, o + 3 * c);
            a3 = x.fma(u0, a3);
            a2 = x.fma(u1, a2);
            a1 = x.fma(u2, a1);
            b3 = x.fma(v0, b3);
            b2 = x.fma(v1, b2);
            b1 = x.fma(v2, b1);
            x = FloatVector.fromArray(F, in, o + 4 * c);
            a4 = x.fma(u0, a4);
            a3 = x.fma(u1, a3);
            a2 = x.fma(u2, a2);
            b4 = x.fma(v0, b4);
            b3 = x.fma(v1, b3);
            b2 = x.fma(v2, b2);
            x = FloatVector.fromArray(F, in, o + 5 * c);
            a5 = x.fma(u0, a5);
            a4 = x.fma(u1, a4);
            a3 = x.fma(u2, a3);
            b5 = x.fma(v0, b5);
            b4 = x.fma(v1, b4);
            b3 = x.fma(v2, b3);
            x = FloatVector.fromArray(F, in, o + 6 * c);
            a6 = x.fma(u0, a6);
            a5 = x.fma(u1, a5);
            a4 = x.fma(u2, a4);
            b6 = x.fma(v0, b6);
            b5 = x.fma(v1, b5);
            b4 = x.fma(v2, b4);
            x = FloatVector.fromArray(F, in, o + 7 * c);
            a7 = x.fma(u0, a7);
            a6 = x.fma(u1, a6);
            a5 = x.fma(u2, a5);
            b7 = x.fma(v0, b7);
            b6 = x.fma(v1, b6);
            b5 = x.fma(v2, b5);
            x = FloatVector.fromArray(F, in, o + 8 * c);
            a7 = x.fma(u1, a7);
            a6 = x.fma(u2, a6);
            b7 = x.fma(v1, b7);
            b6 = x.fma(v2, b6);
            x = FloatVector.fromArray(F, in, o + 9 * c);
            a7 = x.fma(u2, a7);
            b7 = x.fma(v2, b7);
        }
        // input row 3: window row 2 of the lower output row only
        u0 = FloatVector.fromArray(F, weights, 6 * c + ch);
        u1 = FloatVector.fromArray(F, weights, 7 * c + ch);
        u2 = FloatVector.fromArray(F, weights, 8 * c + ch);
        o = x0 + 3 * rowFloats;
        x = FloatVector.fromArray(F, in, o);
        b0 = x.fma(u0, b0);
        x = FloatVector.fromArray(F, in, o + c);
        b1 = x.fma(u0, b1);
        b0 = x.fma(u1, b0);
        x = FloatVector.fromArray(F, in, o + 2 * c);
        b2 = x.fma(u0, b2);
        b1 = x.fma(u1, b1);
        b0 = x.fma(u2, b0);
        x = FloatVector.fromArray(F, in, o + 3 * c);
        b3 = x.fma(u0, b3);
        b2 = x.fma(u1, b2);
        b1 = x.fma(u2, b1);
        x = FloatVector.fromArray(F, in, o + 4 * c);
        b4 = x.fma(u0, b4);
        b3 = x.fma(u1, b3);
        b2 = x.fma(u2, b2);
        x = FloatVector.fromArray(F, in, o + 5 * c);
        b5 = x.fma(u0, b5);
        b4 = x.fma(u1, b4);
        b3 = x.fma(u2, b3);
        x = FloatVector.fromArray(F, in, o + 6 * c);
        b6 = x.fma(u0, b6);
        b5 = x.fma(u1, b5);
        b4 = x.fma(u2, b4);
        x = FloatVector.fromArray(F, in, o + 7 * c);
        b7 = x.fma(u0, b7);
        b6 = x.fma(u1, b6);
        b5 = x.fma(u2, b5);
        x = FloatVector.fromArray(F, in, o + 8 * c);
        b7 = x.fma(u1, b7);
        b6 = x.fma(u2, b6);
        x = FloatVector.fromArray(F, in, o + 9 * c);
        b7 = x.fma(u2, b7);
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + c);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c);
        a4.max(lo).min(hi).intoArray(out, d + 4 * c);
        a5.max(lo).min(hi).intoArray(out, d + 5 * c);
        a6.max(lo).min(hi).intoArray(out, d + 6 * c);
        a7.max(lo).min(hi).intoArray(out, d + 7 * c);
        d += s.ow() * c;
        b0.max(lo).min(hi).intoArray(out, d);
        b1.max(lo).min(hi).intoArray(out, d + c);
        b2.max(lo).min(hi).intoArray(out, d + 2 * c);
        b3.max(lo).min(hi).intoArray(out, d + 3 * c);
        b4.max(lo).min(hi).intoArray(out, d + 4 * c);
        b5.max(lo).min(hi).intoArray(out, d + 5 * c);
        b6.max(lo).min(hi).intoArray(out, d + 6 * c);
        b7.max(lo).min(hi).intoArray(out, d + 7 * c);
    }


    /**
     * {@link #twoRowOct3x3} for 5×5 windows, six pixels wide: the six input rows under the pair are loaded once
     * for both rows (60 input and 50 weight loads for 300 FMAs, where {@link #octRowOfFive} loads 85 for 200),
     * with twelve chains. Eight pixels would need ten weight vectors next to sixteen accumulators, more than
     * C1's register allocator takes (it gives up on such a method, which then runs interpreted until C2
     * compiles it).
     */
    private static void twoRowHex5x5(float[] in, int inRow, ConvShape s, int iy0, int ox, int ch, float[] weights,
                                     float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        int rowFloats = s.w() * c;
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        FloatVector b4 = a0;
        FloatVector b5 = a0;
        int x0 = inRow + iy0 * rowFloats + (ox - s.padLeft()) * c + ch;
        // input row 0: window row 0 of the upper output row only
        FloatVector u0 = FloatVector.fromArray(F, weights, ch);
        FloatVector u1 = FloatVector.fromArray(F, weights, ch + c);
        FloatVector u2 = FloatVector.fromArray(F, weights, ch + 2 * c);
        FloatVector u3 = FloatVector.fromArray(F, weights, ch + 3 * c);
        FloatVector u4 = FloatVector.fromArray(F, weights, ch + 4 * c);
        int o = x0;
        FloatVector x;
        x = FloatVector.fromArray(F, in, o);
        a0 = x.fma(u0, a0);
        x = FloatVector.fromArray(F, in, o + c);
        a1 = x.fma(u0, a1);
        a0 = x.fma(u1, a0);
        x = FloatVector.fromArray(F, in, o + 2 * c);
        a2 = x.fma(u0, a2);
        a1 = x.fma(u1, a1);
        a0 = x.fma(u2, a0);
        x = FloatVector.fromArray(F, in, o + 3 * c);
        a3 = x.fma(u0, a3);
        a2 = x.fma(u1, a2);
        a1 = x.fma(u2, a1);
        a0 = x.fma(u3, a0);
        x = FloatVector.fromArray(F, in, o + 4 * c);
        a4 = x.fma(u0, a4);
        a3 = x.fma(u1, a3);
        a2 = x.fma(u2, a2);
        a1 = x.fma(u3, a1);
        a0 = x.fma(u4, a0);
        x = FloatVector.fromArray(F, in, o + 5 * c);
        a5 = x.fma(u0, a5);
        a4 = x.fma(u1, a4);
        a3 = x.fma(u2, a3);
        a2 = x.fma(u3, a2);
        a1 = x.fma(u4, a1);
        x = FloatVector.fromArray(F, in, o + 6 * c);
        a5 = x.fma(u1, a5);
        a4 = x.fma(u2, a4);
        a3 = x.fma(u3, a3);
        a2 = x.fma(u4, a2);
        x = FloatVector.fromArray(F, in, o + 7 * c);
        a5 = x.fma(u2, a5);
        a4 = x.fma(u3, a4);
        a3 = x.fma(u4, a3);
        x = FloatVector.fromArray(F, in, o + 8 * c);
        a5 = x.fma(u3, a5);
        a4 = x.fma(u4, a4);
        x = FloatVector.fromArray(F, in, o + 9 * c);
        a5 = x.fma(u4, a5);
        // input rows 1 to 4: window row i of the upper output row, i − 1 of the lower
        for (int i = 1; i < 5; i++) {
            o = x0 + i * rowFloats;
            int wo = i * 5 * c + ch;
            u0 = FloatVector.fromArray(F, weights, wo);
            u1 = FloatVector.fromArray(F, weights, wo + c);
            u2 = FloatVector.fromArray(F, weights, wo + 2 * c);
            u3 = FloatVector.fromArray(F, weights, wo + 3 * c);
            u4 = FloatVector.fromArray(F, weights, wo + 4 * c);
            FloatVector v0 = FloatVector.fromArray(F, weights, wo - 5 * c);
            FloatVector v1 = FloatVector.fromArray(F, weights, wo - 4 * c);
            FloatVector v2 = FloatVector.fromArray(F, weights, wo - 3 * c);
            FloatVector v3 = FloatVector.fromArray(F, weights, wo - 2 * c);
            FloatVector v4 = FloatVector.fromArray(F, weights, wo - c);
            x = FloatVector.fromArray(F, in, o);
            a0 = x.fma(u0, a0);
            b0 = x.fma(v0, b0);
            x = FloatVector.fromArray(F, in, o + c);
            a1 = x.fma(u0, a1);
            a0 = x.fma(u1, a0);
            b1 = x.fma(v0, b1);
            b0 = x.fma(v1, b0);
            x = FloatVector.fromArray(F, in, o + 2 * c);
            a2 = x.fma(u0, a2);
            a1 = x.fma(u1, a1);
            a0 = x.fma(u2, a0);
            b2 = x.fma(v0, b2);
            b1 = x.fma(v1, b1);
            b0 = x.fma(v2, b0);
            x = FloatVector.fromArray(F, in, o + 3 * c);
            a3 = x.fma(u0, a3);
            a2 = x.fma(u1, a2);
            a1 = x.fma(u2, a1);
            a0 = x.fma(u3, a0);
            b3 = x.fma(v0, b3);
            b2 = x.fma(v1, b2);
            b1 = x.fma(v2, b1);
            b0 = x.fma(v3, b0);
            x = FloatVector.fromArray(F, in, o + 4 * c);
            a4 = x.fma(u0, a4);
            a3 = x.fma(u1, a3);
            a2 = x.fma(u2, a2);
            a1 = x.fma(u3, a1);
            a0 = x.fma(u4, a0);
            b4 = x.fma(v0, b4);
            b3 = x.fma(v1, b3);
            b2 = x.fma(v2, b2);
            b1 = x.fma(v3, b1);
            b0 = x.fma(v4, b0);
            x = FloatVector.fromArray(F, in, o + 5 * c);
            a5 = x.fma(u0, a5);
            a4 = x.fma(u1, a4);
            a3 = x.fma(u2, a3);
            a2 = x.fma(u3, a2);
            a1 = x.fma(u4, a1);
            b5 = x.fma(v0, b5);
            b4 = x.fma(v1, b4);
            b3 = x.fma(v2, b3);
            b2 = x.fma(v3, b2);
            b1 = x.fma(v4, b1);
            x = FloatVector.fromArray(F, in, o + 6 * c);
            a5 = x.fma(u1, a5);
            a4 = x.fma(u2, a4);
            a3 = x.fma(u3, a3);
            a2 = x.fma(u4, a2);
            b5 = x.fma(v1, b5);
            b4 = x.fma(v2, b4);
            b3 = x.fma(v3, b3);
            b2 = x.fma(v4, b2);
            x = FloatVector.fromArray(F, in, o + 7 * c);
            a5 = x.fma(u2, a5);
            a4 = x.fma(u3, a4);
            a3 = x.fma(u4, a3);
            b5 = x.fma(v2, b5);
            b4 = x.fma(v3, b4);
            b3 = x.fma(v4, b3);
            x = FloatVector.fromArray(F, in, o + 8 * c);
            a5 = x.fma(u3, a5);
            a4 = x.fma(u4, a4);
            b5 = x.fma(v3, b5);
            b4 = x.fma(v4, b4);
            x = FloatVector.fromArray(F, in, o + 9 * c);
            a5 = x.fma(u4, a5);
            b5 = x.fma(v4, b5);
        }
        // input row 5: window row 4 of the lower output row only
        u0 = FloatVector.fromArray(F, weights, 20 * c + ch);
        u1 = FloatVector.fromArray(F, weights, 21 * c + ch);
        u2 = FloatVector.fromArray(F, weights, 22 * c + ch);
        u3 = FloatVector.fromArray(F, weights, 23 * c + ch);
        u4 = FloatVector.fromArray(F, weights, 24 * c + ch);
        o = x0 + 5 * rowFloats;
        x = FloatVector.fromArray(F, in, o);
        b0 = x.fma(u0, b0);
        x = FloatVector.fromArray(F, in, o + c);
        b1 = x.fma(u0, b1);
        b0 = x.fma(u1, b0);
        x = FloatVector.fromArray(F, in, o + 2 * c);
        b2 = x.fma(u0, b2);
        b1 = x.fma(u1, b1);
        b0 = x.fma(u2, b0);
        x = FloatVector.fromArray(F, in, o + 3 * c);
        b3 = x.fma(u0, b3);
        b2 = x.fma(u1, b2);
        b1 = x.fma(u2, b1);
        b0 = x.fma(u3, b0);
        x = FloatVector.fromArray(F, in, o + 4 * c);
        b4 = x.fma(u0, b4);
        b3 = x.fma(u1, b3);
        b2 = x.fma(u2, b2);
        b1 = x.fma(u3, b1);
        b0 = x.fma(u4, b0);
        x = FloatVector.fromArray(F, in, o + 5 * c);
        b5 = x.fma(u0, b5);
        b4 = x.fma(u1, b4);
        b3 = x.fma(u2, b3);
        b2 = x.fma(u3, b2);
        b1 = x.fma(u4, b1);
        x = FloatVector.fromArray(F, in, o + 6 * c);
        b5 = x.fma(u1, b5);
        b4 = x.fma(u2, b4);
        b3 = x.fma(u3, b3);
        b2 = x.fma(u4, b2);
        x = FloatVector.fromArray(F, in, o + 7 * c);
        b5 = x.fma(u2, b5);
        b4 = x.fma(u3, b4);
        b3 = x.fma(u4, b3);
        x = FloatVector.fromArray(F, in, o + 8 * c);
        b5 = x.fma(u3, b5);
        b4 = x.fma(u4, b4);
        x = FloatVector.fromArray(F, in, o + 9 * c);
        b5 = x.fma(u4, b5);
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + c);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c);
        a4.max(lo).min(hi).intoArray(out, d + 4 * c);
        a5.max(lo).min(hi).intoArray(out, d + 5 * c);
        d += s.ow() * c;
        b0.max(lo).min(hi).intoArray(out, d);
        b1.max(lo).min(hi).intoArray(out, d + c);
        b2.max(lo).min(hi).intoArray(out, d + 2 * c);
        b3.max(lo).min(hi).intoArray(out, d + 3 * c);
        b4.max(lo).min(hi).intoArray(out, d + 4 * c);
        b5.max(lo).min(hi).intoArray(out, d + 5 * c);
    }

    /**
     * Eight neighbouring interior output pixels, one full channel vector: as {@link #quad} with twice the
     * chains. Unmasked on purpose: with masks the method outgrows C1's register allocator, and a method C1
     * gives up on never reaches C2 (measured: depthwise 20× slower).
     */
    private static void oct(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ox, int ch,
                            float[] weights, float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        int step = s.strideW() * c;
        int tap = s.dilationW() * c;
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int x0 = (ox * s.strideW() - s.padLeft()) * c + ch;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int o = inRow + (iy0 + ky * s.dilationH()) * s.w() * c + x0;
            int wo = ky * s.kw() * c + ch;
            for (int kx = 0; kx < s.kw(); kx++, o += tap, wo += c) {
                FloatVector w = FloatVector.fromArray(F, weights, wo);
                a0 = FloatVector.fromArray(F, in, o).fma(w, a0);
                a1 = FloatVector.fromArray(F, in, o + step).fma(w, a1);
                a2 = FloatVector.fromArray(F, in, o + 2 * step).fma(w, a2);
                a3 = FloatVector.fromArray(F, in, o + 3 * step).fma(w, a3);
                a4 = FloatVector.fromArray(F, in, o + 4 * step).fma(w, a4);
                a5 = FloatVector.fromArray(F, in, o + 5 * step).fma(w, a5);
                a6 = FloatVector.fromArray(F, in, o + 6 * step).fma(w, a6);
                a7 = FloatVector.fromArray(F, in, o + 7 * step).fma(w, a7);
            }
        }
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + c);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c);
        a4.max(lo).min(hi).intoArray(out, d + 4 * c);
        a5.max(lo).min(hi).intoArray(out, d + 5 * c);
        a6.max(lo).min(hi).intoArray(out, d + 6 * c);
        a7.max(lo).min(hi).intoArray(out, d + 7 * c);
    }

    /** Vectors per {@link #flatBlock}: four independent accumulator chains. */
    private static final int FLAT_VECTORS = 4;

    /**
     * Weights and bias for {@link #flatBlock}: one vector per tap (then one for the bias) whose lane
     * {@code l} holds channel {@code l mod c}.
     */
    private static float[] periodicTaps(float[] weights, float[] bias, int taps, int c) {
        float[] p = new float[(taps + 1) * L];
        for (int t = 0; t <= taps; t++) {
            for (int l = 0; l < L; l++) {
                p[t * L + l] = t < taps ? weights[t * c + l % c] : bias[l % c];
            }
        }
        return p;
    }

    /**
     * Four vectors of interior output floats at stride 1 when the channel count divides the vector: in
     * NHWC the window tap (ky, kx) of output float {@code j} is input float {@code j + kx·c} of row ky, and
     * its weight repeats with period {@code c}, so whole vectors span several pixels with every lane busy
     * (an 8-channel layer otherwise fills half of a 16-lane vector). {@code o} is the input float of the
     * block's first output float at kx = 0 in row {@code iy0} (before ky); taps in (ky, kx) order from the bias.
     */
    private static void flatBlock(float[] in, int o, ConvShape s, int iy0, int kyLo, int kyHi, float[] periodic,
                                  float[] out, int d, float lo, float hi) {
        int c = s.c();
        int kw = s.kw();
        FloatVector a0 = FloatVector.fromArray(F, periodic, s.kh() * kw * L);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int x = o + (iy0 + ky * s.dilationH()) * s.w() * c;
            int wo = ky * kw * L;
            for (int kx = 0; kx < kw; kx++, x += c, wo += L) {
                FloatVector w = FloatVector.fromArray(F, periodic, wo);
                a0 = FloatVector.fromArray(F, in, x).fma(w, a0);
                a1 = FloatVector.fromArray(F, in, x + L).fma(w, a1);
                a2 = FloatVector.fromArray(F, in, x + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(F, in, x + 3 * L).fma(w, a3);
            }
        }
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + L);
        a2.max(lo).min(hi).intoArray(out, d + 2 * L);
        a3.max(lo).min(hi).intoArray(out, d + 3 * L);
    }

    /**
     * {@link #oct} for window rows of 3 taps at stride 1: the eight pixels' taps of one window row cover only
     * ten input vectors, so each is loaded once and used by up to three pixels (ten loads instead of 24 per
     * row; the loads, not the FMAs, bound this loop). Each accumulator still sums its taps in kx order.
     */
    private static void octRowOfThree(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ox, int ch,
                                      float[] weights, float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int x0 = (ox - s.padLeft()) * c + ch;
        int rowFloats = s.w() * c;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int o = inRow + (iy0 + ky * s.dilationH()) * rowFloats + x0;
            int wo = ky * 3 * c + ch;
            FloatVector w0 = FloatVector.fromArray(F, weights, wo);
            FloatVector w1 = FloatVector.fromArray(F, weights, wo + c);
            FloatVector w2 = FloatVector.fromArray(F, weights, wo + 2 * c);
            FloatVector x = FloatVector.fromArray(F, in, o);
            a0 = x.fma(w0, a0);
            x = FloatVector.fromArray(F, in, o + c);
            a0 = x.fma(w1, a0);
            a1 = x.fma(w0, a1);
            x = FloatVector.fromArray(F, in, o + 2 * c);
            a0 = x.fma(w2, a0);
            a1 = x.fma(w1, a1);
            a2 = x.fma(w0, a2);
            x = FloatVector.fromArray(F, in, o + 3 * c);
            a1 = x.fma(w2, a1);
            a2 = x.fma(w1, a2);
            a3 = x.fma(w0, a3);
            x = FloatVector.fromArray(F, in, o + 4 * c);
            a2 = x.fma(w2, a2);
            a3 = x.fma(w1, a3);
            a4 = x.fma(w0, a4);
            x = FloatVector.fromArray(F, in, o + 5 * c);
            a3 = x.fma(w2, a3);
            a4 = x.fma(w1, a4);
            a5 = x.fma(w0, a5);
            x = FloatVector.fromArray(F, in, o + 6 * c);
            a4 = x.fma(w2, a4);
            a5 = x.fma(w1, a5);
            a6 = x.fma(w0, a6);
            x = FloatVector.fromArray(F, in, o + 7 * c);
            a5 = x.fma(w2, a5);
            a6 = x.fma(w1, a6);
            a7 = x.fma(w0, a7);
            x = FloatVector.fromArray(F, in, o + 8 * c);
            a6 = x.fma(w2, a6);
            a7 = x.fma(w1, a7);
            x = FloatVector.fromArray(F, in, o + 9 * c);
            a7 = x.fma(w2, a7);
        }
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + c);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c);
        a4.max(lo).min(hi).intoArray(out, d + 4 * c);
        a5.max(lo).min(hi).intoArray(out, d + 5 * c);
        a6.max(lo).min(hi).intoArray(out, d + 6 * c);
        a7.max(lo).min(hi).intoArray(out, d + 7 * c);
    }

    /**
     * {@link #octRowOfThree} for window rows of 5 taps at stride 1: twelve input vectors feed the 40
     * multiply-adds of one window row (instead of 40 loads).
     */
    private static void octRowOfFive(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ox, int ch,
                                     float[] weights, float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int x0 = (ox - s.padLeft()) * c + ch;
        int rowFloats = s.w() * c;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int o = inRow + (iy0 + ky * s.dilationH()) * rowFloats + x0;
            int wo = ky * 5 * c + ch;
            FloatVector w0 = FloatVector.fromArray(F, weights, wo);
            FloatVector w1 = FloatVector.fromArray(F, weights, wo + c);
            FloatVector w2 = FloatVector.fromArray(F, weights, wo + 2 * c);
            FloatVector w3 = FloatVector.fromArray(F, weights, wo + 3 * c);
            FloatVector w4 = FloatVector.fromArray(F, weights, wo + 4 * c);
            FloatVector x = FloatVector.fromArray(F, in, o);
            a0 = x.fma(w0, a0);
            x = FloatVector.fromArray(F, in, o + 1 * c);
            a1 = x.fma(w0, a1);
            a0 = x.fma(w1, a0);
            x = FloatVector.fromArray(F, in, o + 2 * c);
            a2 = x.fma(w0, a2);
            a1 = x.fma(w1, a1);
            a0 = x.fma(w2, a0);
            x = FloatVector.fromArray(F, in, o + 3 * c);
            a3 = x.fma(w0, a3);
            a2 = x.fma(w1, a2);
            a1 = x.fma(w2, a1);
            a0 = x.fma(w3, a0);
            x = FloatVector.fromArray(F, in, o + 4 * c);
            a4 = x.fma(w0, a4);
            a3 = x.fma(w1, a3);
            a2 = x.fma(w2, a2);
            a1 = x.fma(w3, a1);
            a0 = x.fma(w4, a0);
            x = FloatVector.fromArray(F, in, o + 5 * c);
            a5 = x.fma(w0, a5);
            a4 = x.fma(w1, a4);
            a3 = x.fma(w2, a3);
            a2 = x.fma(w3, a2);
            a1 = x.fma(w4, a1);
            x = FloatVector.fromArray(F, in, o + 6 * c);
            a6 = x.fma(w0, a6);
            a5 = x.fma(w1, a5);
            a4 = x.fma(w2, a4);
            a3 = x.fma(w3, a3);
            a2 = x.fma(w4, a2);
            x = FloatVector.fromArray(F, in, o + 7 * c);
            a7 = x.fma(w0, a7);
            a6 = x.fma(w1, a6);
            a5 = x.fma(w2, a5);
            a4 = x.fma(w3, a4);
            a3 = x.fma(w4, a3);
            x = FloatVector.fromArray(F, in, o + 8 * c);
            a7 = x.fma(w1, a7);
            a6 = x.fma(w2, a6);
            a5 = x.fma(w3, a5);
            a4 = x.fma(w4, a4);
            x = FloatVector.fromArray(F, in, o + 9 * c);
            a7 = x.fma(w2, a7);
            a6 = x.fma(w3, a6);
            a5 = x.fma(w4, a5);
            x = FloatVector.fromArray(F, in, o + 10 * c);
            a7 = x.fma(w3, a7);
            a6 = x.fma(w4, a6);
            x = FloatVector.fromArray(F, in, o + 11 * c);
            a7 = x.fma(w4, a7);
        }
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + c);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c);
        a4.max(lo).min(hi).intoArray(out, d + 4 * c);
        a5.max(lo).min(hi).intoArray(out, d + 5 * c);
        a6.max(lo).min(hi).intoArray(out, d + 6 * c);
        a7.max(lo).min(hi).intoArray(out, d + 7 * c);
    }

    /**
     * {@link #oct} for window rows of 3 taps at stride 2: the eight pixels' taps of one window row cover 17
     * input vectors, each loaded once (every other one feeds two pixels: 17 loads instead of 24 per row).
     * Each accumulator still sums its taps in kx order.
     */
    private static void octRowOfThreeStride2(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ox,
                                             int ch, float[] weights, float[] bias, float[] out, int outRow, float lo,
                                             float hi) {
        int c = s.c();
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int x0 = (2 * ox - s.padLeft()) * c + ch;
        int rowFloats = s.w() * c;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int o = inRow + (iy0 + ky * s.dilationH()) * rowFloats + x0;
            int wo = ky * 3 * c + ch;
            FloatVector w0 = FloatVector.fromArray(F, weights, wo);
            FloatVector w1 = FloatVector.fromArray(F, weights, wo + c);
            FloatVector w2 = FloatVector.fromArray(F, weights, wo + 2 * c);
            FloatVector x = FloatVector.fromArray(F, in, o);
            a0 = x.fma(w0, a0);
            x = FloatVector.fromArray(F, in, o + c);
            a0 = x.fma(w1, a0);
            x = FloatVector.fromArray(F, in, o + 2 * c);
            a1 = x.fma(w0, a1);
            a0 = x.fma(w2, a0);
            x = FloatVector.fromArray(F, in, o + 3 * c);
            a1 = x.fma(w1, a1);
            x = FloatVector.fromArray(F, in, o + 4 * c);
            a2 = x.fma(w0, a2);
            a1 = x.fma(w2, a1);
            x = FloatVector.fromArray(F, in, o + 5 * c);
            a2 = x.fma(w1, a2);
            x = FloatVector.fromArray(F, in, o + 6 * c);
            a3 = x.fma(w0, a3);
            a2 = x.fma(w2, a2);
            x = FloatVector.fromArray(F, in, o + 7 * c);
            a3 = x.fma(w1, a3);
            x = FloatVector.fromArray(F, in, o + 8 * c);
            a4 = x.fma(w0, a4);
            a3 = x.fma(w2, a3);
            x = FloatVector.fromArray(F, in, o + 9 * c);
            a4 = x.fma(w1, a4);
            x = FloatVector.fromArray(F, in, o + 10 * c);
            a5 = x.fma(w0, a5);
            a4 = x.fma(w2, a4);
            x = FloatVector.fromArray(F, in, o + 11 * c);
            a5 = x.fma(w1, a5);
            x = FloatVector.fromArray(F, in, o + 12 * c);
            a6 = x.fma(w0, a6);
            a5 = x.fma(w2, a5);
            x = FloatVector.fromArray(F, in, o + 13 * c);
            a6 = x.fma(w1, a6);
            x = FloatVector.fromArray(F, in, o + 14 * c);
            a7 = x.fma(w0, a7);
            a6 = x.fma(w2, a6);
            x = FloatVector.fromArray(F, in, o + 15 * c);
            a7 = x.fma(w1, a7);
            x = FloatVector.fromArray(F, in, o + 16 * c);
            a7 = x.fma(w2, a7);
        }
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + c);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c);
        a4.max(lo).min(hi).intoArray(out, d + 4 * c);
        a5.max(lo).min(hi).intoArray(out, d + 5 * c);
        a6.max(lo).min(hi).intoArray(out, d + 6 * c);
        a7.max(lo).min(hi).intoArray(out, d + 7 * c);
    }

    /**
     * {@link #octRowOfThreeStride2} for window rows of 5 taps: 19 input vectors feed the 40 multiply-adds of one
     * window row.
     */
    private static void octRowOfFiveStride2(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ox,
                                            int ch, float[] weights, float[] bias, float[] out, int outRow, float lo,
                                            float hi) {
        int c = s.c();
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int x0 = (2 * ox - s.padLeft()) * c + ch;
        int rowFloats = s.w() * c;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int o = inRow + (iy0 + ky * s.dilationH()) * rowFloats + x0;
            int wo = ky * 5 * c + ch;
            FloatVector w0 = FloatVector.fromArray(F, weights, wo);
            FloatVector w1 = FloatVector.fromArray(F, weights, wo + c);
            FloatVector w2 = FloatVector.fromArray(F, weights, wo + 2 * c);
            FloatVector w3 = FloatVector.fromArray(F, weights, wo + 3 * c);
            FloatVector w4 = FloatVector.fromArray(F, weights, wo + 4 * c);
            FloatVector x = FloatVector.fromArray(F, in, o);
            a0 = x.fma(w0, a0);
            x = FloatVector.fromArray(F, in, o + c);
            a0 = x.fma(w1, a0);
            x = FloatVector.fromArray(F, in, o + 2 * c);
            a1 = x.fma(w0, a1);
            a0 = x.fma(w2, a0);
            x = FloatVector.fromArray(F, in, o + 3 * c);
            a1 = x.fma(w1, a1);
            a0 = x.fma(w3, a0);
            x = FloatVector.fromArray(F, in, o + 4 * c);
            a2 = x.fma(w0, a2);
            a1 = x.fma(w2, a1);
            a0 = x.fma(w4, a0);
            x = FloatVector.fromArray(F, in, o + 5 * c);
            a2 = x.fma(w1, a2);
            a1 = x.fma(w3, a1);
            x = FloatVector.fromArray(F, in, o + 6 * c);
            a3 = x.fma(w0, a3);
            a2 = x.fma(w2, a2);
            a1 = x.fma(w4, a1);
            x = FloatVector.fromArray(F, in, o + 7 * c);
            a3 = x.fma(w1, a3);
            a2 = x.fma(w3, a2);
            x = FloatVector.fromArray(F, in, o + 8 * c);
            a4 = x.fma(w0, a4);
            a3 = x.fma(w2, a3);
            a2 = x.fma(w4, a2);
            x = FloatVector.fromArray(F, in, o + 9 * c);
            a4 = x.fma(w1, a4);
            a3 = x.fma(w3, a3);
            x = FloatVector.fromArray(F, in, o + 10 * c);
            a5 = x.fma(w0, a5);
            a4 = x.fma(w2, a4);
            a3 = x.fma(w4, a3);
            x = FloatVector.fromArray(F, in, o + 11 * c);
            a5 = x.fma(w1, a5);
            a4 = x.fma(w3, a4);
            x = FloatVector.fromArray(F, in, o + 12 * c);
            a6 = x.fma(w0, a6);
            a5 = x.fma(w2, a5);
            a4 = x.fma(w4, a4);
            x = FloatVector.fromArray(F, in, o + 13 * c);
            a6 = x.fma(w1, a6);
            a5 = x.fma(w3, a5);
            x = FloatVector.fromArray(F, in, o + 14 * c);
            a7 = x.fma(w0, a7);
            a6 = x.fma(w2, a6);
            a5 = x.fma(w4, a5);
            x = FloatVector.fromArray(F, in, o + 15 * c);
            a7 = x.fma(w1, a7);
            a6 = x.fma(w3, a6);
            x = FloatVector.fromArray(F, in, o + 16 * c);
            a7 = x.fma(w2, a7);
            a6 = x.fma(w4, a6);
            x = FloatVector.fromArray(F, in, o + 17 * c);
            a7 = x.fma(w3, a7);
            x = FloatVector.fromArray(F, in, o + 18 * c);
            a7 = x.fma(w4, a7);
        }
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d);
        a1.max(lo).min(hi).intoArray(out, d + c);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c);
        a4.max(lo).min(hi).intoArray(out, d + 4 * c);
        a5.max(lo).min(hi).intoArray(out, d + 5 * c);
        a6.max(lo).min(hi).intoArray(out, d + 6 * c);
        a7.max(lo).min(hi).intoArray(out, d + 7 * c);
    }

    /**
     * Four neighbouring interior output pixels, one channel vector (lanes past the last channel masked off,
     * so layers with fewer channels than lanes still get the blocking): four independent accumulator chains
     * share each weight load, which hides the FMA latency that a single pixel's chain would expose. The mask is
     * made here, never passed in (see the package documentation of dev.sparrow.kernels).
     */
    private static void quad(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ox, int ch,
                             float[] weights, float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        VectorMask<Float> m = VectorMask.fromLong(F, Gemm.firstLanes(c - ch));
        int step = s.strideW() * c;
        int tap = s.dilationW() * c;
        FloatVector a0 = FloatVector.fromArray(F, bias, ch, m);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int x0 = (ox * s.strideW() - s.padLeft()) * c + ch;
        for (int ky = kyLo; ky < kyHi; ky++) {
            int o = inRow + (iy0 + ky * s.dilationH()) * s.w() * c + x0;
            int wo = ky * s.kw() * c + ch;
            for (int kx = 0; kx < s.kw(); kx++, o += tap, wo += c) {
                FloatVector w = FloatVector.fromArray(F, weights, wo, m);
                a0 = FloatVector.fromArray(F, in, o, m).fma(w, a0);
                a1 = FloatVector.fromArray(F, in, o + step, m).fma(w, a1);
                a2 = FloatVector.fromArray(F, in, o + 2 * step, m).fma(w, a2);
                a3 = FloatVector.fromArray(F, in, o + 3 * step, m).fma(w, a3);
            }
        }
        int d = outRow + ox * c + ch;
        a0.max(lo).min(hi).intoArray(out, d, m);
        a1.max(lo).min(hi).intoArray(out, d + c, m);
        a2.max(lo).min(hi).intoArray(out, d + 2 * c, m);
        a3.max(lo).min(hi).intoArray(out, d + 3 * c, m);
    }

    /** One output pixel, channels {@code [from, to)}, window clipped to the input. */
    private static void pixel(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ox, int from,
                              int to, float[] weights, float[] bias, float[] out, int outRow, float lo, float hi) {
        int c = s.c();
        int ix0 = ox * s.strideW() - s.padLeft();
        int kxLo = firstTap(ix0, s.dilationW());
        int kxHi = endTap(ix0, s.dilationW(), s.kw(), s.w());
        int o = outRow + ox * c;
        int ch = from;
        for (; ch + 4 * L <= to; ch += 4 * L) {
            pixelFour(in, inRow, s, iy0, kyLo, kyHi, ix0, kxLo, kxHi, ch, weights, bias, out, o, lo, hi);
        }
        for (; ch < to; ch += L) {
            VectorMask<Float> m = F.indexInRange(ch, to);
            FloatVector acc = FloatVector.fromArray(F, bias, ch, m);
            for (int ky = kyLo; ky < kyHi; ky++) {
                int rowBase = inRow + (iy0 + ky * s.dilationH()) * s.w() * c + ch;
                int wBase = ky * s.kw() * c + ch;
                for (int kx = kxLo; kx < kxHi; kx++) {
                    FloatVector x = FloatVector.fromArray(F, in, rowBase + (ix0 + kx * s.dilationW()) * c, m);
                    acc = x.fma(FloatVector.fromArray(F, weights, wBase + kx * c, m), acc);
                }
            }
            acc.max(lo).min(hi).intoArray(out, o + ch, m);
        }
    }

    /**
     * Four full channel vectors of one border pixel: four independent chains, where one chain per vector
     * waits on the FMA latency at every tap (pose's 14×14 layers with 5×5 windows have 4 of 14 columns on
     * the border).
     */
    private static void pixelFour(float[] in, int inRow, ConvShape s, int iy0, int kyLo, int kyHi, int ix0, int kxLo,
                                  int kxHi, int ch, float[] weights, float[] bias, float[] out, int o, float lo,
                                  float hi) {
        int c = s.c();
        FloatVector a0 = FloatVector.fromArray(F, bias, ch);
        FloatVector a1 = FloatVector.fromArray(F, bias, ch + L);
        FloatVector a2 = FloatVector.fromArray(F, bias, ch + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, bias, ch + 3 * L);
        for (int ky = kyLo; ky < kyHi; ky++) {
            int rowBase = inRow + (iy0 + ky * s.dilationH()) * s.w() * c + ch;
            int wBase = ky * s.kw() * c + ch;
            for (int kx = kxLo; kx < kxHi; kx++) {
                int x = rowBase + (ix0 + kx * s.dilationW()) * c;
                int wo = wBase + kx * c;
                a0 = FloatVector.fromArray(F, in, x).fma(FloatVector.fromArray(F, weights, wo), a0);
                a1 = FloatVector.fromArray(F, in, x + L).fma(FloatVector.fromArray(F, weights, wo + L), a1);
                a2 = FloatVector.fromArray(F, in, x + 2 * L).fma(FloatVector.fromArray(F, weights, wo + 2 * L), a2);
                a3 = FloatVector.fromArray(F, in, x + 3 * L).fma(FloatVector.fromArray(F, weights, wo + 3 * L), a3);
            }
        }
        a0.max(lo).min(hi).intoArray(out, o + ch);
        a1.max(lo).min(hi).intoArray(out, o + ch + L);
        a2.max(lo).min(hi).intoArray(out, o + ch + 2 * L);
        a3.max(lo).min(hi).intoArray(out, o + ch + 3 * L);
    }

    /** Scalar twin of {@link #depthwise}. */
    public static void depthwiseScalar(float[] in, int inOff, ConvShape s, float[] weights, float[] bias, float[] out,
                                       int outOff, int row0, int row1, float lo, float hi) {
        int c = s.c();
        for (int r = row0; r < row1; r++) {
            int b = r / s.oh();
            int oy = r % s.oh();
            for (int ox = 0; ox < s.ow(); ox++) {
                for (int ch = 0; ch < c; ch++) {
                    float acc = bias[ch];
                    for (int ky = 0; ky < s.kh(); ky++) {
                        int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int ix = ox * s.strideW() - s.padLeft() + kx * s.dilationW();
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) {
                                acc = Math.fma(in[inOff + ((b * s.h() + iy) * s.w() + ix) * c + ch],
                                        weights[(ky * s.kw() + kx) * c + ch], acc);
                            }
                        }
                    }
                    out[outOff + ((b * s.oh() + oy) * s.ow() + ox) * c + ch] = Math.min(Math.max(acc, lo), hi);
                }
            }
        }
    }

    /**
     * Copies {@code pixels} pixels of {@code c} channels into {@code c·m} channels, channel {@code ic·m + j}
     * taking input channel {@code ic}: the depth multiplier's fan-out made explicit.
     */
    public static void expandChannels(float[] in, int inOff, int pixels, int c, int m, float[] dst, int dstOff) {
        for (int p = 0; p < pixels; p++) {
            int src = inOff + p * c;
            int d = dstOff + p * c * m;
            for (int ic = 0; ic < c; ic++) {
                float x = in[src + ic];
                for (int j = 0; j < m; j++) {
                    dst[d++] = x;
                }
            }
        }
    }

    /** First tap {@code t ≥ 0} with {@code origin + t·dilation ≥ 0}. */
    static int firstTap(int origin, int dilation) {
        return origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;
    }

    /** One past the last tap {@code t < k} with {@code origin + t·dilation < size} (at least {@link #firstTap}). */
    static int endTap(int origin, int dilation, int k, int size) {
        if (origin >= size) {
            return 0;
        }
        return Math.min(k, (size - origin + dilation - 1) / dilation);
    }
}
