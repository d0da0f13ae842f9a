package dev.sparrow.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Two connected pseudo-terminals made by socat, reachable through the symlinks {@code NAME-a} and
 * {@code NAME-b} in a directory: what one end writes, the other reads, as over a null-modem cable.
 * Without socat the test is skipped (failed in CI).
 */
public final class PtyPair implements AutoCloseable {
    private final Path a;
    private final Path b;
    private final Process socat;

    public PtyPair(Path dir, String name) throws IOException, InterruptedException {
        Prerequisites.requireProgram("socat", "socat");
        a = dir.resolve(name + "-a");
        b = dir.resolve(name + "-b");
        socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + "-socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!socat.isAlive() || System.nanoTime() > deadline) {
                socat.destroyForcibly();
                throw new IOException("socat did not create " + a + " and " + b + " (alive=" + socat.isAlive() + ")");
            }
            Thread.sleep(20);
        }
    }

    /** One end (by convention the host's). */
    public Path a() {
        return a;
    }

    /** The other end (by convention the firmware's). */
    public Path b() {
        return b;
    }

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        if (!socat.waitFor(2, TimeUnit.SECONDS)) {
            socat.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
    }
}
