package dev.sparrow.devices.gpio;

import com.pi4j.context.Context;
import com.pi4j.io.i2c.I2C;
import java.io.IOException;
import java.util.Objects;

/**
 * A Texas Instruments TMP102 temperature sensor on I2C (±0.5 °C, 0.0625 °C resolution; on breakout boards
 * from SparkFun and others). Its temperature register (pointer 0x00) holds two bytes, most significant first:
 * in normal mode a 12-bit two's-complement count of 0.0625 °C in the top 12 bits; bit 0 of the second byte
 * set means extended mode (up to 150 °C), where the count takes the top 13 bits instead. The sensor powers
 * up converting 4 times a second, so a read needs no setup.
 */
public final class Tmp102 implements AutoCloseable {
    /** Address with ADD0 tied to ground; 0x49 (V+), 0x4A (SDA) and 0x4B (SCL) are the others. */
    public static final int DEFAULT_ADDRESS = 0x48;
    static final int TEMPERATURE_REGISTER = 0x00;
    private static final double CELSIUS_PER_COUNT = 0.0625;

    private final Context context;
    private final I2C device;
    private final String where;
    private boolean closed;

    private Tmp102(Context context, I2C device, String where) {
        this.context = context;
        this.device = device;
        this.where = where;
    }

    /**
     * Opens the sensor at {@code address} on bus {@code bus} ({@code /dev/i2c-<bus>}; 1 on a Raspberry Pi's
     * header). Its Pi4J id is {@code tmp102-i2c<bus>-0x<address>}. Nothing is sent until the first read.
     *
     * @throws IllegalStateException naming bus and address when Pi4J cannot open the bus
     */
    public static Tmp102 open(Context context, int bus, int address) {
        Objects.requireNonNull(context, "context");
        String where = "TMP102 on I2C bus " + bus + " at 0x" + Integer.toHexString(address);
        I2C device;
        try {
            device = context.create(I2C.newConfigBuilder(context)
                    .id("tmp102-i2c" + bus + "-0x" + Integer.toHexString(address))
                    .name("TMP102 temperature sensor")
                    .bus(bus)
                    .device(address));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the " + where + ": " + DeviceThreads.oneLine(e), e);
        }
        return new Tmp102(context, device, where);
    }

    /**
     * Reads the temperature register.
     *
     * @throws IOException naming bus and address when the sensor does not answer with two bytes
     */
    public synchronized double readCelsius() throws IOException {
        if (closed) {
            throw new IllegalStateException(where + " is closed");
        }
        byte[] register = new byte[2];
        int read;
        try {
            read = device.readRegister(TEMPERATURE_REGISTER, register, 0, 2);
        } catch (RuntimeException e) {
            throw new IOException("reading the " + where + ": " + DeviceThreads.oneLine(e), e);
        }
        if (read != 2) {
            throw new IOException("reading the " + where + ": got " + Math.max(read, 0) + " of the 2 temperature bytes");
        }
        return celsius(register[0], register[1]);
    }

    /** Decodes the temperature register's two bytes, most significant first. */
    static double celsius(byte msb, byte lsb) {
        short word = (short) (((msb & 0xFF) << 8) | (lsb & 0xFF));
        boolean extendedMode = (lsb & 1) != 0;
        // The arithmetic shift keeps the sign of the two's-complement count.
        int count = extendedMode ? word >> 3 : word >> 4;
        return count * CELSIUS_PER_COUNT;
    }

    /** Releases the bus device; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!context.isShutdown()) {
            context.shutdown(device);
        }
    }
}
