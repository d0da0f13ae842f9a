package dev.sparrow.bridge;

import com.fazecast.jSerialComm.SerialPort;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies bytes both ways between two pseudo-terminals and impairs them: each byte, with
 * probability {@code rate}, is bit-flipped, dropped or duplicated (one of the three, evenly).
 * Each direction draws from its own generator with a fixed seed.
 */
final class ImpairingRelay implements AutoCloseable {
    private final SerialPort left;
    private final SerialPort right;
    private final Thread leftToRight;
    private final Thread rightToLeft;
    private volatile double rate;
    private volatile boolean running = true;
    final AtomicLong flipped = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();

    ImpairingRelay(Path leftPath, Path rightPath, double rate, long seed) {
        this.rate = rate;
        left = open(leftPath);
        right = open(rightPath);
        leftToRight = Thread.ofPlatform().daemon().name("relay ->").start(() -> pump(left, right, new Random(seed)));
        rightToLeft = Thread.ofPlatform().daemon().name("relay <-").start(() -> pump(right, left, new Random(seed + 1)));
    }

    void setRate(double rate) {
        this.rate = rate;
    }

    private static SerialPort open(Path path) {
        SerialPort port = SerialPort.getCommPort(path.toString());
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 20, 0);
        if (!port.openPort()) {
            throw new IllegalStateException("relay cannot open " + path + ": error " + port.getLastErrorCode()
                    + " at " + port.getLastErrorLocation());
        }
        return port;
    }

    private void pump(SerialPort from, SerialPort to, Random random) {
        byte[] in = new byte[256];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (running) {
            int n = from.readBytes(in, in.length);
            if (n <= 0) {
                continue;
            }
            out.reset();
            for (int i = 0; i < n; i++) {
                byte b = in[i];
                if (random.nextDouble() >= rate) {
                    out.write(b);
                    continue;
                }
                switch (random.nextInt(3)) {
                    case 0 -> {
                        out.write(b ^ (1 << random.nextInt(8)));
                        flipped.incrementAndGet();
                    }
                    case 1 -> dropped.incrementAndGet();
                    default -> {
                        out.write(b);
                        out.write(b);
                        duplicated.incrementAndGet();
                    }
                }
            }
            byte[] bytes = out.toByteArray();
            to.writeBytes(bytes, bytes.length);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        leftToRight.join(2000);
        rightToLeft.join(2000);
        left.closePort();
        right.closePort();
    }
}
