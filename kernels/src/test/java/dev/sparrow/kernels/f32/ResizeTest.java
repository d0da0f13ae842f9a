package dev.sparrow.kernels.f32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ResizeTest {

    @Test
    void bilinearRowMatchesScalarTwinBitForBitForAnyChannelCount() {
        Random r = new Random(31);
        for (int c : new int[] {1, 3, 7, 16, 24, Resize.L - 1, Resize.L + 1, 128, 2 * Resize.L + 5}) {
            for (int t = 0; t < 6; t++) {
                int inW = 1 + r.nextInt(9);
                int outW = 1 + r.nextInt(17);
                float[] in = GemmTest.random(r, 2 * inW * c + 5);
                int row0 = 2 + r.nextInt(2);
                int row1 = row0 + inW * c;
                int[] xLo = new int[outW];
                int[] xHi = new int[outW];
                float[] wxLo = new float[outW];
                float[] wxHi = new float[outW];
                for (int x = 0; x < outW; x++) {
                    xLo[x] = r.nextInt(inW);
                    xHi[x] = Math.min(inW - 1, xLo[x] + r.nextInt(2));
                    wxHi[x] = r.nextFloat();
                    wxLo[x] = 1 - wxHi[x];
                }
                float wy1 = r.nextFloat();
                float[] ov = new float[outW * c + 3];
                float[] os = new float[outW * c + 3];
                Resize.bilinearRow(in, row0, row1, 1 - wy1, wy1, xLo, xHi, wxLo, wxHi, c, outW, ov, 1);
                Resize.bilinearRowScalar(in, row0, row1, 1 - wy1, wy1, xLo, xHi, wxLo, wxHi, c, outW, os, 1);
                assertArrayEquals(os, ov, 0f, "channels " + c + " outW " + outW);
            }
        }
    }
}
