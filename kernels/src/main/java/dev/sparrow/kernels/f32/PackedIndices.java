package dev.sparrow.kernels.f32;

/**
 * Codebook (palette) indices packed least significant bits first at 1, 2, 4 or 8 bits each: element
 * {@code e} occupies bits {@code [e·bits mod 8, +bits)} of byte {@code e·bits / 8}. Widths that divide 8
 * never let an index straddle two bytes, so decoding is one load, one shift and one mask; the price is
 * that K = 33…64 takes 8 bits instead of 6 (see runtime/CODEBOOK-FORMAT.md).
 */
public final class PackedIndices {

    private PackedIndices() {}

    /** Smallest width of 1, 2, 4 or 8 bits that holds indices {@code 0 .. entries−1}, for 2 to 256 entries. */
    public static int bitsFor(int entries) {
        if (entries < 2 || entries > 256) {
            throw new IllegalArgumentException("a codebook has 2 to 256 entries, got " + entries);
        }
        return entries <= 2 ? 1 : entries <= 4 ? 2 : entries <= 16 ? 4 : 8;
    }

    /** Whether {@code bits} is one of the widths {@link #bitsFor} chooses. */
    public static boolean isValidWidth(int bits) {
        return bits == 1 || bits == 2 || bits == 4 || bits == 8;
    }

    /** Bytes that {@code count} indices of {@code bits} bits take. */
    public static long bytesFor(long count, int bits) {
        return (count * bits + 7) / 8;
    }

    /** Packs indices, each in {@code [0, 2^bits)}. */
    public static byte[] pack(int[] indices, int bits) {
        byte[] packed = new byte[(int) bytesFor(indices.length, bits)];
        for (int e = 0; e < indices.length; e++) {
            int bit = e * bits;
            packed[bit >>> 3] |= (byte) (indices[e] << (bit & 7));
        }
        return packed;
    }

    /** Index of element {@code e}. */
    public static int get(byte[] packed, int bits, int e) {
        int bit = e * bits;
        return (packed[bit >>> 3] >>> (bit & 7)) & ((1 << bits) - 1);
    }

    /**
     * Writes value {@code e = 0 .. count−1}, {@code codebook[index(e)] · scales[(e / stride) mod scales.length]},
     * to {@code out[e]}: a codebook over weights normalised per output channel, whose channel is the
     * dimension with {@code stride} elements after it (e.g. {@code stride = 1} for a depthwise filter
     * {@code [1, kh, kw, channels]}).
     */
    public static void decode(float[] codebook, float[] scales, int stride, byte[] packed, int bits, int count,
                              float[] out) {
        int mask = (1 << bits) - 1;
        // The channel advances every stride values and wraps, counted rather than divided per value.
        int channel = 0;
        int left = stride;
        for (int e = 0; e < count; e++) {
            int bit = e * bits;
            out[e] = codebook[(packed[bit >>> 3] >>> (bit & 7)) & mask] * scales[channel];
            if (--left == 0) {
                left = stride;
                channel = channel + 1 == scales.length ? 0 : channel + 1;
            }
        }
    }
}
