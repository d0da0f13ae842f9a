package dev.sparrow.devices.frames;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Plays the PNG and JPEG files of a folder as a camera would: in file-name order (so {@code 0000000.jpg},
 * {@code 0000001.jpg}, … is route order), decoded to grey, at a fixed frame rate, optionally looping.
 *
 * <p>Pacing follows a deadline schedule: frame k is due {@code k / framesPerSecond} after the first, however
 * long decoding took, so the rate does not drift. A consumer that falls more than one frame behind moves the
 * schedule to now rather than receiving a burst of overdue frames.
 *
 * <p>A file that cannot be decoded — unreadable, corrupt, not an image, or whose header declares more than
 * {@link Frame#MAX_PIXELS} pixels (checked before any pixel is decoded) — is counted as skipped with a reason
 * naming it, and the next file is tried. A looping folder in which a whole pass gave no frame ends rather
 * than spinning.
 *
 * <p>The file list is taken when the source is opened. Other files in the folder are ignored.
 */
public final class ImageFolderSource implements FrameSource {
    private final List<Path> files;
    private final long periodNanos;
    private final boolean loop;
    private final FrameCounter counter = new FrameCounter();

    private volatile boolean closed;
    private int nextFile;
    private long deliveredThisPass;
    private long sequence;
    private long deadline;

    private ImageFolderSource(List<Path> files, double framesPerSecond, boolean loop) {
        this.files = files;
        this.periodNanos = Math.round(1e9 / framesPerSecond);
        this.loop = loop;
    }

    /**
     * Opens a folder of images to be played at {@code framesPerSecond}.
     *
     * @throws IllegalArgumentException naming the folder when it has no PNG or JPEG file, or when the rate is
     *                                  not a positive number
     * @throws IOException              naming the folder when it cannot be listed
     */
    public static ImageFolderSource open(Path folder, double framesPerSecond, boolean loop) throws IOException {
        if (!(framesPerSecond > 0) || Double.isInfinite(framesPerSecond)) {
            throw new IllegalArgumentException("frame rate for " + folder + " must be a positive number of frames per second, got " + framesPerSecond);
        }
        if (!Files.isDirectory(folder)) {
            throw new IOException("image folder " + folder + " is not a directory");
        }
        List<Path> images;
        try (Stream<Path> entries = Files.list(folder)) {
            images = entries.filter(ImageFolderSource::isImageName).filter(Files::isRegularFile)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("image folder " + folder + " has no .png, .jpg or .jpeg file");
        }
        return new ImageFolderSource(images, framesPerSecond, loop);
    }

    /**
     * Plays the given image files in the given order (a data set's query list, say) at {@code framesPerSecond}.
     *
     * @throws IllegalArgumentException when the list is empty or the rate is not a positive number
     */
    public static ImageFolderSource of(List<Path> files, double framesPerSecond, boolean loop) {
        if (!(framesPerSecond > 0) || Double.isInfinite(framesPerSecond)) {
            throw new IllegalArgumentException("frame rate must be a positive number of frames per second, got " + framesPerSecond);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files to play");
        }
        return new ImageFolderSource(List.copyOf(files), framesPerSecond, loop);
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    /** How many image files the folder had when opened, readable or not. */
    public int imageCount() {
        return files.size();
    }

    @Override
    public Optional<Frame> next() throws InterruptedException {
        while (!closed) {
            if (nextFile == files.size()) {
                if (!loop || deliveredThisPass == 0) {
                    return Optional.empty();
                }
                nextFile = 0;
                deliveredThisPass = 0;
            }
            Path file = files.get(nextFile++);
            byte[] grey;
            int width;
            int height;
            try (ImageInputStream input = new FileImageInputStream(file.toFile())) {
                Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
                if (!readers.hasNext()) {
                    counter.skipped(file + ": not a PNG or JPEG image");
                    continue;
                }
                ImageReader reader = readers.next();
                try {
                    reader.setInput(input, true, true);
                    width = reader.getWidth(0);
                    height = reader.getHeight(0);
                    long pixels = (long) width * height;
                    if (pixels > Frame.MAX_PIXELS) {
                        counter.skipped(file + ": header declares " + width + "x" + height + " = " + pixels
                                + " pixels, over the limit of " + Frame.MAX_PIXELS);
                        continue;
                    }
                    BufferedImage image = reader.read(0);
                    grey = GreyConversion.toGrey(image);
                } finally {
                    reader.dispose();
                }
            } catch (IOException | RuntimeException e) {
                // ImageIO's decoders signal some corrupt data with runtime exceptions (index out of bounds,
                // illegal arguments); a bad file must never end the stream.
                counter.skipped(file + ": " + Reasons.oneLine(e));
                continue;
            }
            awaitDeadline();
            if (closed) {
                break;
            }
            deliveredThisPass++;
            counter.delivered();
            return Optional.of(new Frame(sequence++, System.nanoTime(), width, height, grey));
        }
        return Optional.empty();
    }

    private void awaitDeadline() throws InterruptedException {
        long now = System.nanoTime();
        if (sequence == 0 || now - deadline > periodNanos) {
            deadline = now;
        }
        long wait;
        while (!closed && (wait = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        deadline += periodNanos;
    }

    @Override
    public FrameCounts counts() {
        return counter.counts();
    }

    @Override
    public void close() {
        closed = true;
    }
}
