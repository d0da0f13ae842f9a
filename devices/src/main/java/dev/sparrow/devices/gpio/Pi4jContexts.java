package dev.sparrow.devices.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.context.ContextBuilder;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;

/**
 * Builds the Pi4J {@link Context}s the devices of this package are opened on. Providers are named
 * explicitly rather than found by Pi4J's class-path scan, so which ones serve a board does not depend on
 * what else is on the class path. Whoever builds a context shuts it down ({@link Context#shutdown()}) after
 * closing the devices opened on it.
 */
public final class Pi4jContexts {
    private Pi4jContexts() {
    }

    /**
     * A context for a real board (Raspberry Pi, Jetson): digital in and out through the kernel's GPIO
     * character device (libgpiod, bundled for arm64 and armhf), I2C through {@code /dev/i2c-N}. Pi4J picks
     * the GPIO chip from its board detection; use {@link #board(String)} where it picks wrongly. A JVM
     * shutdown hook returns the pins to their shutdown states if the process is stopped without closing.
     */
    public static Context board() {
        return boardBuilder().build();
    }

    /** As {@link #board()}, on the named GPIO chip, e.g. "gpiochip0" (see {@code gpiodetect}). */
    public static Context board(String gpioChipName) {
        return boardBuilder().setGpioChipName(gpioChipName).build();
    }

    private static ContextBuilder boardBuilder() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance(), LinuxFsI2CProvider.newInstance())
                .enableShutdownHook();
    }

    /**
     * A context on Pi4J's in-memory mock platform: outputs keep the state set on them, inputs change when
     * a test calls {@code MockDigitalInput.mockState}, and an I2C device's registers return the bytes written
     * to them before. For tests, and for a dry run of the agent on a machine without pins. Pi4J's
     * auto-detection would load no mock provider, so the platform and its providers are registered here.
     */
    public static Context mock() {
        return Pi4J.newContextBuilder()
                .noAutoDetect()
                .add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance(), MockI2CProvider.newInstance())
                .build();
    }
}
