package dev.sparrow.bridge;

/** A snapshot of a link's counters since it was created. */
public record LinkCounters(long framesSent, long framesReceived, long bytesSent, long bytesReceived,
                           long crcRejections, long malformedFrames, long overruns, long retransmissions,
                           long duplicatesSuppressed, long nacksSent, long nacksReceived, long deliveryFailures,
                           long portOpenFailures, long reconnects) {
}
