package dev.sparrow.devices.frames;

import java.io.IOException;
import java.util.Optional;

/**
 * A camera, or what stands in for one: frames in capture order, numbered from 0.
 *
 * <p>{@link #next()} is called by one thread; {@link #counts()} and {@link #close()} may be called from
 * any other. Closing ends a {@code next()} that waits for its pacing deadline; a read waiting on a pipe
 * ends when the pipe's writer does (see {@link RawFrameSource}).
 */
public interface FrameSource extends AutoCloseable {
    /**
     * The next frame, waiting for it if need be; empty once the source has ended (end of stream, last image
     * of a folder that does not loop, or closed). An input that gives no frame is counted in
     * {@link #counts()} and passed over, never thrown.
     *
     * @throws IOException          when the source itself can no longer be read (not for one bad frame)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Optional<Frame> next() throws IOException, InterruptedException;

    /** Frames delivered and skipped so far, with the latest skip's reason. */
    FrameCounts counts();

    /** Ends the source and releases what it holds; a later {@link #next()} returns empty. */
    @Override
    void close() throws IOException;
}
