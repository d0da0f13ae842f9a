package dev.sparrow.kernels.f32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Codebook kernels against their scalar twins and against the dense kernels on the decoded weights — all
 * bit-identical by construction — on odd shapes, partial panels and depths past one chunk, for every index
 * width. Surefire runs this class at the preferred width and again at 256 and 128 bits (kernels/pom.xml).
 */
class CodebookKernelsTest {
    private static final int[] ENTRIES = {2, 3, 4, 7, 16, 17, 64, 256};

    /**
     * A random codebook of {@code entries} values, a random scale per output (row of {@code k} values) and
     * {@code n·k} random indices into the codebook.
     */
    private record Palette(float[] codebook, float[] scales, int k, int[] indices) {
        static Palette random(Random r, int entries, int k, int n) {
            int[] indices = new int[n * k];
            for (int e = 0; e < indices.length; e++) {
                indices[e] = r.nextInt(entries);
            }
            return new Palette(GemmTest.random(r, entries), GemmTest.random(r, n), k, indices);
        }

        float[] decoded() {
            float[] w = new float[indices.length];
            for (int e = 0; e < w.length; e++) {
                w[e] = codebook[indices[e]] * scales[e / k];
            }
            return w;
        }

        CodebookWeights weights(float[] bias) {
            int bits = PackedIndices.bitsFor(codebook.length);
            return CodebookWeights.fromRowsByOutput(codebook, scales, PackedIndices.pack(indices, bits), bits, k,
                    scales.length, bias);
        }
    }

