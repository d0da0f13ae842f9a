package dev.sparrow.devices.gpio;

/**
 * What the status LED tells someone watching the robot. A dark LED means the agent is not running (or
 * closed the LED), so no signal below is "off": each running state stays visible.
 */
public enum LedSignal {
    /** Steady on: the current place is recognised. */
    RECOGNISED(0),
    /** Slow blink, 1 Hz (500 ms on, 500 ms off): running, but the place is lost. */
    LOST(500),
    /** Fast blink, 5 Hz (100 ms on, 100 ms off): something is wrong (camera, model, broker). */
    ERROR(100);

    private final long halfPeriodMillis;

    LedSignal(long halfPeriodMillis) {
        this.halfPeriodMillis = halfPeriodMillis;
    }

    /** How long each on and off phase lasts; 0 for a steady light. */
    public long halfPeriodMillis() {
        return halfPeriodMillis;
    }
}
