package dev.sparrow.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;

/**
 * Waits for something another thread or process makes true. Tests of links, brokers and devices
 * use it instead of a fixed sleep, which fails on a loaded CI machine and wastes time on a quiet one.
 */
public final class Eventually {
    private Eventually() {
    }

    /** Polls {@code condition} every 20 ms; fails with {@code what} when it is still false after {@code timeout}. */
    public static void holds(BooleanSupplier condition, Duration timeout, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                Assertions.fail("not within " + timeout.toMillis() + " ms: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