    @Test
    void packedIndicesRoundTripAtEveryWidth() {
        Random r = new Random(20);
        for (int entries : ENTRIES) {
            int bits = PackedIndices.bitsFor(entries);
            // channels as the last dimension (stride 1), as in a depthwise filter, and as rows (stride k)
            Palette p = Palette.random(r, entries, 1 + r.nextInt(9), 1 + r.nextInt(11));
            int count = p.indices().length;
            byte[] packed = PackedIndices.pack(p.indices(), bits);
            assertEquals(PackedIndices.bytesFor(count, bits), packed.length);
            float[] rows = new float[count];
            PackedIndices.decode(p.codebook(), p.scales(), p.k(), packed, bits, count, rows);
            assertArrayEquals(p.decoded(), rows, 0f);
            float[] last = new float[count];
            PackedIndices.decode(p.codebook(), p.scales(), 1, packed, bits, count, last);
            for (int e = 0; e < count; e++) {
                assertEquals(p.indices()[e], PackedIndices.get(packed, bits, e));
                assertEquals(p.codebook()[p.indices()[e]] * p.scales()[e % p.scales().length], last[e], 0f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> PackedIndices.bitsFor(1));
        assertThrows(IllegalArgumentException.class, () -> PackedIndices.bitsFor(257));
    }

    @Test
    void gemmMatchesScalarTwinAndDenseGemmOnDecodedWeights() {
        Random r = new Random(21);
        int[][] shapes = {{1, 1, 1}, {7, 3, 5}, {13, 27, 33}, {6, 300, 17}, {101, 2 * Gemm.KC + 13, 2 * Gemm.NR + 3},
                {5, 9, Gemm.NR}, {29, 70, Gemm.L}, {25, 40, Gemm.L / 2 + 1}, {113, 300, 3 * Gemm.L}, {37, 32, 8},
                {50, 48, 24}, {30, 16, 4}, {41, 20, Gemm.L + Gemm.L / 2}, {1, 700, 9}};
        int t = 0;
        for (int[] s : shapes) {
            int rows = s[0], k = s[1], n = s[2];
            int entries = ENTRIES[t++ % ENTRIES.length];
            int lda = k + 3, ldc = n + 2;
            float[] a = GemmTest.random(r, 4 + rows * lda);
            Palette palette = Palette.random(r, entries, k, n);
            float[] bias = GemmTest.random(r, n);
            CodebookWeights w = palette.weights(bias);
            PackedWeights dense = PackedWeights.fromRowsByOutput(palette.decoded(), k, n, bias);
            float[] cv = new float[5 + rows * ldc];
            float[] cs = new float[5 + rows * ldc];
            float[] cd = new float[5 + rows * ldc];
            float[] tile = new float[CodebookWeights.tileFloats()];
            float lo = -0.5f, hi = 1.5f;
            String what = "rows " + rows + " k " + k + " n " + n + " K " + entries;
            // two column-panel ranges, as parts split a layer with few rows
            int split = w.panels() / 2;
            CodebookGemm.multiply(a, 4, lda, rows, w, 0, split, cv, 5, ldc, lo, hi, tile);
            CodebookGemm.multiply(a, 4, lda, rows, w, split, w.panels(), cv, 5, ldc, lo, hi, tile);
            CodebookGemm.multiplyScalar(a, 4, lda, rows, w, 0, w.panels(), cs, 5, ldc, lo, hi);
            Gemm.multiply(a, 4, lda, rows, dense, 0, dense.panels(), cd, 5, ldc, lo, hi);
            assertArrayEquals(cs, cv, 0f, what);
            assertArrayEquals(cd, cv, 0f, what);
        }
    }

    @Test
    void convolutionMatchesScalarTwinAndDenseConvolutionOnDecodedWeights() {
        Random r = new Random(22);
        for (int t = 0; t < 40; t++) {
            int c = 1 + r.nextInt(40), oc = 1 + r.nextInt(45);
            int h = 1 + r.nextInt(9), w0 = 1 + r.nextInt(9);
            // pointwise, stems (few channels) and general windows
            ConvShape s = t % 5 == 0 ? new ConvShape(1 + r.nextInt(2), h, w0, c, 1, 1, 1, 1, 1, 1, 0, 0, h, w0, oc)
                    : WindowKernelsTest.randomShape(r, t % 5 == 1 ? 1 + r.nextInt(Conv2d.STEM_CHANNELS) : c, oc);
            int k = s.kh() * s.kw() * s.c();
            int entries = ENTRIES[t % ENTRIES.length];
            float[] in = GemmTest.random(r, 3 + s.n() * s.h() * s.w() * s.c());
            Palette palette = Palette.random(r, entries, k, oc);
            float[] bias = GemmTest.random(r, oc);
            CodebookWeights w = palette.weights(bias);
            int outLen = 2 + s.outputPixels() * oc;
            float[] ov = new float[outLen], os = new float[outLen], od = new float[outLen];
            float[] scratch = new float[CodebookConv.scratchFloats(s)];
            int split = r.nextInt(s.outputPixels() + 1);
            CodebookConv.conv(in, 3, s, w, ov, 2, 0, split, scratch, -2f, 3f);
            CodebookConv.conv(in, 3, s, w, ov, 2, split, s.outputPixels(), scratch, -2f, 3f);
            CodebookConv.convScalar(in, 3, s, w, os, 2, 0, s.outputPixels(), -2f, 3f);
            PackedWeights dense = PackedWeights.fromRowsByOutput(palette.decoded(), k, oc, bias);
            Conv2d.convScalar(in, 3, s, dense, od, 2, 0, s.outputPixels(), -2f, 3f);
            assertArrayEquals(os, ov, 0f, s + " K " + entries);
            assertArrayEquals(od, ov, 0f, s + " K " + entries);
        }
    }

    @Test
    void refusesIndicesPastTheCodebook() {
        byte[] packed = PackedIndices.pack(new int[] {0, 1, 2, 3}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CodebookWeights.fromRowsByOutput(new float[] {1f, 2f, 3f}, new float[] {1f, 1f}, packed, 2, 2, 2, null));
        assertEquals("index 3 of weight 3 is past the 3 codebook entries", e.getMessage());
    }
}
