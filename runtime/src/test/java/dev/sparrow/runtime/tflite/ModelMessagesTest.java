package dev.sparrow.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.exec.OpRegistry;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal of a model names the file and the problem in one short line. */
class ModelMessagesTest {

    @Test
    void aMissingFileOrADirectoryIsNamedAsSuch(@TempDir Path dir) {
        Path missing = dir.resolve("nonexistent.tflite");
        IOException notFound = assertThrows(IOException.class, () -> TfliteReader.read(missing));
        assertEquals("model file not found: " + missing, notFound.getMessage());
        IOException directory = assertThrows(IOException.class, () -> TfliteReader.read(dir));
        assertEquals(dir + " is a directory, not a .tflite model file", directory.getMessage());
    }

    @Test
    void aThousandDimensionsAreNotListedInTheMessage() throws IOException {
        // A hand_recrop tensor whose shape vector claims 1,500 dimensions: the bytes after its real shape
        // become dimensions, and the refusal must not print all of them. The tensor whose shape comes first
        // in the file has the 6,000 bytes after it.
        ModelPatch patch = ModelPatch.of("hand_recrop.tflite");
        int earliest = 0;
        for (int t = 1; t < patch.tensorCount(); t++) {
            earliest = patch.shapeOffset(t) < patch.shapeOffset(earliest) ? t : earliest;
        }
        byte[] bytes = patch.rank(earliest, 1500).bytes();
        ModelException e = assertThrows(ModelException.class, () -> TfliteReader.read(bytes, "hand_recrop.tflite"));
        assertTrue(e.getMessage().startsWith("hand_recrop.tflite: "), e.getMessage());
        assertTrue(e.getMessage().contains("…1500 dims…"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + " characters: " + e.getMessage());
    }

    @Test
    void operatorCompilationErrorsNameTheModel() throws IOException {
        Path file = SharedData.model("hand_recrop.tflite");
        Model model = TfliteReader.read(file);
        // A compiler refusing like the built-in ones do: naming its operator but not the file.
        OpRegistry refusing = new OpRegistry();
        Set<String> registered = new HashSet<>();
        for (Operator op : model.operators()) {
            DataType type = model.tensor(op.input(0)).type();
            if (registered.add(op.op() + "/" + type)) {
                refusing.register(op.op(), type, (o, ctx) -> {
                    throw new IllegalArgumentException("stride of index entry 0 is 0");
                });
            }
        }
        ModelException e = assertThrows(ModelException.class,
                () -> Interpreter.create(model, Interpreter.Options.defaults(), refusing));
        assertTrue(e.getMessage().startsWith(file + ": operator 0 "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": stride of index entry 0 is 0"), e.getMessage());
    }
}
