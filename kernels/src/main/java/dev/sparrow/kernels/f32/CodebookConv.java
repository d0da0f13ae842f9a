package dev.sparrow.kernels.f32;

/**
 * fp32 convolution over NHWC with a palettised OHWI filter ({@link CodebookWeights} over
 * {@code B[kh·kw·c × oc]}): a pointwise convolution is one {@link CodebookGemm} on the activation itself;
 * every other geometry (stems and single-output heads included — they hold few weights) copies the receptive
 * fields of a block of output pixels into scratch as {@link Conv2d}'s im2col does and multiplies the block.
 */
public final class CodebookConv {

    private CodebookConv() {}

    /** Floats of scratch one caller of {@link #conv} must supply: the decode tile, and the im2col block if any. */
    public static int scratchFloats(ConvShape s) {
        int im2col = Conv2d.isPointwise(s) ? 0 : Conv2d.blockPixels(s.kh() * s.kw() * s.c()) * s.kh() * s.kw() * s.c() + Gemm.L;
        return CodebookWeights.tileFloats() + im2col;
    }

    /**
     * Computes output pixels {@code [pixel0, pixel1)} (flattened over n, oh, ow).
     *
     * @param scratch at least {@link #scratchFloats} floats, private to this caller
     */
    public static void conv(float[] in, int inOff, ConvShape s, CodebookWeights w, float[] out, int outOff,
                            int pixel0, int pixel1, float[] scratch, float lo, float hi) {
        if (Conv2d.isPointwise(s)) {
            CodebookGemm.multiply(in, inOff + pixel0 * s.c(), s.c(), pixel1 - pixel0, w, 0, w.panels(), out,
                    outOff + pixel0 * s.oc(), s.oc(), lo, hi, scratch);
            return;
        }
        // The tile first, then the im2col block, so that the tile keeps one fixed place in L1.
        int k = s.kh() * s.kw() * s.c();
        int block = Conv2d.blockPixels(k);
        int cols = CodebookWeights.tileFloats();
        for (int b0 = pixel0; b0 < pixel1; b0 += block) {
            int b1 = Math.min(pixel1, b0 + block);
            Conv2d.im2colBlock(in, inOff, s, b0, b1, scratch, cols);
            CodebookGemm.multiply(scratch, cols, k, b1 - b0, w, 0, w.panels(), out, outOff + b0 * s.oc(), s.oc(),
                    lo, hi, scratch);
        }
    }

    /**
     * Scalar twin of {@link #conv}: direct loops over the window in {@code (ky, kx, c)} order, one codebook
     * lookup per product, taps outside the input contributing {@code fma(0, w, acc)} like the im2col zeros.
     */
    public static void convScalar(float[] in, int inOff, ConvShape s, CodebookWeights w, float[] out, int outOff,
                                  int pixel0, int pixel1, float lo, float hi) {
        Conv2d.directScalar(in, inOff, s, w.bias, (o, kk) -> w.weight(o / w.nr, kk, o % w.nr), out, outOff, pixel0,
                pixel1, lo, hi);
    }
}
