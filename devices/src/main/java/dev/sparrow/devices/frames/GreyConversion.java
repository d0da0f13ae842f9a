package dev.sparrow.devices.frames;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/** Turns a decoded image into 8-bit luminance, row-major. */
final class GreyConversion {
    private GreyConversion() {
    }

    /**
     * Grey images keep their stored values (scaled to 8 bits): going through {@code getRGB} would apply the
     * linear-grey to sRGB conversion of Java's grey colour space and brighten them. Colour images take the
     * ITU-R BT.601 luma, {@code (299 R + 587 G + 114 B) / 1000}, rounded. Alpha is ignored.
     */
    static byte[] toGrey(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] grey = new byte[width * height];
        Raster raster = image.getRaster();
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            int bits = raster.getSampleModel().getSampleSize(0);
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    grey[y * width + x] = (byte) scaleTo8Bits(row[x], bits);
                }
            }
            return grey;
        }
        int[] argb = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, argb, 0, width);
            for (int x = 0; x < width; x++) {
                int r = (argb[x] >> 16) & 0xFF;
                int g = (argb[x] >> 8) & 0xFF;
                int b = argb[x] & 0xFF;
                grey[y * width + x] = (byte) ((299 * r + 587 * g + 114 * b + 500) / 1000);
            }
        }
        return grey;
    }

    /** 16-bit greys keep their high byte; 1-, 2- and 4-bit greys stretch to the full 0–255 range. */
    private static int scaleTo8Bits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        if (bits > 8) {
            return sample >>> (bits - 8);
        }
        return sample * 255 / ((1 << bits) - 1);
    }
}
