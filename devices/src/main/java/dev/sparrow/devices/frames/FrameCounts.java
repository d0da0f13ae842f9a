package dev.sparrow.devices.frames;

import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link FrameSource} has done so far.
 *
 * @param delivered      frames returned by {@link FrameSource#next()}
 * @param skipped        inputs that gave no frame: unreadable, corrupt or oversized images, a truncated
 *                       last frame of a stream
 * @param lastSkipReason one line naming the file or stream and why the latest skipped input gave no frame
 */
public record FrameCounts(long delivered, long skipped, Optional<String> lastSkipReason) {
    public FrameCounts {
        Objects.requireNonNull(lastSkipReason, "lastSkipReason");
    }
}
