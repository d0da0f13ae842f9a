package dev.sparrow.runtime.compress;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A folder of images as model inputs: every PNG, JPEG, BMP or GIF file directly in the folder, in name
 * order, decoded with {@code javax.imageio}, resized (bilinear) to the input's height × width, as RGB (or
 * luminance for a one-channel input), normalised as {@link InputNormalization} says, laid out NHWC.
 */
public final class CalibrationImages {
    private CalibrationImages() {}

    /**
     * The image files of {@code folder}, sorted by name.
     *
     * @throws IllegalArgumentException when the folder is missing, unreadable or holds no image file
     */
    public static List<Path> list(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("calibration folder " + folder + " does not exist or is not a folder");
        }
        if (!Files.isReadable(folder)) {
            throw new IllegalArgumentException("calibration folder " + folder + " is not readable");
        }
        List<Path> images;
        try (Stream<Path> files = Files.list(folder)) {
            images = files.filter(Files::isRegularFile).filter(CalibrationImages::isImageName).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("calibration folder " + folder + " cannot be listed: " + e.getMessage());
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("calibration folder " + folder + " holds no image (.png, .jpg, .jpeg, .bmp, .gif)");
        }
        for (Path p : images) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("calibration image " + p + " is not readable");
            }
        }
        return images;
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".bmp")
                || name.endsWith(".gif");
    }

    /**
     * The largest calibration image: 40 megapixels, the limit of the agent's frames and of the VPR data sets
     * ({@code Frame.MAX_PIXELS}, {@code Preprocessor.MAX_PIXELS}, in modules this one does not depend on). A
     * few-kilobyte file whose header declares 46000×46000 pixels would otherwise be decoded into gigabytes.
     */
    public static final long MAX_PIXELS = 40_000_000L;

    /** Decodes {@code file} after its header's size passed {@link #MAX_PIXELS}. */
    private static BufferedImage decode(Path file) {
        try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReaders(input);
            if (readers == null || !readers.hasNext()) {
                throw new IllegalArgumentException("calibration image " + file + " is not in a format javax.imageio decodes");
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
                    throw new IllegalArgumentException("calibration image " + file + ": header declares " + width + "x"
                            + height + " = " + pixels + " pixels, over the limit of " + MAX_PIXELS);
                }
                try {
                    return reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw unreadable(file, e);
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** ImageIO reports some corrupt data as index or argument exceptions that name neither file nor problem. */
    private static IllegalArgumentException unreadable(Path file, Exception e) {
        String reason = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                : e.getMessage().replaceAll("\\s+", " ").strip();
        return new IllegalArgumentException("calibration image " + file + " cannot be read: " + reason, e);
    }

    /**
     * One image as an NHWC float input of shape {@code [1, height, width, channels]} (channels 1 or 3).
     *
     * @throws IllegalArgumentException when the file is not a decodable image
     */
    public static float[] load(Path file, int height, int width, int channels, InputNormalization normalization) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images can feed inputs of 1 or 3 channels, the model's has " + channels);
        }
        BufferedImage decoded = decode(file);
        BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(decoded, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        float[] out = new float[height * width * channels];
        int k = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = resized.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF, gr = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
                if (channels == 3) {
                    out[k++] = normalization.apply(r);
                    out[k++] = normalization.apply(gr);
                    out[k++] = normalization.apply(b);
                } else {
                    // ITU-R BT.601 luma, as javax.imageio's grey conversion.
                    out[k++] = normalization.apply((int) Math.round(0.299 * r + 0.587 * gr + 0.114 * b));
                }
            }
        }
        return out;
    }
}
