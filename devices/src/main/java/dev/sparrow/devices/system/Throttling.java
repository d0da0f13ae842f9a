package dev.sparrow.devices.system;

/**
 * The Raspberry Pi firmware's throttling word, as {@code vcgencmd get_throttled} and
 * {@code /sys/devices/platform/soc/soc:firmware/get_throttled} report it. The low bits describe now,
 * bits 16–19 latch "has occurred since boot" for the same four conditions.
 *
 * @param bits the raw word
 */
public record Throttling(int bits) {
    private static final int UNDER_VOLTAGE = 1;
    private static final int FREQUENCY_CAPPED = 1 << 1;
    private static final int THROTTLED = 1 << 2;
    private static final int SOFT_TEMPERATURE_LIMIT = 1 << 3;
    private static final int OCCURRED_SHIFT = 16;

    /**
     * Parses the firmware's hexadecimal text: "50005" (sysfs) or "throttled=0x50005" (vcgencmd).
     *
     * @throws NumberFormatException naming the text when it is not such a word
     */
    public static Throttling parse(String text) {
        String value = text.strip();
        if (value.startsWith("throttled=")) {
            value = value.substring("throttled=".length());
        }
        if (value.startsWith("0x") || value.startsWith("0X")) {
            value = value.substring(2);
        }
        try {
            return new Throttling(Integer.parseUnsignedInt(value, 16));
        } catch (NumberFormatException e) {
            throw new NumberFormatException("not a throttling word: \"" + text.strip() + "\"");
        }
    }

    /** The supply is below about 4.63 V now. */
    public boolean underVoltage() {
        return (bits & UNDER_VOLTAGE) != 0;
    }

    /** The ARM frequency is capped now. */
    public boolean frequencyCapped() {
        return (bits & FREQUENCY_CAPPED) != 0;
    }

    /** The firmware is throttling the CPU now. */
    public boolean throttled() {
        return (bits & THROTTLED) != 0;
    }

    /** The soft temperature limit (default 60 °C on a Pi 3B+) is active now. */
    public boolean softTemperatureLimit() {
        return (bits & SOFT_TEMPERATURE_LIMIT) != 0;
    }

    public boolean underVoltageOccurred() {
        return (bits & (UNDER_VOLTAGE << OCCURRED_SHIFT)) != 0;
    }

    public boolean frequencyCappedOccurred() {
        return (bits & (FREQUENCY_CAPPED << OCCURRED_SHIFT)) != 0;
    }

    public boolean throttledOccurred() {
        return (bits & (THROTTLED << OCCURRED_SHIFT)) != 0;
    }

    public boolean softTemperatureLimitOccurred() {
        return (bits & (SOFT_TEMPERATURE_LIMIT << OCCURRED_SHIFT)) != 0;
    }
}
