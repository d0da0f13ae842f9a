package dev.sparrow.bridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Two connected pseudo-terminals made by socat, reachable through symlinks a and b in a directory. */
final class PtyPair implements AutoCloseable {
    final Path a;
    final Path b;
    private final Process socat;

    PtyPair(Path dir, String name) throws IOException, InterruptedException {
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

    @Override
    public void close() throws InterruptedException {
        socat.destroy();
        if (!socat.waitFor(2, TimeUnit.SECONDS)) {
            socat.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
    }
}
