package dev.sparrow.devices.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.pi4j.context.Context;
import com.pi4j.plugin.mock.platform.MockPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Pi4jContextsTest {
    @Test
    void theMockContextHasTheMockPlatformAndItsProviders() {
        Context context = Pi4jContexts.mock();
        try {
            assertTrue(context.platform() instanceof MockPlatform);
            assertEquals(Set.of("mock-digital-input", "mock-digital-output", "mock-i2c"), context.providers().all().keySet());
        } finally {
            context.shutdown();
        }
        assertTrue(context.isShutdown());
    }

    @Test
    void theBoardContextHasGpiodAndLinuxI2cProviders() {
        for (Context context : new Context[] {Pi4jContexts.board(), Pi4jContexts.board("gpiochip0")}) {
            try {
                assertEquals(Set.of("gpiod-digital-input", "gpiod-digital-output", "linuxfs-i2c"), context.providers().all().keySet());
            } finally {
                context.shutdown();
            }
        }
    }

    /** Where there is no GPIO chip (a PC, CI), opening a pin fails with a message naming it. */
    @Test
    void withoutAGpioChipOpeningAPinFailsNamingIt() {
        assumeTrue(!Files.exists(Path.of("/dev/gpiochip0")), "this machine has a GPIO chip");
        Context context = Pi4jContexts.board();
        try {
            IllegalStateException led = assertThrows(IllegalStateException.class, () -> StatusLed.open(context, 17));
            assertTrue(led.getMessage().startsWith("cannot open the status LED on BCM pin 17: "), led.getMessage());
            IllegalStateException button = assertThrows(IllegalStateException.class,
                    () -> PauseButton.open(context, 27, Duration.ofMillis(30), () -> { }));
            assertTrue(button.getMessage().startsWith("cannot open the pause button on BCM pin 27: "), button.getMessage());
        } finally {
            context.shutdown();
        }
    }
}
