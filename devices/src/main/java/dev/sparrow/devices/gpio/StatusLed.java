package dev.sparrow.devices.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An LED on a GPIO pin (pin high = lit, through a resistor to ground) showing a {@link LedSignal}. Blinking
 * runs on the LED's own timer thread, so {@link #show} returns at once and may be called from any thread.
 * Closing turns the LED off and releases the pin.
 */
public final class StatusLed implements AutoCloseable {
    private final Context context;
    private final DigitalOutput output;
    private final ScheduledExecutorService timer;
    private LedSignal signal;
    private ScheduledFuture<?> blinking;
    /** Tells a blink task of an older signal, already waiting for the lock when it was cancelled, to do nothing. */
    private long generation;
    private boolean closed;

    private StatusLed(Context context, DigitalOutput output, ScheduledExecutorService timer) {
        this.context = context;
        this.output = output;
        this.timer = timer;
    }

    /**
     * Opens the LED on BCM pin {@code bcmPin}, dark until the first {@link #show}. Its Pi4J id is
     * {@code status-led-bcm<pin>}.
     *
     * @throws IllegalStateException naming the pin when Pi4J cannot open it
     */
    public static StatusLed open(Context context, int bcmPin) {
        Objects.requireNonNull(context, "context");
        DigitalOutput output;
        try {
            output = context.create(DigitalOutput.newConfigBuilder(context)
                    .id("status-led-bcm" + bcmPin)
                    .name("Sparrow status LED")
                    .address(bcmPin)
                    .initial(DigitalState.LOW)
                    .shutdown(DigitalState.LOW));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the status LED on BCM pin " + bcmPin + ": " + DeviceThreads.oneLine(e), e);
        }
        return new StatusLed(context, output, DeviceThreads.timer("status-led-bcm" + bcmPin));
    }

    /** Shows {@code next}; showing the signal already shown changes nothing (a blink keeps its rhythm). */
    public synchronized void show(LedSignal next) {
        Objects.requireNonNull(next, "signal");
        if (closed) {
            throw new IllegalStateException("status LED on BCM pin " + output.config().address() + " is closed");
        }
        if (next == signal) {
            return;
        }
        signal = next;
        generation++;
        if (blinking != null) {
            blinking.cancel(false);
            blinking = null;
        }
        output.high();
        if (next.halfPeriodMillis() > 0) {
            long half = next.halfPeriodMillis();
            long blinkGeneration = generation;
            blinking = timer.scheduleAtFixedRate(() -> toggle(blinkGeneration), half, half, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void toggle(long blinkGeneration) {
        if (!closed && blinkGeneration == generation) {
            output.toggle();
        }
    }

    /** The signal shown, or null before the first {@link #show}. */
    public synchronized LedSignal showing() {
        return signal;
    }

    /** Turns the LED off and releases its pin; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        if (!context.isShutdown()) {
            output.low();
            context.shutdown(output);
        }
    }
}
