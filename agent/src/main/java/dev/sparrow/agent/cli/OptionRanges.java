package dev.sparrow.agent.cli;

import dev.sparrow.agent.telemetry.CommandHandler;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Numeric options checked while the command line is parsed, so that a value outside its range is refused
 * (exit 2, one line naming the option) instead of being clamped, ignored or failing after the work began.
 */
final class OptionRanges {
    private OptionRanges() {
    }

    /** A count of things that must exist: 1 or more (epochs, members, stride, sequence length, rounds). */
    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(value, 1, "");
        }
    }

    /** A count where 0 has a meaning of its own (all, none, off): 0 or more. */
    static final class CountOrZero implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(value, 0, "");
        }
    }

    /** Places of a route to train on: VPRSNN's split needs one calibration and one test place. */
    static final class PlaceCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(value, 2, " (one calibration and one test place)");
        }
    }

    /**
     * Worker threads: 1 to the processors this JVM may use. More threads than processors never run at once,
     * and the interpreter's workers spin while they wait, so they would slow every step down.
     */
    static final class Threads implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int threads = atLeast(value, 1, "");
            int processors = Runtime.getRuntime().availableProcessors();
            if (threads > processors) {
                throw new TypeConversionException(threads + " is more than the " + processors
                        + " processors this JVM may use");
            }
            return threads;
        }
    }

    /** Sequence-matching length of the agent's recogniser: the range its configuration file allows. */
    static final class SequenceLength implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) within(value, 1, 100, "");
        }
    }

    /** A TCP port to listen on. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) within(value, 1, 65_535, " (a TCP port)");
        }
    }

    /**
     * A serial line speed in baud: from 50, the slowest POSIX rate, to 12,000,000, the fastest USB serial
     * bridges (FT232H). Rates between the standard ones are allowed, as bridges such as CP210x take them.
     */
    static final class Baud implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) within(value, 50, 12_000_000, " baud");
        }
    }

    /** A place id on the firmware link: an unsigned 32-bit number (firmware-bridge/PROTOCOL.md). */
    static final class PlaceId implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return within(value, 0, 0xFFFF_FFFFL, " (a u32 place id)");
        }
    }

    /** A recognition score: any finite number; NaN and infinities would reach the firmware as garbage. */
    static final class FiniteScore implements ITypeConverter<Float> {
        @Override
        public Float convert(String value) {
            float parsed = (float) decimal(value);
            if (!Float.isFinite(parsed)) {
                throw new TypeConversionException("'" + value + "' is not a finite number");
            }
            return parsed;
        }
    }

    /** Camera frames per second: the same range a rate command may set at run time. */
    static final class FrameRate implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double rate = decimal(value);
            if (!(rate >= CommandHandler.MIN_RATE && rate <= CommandHandler.MAX_RATE)) {
                throw new TypeConversionException(String.format(Locale.ROOT, "%s is outside %.1f..%.0f frames per second",
                        value, CommandHandler.MIN_RATE, CommandHandler.MAX_RATE));
            }
            return rate;
        }
    }

    /** A fraction of weights to prune: 1 would leave no weights at all. */
    static final class Sparsity implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double sparsity = decimal(value);
            if (!(sparsity >= 0 && sparsity < 1)) {
                throw new TypeConversionException(value + " must be a sparsity in [0, 1)");
            }
            return sparsity;
        }
    }

    /** A size budget as a fraction of the float32 weight bytes: 0 would leave no bytes, more than 1 is no budget. */
    static final class Budget implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double budget = decimal(value);
            if (!(budget > 0 && budget <= 1)) {
                throw new TypeConversionException(value + " must be a fraction of the float32 weight bytes in (0, 1]");
            }
            return budget;
        }
    }

    private static int atLeast(String value, int min, String why) {
        return (int) within(value, min, Integer.MAX_VALUE, why);
    }

    private static long within(String value, long min, long max, String why) {
        long parsed;
        try {
            parsed = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
        if (parsed < min) {
            throw new TypeConversionException(parsed + " is less than " + min + why);
        }
        if (parsed > max) {
            throw new TypeConversionException(parsed + " is more than " + max + why);
        }
        return parsed;
    }

    private static double decimal(String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number");
        }
    }
}
