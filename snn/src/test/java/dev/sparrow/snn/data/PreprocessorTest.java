package dev.sparrow.snn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessorTest {

    @Test
    void patchNormalisationMatchesHandComputedValues() {
        // 1x5 row [0,0,0,0,10], window 5 (clipped at the border):
        // x=2: window all five, mean 2, population std 4, z=-0.5 -> 255*0.5/2 = 63.75 -> 63
        // x=3: window x=1..4 {0,0,0,10}, mean 2.5, std sqrt(75/4)=4.330, z=-0.577 -> 53.9 -> 53
        // x=4: window x=2..4 {0,0,10}, z=+1.41 -> clipped to 1 -> 255
        // x=0, x=1: windows x=0..2 and x=0..3 are all 0 -> std 0 -> NaN -> 0 -> 127.5 -> 127
        float[] out = Preprocessor.patchNormalise(new int[] {0, 0, 0, 0, 10}, 5, 1, 5);
        assertArrayEquals(new float[] {127, 127, 63, 53, 255}, out);
    }

    @Test
    void patchNormalisationOfARampClipsTheEnds() {
        // [0,3,6] window 3: x=0 {0,3} z=-1 -> 0; x=1 {0,3,6} z=0 -> 127; x=2 {3,6} z=+1 -> 255
        assertArrayEquals(new float[] {0, 127, 255}, Preprocessor.patchNormalise(new int[] {0, 3, 6}, 3, 1, 3));
    }

    @Test
    void flatImageBecomesMidGrey() {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, 0x406080);
            }
        }
        float[] out = Preprocessor.preprocess(img);
        assertEquals(784, out.length);
        float[] expected = new float[784];
        Arrays.fill(expected, 127f);
        assertArrayEquals(expected, out);
    }

    @Test
    void greyUsesOpenCvFixedPointWeights() {
        // (4899*255 + 8192) >> 14 = 76, (9617*255 + 8192) >> 14 = 150, (1868*255 + 8192) >> 14 = 29
        assertArrayEquals(new int[] {76, 150, 29, 255},
                Preprocessor.greyFromRgb(new int[] {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255}));
    }

    @Test
    void bilinearResizeUsesPixelCentresAndRoundsHalfUp() {
        // 2x1 -> 1x1: source x = (0+0.5)*2-0.5 = 0.5, equal weights, (0+255)/2 = 127.5 -> 128
        assertArrayEquals(new int[] {128}, Preprocessor.resizeBilinear(new int[] {0, 255}, 2, 1, 1, 1, 1));
        // 4x1 -> 2x1: x = 0.5 and 2.5 -> (10+20)/2 = 15, (30+40)/2 = 35
        assertArrayEquals(new int[] {15, 35}, Preprocessor.resizeBilinear(new int[] {10, 20, 30, 40}, 4, 1, 1, 2, 1));
        // 2x1 -> 4x1 upscale: x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last pixel)
        assertArrayEquals(new int[] {0, 25, 75, 100}, Preprocessor.resizeBilinear(new int[] {0, 100}, 2, 1, 1, 4, 1));
    }

    @Test
    void sameSizeResizeIsIdentity() {
        int[] src = new int[5 * 3 * 3];
        for (int i = 0; i < src.length; i++) {
            src[i] = (i * 37) % 256;
        }
        assertArrayEquals(src, Preprocessor.resizeBilinear(src, 5, 3, 3, 5, 3));
    }

    @Test
    void readsGreyAndColourPngsAndRejectsOtherFiles(@TempDir Path dir) throws IOException {
        BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage colour = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                int v = (x * 7 + y * 13) % 256;
                grey.getRaster().setSample(x, y, 0, v);
                colour.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        Path g = dir.resolve("g.png");
        Path c = dir.resolve("c.png");
        ImageIO.write(grey, "png", g.toFile());
        ImageIO.write(colour, "png", c.toFile());
        // A grey image must give the same result as the same values stored as equal RGB channels.
        assertArrayEquals(Preprocessor.read(c), Preprocessor.read(g));
        float[] out = Preprocessor.read(g);
        for (float v : out) {
            assertTrue(v >= 0 && v <= 255 && v == Math.floor(v), "value " + v);
        }
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        IOException e = assertThrows(IOException.class, () -> Preprocessor.read(text));
        assertTrue(e.getMessage().contains("notes.png"), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Preprocessor.read(dir.resolve("nope.png")));
        assertTrue(missing.getMessage().contains("nope.png"), missing.getMessage());
    }

    @Test
    void refusesAnImageWhoseHeaderDeclaresTooManyPixelsBeforeDecodingIt(@TempDir Path dir) throws IOException {
        // A real 8x8 PNG whose header is patched to declare 46000x46000 pixels (2.1 G): decoding it would
        // need tens of gigabytes, so the refusal must come from the header alone.
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", png);
        ByteBuffer bytes = ByteBuffer.wrap(png.toByteArray());
        int ihdrData = 16; // 8-byte signature, 4-byte length, "IHDR"
        bytes.putInt(ihdrData, 46_000).putInt(ihdrData + 4, 46_000);
        CRC32 crc = new CRC32();
        crc.update(bytes.array(), ihdrData - 4, 4 + 13);
        bytes.putInt(ihdrData + 13, (int) crc.getValue());
        Path huge = dir.resolve("0000005.png");
        Files.write(huge, bytes.array());

        IOException e = assertThrows(IOException.class, () -> Preprocessor.read(huge));
        assertEquals(huge + ": header declares 46000x46000 = 2116000000 pixels, over the limit of "
                + Preprocessor.MAX_PIXELS, e.getMessage());
    }

    @Test
    void namesTheCorruptJpeg(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "jpg", jpeg);
        byte[] whole = jpeg.toByteArray();
        Path cut = dir.resolve("0000117.jpg");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 3));

        IOException e = assertThrows(IOException.class, () -> Preprocessor.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": corrupt or unreadable image: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rejectsEvenPatch() {
        assertThrows(IllegalArgumentException.class, () -> Preprocessor.patchNormalise(new int[4], 2, 2, 2));
    }
}
