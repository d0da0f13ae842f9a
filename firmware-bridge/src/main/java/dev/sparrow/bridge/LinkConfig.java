package dev.sparrow.bridge;

import java.time.Duration;

/**
 * Settings of a {@link FirmwareLink}. {@link #of(String, int)} gives the defaults the protocol
 * document assumes; the {@code with...} methods change one setting.
 *
 * @param maxInFlight reliable messages awaiting ACK at once; must stay below the receiver's
 *                    32-message duplicate window
 */
public record LinkConfig(String portPath, int baudRate, Duration heartbeatInterval, Duration degradedAfter,
                         Duration lostAfter, Duration retryInterval, int maxRetries, int maxInFlight,
                         int maxPayload, String softwareVersion) {
    public LinkConfig {
        if (maxInFlight < 1 || maxInFlight > 16) {
            throw new IllegalArgumentException("maxInFlight must be within 1..16, got " + maxInFlight);
        }
        if (baudRate <= 0) {
            throw new IllegalArgumentException("baud rate must be positive, got " + baudRate + " for " + portPath);
        }
    }

    public static LinkConfig of(String portPath, int baudRate) {
        return new LinkConfig(portPath, baudRate, Duration.ofMillis(200), Duration.ofMillis(600),
                Duration.ofMillis(1500), Duration.ofMillis(100), 10, 8, 64, "sparrow-host/0.1");
    }

    public LinkConfig withTimeouts(Duration heartbeat, Duration degraded, Duration lost) {
        return new LinkConfig(portPath, baudRate, heartbeat, degraded, lost, retryInterval, maxRetries, maxInFlight,
                maxPayload, softwareVersion);
    }

    public LinkConfig withRetries(Duration interval, int retries) {
        return new LinkConfig(portPath, baudRate, heartbeatInterval, degradedAfter, lostAfter, interval, retries,
                maxInFlight, maxPayload, softwareVersion);
    }
}
