package dev.sparrow.devices.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusLedTest {
    private static final int PIN = 17;
    private final Context context = Pi4jContexts.mock();

    @AfterEach
    void shutDown() {
        context.shutdown();
    }

    private DigitalOutput pin() {
        return context.registry().get("status-led-bcm" + PIN, DigitalOutput.class);
    }

    /** Counts the pin's level changes. */
    private AtomicInteger edges() {
        AtomicInteger edges = new AtomicInteger();
        pin().addListener(event -> edges.incrementAndGet());
        return edges;
    }

    private static void waitForEdges(AtomicInteger edges, int wanted, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (edges.get() < wanted && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
    }

    @Test
    void opensDarkOnAMockOutputThenShowsRecognisedAsSteadyLight() throws InterruptedException {
        try (StatusLed led = StatusLed.open(context, PIN)) {
            assertTrue(pin() instanceof MockDigitalOutput);
            assertEquals(DigitalState.LOW, pin().state());
            assertNull(led.showing());

            AtomicInteger edges = edges();
            led.show(LedSignal.RECOGNISED);
            assertEquals(DigitalState.HIGH, pin().state());
            assertEquals(LedSignal.RECOGNISED, led.showing());
            Thread.sleep(300);
            assertEquals(1, edges.get(), "a steady light does not blink");
            assertEquals(DigitalState.HIGH, pin().state());
        }
    }

    @Test
    void errorBlinksFastAndLostBlinksSlowly() throws InterruptedException {
        try (StatusLed led = StatusLed.open(context, PIN)) {
            AtomicInteger edges = edges();
            long start = System.nanoTime();
            led.show(LedSignal.ERROR);
            waitForEdges(edges, 7, 10_000);
            double errorSeconds = (System.nanoTime() - start) / 1e9;
            assertTrue(edges.get() >= 7, "ERROR blinked " + edges.get() + " edges");
            // 6 toggles at 100 ms each after the first edge: never sooner than 0.6 s.
            assertTrue(errorSeconds >= 0.55, "ERROR blinked faster than 5 Hz: " + errorSeconds + " s");

            led.show(LedSignal.LOST);
            assertEquals(LedSignal.LOST, led.showing());
            assertEquals(DigitalState.HIGH, pin().state(), "a blink starts lit");
            int before = edges.get();
            Thread.sleep(350);
            // A LOST phase lasts 500 ms: ERROR's rhythm would have toggled 3 times by now; at most one
            // toggle is allowed for a sleep that overran on a loaded machine.
            assertTrue(edges.get() - before <= 1, "LOST toggled " + (edges.get() - before) + " times in 350 ms");
            waitForEdges(edges, edges.get() + 2, 10_000);
            assertTrue(edges.get() - before >= 2, "LOST blinks");

            led.show(LedSignal.RECOGNISED);
            assertEquals(DigitalState.HIGH, pin().state());
            int steady = edges.get();
            Thread.sleep(700);
            assertEquals(steady, edges.get(), "RECOGNISED stopped the blinking");
            assertEquals(DigitalState.HIGH, pin().state());
        }
    }

    @Test
    void closeTurnsTheLedOffAndReleasesThePin() {
        StatusLed led = StatusLed.open(context, PIN);
        led.show(LedSignal.ERROR);
        DigitalOutput output = pin();
        led.close();
        assertEquals(DigitalState.LOW, output.state());
        assertFalse(context.registry().exists("status-led-bcm" + PIN));
        led.close();
        assertThrows(IllegalStateException.class, () -> led.show(LedSignal.LOST));
        // The pin is free again.
        StatusLed.open(context, PIN).close();
    }

    @Test
    void aPinInUseIsRefusedNamingIt() {
        StatusLed first = StatusLed.open(context, PIN);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> StatusLed.open(context, PIN));
            assertTrue(e.getMessage().startsWith("cannot open the status LED on BCM pin 17: "), e.getMessage());
        } finally {
            first.close();
        }
    }
}
