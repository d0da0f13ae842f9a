package dev.sparrow.snn.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * VPRSNN image preprocessing (reference vprsnn.md §1.2, {@code tools/data_utils.py: processImage}):
 * resize the RGB image to 28×28, convert to grey, 7×7 patch normalisation, rescale to 0..255.
 *
 * <p>Pinned details, all following what OpenCV does on 8-bit images in the reference code:
 * <ul>
 *   <li>Resize first, then grey. Resize is OpenCV {@code INTER_LINEAR}: source coordinate
 *       {@code (d + 0.5)·scale − 0.5}, clamped to the border, weights quantised to 1/2048 and the result
 *       rounded to 8 bits ({@code (Σ + 2^21) >> 22}), i.e. OpenCV's scalar fixed-point path. OpenCV's SIMD
 *       path drops 4 low bits of the horizontal pass and can differ from it by one grey level.
 *       No anti-aliasing for downscaling, exactly like OpenCV.</li>
 *   <li>Grey = OpenCV {@code COLOR_RGB2GRAY}: {@code (4899·R + 9617·G + 1868·B + 8192) >> 14}
 *       (0.299 / 0.587 / 0.114 in 14-bit fixed point), rounded to 8 bits.</li>
 *   <li>Patch normalisation over the 7×7 window centred on each pixel, window clipped at the image border
 *       (the reference pads with NaN and ignores it), mean and population standard deviation in double,
 *       NaN (flat window) → 0, clip to [−1, 1], then {@code (int) (255 · (1 + x) / 2)} — truncation like
 *       numpy's uint8 cast.</li>
 *   <li>Images with one grey channel are read from the raster as is (OpenCV replicates grey into three equal
 *       channels, which the grey formula maps back to the same value); JPEG decoding by ImageIO can differ
 *       from libjpeg by a grey level.</li>
 * </ul>
 */
public final class Preprocessor {
    /** Side of the square network input in pixels. */
    public static final int SIZE = 28;
    /** Side of the patch-normalisation window. */
    public static final int PATCH = 7;
    /** Number of values per preprocessed image. */
    public static final int PIXELS = SIZE * SIZE;

    /**
     * The largest image read: 40 megapixels, the same limit as the agent's camera frames
     * ({@code dev.sparrow.devices.frames.Frame.MAX_PIXELS}, a module this one does not depend on). Decoding
     * takes about 16 bytes per pixel (the decoded image and its RGB copy), so a few-kilobyte file whose
     * header declares 46000×46000 pixels would ask for tens of gigabytes; the header is checked first.
     */
    public static final long MAX_PIXELS = 40_000_000L;

    private static final int COEF_BITS = 11;
    private static final int COEF_SCALE = 1 << COEF_BITS;

    private Preprocessor() {
    }

