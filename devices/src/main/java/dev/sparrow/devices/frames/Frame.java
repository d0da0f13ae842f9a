package dev.sparrow.devices.frames;

import java.util.Objects;

/**
 * One grey camera frame.
 *
 * @param sequence     0 for a source's first delivered frame, then 1, 2, … (skipped frames take no number)
 * @param captureNanos {@link System#nanoTime()} when the frame became available: monotonic, for latencies
 *                     and rates, not a wall-clock time
 * @param width        pixels per row
 * @param height       rows
 * @param pixels       8-bit luminance, row-major, {@code width * height} bytes; the array is handed over,
 *                     not copied: the source never touches it again
 */
public record Frame(long sequence, long captureNanos, int width, int height, byte[] pixels) {
    /**
     * The largest frame a source produces: 40 megapixels, more than any camera a robot carries. Decoding an
     * image that size already takes 160 MB of heap as RGB; a header declaring more is far more likely a
     * corrupt or hostile file than a photo, and would exhaust a small board's memory.
     */
    public static final long MAX_PIXELS = 40_000_000L;

    public Frame {
        if (sequence < 0) {
            throw new IllegalArgumentException("frame sequence must not be negative: " + sequence);
        }
        checkSize(width, height);
        Objects.requireNonNull(pixels, "pixels");
        if (pixels.length != width * height) {
            throw new IllegalArgumentException(
                    "a " + width + "x" + height + " frame needs " + width * height + " pixels, got " + pixels.length);
        }
    }

    /** The grey value (0–255) at column {@code x}, row {@code y}. */
    public int grey(int x, int y) {
        return pixels[y * width + x] & 0xFF;
    }

    /**
     * Refuses a size that is not positive or is over {@link #MAX_PIXELS}.
     *
     * @throws IllegalArgumentException naming the size
     */
    static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive: " + width + "x" + height);
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("frame size " + width + "x" + height + " is over the limit of "
                    + MAX_PIXELS + " pixels");
        }
    }
}
