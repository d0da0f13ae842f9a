package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Builds the C firmware code with the host gcc into target/native, once per JVM and program (never a stale binary from an earlier run). */
final class NativeBuild {
    static final Path FIRMWARE = Path.of("firmware").toAbsolutePath();
    static final Path OUT = Path.of("target", "native").toAbsolutePath();
    static final List<String> HOST_FLAGS = List.of("-std=c99", "-Wall", "-Wextra", "-Werror", "-O2");

    private static final Set<String> BUILT = new HashSet<>();

    private NativeBuild() {
    }

    /** The library sources: every .c under firmware/ except the simulator's and tests' mains. */
    static List<Path> librarySources() throws IOException {
        try (Stream<Path> files = Files.walk(FIRMWARE)) {
            return files.filter(p -> p.toString().endsWith(".c"))
                    .filter(p -> !p.startsWith(FIRMWARE.resolve("sim")) && !p.startsWith(FIRMWARE.resolve("test")))
                    .sorted().toList();
        }
    }

    static synchronized Path simulator() throws Exception {
        return program("simulator", FIRMWARE.resolve("sim/simulator_main.c"), HOST_FLAGS);
    }

    /** Links the library, {@code extraSources} and {@code main} into target/native/NAME. */
    static synchronized Path program(String name, Path main, List<String> flags, Path... extraSources) throws Exception {
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
    static String run(List<String> command, int timeoutSeconds) throws Exception {
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
