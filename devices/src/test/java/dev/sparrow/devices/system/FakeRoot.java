package dev.sparrow.devices.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the files of a hand-made /proc, /sys and /etc tree under a temporary root. */
final class FakeRoot {
    private final Path root;

    FakeRoot(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    FakeRoot file(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        return this;
    }
}
