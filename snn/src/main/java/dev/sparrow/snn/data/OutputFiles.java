package dev.sparrow.snn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a file Sparrow will write at the end of long work (a trained network, evaluation plots) can
 * be written, before the work begins: a wrong path found after an hour of training loses the hour.
 */
public final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * Fails naming the reason when {@code file} could not be created or replaced: it is a directory, the
     * nearest existing folder on its path is a file, or that folder is not writable. Missing folders are fine:
     * the writer creates them.
     *
     * @param what what is written there, for the message ("the network", "a plot")
     */
    public static void checkWritable(Path file, String what) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new IOException(file + " is a directory; give a file name to write " + what + " to");
        }
        Path folder = target.getParent();
        while (folder != null && !Files.exists(folder)) {
            folder = folder.getParent();
        }
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IOException("cannot write " + file + ": " + folder + " is a file, not a folder");
        }
        if (!Files.isWritable(folder)) {
            throw new IOException("cannot write " + file + ": folder " + folder + " is not writable");
        }
    }
}
