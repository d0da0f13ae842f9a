package dev.sparrow.kernels.f32;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Average and max pooling over NHWC, vectorised over channels, and the mean over H and W. Windows are
 * clipped to the input; the average divides the sum by the number of in-bounds cells (TFLite's rule).
 * Sums run in {@code (ky, kx)} order in float, like the scalar twins, so results agree bit for bit.
 */
public final class Pool {
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final int L = F.length();

    private Pool() {}

    /** Pools output rows {@code [row0, row1)} (flattened over n and oh); {@code s.c() == s.oc()}. */
    public static void pool(float[] in, int inOff, ConvShape s, boolean max, float[] out, int outOff, int row0,
                            int row1, float lo, float hi) {
        int c = s.c();
        for (int r = row0; r < row1; r++) {
            int b = r / s.oh();
            int oy = r % s.oh();
            int iy0 = oy * s.strideH() - s.padTop();
            int kyLo = Depthwise.firstTap(iy0, 1);
            int kyHi = Depthwise.endTap(iy0, 1, s.kh(), s.h());
            for (int ox = 0; ox < s.ow(); ox++) {
                int ix0 = ox * s.strideW() - s.padLeft();
                int kxLo = Depthwise.firstTap(ix0, 1);
                int kxHi = Depthwise.endTap(ix0, 1, s.kw(), s.w());
                float count = Math.max(0, kyHi - kyLo) * Math.max(0, kxHi - kxLo);
                int o = outOff + ((b * s.oh() + oy) * s.ow() + ox) * c;
                for (int ch = 0; ch < c; ch += L) {
                    VectorMask<Float> m = F.indexInRange(ch, c);
                    FloatVector acc = FloatVector.broadcast(F, max ? Float.NEGATIVE_INFINITY : 0f);
                    for (int ky = kyLo; ky < kyHi; ky++) {
                        int rowBase = inOff + ((b * s.h() + iy0 + ky) * s.w() + ix0) * c + ch;
                        for (int kx = kxLo; kx < kxHi; kx++) {
                            FloatVector x = FloatVector.fromArray(F, in, rowBase + kx * c, m);
                            acc = max ? acc.max(x) : acc.add(x);
                        }
                    }
                    if (!max) {
                        acc = acc.div(count);
                    }
                    acc.max(lo).min(hi).intoArray(out, o + ch, m);
                }
            }
        }
    }

    /** Scalar twin of {@link #pool}. */
    public static void poolScalar(float[] in, int inOff, ConvShape s, boolean max, float[] out, int outOff, int row0,
                                  int row1, float lo, float hi) {
        int c = s.c();
        for (int r = row0; r < row1; r++) {
            int b = r / s.oh();
            int oy = r % s.oh();
            for (int ox = 0; ox < s.ow(); ox++) {
                for (int ch = 0; ch < c; ch++) {
                    float acc = max ? Float.NEGATIVE_INFINITY : 0f;
                    int count = 0;
                    for (int ky = 0; ky < s.kh(); ky++) {
                        int iy = oy * s.strideH() - s.padTop() + ky;
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int ix = ox * s.strideW() - s.padLeft() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) {
                                float x = in[inOff + ((b * s.h() + iy) * s.w() + ix) * c + ch];
                                acc = max ? Math.max(acc, x) : acc + x;
                                count++;
                            }
                        }
                    }
                    if (!max) {
                        acc /= count;
                    }
                    out[outOff + ((b * s.oh() + oy) * s.ow() + ox) * c + ch] = Math.min(Math.max(acc, lo), hi);
                }
            }
        }
    }

    /**
     * Mean over the middle axis of {@code [outer, inner, c]} for outer indices {@code [o0, o1)}: the
     * {@code MEAN} over H and W of NHWC as {@code [n, h·w, c]}. Summed in order, then divided by {@code inner}.
     */
    public static void meanMiddle(float[] in, int inOff, int inner, int c, float[] out, int outOff, int o0, int o1) {
        float count = inner;
        for (int o = o0; o < o1; o++) {
            int base = inOff + o * inner * c;
            for (int ch = 0; ch < c; ch += L) {
                VectorMask<Float> m = F.indexInRange(ch, c);
                FloatVector acc = FloatVector.zero(F);
                for (int i = 0; i < inner; i++) {
                    acc = acc.add(FloatVector.fromArray(F, in, base + i * c + ch, m));
                }
                acc.div(count).intoArray(out, outOff + o * c + ch, m);
            }
        }
    }

    /** Scalar twin of {@link #meanMiddle}. */
    public static void meanMiddleScalar(float[] in, int inOff, int inner, int c, float[] out, int outOff, int o0, int o1) {
        for (int o = o0; o < o1; o++) {
            for (int ch = 0; ch < c; ch++) {
                float acc = 0f;
                for (int i = 0; i < inner; i++) {
                    acc += in[inOff + (o * inner + i) * c + ch];
                }
                out[outOff + o * c + ch] = acc / inner;
            }
        }
    }
}
