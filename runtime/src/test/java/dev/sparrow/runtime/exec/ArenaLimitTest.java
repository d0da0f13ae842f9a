package dev.sparrow.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.tflite.ModelPatch;
import dev.sparrow.runtime.tflite.TfliteReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small model whose consistent shapes ask for more arena than the heap holds is refused with a one-line
 * {@link ModelException} before the arena is allocated, naming the file, the size and the largest tensors.
 * The refusal runs in a JVM with a 64 MB heap, so the test means the same on any machine.
 */
class ArenaLimitTest {
    /** simple_quantized_ops.tflite's ADD and MUL with every tensor made FLOAT32[8,100,32,400]: 41 MB each. */
    private static Path hugeFloatModel(Path dir) throws IOException {
        ModelPatch patch = ModelPatch.of("simple_quantized_ops.tflite");
        for (int t = 0; t < patch.tensorCount(); t++) {
            patch.type(t, DataType.FLOAT32).dim(t, 3, 400);
        }
        Path file = dir.resolve("huge_add.tflite");
        Files.write(file, patch.bytes());
        return file;
    }

    @Test
    void anArenaLargerThanTheHeapIsRefusedBeforeItIsAllocated(@TempDir Path dir) throws Exception {
        Path model = hugeFloatModel(dir);
        // The same model runs where the heap is large enough: the refusal below is about memory alone.
        try (Interpreter it = Interpreter.create(TfliteReader.read(model))) {
            assertTrue(it.arenaBytes() >= 3L * 4 * 8 * 100 * 32 * 400, "arena " + it.arenaBytes());
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), CreateInterpreter.class.getName(), model.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, child.exitValue(), output);
        String message = output.lines().filter(l -> l.startsWith(model.toString())).findFirst().orElse(output);
        assertTrue(message.startsWith(model + ": the arena needs "), message);
        assertTrue(message.contains("largest tensors: tensor "), message);
        assertTrue(message.contains("FLOAT32[8, 100, 32, 400] 40,960,000 bytes"), message);
    }

    /** Run in the small JVM: prints the ModelException's message and exits 0, or exits 1 when none came. */
    public static final class CreateInterpreter {
        public static void main(String[] args) throws IOException {
            try (Interpreter it = Interpreter.create(TfliteReader.read(Path.of(args[0])))) {
                System.out.println("created an arena of " + it.arenaBytes() + " bytes");
                System.exit(1);
            } catch (ModelException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
