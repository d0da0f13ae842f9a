package dev.sparrow.devices.frames;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Frames of a fixed size and {@link RawFormat} read back to back from a stream: a camera tool's standard
 * output, a named pipe, or a recorded file. The stream carries no header, so the caller gives the size.
 *
 * <p>The source ends at end of stream. A last frame cut short by the end is counted as skipped, with the
 * byte count in the reason, and not returned. Frames are delivered as fast as the stream supplies them;
 * a camera paces itself.
 *
 * <p>A read waiting on a pipe whose writer is alive but silent waits in the kernel, and Linux does not wake
 * it when the stream is closed from another thread: to stop such a source, end the writer (stop the camera
 * process), which ends the stream, then close the source.
 */
public final class RawFrameSource implements FrameSource {
    private final InputStream input;
    private final String name;
    private final RawFormat format;
    private final int width;
    private final int height;
    private final byte[] chroma;
    private final FrameCounter counter = new FrameCounter();

    private volatile boolean closed;
    private boolean ended;
    private long sequence;

    /**
     * Reads frames from {@code input}, e.g. {@code System.in} fed by {@code rpicam-vid ... -o -}.
     *
     * @param name names the stream in skip reasons and errors, e.g. "stdin"
     * @throws IllegalArgumentException when the size is not positive or is over {@link Frame#MAX_PIXELS}
     */
    public RawFrameSource(InputStream input, String name, RawFormat format, int width, int height) {
        this.input = Objects.requireNonNull(input, "input");
        this.name = Objects.requireNonNull(name, "name");
        this.format = Objects.requireNonNull(format, "format");
        try {
            Frame.checkSize(width, height);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        this.width = width;
        this.height = height;
        this.chroma = new byte[format == RawFormat.YUV420 ? (int) (2 * RawFormat.chromaPlaneBytes(width, height)) : 0];
    }

    /**
     * Opens a named pipe or file. Opening a pipe waits until a writer opens it too, as a pipe does.
     *
     * @throws IOException naming the path when it cannot be opened
     */
    public static RawFrameSource open(Path pipeOrFile, RawFormat format, int width, int height) throws IOException {
        InputStream input;
        try {
            input = Files.newInputStream(pipeOrFile);
        } catch (IOException e) {
            throw new IOException("cannot open raw frame stream " + pipeOrFile + ": " + Reasons.oneLine(e), e);
        }
        return new RawFrameSource(input, pipeOrFile.toString(), format, width, height);
    }

    /** Bytes per frame on the stream. */
    public long frameBytes() {
        return format.frameBytes(width, height);
    }

    @Override
    public Optional<Frame> next() throws IOException {
        if (ended || closed) {
            return Optional.empty();
        }
        try {
            byte[] luma = new byte[width * height];
            int lumaRead = input.readNBytes(luma, 0, luma.length);
            if (lumaRead == 0) {
                ended = true;
                return Optional.empty();
            }
            int chromaRead = lumaRead == luma.length ? input.readNBytes(chroma, 0, chroma.length) : 0;
            long got = (long) lumaRead + chromaRead;
            if (got < frameBytes()) {
                ended = true;
                counter.skipped(name + ": stream ended " + got + " bytes into a " + frameBytes() + "-byte "
                        + format + " " + width + "x" + height + " frame; the truncated frame was dropped");
                return Optional.empty();
            }
            counter.delivered();
            return Optional.of(new Frame(sequence++, System.nanoTime(), width, height, luma));
        } catch (IOException e) {
            if (closed) {
                return Optional.empty();
            }
            throw new IOException("reading raw frames from " + name + ": " + Reasons.oneLine(e), e);
        }
    }

    @Override
    public FrameCounts counts() {
        return counter.counts();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        input.close();
    }
}
