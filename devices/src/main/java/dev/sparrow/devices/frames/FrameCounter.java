package dev.sparrow.devices.frames;

import java.util.Optional;

/** A source's counts, updated by the thread taking frames and read by any other (the agent's metrics). */
final class FrameCounter {
    private long delivered;
    private long skipped;
    private String lastSkipReason;

    synchronized void delivered() {
        delivered++;
    }

    synchronized void skipped(String reason) {
        skipped++;
        lastSkipReason = reason;
    }

    synchronized FrameCounts counts() {
        return new FrameCounts(delivered, skipped, Optional.ofNullable(lastSkipReason));
    }
}
