package dev.sparrow.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the firmware-bridge C code with the host gcc into the running module's {@code target/native},
 * once per JVM and program (never a stale binary from an earlier run). Without gcc the test is skipped
 * (failed in CI).
 */
public final class NativeBuild {
    /** {@code firmware-bridge/firmware}, found from whichever module's folder the tests run in. */
    public static final Path FIRMWARE = locateFirmware();
    public static final Path OUT = Path.of("target", "native").toAbsolutePath();
    public static final List<String> HOST_FLAGS = List.of("-std=c99", "-Wall", "-Wextra", "-Werror", "-O2");

    private static final Set<String> BUILT = new HashSet<>();

    private NativeBuild() {
    }

    /** Surefire runs each module's tests in that module's folder; the firmware sits in a sibling module. */
    private static Path locateFirmware() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("firmware-bridge").resolve("firmware");
            if (Files.isDirectory(candidate.resolve("include"))) {
                return candidate;
            }
        }
        throw new UncheckedIOException(new IOException("no firmware-bridge/firmware/include above "
                + Path.of("").toAbsolutePath() + ": run the tests inside the Sparrow repository"));
    }

    /** The library sources: every .c under firmware/ except the simulator's and tests' mains. */
    public static List<Path> librarySources() throws IOException {
        try (Stream<Path> files = Files.walk(FIRMWARE)) {
            return files.filter(p -> p.toString().endsWith(".c"))
                    .filter(p -> !p.startsWith(FIRMWARE.resolve("sim")) && !p.startsWith(FIRMWARE.resolve("test")))
                    .sorted().toList();
        }
    }

    /** The firmware simulator program (see {@link SimulatorProcess}). */
    public static synchronized Path simulator() throws Exception {
        return program("simulator", FIRMWARE.resolve("sim/simulator_main.c"), HOST_FLAGS);
    }

    /** Links the library, {@code extraSources} and {@code main} into target/native/NAME. */
    public static synchronized Path program(String name, Path main, List<String> flags, Path... extraSources) throws Exception {
        Prerequisites.requireProgram("gcc", "gcc");
        Path binary = OUT.resolve(name);
        if (!BUILT.add(name)) {
            return binary;
        }
        Files.createDirectories(OUT);
        List<String> command = new ArrayList<>(List.of("gcc"));
        command.addAll(flags);
        command.add("-I" + FIRMWARE.resolve("include"));
        librarySources().forEach(p -> command.add(p.toString()));
        for (Path extra : extraSources) {
            command.add(extra.toString());
        }
        command.add(main.toString());
        command.addAll(List.of("-o", binary.toString()));
        run(command, 120);
        return binary;
    }

    /** Runs a command to completion and returns its combined output; fails the test on a non-zero exit. */
    public static String run(List<String> command, int timeoutSeconds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + output);
            return output;
        } finally {
            process.destroyForcibly();
        }
    }
}
