package dev.sparrow.runtime.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationImagesTest {

    @Test
    void anImageWhoseHeaderDeclaresTooManyPixelsIsRefusedBeforeDecoding(@TempDir Path dir) throws Exception {
        // A real 8x8 PNG whose header is patched to declare 46000x46000 pixels: decoding it would take gigabytes.
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", png);
        ByteBuffer bytes = ByteBuffer.wrap(png.toByteArray());
        int ihdrData = 16; // 8-byte signature, 4-byte length, "IHDR"
        bytes.putInt(ihdrData, 46_000).putInt(ihdrData + 4, 46_000);
        CRC32 crc = new CRC32();
        crc.update(bytes.array(), ihdrData - 4, 4 + 13);
        bytes.putInt(ihdrData + 13, (int) crc.getValue());
        Path huge = dir.resolve("frame.png");
        Files.write(huge, bytes.array());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationImages.load(huge, 4, 4, 3, InputNormalization.ZERO_TO_ONE));
        assertEquals("calibration image " + huge + ": header declares 46000x46000 = 2116000000 pixels, over the limit of "
                + CalibrationImages.MAX_PIXELS, e.getMessage());
    }

    @Test
    void aSmallImageIsResizedToTheInput(@TempDir Path dir) throws Exception {
        BufferedImage white = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                white.setRGB(x, y, 0xFFFFFF);
            }
        }
        Path file = dir.resolve("white.png");
        ImageIO.write(white, "png", file.toFile());
        float[] input = CalibrationImages.load(file, 4, 4, 3, InputNormalization.ZERO_TO_ONE);
        assertEquals(4 * 4 * 3, input.length);
        for (float v : input) {
            assertEquals(1f, v);
        }
    }
}
