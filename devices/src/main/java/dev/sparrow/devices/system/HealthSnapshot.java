package dev.sparrow.devices.system;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One reading of the machine's health. A value the machine does not expose (no thermal zone in a
 * container, no throttling word off a Raspberry Pi, no MemAvailable on very old kernels) is empty,
 * never guessed.
 *
 * @param takenAt              when the reading was taken
 * @param cpuCelsius           CPU/SoC temperature in °C
 * @param throttling           the Raspberry Pi firmware's under-voltage and throttling flags
 * @param memoryTotalBytes     MemTotal of /proc/meminfo
 * @param memoryAvailableBytes MemAvailable of /proc/meminfo: what can be allocated without swapping
 * @param load                 /proc/loadavg
 * @param uptimeSeconds        seconds since boot, from /proc/uptime
 */
public record HealthSnapshot(
        Instant takenAt,
        OptionalDouble cpuCelsius,
        Optional<Throttling> throttling,
        OptionalLong memoryTotalBytes,
        OptionalLong memoryAvailableBytes,
        Optional<LoadAverage> load,
        OptionalDouble uptimeSeconds) {
    public HealthSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(cpuCelsius, "cpuCelsius");
        Objects.requireNonNull(throttling, "throttling");
        Objects.requireNonNull(memoryTotalBytes, "memoryTotalBytes");
        Objects.requireNonNull(memoryAvailableBytes, "memoryAvailableBytes");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(uptimeSeconds, "uptimeSeconds");
    }
}
