package dev.sparrow.devices.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A push button between a GPIO pin and ground, read with the pin's internal pull-up: released reads high,
 * pressed reads low. Each press runs the listener once.
 *
 * <p>Debouncing is done here, the same on every Pi4J provider: every edge restarts a timer, and only when
 * the pin has stayed unchanged for the debounce time is its level taken. A press is a settled low after a
 * settled high, so contact bounce, however long, gives one press. Pi4J's own debounce is set to zero so
 * the two do not add up.
 *
 * <p>The listener runs on the button's own thread, never on Pi4J's; what it throws goes to that thread's
 * uncaught-exception handler and the button keeps working.
 */
public final class PauseButton implements AutoCloseable {
    private final Context context;
    private final DigitalInput input;
    private final long debounceNanos;
    private final Runnable onPress;
    private final ScheduledExecutorService timer;
    private final DigitalStateChangeListener edgeListener = event -> edge();
    private ScheduledFuture<?> pendingCheck;
    private boolean pressed;
    private boolean closed;

    private PauseButton(Context context, DigitalInput input, Duration debounce, Runnable onPress, ScheduledExecutorService timer) {
        this.context = context;
        this.input = input;
        this.debounceNanos = debounce.toNanos();
        this.onPress = onPress;
        this.timer = timer;
        // A button already held (or a pin already low) when opened is not a press: a press starts released.
        this.pressed = input.state() == DigitalState.LOW;
    }

    /**
     * Opens the button on BCM pin {@code bcmPin}. Its Pi4J id is {@code pause-button-bcm<pin>}.
     *
     * @param debounce how long the pin must stay unchanged before its level counts; 20–50 ms suits
     *                 ordinary tactile switches
     * @param onPress  run once per press
     * @throws IllegalStateException naming the pin when Pi4J cannot open it
     */
    public static PauseButton open(Context context, int bcmPin, Duration debounce, Runnable onPress) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(onPress, "onPress");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce for the pause button on BCM pin " + bcmPin + " must not be negative: " + debounce);
        }
        DigitalInput input;
        try {
            input = context.create(DigitalInput.newConfigBuilder(context)
                    .id("pause-button-bcm" + bcmPin)
                    .name("Sparrow pause button")
                    .address(bcmPin)
                    .pull(PullResistance.PULL_UP)
                    .debounce(0L));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the pause button on BCM pin " + bcmPin + ": " + DeviceThreads.oneLine(e), e);
        }
        PauseButton button = new PauseButton(context, input, debounce, onPress, DeviceThreads.timer("pause-button-bcm" + bcmPin));
        input.addListener(button.edgeListener);
        return button;
    }

    private synchronized void edge() {
        if (closed) {
            return;
        }
        if (pendingCheck != null) {
            pendingCheck.cancel(false);
        }
        pendingCheck = timer.schedule(this::settle, debounceNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs once the pin has had no edge for the debounce time. */
    private void settle() {
        boolean pressNow;
        synchronized (this) {
            if (closed) {
                return;
            }
            boolean low = input.state() == DigitalState.LOW;
            pressNow = low && !pressed;
            pressed = low;
        }
        if (pressNow) {
            try {
                onPress.run();
            } catch (RuntimeException e) {
                Thread thread = Thread.currentThread();
                thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
            }
        }
    }

    /** Stops listening and releases the pin; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        if (!context.isShutdown()) {
            input.removeListener(edgeListener);
            context.shutdown(input);
        }
    }
}
