package dev.sparrow.bridge;

/** Health of the link, judged by how long the firmware has been silent. */
public enum LinkState {
    /** Port not open yet, or open but no HELLO from the firmware. */
    CONNECTING,
    CONNECTED,
    /** Firmware silent for longer than {@link LinkConfig#degradedAfter()}. */
    DEGRADED,
    /** Firmware silent for longer than {@link LinkConfig#lostAfter()}, or the port vanished; HELLOs resume. */
    LOST,
    CLOSED
}