    /**
     * Reads an image file (PNG, JPEG or anything ImageIO reads) and preprocesses it to 784 values 0..255.
     *
     * @throws IOException naming the file when it is missing, not an image, corrupt, or declares more than
     *                     {@link #MAX_PIXELS} pixels in its header (checked before any pixel is decoded)
     */
    public static float[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("image file not found: " + file);
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
            if (readers == null || !readers.hasNext()) {
                throw new IOException("not a readable image (no ImageIO reader for its format): " + file);
            }
            ImageReader reader = readers.next();
            try {
                int width;
                int height;
                try {
                    reader.setInput(input, true, true);
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                } catch (IOException | RuntimeException e) {
                    throw unreadable(file, e);
                }
                long pixels = (long) width * height;
                if (pixels > MAX_PIXELS) {
                    throw new IOException(file + ": header declares " + width + "x" + height + " = " + pixels
                            + " pixels, over the limit of " + MAX_PIXELS);
                }
                BufferedImage image;
                try {
                    image = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw unreadable(file, e);
                }
                return preprocess(image);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * ImageIO names neither the file nor, for some corrupt data, the problem (it throws index or argument
     * exceptions): one line naming the file, so the bad one among hundreds is found.
     */
    private static IOException unreadable(Path file, Exception e) {
        String message = e.getMessage();
        String reason = message == null || message.isBlank() ? e.getClass().getSimpleName()
                : message.replaceAll("\\s+", " ").strip();
        return new IOException(file + ": corrupt or unreadable image: " + reason, e);
    }

    /** Preprocesses a decoded image to 784 values 0..255 (row-major 28×28). */
    public static float[] preprocess(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = rgbChannels(image);
        int[] small = resizeBilinear(rgb, w, h, 3, SIZE, SIZE);
        int[] grey = greyFromRgb(small);
        return patchNormalise(grey, SIZE, SIZE, PATCH);
    }

    /** Interleaved 8-bit R, G, B of every pixel (grey images replicate their one channel). */
    static int[] rgbChannels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h * 3];
        Raster raster = image.getRaster();
        if (image.getColorModel().getNumColorComponents() == 1) {
            // getRGB would push a linear-gray colour space through a gamma conversion; OpenCV reads the stored value.
            int bits = raster.getSampleModel().getSampleSize(0);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = raster.getSample(x, y, 0);
                    if (bits > 8) {
                        v >>= bits - 8;
                    }
                    int o = (y * w + x) * 3;
                    out[o] = v;
                    out[o + 1] = v;
                    out[o + 2] = v;
                }
            }
            return out;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            out[i * 3] = (argb[i] >>> 16) & 0xFF;
            out[i * 3 + 1] = (argb[i] >>> 8) & 0xFF;
            out[i * 3 + 2] = argb[i] & 0xFF;
        }
        return out;
    }

    /**
     * OpenCV INTER_LINEAR resize of an interleaved 8-bit image with {@code channels} channels,
     * in OpenCV's fixed-point arithmetic (see the class comment).
     */
    public static int[] resizeBilinear(int[] src, int srcW, int srcH, int channels, int dstW, int dstH) {
        if (srcW <= 0 || srcH <= 0 || src.length != srcW * srcH * channels) {
            throw new IllegalArgumentException("image buffer has " + src.length + " values, expected "
                    + srcW + "x" + srcH + "x" + channels);
        }
        int[] xOfs = new int[dstW];
        int[] xCoef = new int[dstW];
        linearTaps(srcW, dstW, xOfs, xCoef);
        int[] yOfs = new int[dstH];
        int[] yCoef = new int[dstH];
        linearTaps(srcH, dstH, yOfs, yCoef);
        int[] out = new int[dstW * dstH * channels];
        for (int dy = 0; dy < dstH; dy++) {
            int y0 = yOfs[dy];
            int y1 = Math.min(y0 + 1, srcH - 1);
            long b0 = yCoef[dy];
            long b1 = COEF_SCALE - b0;
            for (int dx = 0; dx < dstW; dx++) {
                int x0 = xOfs[dx];
                int x1 = Math.min(x0 + 1, srcW - 1);
                long a0 = xCoef[dx];
                long a1 = COEF_SCALE - a0;
                for (int c = 0; c < channels; c++) {
                    long row0 = src[(y0 * srcW + x0) * channels + c] * a0 + src[(y0 * srcW + x1) * channels + c] * a1;
                    long row1 = src[(y1 * srcW + x0) * channels + c] * a0 + src[(y1 * srcW + x1) * channels + c] * a1;
                    long v = (row0 * b0 + row1 * b1 + (1L << (2 * COEF_BITS - 1))) >> (2 * COEF_BITS);
                    out[(dy * dstW + dx) * channels + c] = Math.clamp(v, 0, 255);
                }
            }
        }
        return out;
    }

    /** Per destination index: left source index and its weight in 1/2048 (the right neighbour gets the rest). */
    private static void linearTaps(int srcLen, int dstLen, int[] ofs, int[] coef) {
        // Same arithmetic as OpenCV: scale = 1 / (dst / src) in double, the source coordinate in float.
        double scale = 1.0 / ((double) dstLen / srcLen);
        for (int d = 0; d < dstLen; d++) {
            float f = (float) ((d + 0.5) * scale - 0.5);
            int s = (int) Math.floor(f);
            f -= s;
            if (s < 0) {
                s = 0;
                f = 0;
            }
            if (s >= srcLen - 1) {
                s = srcLen - 1;
                f = 0;
            }
            ofs[d] = s;
            coef[d] = (int) Math.rint((1.0f - f) * COEF_SCALE);
        }
    }

    /** OpenCV COLOR_RGB2GRAY on interleaved 8-bit RGB. */
    public static int[] greyFromRgb(int[] rgb) {
        int[] grey = new int[rgb.length / 3];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (rgb[i * 3] * 4899 + rgb[i * 3 + 1] * 9617 + rgb[i * 3 + 2] * 1868 + (1 << 13)) >> 14;
        }
        return grey;
    }

    /**
     * Patch normalisation of a grey image with an odd window {@code patch}: per pixel
     * {@code (v − mean) / std} over the window clipped at the border, NaN → 0, clip ±1,
     * then {@code (int) (255 · (1 + x) / 2)}.
     */
    public static float[] patchNormalise(int[] grey, int w, int h, int patch) {
        if (patch <= 0 || patch % 2 == 0) {
            throw new IllegalArgumentException("patch size must be odd and positive, got " + patch);
        }
        if (grey.length != w * h) {
            throw new IllegalArgumentException("grey image has " + grey.length + " values, expected " + w + "x" + h);
        }
        int half = patch / 2;
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = 0;
                double sum = 0;
                for (int yy = Math.max(0, y - half); yy <= Math.min(h - 1, y + half); yy++) {
                    for (int xx = Math.max(0, x - half); xx <= Math.min(w - 1, x + half); xx++) {
                        sum += grey[yy * w + xx];
                        n++;
                    }
                }
                double mean = sum / n;
                double squares = 0;
                for (int yy = Math.max(0, y - half); yy <= Math.min(h - 1, y + half); yy++) {
                    for (int xx = Math.max(0, x - half); xx <= Math.min(w - 1, x + half); xx++) {
                        double d = grey[yy * w + xx] - mean;
                        squares += d * d;
                    }
                }
                double std = Math.sqrt(squares / n);
                double z = (grey[y * w + x] - mean) / std;
                if (Double.isNaN(z)) {
                    z = 0;
                }
                z = Math.clamp(z, -1.0, 1.0);
                out[y * w + x] = (int) (255.0 * (1.0 + z) / 2.0);
            }
        }
        return out;
    }
}
