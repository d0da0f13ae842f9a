package dev.sparrow.bridge;

import java.time.Duration;

/**
 * Outcome of a reliable send.
 *
 * @param seq        the reliable sequence number it was sent with (-1 if never sent)
 * @param roundTrip  first transmission to ACK/NACK (zero unless ACKED or NACKED)
 * @param nackReason the firmware's reason code when NACKED, else 0
 */
public record Delivery(Status status, int seq, int attempts, Duration roundTrip, int nackReason) {
    public enum Status {
        ACKED,
        /** The firmware refused it (see {@code nackReason}); retrying will not help. */
        NACKED,
        /** No ACK after the configured retries. */
        TIMED_OUT,
        /** The link was not CONNECTED or DEGRADED when it was asked to send. */
        NOT_CONNECTED,
        /** The link was closed before an answer came. */
        CLOSED
    }
}
