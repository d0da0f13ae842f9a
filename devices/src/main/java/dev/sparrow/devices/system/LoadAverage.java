package dev.sparrow.devices.system;

/** The kernel's run-queue averages over 1, 5 and 15 minutes, from /proc/loadavg. */
public record LoadAverage(double oneMinute, double fiveMinutes, double fifteenMinutes) {
}
