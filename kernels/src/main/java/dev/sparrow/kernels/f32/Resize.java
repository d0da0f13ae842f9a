package dev.sparrow.kernels.f32;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bilinear resize of NHWC, one output row at a time: each output pixel blends four input pixels, channel
 * vectors at a time. The products and sums keep TensorFlow Lite's reference order, {@code ((a·wy0)·wx0 +
 * (b·wy1)·wx0) + (c·wy0)·wx1 + (d·wy1)·wx1} without fused multiply-adds, so every lane is bit-identical to the
 * scalar twin and to TensorFlow Lite's kernel.
 */
public final class Resize {
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final int L = F.length();

    private Resize() {}

    /**
     * Output row: pixel {@code x < outW} of {@code c} channels at {@code out[dst + x·c]} blends input rows
     * {@code row0} (weight {@code wy0}) and {@code row1} ({@code wy1}) at pixels {@code xLo[x]} (weight
     * {@code wxLo[x]}) and {@code xHi[x]} ({@code wxHi[x]}); rows are offsets of their first float in {@code in}.
     */
    public static void bilinearRow(float[] in, int row0, int row1, float wy0, float wy1, int[] xLo, int[] xHi,
                                   float[] wxLo, float[] wxHi, int c, int outW, float[] out, int dst) {
        int full = c - c % L;
        for (int x = 0; x < outW; x++, dst += c) {
            int x0 = xLo[x] * c;
            int x1 = xHi[x] * c;
            float wx0 = wxLo[x];
            float wx1 = wxHi[x];
            int k = 0;
            for (; k < full; k += L) {
                FloatVector a = FloatVector.fromArray(F, in, row0 + x0 + k).mul(wy0).mul(wx0);
                FloatVector b = FloatVector.fromArray(F, in, row1 + x0 + k).mul(wy1).mul(wx0);
                FloatVector d = FloatVector.fromArray(F, in, row0 + x1 + k).mul(wy0).mul(wx1);
                FloatVector e = FloatVector.fromArray(F, in, row1 + x1 + k).mul(wy1).mul(wx1);
                a.add(b).add(d).add(e).intoArray(out, dst + k);
            }
            if (k < c) {
                VectorMask<Float> m = F.indexInRange(k, c);
                FloatVector a = FloatVector.fromArray(F, in, row0 + x0 + k, m).mul(wy0).mul(wx0);
                FloatVector b = FloatVector.fromArray(F, in, row1 + x0 + k, m).mul(wy1).mul(wx0);
                FloatVector d = FloatVector.fromArray(F, in, row0 + x1 + k, m).mul(wy0).mul(wx1);
                FloatVector e = FloatVector.fromArray(F, in, row1 + x1 + k, m).mul(wy1).mul(wx1);
                a.add(b).add(d).add(e).intoArray(out, dst + k, m);
            }
        }
    }

    /** Scalar twin of {@link #bilinearRow}. */
    public static void bilinearRowScalar(float[] in, int row0, int row1, float wy0, float wy1, int[] xLo, int[] xHi,
                                         float[] wxLo, float[] wxHi, int c, int outW, float[] out, int dst) {
        for (int x = 0; x < outW; x++) {
            int x0 = xLo[x] * c;
            int x1 = xHi[x] * c;
            float wx0 = wxLo[x];
            float wx1 = wxHi[x];
            for (int k = 0; k < c; k++) {
                out[dst++] = in[row0 + x0 + k] * wy0 * wx0 + in[row1 + x0 + k] * wy1 * wx0
                        + in[row0 + x1 + k] * wy0 * wx1 + in[row1 + x1 + k] * wy1 * wx1;
            }
        }
    }
}
