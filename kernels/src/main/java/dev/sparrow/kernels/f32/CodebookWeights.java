package dev.sparrow.kernels.f32;

/**
 * The right-hand matrix {@code B[k × n]} of {@link CodebookGemm} as a codebook of K floats, a scale per
 * output column and one index per weight: {@code B[kk, j] = codebook[index] · scale[j]}. The indices are
 * laid out in the column panels of {@link PackedWeights} (panel {@code p} holds, for every {@code kk}, the
 * indices of {@code B[kk, p·nr .. p·nr+nr)}) as one contiguous panel row per {@code kk}, so that a vector
 * load of a panel row yields whole vectors of indices:
 * <ul>
 * <li>K ≤ 16 in two-vector panels: one byte per two columns, column {@code c} of the first vector in the
 *     low nibble of byte {@code c}, the same column of the second vector in its high nibble — 4 bits per
 *     weight, split into two index vectors by a mask and a shift;</li>
 * <li>otherwise (K &gt; 16, or one-vector panels): one byte per index.</li>
 * </ul>
 * The array carries {@link #SLACK} bytes past the last row so that a vector load never leaves it. Columns
 * past {@code n} hold index 0 and scale 0; their products land only in the private edge buffer and are
 * dropped.
 */
public final class CodebookWeights {
    /** Bytes past the last panel row: the widest index load ({@link CodebookGemm}) reads 16 bytes. */
    static final int SLACK = 16;

    final int k;
    final int n;
    final int nr;
    final int panels;
    /** Whether panel rows hold two 4-bit indices per byte (else one index per byte). */
    final boolean nibbles;
    /** Bytes per panel row. */
    final int rowBytes;
    /** The K entries, zero-padded to at least one vector so that a table of K ≤ L entries loads whole. */
    final float[] codebook;
    final int entries;
    final float[] scales;
    final byte[] indices;
    final float[] bias;

    private CodebookWeights(int k, int n, int nr, boolean nibbles, float[] codebook, int entries, float[] scales,
                            byte[] indices, float[] bias) {
        this.k = k;
        this.n = n;
        this.nr = nr;
        this.panels = (n + nr - 1) / nr;
        this.nibbles = nibbles;
        this.rowBytes = nibbles ? nr / 2 : nr;
        this.codebook = codebook;
        this.entries = entries;
        this.scales = scales;
        this.indices = indices;
        this.bias = bias;
    }

    /**
     * Repacks indices stored as {@code [n][k]} rows at {@code bits} bits ({@link PackedIndices}; TFLite's
     * OHWI conv filter or FULLY_CONNECTED's {@code [units, depth]}, element {@code j·k + kk}) into panel rows.
     *
     * @param scales {@code n} values, one per output column
     * @param bias   {@code n} values, or null for none
     */
    public static CodebookWeights fromRowsByOutput(float[] codebook, float[] scales, byte[] rowIndices, int bits, int k,
                                                   int n, float[] bias) {
        if (!PackedIndices.isValidWidth(bits) || codebook.length < 2 || codebook.length > 1 << bits) {
            throw new IllegalArgumentException(codebook.length + " codebook entries at " + bits + " bits per index");
        }
        if (k <= 0 || n <= 0 || rowIndices.length < PackedIndices.bytesFor((long) k * n, bits)) {
            throw new IllegalArgumentException(rowIndices.length + " bytes of indices cannot hold " + n + "×" + k
                    + " at " + bits + " bits");
        }
        if (scales.length < n) {
            throw new IllegalArgumentException(scales.length + " scales for " + n + " outputs");
        }
        if (bias != null && bias.length < n) {
            throw new IllegalArgumentException("bias of length " + bias.length + " for " + n + " outputs");
        }
        int nr = PackedWeights.panelWidthFor(n);
        int panels = (n + nr - 1) / nr;
        boolean nibbles = codebook.length <= 16 && nr == Gemm.NR;
        int rowBytes = nibbles ? nr / 2 : nr;
        byte[] packed = new byte[panels * k * rowBytes + SLACK];
        float[] paddedBias = new float[panels * nr];
        float[] paddedScales = new float[panels * nr];
        for (int j = 0; j < n; j++) {
            int col = j % nr;
            for (int kk = 0; kk < k; kk++) {
                int index = PackedIndices.get(rowIndices, bits, j * k + kk);
                if (index >= codebook.length) {
                    throw new IllegalArgumentException("index " + index + " of weight " + (j * k + kk) + " is past the "
                            + codebook.length + " codebook entries");
                }
                int row = (j / nr * k + kk) * rowBytes;
                if (nibbles) {
                    packed[row + col % rowBytes] |= (byte) (index << (col < rowBytes ? 0 : 4));
                } else {
                    packed[row + col] = (byte) index;
                }
            }
            paddedBias[j] = bias == null ? 0f : bias[j];
            paddedScales[j] = scales[j];
        }
        float[] table = new float[Math.max(codebook.length, Gemm.L)];
        System.arraycopy(codebook, 0, table, 0, codebook.length);
        return new CodebookWeights(k, n, nr, nibbles, table, codebook.length, paddedScales, packed, paddedBias);
    }

    /** Index of {@code B[kk, p·nr + col]}. */
    int index(int p, int kk, int col) {
        int row = (p * k + kk) * rowBytes;
        if (!nibbles) {
            return indices[row + col] & 0xFF;
        }
        return col < rowBytes ? indices[row + col] & 0x0F : (indices[row + col - rowBytes] >>> 4) & 0x0F;
    }

    /** {@code B[kk, p·nr + col]}. */
    float weight(int p, int kk, int col) {
        return codebook[index(p, kk, col)] * scales[p * nr + col];
    }

    /** Floats of the decode tile one caller of {@link CodebookGemm#multiply} must supply: one panel chunk. */
    public static int tileFloats() {
        return Gemm.KC * Gemm.NR;
    }

    /** Column panels; the unit in which work may be split across columns. */
    public int panels() {
        return panels;
    }
}
