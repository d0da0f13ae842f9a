package dev.sparrow.tests.mqtt;


import dev.sparrow.testsupport.Prerequisites;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds the broker's programs (mosquitto, mosquitto_passwd, openssl) and runs the short-lived ones.
 * A missing program skips the test on a developer's machine but fails it in CI ({@code CI=true}),
 * where a silent skip would hide a missing install step.
 */
final class Executables {
    /** Debian puts mosquitto in /usr/sbin, which a non-root user's PATH often lacks. */
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

    private Executables() {}

    static Path require(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String why = name + " is not installed (Debian: apt-get install mosquitto mosquitto-clients openssl);"
                + " the real-broker MQTT tests need it";
        Prerequisites.missing(why);
        throw new AssertionError("unreachable: a missing prerequisite aborts the test");
    }

    /** Runs a program to completion in {@code dir}; a non-zero exit or a hang fails with its output. */
    static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        // A closed stdin makes a program that would prompt fail at once instead of waiting for a reply forever;
        // the output is a few lines, so reading it all before waiting cannot block the program on a full pipe.
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out after 30 s: " + String.join(" ", command) + "\n" + output);
        }
        if (process.exitValue() != 0) {
            throw new IOException("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n" + output);
        }
        return output;
    }
}
