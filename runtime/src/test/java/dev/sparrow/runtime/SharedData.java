package dev.sparrow.runtime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared models and data: fails in CI when SPARROW_SHARED is missing, skips elsewhere. */
public final class SharedData {
    private SharedData() {}

    public static Path tfliteModels() {
        return folder("models/tflite");
    }

    public static Path model(String name) {
        return tfliteModels().resolve(name);
    }

    /** {@code $SPARROW_SHARED/data/vpr/<name>}. */
    public static Path vpr(String name) {
        return folder("data/vpr/" + name);
    }

    private static Path folder(String relative) {
        String shared = System.getenv("SPARROW_SHARED");
        if ("true".equals(System.getenv("CI"))) {
            assertNotNull(shared, "SPARROW_SHARED not set: CI needs the shared folder with " + relative);
        }
        assumeTrue(shared != null && !shared.isBlank(),
                "shared folder not found; set SPARROW_SHARED=/path/to/shared to run this test");
        Path dir = Path.of(shared, relative);
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(Files.isDirectory(dir), "SPARROW_SHARED=" + shared + " has no " + relative + " folder");
        }
        assumeTrue(Files.isDirectory(dir),
                "no " + relative + " under SPARROW_SHARED=" + shared + "; set SPARROW_SHARED=/path/to/shared");
        return dir;
    }
}
