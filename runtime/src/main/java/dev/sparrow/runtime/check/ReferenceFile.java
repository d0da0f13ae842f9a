package dev.sparrow.runtime.check;

import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.CodebookFile;
import dev.sparrow.runtime.tflite.TfliteWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file TensorFlow Lite loads for a model Sparrow read: the file itself, or for a Sparrow codebook file
 * (which TensorFlow Lite cannot read) a temporary .tflite of the decoded float weights — exactly the
 * numbers the codebook kernels multiply by — deleted on close.
 */
public final class ReferenceFile implements AutoCloseable {
    private final Path path;
    private final boolean temporary;

    private ReferenceFile(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    public static ReferenceFile of(Model model, Path file) throws IOException {
        if (model.tensors().stream().map(Tensor::palette).allMatch(p -> p == null)) {
            return new ReferenceFile(file, false);
        }
        Path twin = Files.createTempFile("sparrow-decoded-", ".tflite");
        try {
            Files.write(twin, TfliteWriter.write(CodebookFile.decoded(model)));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(twin);
            throw e;
        }
        return new ReferenceFile(twin, true);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (temporary) {
            Files.deleteIfExists(path);
        }
    }
}
