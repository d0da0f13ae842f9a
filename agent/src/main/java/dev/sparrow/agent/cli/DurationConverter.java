package dev.sparrow.agent.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people write them on a command line: {@code 500ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}. */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern AMOUNT_AND_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Matcher m = AMOUNT_AND_UNIT.matcher(value.strip());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 5s, 2m, 1h)");
        }
        double amount = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> amount;
            case "s" -> amount * 1e3;
            case "m" -> amount * 60e3;
            default -> amount * 3600e3;
        };
        // Every duration option is a wait, a timeout or a refresh period: zero would end at once or spin.
        if (Math.round(millis * 1e6) == 0) {
            throw new TypeConversionException("'" + value + "' is no time at all; give a duration above zero");
        }
        if (millis > Duration.ofDays(1).toMillis()) {
            throw new TypeConversionException("'" + value + "' is longer than a day");
        }
        return Duration.ofNanos(Math.round(millis * 1e6));
    }
}
