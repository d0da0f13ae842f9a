package dev.sparrow.devices.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class Tmp102Test {
    private final Context context = Pi4jContexts.mock();

    @AfterEach
    void shutDown() {
        context.shutdown();
    }

    private MockI2C device(int bus, int address) {
        return (MockI2C) context.registry().get("tmp102-i2c" + bus + "-0x" + Integer.toHexString(address), I2C.class);
    }

    @Test
    void decodesTheDatasheetExamples() {
        // TMP102 datasheet, table 5 (normal mode, 12 bits) and table 6 (extended mode, 13 bits).
        assertEquals(127.9375, Tmp102.celsius((byte) 0x7F, (byte) 0xF0));
        assertEquals(100.0, Tmp102.celsius((byte) 0x64, (byte) 0x00));
        assertEquals(25.0, Tmp102.celsius((byte) 0x19, (byte) 0x00));
        assertEquals(0.0625, Tmp102.celsius((byte) 0x00, (byte) 0x10));
        assertEquals(0.0, Tmp102.celsius((byte) 0x00, (byte) 0x00));
        assertEquals(-0.25, Tmp102.celsius((byte) 0xFF, (byte) 0xC0));
        assertEquals(-25.0, Tmp102.celsius((byte) 0xE7, (byte) 0x00));
        assertEquals(-55.0, Tmp102.celsius((byte) 0xC9, (byte) 0x00));
        assertEquals(150.0, Tmp102.celsius((byte) 0x4B, (byte) 0x01));
        assertEquals(128.0, Tmp102.celsius((byte) 0x40, (byte) 0x01));
        assertEquals(-55.0, Tmp102.celsius((byte) 0xE4, (byte) 0x81));
    }

    @Test
    void readsTheTemperatureRegisterFromTheMockBus() throws IOException {
        try (Tmp102 sensor = Tmp102.open(context, 1, Tmp102.DEFAULT_ADDRESS)) {
            MockI2C device = device(1, 0x48);
            assertEquals(1, device.config().bus());
            assertEquals(0x48, device.config().device());
            // The mock hands back, per register, the bytes written to it before.
            device.writeRegister(Tmp102.TEMPERATURE_REGISTER, new byte[] {0x1A, (byte) 0x40}, 0, 2);
            assertEquals(26.25, sensor.readCelsius());
            device.writeRegister(Tmp102.TEMPERATURE_REGISTER, new byte[] {(byte) 0xF6, (byte) 0x80}, 0, 2);
            assertEquals(-9.5, sensor.readCelsius());
        }
    }

    @Test
    void aSilentSensorIsAnIoErrorNamingBusAndAddress() {
        try (Tmp102 sensor = Tmp102.open(context, 3, 0x49)) {
            IOException nothing = assertThrows(IOException.class, sensor::readCelsius);
            assertEquals("reading the TMP102 on I2C bus 3 at 0x49: got 0 of the 2 temperature bytes", nothing.getMessage());
            device(3, 0x49).writeRegister(Tmp102.TEMPERATURE_REGISTER, (byte) 0x19);
            IOException half = assertThrows(IOException.class, sensor::readCelsius);
            assertTrue(half.getMessage().endsWith("got 1 of the 2 temperature bytes"), half.getMessage());
        }
    }

    @Test
    void closeReleasesTheDevice() {
        Tmp102 sensor = Tmp102.open(context, 1, 0x48);
        sensor.close();
        assertFalse(context.registry().exists("tmp102-i2c1-0x48"));
        assertThrows(IllegalStateException.class, sensor::readCelsius);
        sensor.close();
    }
}
