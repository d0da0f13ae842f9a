package dev.sparrow.tests.compress;

import dev.sparrow.runtime.compress.CalibrationImages;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The compress tests' calibration folders: real frames of the corridor query traverse. */
final class CorridorImages {
    private CorridorImages() {}

    /**
     * Copies {@code count} frames spread over the whole traverse (not its first few, which look alike) into a new
     * folder {@code name} under {@code dir}.
     */
    static Path copy(Path dir, String name, int count) throws IOException {
        Path folder = Files.createDirectory(dir.resolve(name));
        List<Path> all = CalibrationImages.list(SharedData.vpr("corridor").resolve("query"));
        for (int i = 0; i < count; i++) {
            Path p = all.get(i * all.size() / count);
            Files.copy(p, folder.resolve(p.getFileName()));
        }
        return folder;
    }
}
