package dev.sparrow.devices.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the small text files of /proc, /sys and /etc, where absence is an answer rather than an error. */
final class SystemFiles {
    private SystemFiles() {
    }

    /**
     * The file's text, or empty when it is missing, unreadable or refuses the read (some sysfs
     * attributes answer EIO or EINVAL when their sensor is off).
     */
    static Optional<String> read(Path file) {
        try {
            return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Device-tree strings end in NUL; list properties separate their entries with NUL. */
    static Optional<String> readDeviceTreeString(Path file) {
        return read(file).map(s -> s.replace('\0', '\n').strip()).filter(s -> !s.isEmpty());
    }
}
