package dev.sparrow.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A broker password from a file (its first line) or an environment variable — never from the command line or the configuration itself, and never logged. */
public final class Passwords {
    private Passwords() {}

    /**
     * @param fileKey, envKey how the user named the two sources (a config key or an option), for messages
     * @return the password, or null when neither source is given
     */
    public static char[] read(Path file, String envName, String fileKey, String envKey) throws IOException {
        if (file != null && envName != null) {
            throw new IllegalArgumentException("give " + fileKey + " or " + envKey + ", not both");
        }
        if (file != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new IOException(fileKey + " " + file + " cannot be read: " + e.getMessage(), e);
            }
            if (lines.isEmpty() || lines.getFirst().isEmpty()) {
                throw new IllegalArgumentException(fileKey + " " + file + " is empty");
            }
            return lines.getFirst().toCharArray();
        }
        if (envName != null) {
            String p = System.getenv(envName);
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException(envKey + ": environment variable " + envName + " is not set");
            }
            return p.toCharArray();
        }
        return null;
    }
}
