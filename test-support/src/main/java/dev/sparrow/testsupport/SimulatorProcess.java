package dev.sparrow.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The C firmware simulator ({@code firmware-bridge/firmware/sim}) as a child process on one end of a
 * {@link PtyPair}; keeps every line it prints ({@code READY}, {@code STATE ...}, {@code PLACE id=...}, ...).
 */
public final class SimulatorProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread drain;

    public SimulatorProcess(Path tty, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(NativeBuild.simulator().toString(), tty.toString()));
        command.addAll(List.of(options));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        drain = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process was killed; what it printed so far is kept
            }
        });
        awaitLine(l -> l.startsWith("READY"), 10_000);
    }

    public void command(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public String awaitLine(Predicate<String> wanted, long timeoutMs) throws InterruptedException {
        return awaitLineFrom(0, wanted, timeoutMs);
    }

    /** Like {@link #awaitLine} but looks only at lines from index {@code first} on (see {@code lines().size()}). */
    public String awaitLineFrom(int first, Predicate<String> wanted, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (lines) {
            int seen = first;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("simulator did not print the expected line within " + timeoutMs + " ms; printed: " + lines);
                }
                lines.wait(left);
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    /** The simulator's link counters, asked for on stdin (Process.destroy() would close its stdout first). */
    public Map<String, Long> counters() throws Exception {
        int before = lines().size();
        command("stats");
        String line = awaitLineFrom(before, l -> l.startsWith("COUNTERS "), 5000);
        Map<String, Long> values = new HashMap<>();
        for (String field : line.substring("COUNTERS ".length()).split(" ")) {
            String[] kv = field.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return values;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
