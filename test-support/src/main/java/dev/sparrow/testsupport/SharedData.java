package dev.sparrow.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared models and data ({@code SPARROW_SHARED}: a folder with {@code models/tflite/}, {@code data/vpr/}
 * and {@code reference/}), which are never committed. In CI ({@code CI=true}) a missing folder fails the
 * test loudly; elsewhere the test is skipped with a message that says how to get the data.
 */
public final class SharedData {
    private SharedData() {}

    /** {@code $SPARROW_SHARED}. */
    public static Path root() {
        String env = System.getenv("SPARROW_SHARED");
        Path root = env == null || env.isBlank() ? null : Path.of(env);
        require(root != null, "SPARROW_SHARED is not set");
        return root;
    }

    /** {@code $SPARROW_SHARED/models/tflite}. */
    public static Path tfliteModels() {
        return folder("models/tflite");
    }

    /** {@code $SPARROW_SHARED/models/tflite/<fileName>}. */
    public static Path model(String fileName) {
        Path file = tfliteModels().resolve(fileName);
        require(Files.isRegularFile(file), "SPARROW_SHARED has no models/tflite/" + fileName);
        return file;
    }

    /** {@code $SPARROW_SHARED/data/vpr/<name>}. */
    public static Path vpr(String name) {
        return folder("data/vpr/" + name);
    }

    private static Path folder(String relative) {
        Path dir = root().resolve(relative);
        require(Files.isDirectory(dir), "SPARROW_SHARED=" + root() + " has no " + relative + " folder");
        return dir;
    }

    private static void require(boolean present, String problem) {
        if (present) {
            return;
        }
        Prerequisites.missing(problem + ": set SPARROW_SHARED=/path/to/shared (the folder with models/tflite and"
                + " data/vpr) to run this test");
    }
}
