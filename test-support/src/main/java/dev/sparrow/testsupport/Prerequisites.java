package dev.sparrow.testsupport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a test needs from the machine. In CI ({@code CI=true}) a missing prerequisite fails the test loudly,
 * so a green build always means the test ran; elsewhere the test is skipped with a message saying what to
 * install.
 */
public final class Prerequisites {
    private Prerequisites() {}

    /** Skips the calling test with {@code why}, or fails it in CI. */
    public static void missing(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        assumeTrue(false, why);
    }

    /** Requires {@code program} on the PATH; {@code aptPackage} is named in the message. */
    public static void requireProgram(String program, String aptPackage) {
        if (!onPath(program)) {
            missing(program + " is not installed (apt package " + aptPackage + "); this test needs it");
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }
}
