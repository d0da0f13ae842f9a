package dev.sparrow.kernels.f32;

/**
 * The right-hand matrix {@code B[k × n]} of {@link Gemm} and its bias, packed once at load into column
 * panels of {@link #nr} floats: panel {@code p} holds, for every {@code kk}, the row segment
 * {@code B[kk, p·nr .. p·nr+nr)} contiguously, zero-filled past {@code n}. The panel is two vectors
 * ({@link Gemm#NR}) unless one-vector panels waste fewer lanes (e.g. 8 or 16 outputs at 16 lanes), in
 * which case {@link Gemm} uses its taller one-vector micro-tile.
 */
public final class PackedWeights {
    final int k;
    final int n;
    final int nr;
    final int panels;
    final float[] data;
    final float[] bias;

    private PackedWeights(int k, int n, int nr, float[] data, float[] bias) {
        this.k = k;
        this.n = n;
        this.nr = nr;
        this.panels = (n + nr - 1) / nr;
        this.data = data;
        this.bias = bias;
    }

    /**
     * Packs weights stored as {@code [n][k]} rows (TFLite's OHWI conv filter flattened to {@code [O, KH·KW·C]}
     * and FULLY_CONNECTED's {@code [units, depth]}), i.e. {@code B[kk, j] = weights[j·k + kk]}.
     *
     * @param bias {@code n} values, or null for none
     */
    public static PackedWeights fromRowsByOutput(float[] weights, int k, int n, float[] bias) {
        if (k <= 0 || n <= 0 || weights.length < (long) k * n) {
            throw new IllegalArgumentException("weights of length " + weights.length + " cannot hold " + n + "×" + k);
        }
        if (bias != null && bias.length < n) {
            throw new IllegalArgumentException("bias of length " + bias.length + " for " + n + " outputs");
        }
        int nr = panelWidthFor(n);
        int panels = (n + nr - 1) / nr;
        float[] data = new float[panels * k * nr];
        float[] paddedBias = new float[panels * nr];
        for (int j = 0; j < n; j++) {
            int p = j / nr;
            int col = j % nr;
            int base = p * k * nr + col;
            for (int kk = 0; kk < k; kk++) {
                data[base + kk * nr] = weights[j * k + kk];
            }
            paddedBias[j] = bias == null ? 0f : bias[j];
        }
        return new PackedWeights(k, n, nr, data, paddedBias);
    }

    /** Two-vector panels unless one-vector panels waste fewer lanes on {@code n} output columns. */
    static int panelWidthFor(int n) {
        return roundUp(n, Gemm.L) < roundUp(n, Gemm.NR) ? Gemm.L : Gemm.NR;
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /** Depth of the product (rows of B). */
    public int k() {
        return k;
    }

    /** Output columns (columns of B). */
    public int n() {
        return n;
    }

    /** Floats per column panel: {@link Gemm#NR} or one vector. */
    public int panelWidth() {
        return nr;
    }

    /** Column panels of {@link #panelWidth} floats; the unit in which work may be split across columns. */
    public int panels() {
        return panels;
    }
}
