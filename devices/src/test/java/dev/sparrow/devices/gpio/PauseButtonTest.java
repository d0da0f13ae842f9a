package dev.sparrow.devices.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PauseButtonTest {
    private static final int PIN = 27;
    private static final Duration DEBOUNCE = Duration.ofMillis(40);
    private final Context context = Pi4jContexts.mock();
    private final AtomicInteger presses = new AtomicInteger();
    private final Semaphore pressed = new Semaphore(0);
    private volatile long lastPressNanos;

    @AfterEach
    void shutDown() {
        context.shutdown();
    }

    private void onPress() {
        lastPressNanos = System.nanoTime();
        presses.incrementAndGet();
        pressed.release();
    }

    private MockDigitalInput pin() {
        return (MockDigitalInput) context.registry().get("pause-button-bcm" + PIN, DigitalInput.class);
    }

    /** Contact bounce: the level flips a few times, quicker than the debounce time, and lands on {@code last}. */
    private void bounce(DigitalState last) throws InterruptedException {
        DigitalState other = last == DigitalState.LOW ? DigitalState.HIGH : DigitalState.LOW;
        for (int i = 0; i < 3; i++) {
            pin().mockState(last);
            Thread.sleep(2);
            pin().mockState(other);
            Thread.sleep(2);
        }
        pin().mockState(last);
    }

    @Test
    void aBouncyPressReachesTheListenerOnceAfterTheDebounce() throws InterruptedException {
        PauseButton button = PauseButton.open(context, PIN, DEBOUNCE, this::onPress);
        try {
            assertEquals(PullResistance.PULL_UP, pin().pull());
            pin().mockState(DigitalState.HIGH);
            Thread.sleep(DEBOUNCE.toMillis() * 3);
            assertEquals(0, presses.get(), "releasing is no press");

            bounce(DigitalState.LOW);
            long lastEdge = System.nanoTime();
            assertTrue(pressed.tryAcquire(10, TimeUnit.SECONDS), "the press reached the listener");
            // lastEdge was taken just after the last edge, hence the few milliseconds of slack.
            long settled = lastPressNanos - lastEdge;
            assertTrue(settled >= DEBOUNCE.minusMillis(5).toNanos(),
                    "the listener ran " + settled / 1e6 + " ms after the last edge, before the debounce time");
            bounce(DigitalState.HIGH);
            Thread.sleep(DEBOUNCE.toMillis() * 4);
            assertEquals(1, presses.get(), "bounce on press and release gives exactly one press");

            bounce(DigitalState.LOW);
            assertTrue(pressed.tryAcquire(10, TimeUnit.SECONDS));
            Thread.sleep(DEBOUNCE.toMillis() * 3);
            assertEquals(2, presses.get(), "a second press is a second call");
        } finally {
            button.close();
        }
    }

    @Test
    void aGlitchShorterThanTheDebounceIsNoPress() throws InterruptedException {
        PauseButton button = PauseButton.open(context, PIN, DEBOUNCE, this::onPress);
        try {
            pin().mockState(DigitalState.HIGH);
            Thread.sleep(DEBOUNCE.toMillis() * 3);
            pin().mockState(DigitalState.LOW);
            Thread.sleep(5);
            pin().mockState(DigitalState.HIGH);
            Thread.sleep(DEBOUNCE.toMillis() * 4);
            assertEquals(0, presses.get());
        } finally {
            button.close();
        }
    }

    @Test
    void aButtonHeldWhenOpenedIsNoPressUntilReleasedAndPressedAgain() throws InterruptedException {
        // The mock pin starts low: as if the button were held while the agent started.
        PauseButton button = PauseButton.open(context, PIN, DEBOUNCE, this::onPress);
        try {
            assertEquals(DigitalState.LOW, pin().state());
            pin().mockState(DigitalState.HIGH);
            pin().mockState(DigitalState.LOW);
            Thread.sleep(DEBOUNCE.toMillis() * 4);
            assertEquals(0, presses.get(), "a blip shorter than the debounce left the held button held");
            pin().mockState(DigitalState.HIGH);
            Thread.sleep(DEBOUNCE.toMillis() * 3);
            pin().mockState(DigitalState.LOW);
            assertTrue(pressed.tryAcquire(10, TimeUnit.SECONDS));
            assertEquals(1, presses.get());
        } finally {
            button.close();
        }
    }

    @Test
    void aThrowingListenerDoesNotStopTheButton() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        Semaphore called = new Semaphore(0);
        PauseButton button = PauseButton.open(context, PIN, Duration.ofMillis(10), () -> {
            calls.incrementAndGet();
            called.release();
            throw new IllegalStateException("listener failure the test expects");
        });
        try {
            for (int i = 0; i < 2; i++) {
                pin().mockState(DigitalState.HIGH);
                Thread.sleep(50);
                pin().mockState(DigitalState.LOW);
                assertTrue(called.tryAcquire(10, TimeUnit.SECONDS));
            }
            assertEquals(2, calls.get());
        } finally {
            button.close();
        }
    }

    @Test
    void closeStopsTheListenerAndReleasesThePin() throws InterruptedException {
        PauseButton button = PauseButton.open(context, PIN, DEBOUNCE, this::onPress);
        MockDigitalInput input = pin();
        input.mockState(DigitalState.HIGH);
        Thread.sleep(DEBOUNCE.toMillis() * 3);
        button.close();
        assertFalse(context.registry().exists("pause-button-bcm" + PIN));
        input.mockState(DigitalState.LOW);
        Thread.sleep(DEBOUNCE.toMillis() * 3);
        assertEquals(0, presses.get());
        button.close();
    }

    @Test
    void refusesANegativeDebounceNamingThePin() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PauseButton.open(context, PIN, Duration.ofMillis(-1), this::onPress));
        assertTrue(e.getMessage().contains("BCM pin 27"), e.getMessage());
    }
}
