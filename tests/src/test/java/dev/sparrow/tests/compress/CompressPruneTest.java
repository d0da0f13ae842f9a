package dev.sparrow.tests.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.check.ConformanceCheck;
import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.compress.ActivationRanges;
import dev.sparrow.runtime.compress.Compression;
import dev.sparrow.runtime.compress.CompressionReport;
import dev.sparrow.runtime.compress.InputNormalization;
import dev.sparrow.runtime.compress.MagnitudePruning;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceRunner;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparrow compress --prune}: the pruned float model (zeros in place) runs in TensorFlow Lite 2.6.2
 * within the fp32 conformance bound of Sparrow, and pruned then quantised it stays bit-exact with the zeros
 * kept; the report shows the sparsity reached and what it cost.
 */
class CompressPruneTest {
    @TempDir
    static Path dir;
    static Path images;

    @BeforeAll
    static void copyImages() throws Exception {
        images = CorridorImages.copy(dir, "images", 6);
    }

    private static CompressionReport compress(Path out, boolean int8) throws Exception {
        return compress(out, int8, false);
    }

    private static CompressionReport compress(Path out, boolean int8, boolean sparseEncoding) throws Exception {
        MagnitudePruning.Target target = new MagnitudePruning.Target(0.7, MagnitudePruning.Block.B1X4);
        return Compression.run(SharedData.model("face_detection_short_range.tflite"), out, new Compression.Options(images,
                InputNormalization.MINUS_ONE_TO_ONE, 2, target, int8, ActivationRanges.Clipping.MSE, false,
                sparseEncoding));
    }

    /**
     * {@code --sparse-encoding}: the pruned 1×1 filters in TensorFlow Lite's own sparse encoding behind DENSIFY.
     * TensorFlow Lite 2.6.2 loads it and its outputs equal, byte for byte, those of the zeros-in-place file;
     * TensorFlow Lite 2.21 + XNNPACK runs it; Sparrow reads the same weights back; the file is smaller.
     */
    @Test
    void sparseEncodingRunsInTfliteLikeZerosInPlace() throws Exception {
        Path dense = dir.resolve("pruned_dense.tflite");
        Path sparse = dir.resolve("pruned_sparse.tflite");
        CompressionReport denseReport = compress(dense, false, false);
        CompressionReport sparseReport = compress(sparse, false, true);
        assertTrue(Files.size(sparse) < 0.8 * Files.size(dense), Files.size(sparse) + " vs " + Files.size(dense) + " bytes");
        assertEquals(Files.size(sparse), sparseReport.outputFileBytes());
        assertEquals(denseReport.sparsity(), sparseReport.sparsity(), "the same zeros");

        Model denseModel = TfliteReader.read(dense);
        Model sparseModel = TfliteReader.read(sparse);
        long densified = sparseModel.tensors().stream().filter(t -> t.storedSparse()).count();
        assertTrue(densified >= 10, densified + " weights stored sparse");
        byte[] input = ModelInputs.random(denseModel, 5).get(0);
        List<byte[]> expected = run(dense, ReferenceKind.TFLITE_2_6_BUILTIN, input);
        List<byte[]> actual = run(sparse, ReferenceKind.TFLITE_2_6_BUILTIN, input);
        for (int o = 0; o < expected.size(); o++) {
            assertArrayEquals(expected.get(o), actual.get(o), "TFLite 2.6.2 output " + o);
        }
        assertEquals(expected.size(), run(sparse, ReferenceKind.TFLITE_2_21_XNNPACK, input).size());
        for (Tensor t : denseModel.tensors()) {
            if (t.isConstant()) {
                assertArrayEquals(t.data(), sparseModel.tensor(t.index()).data(), t.describe());
            }
        }
    }

    private static List<byte[]> run(Path file, ReferenceKind kind, byte[] input) throws Exception {
        try (ReferenceRunner tflite = References.find().orElseThrow().open(file, kind, 1)) {
            tflite.setInput(0, input);
            tflite.invoke();
            List<byte[]> outputs = new java.util.ArrayList<>();
            for (int o = 0; o < TfliteReader.read(file).outputs().length; o++) {
                outputs.add(tflite.output(o));
            }
            return outputs;
        }
    }

    @Test
    void prunedFloatModelRunsInTflite() throws Exception {
        Path out = dir.resolve("pruned.tflite");
        CompressionReport report = compress(out, false);
        assertTrue(report.sparsity() > 0.5 && report.sparsity() < 0.7, "1x1 layers at 0.7, the others dense: " + report.sparsity());
        long pruned = report.layers().stream().filter(l -> Math.abs(l.sparsity() - 0.7) < 0.01).count();
        assertTrue(pruned >= 10, pruned + " layers at the target");
        for (CompressionReport.OutputDeviation d : report.deviations()) {
            assertTrue(Double.isFinite(d.maxAbs()) && d.maxAbs() > 0, "pruning without retraining moves the outputs: " + d);
        }
        Model model = TfliteReader.read(out);
        ConformanceCheck.Result r = ConformanceCheck.run(model, out, out,
                References.find().orElseThrow(() -> new AssertionError(References.unavailableMessage())), Int8Mode.TFLITE, 3);
        assertTrue(r.conforms(), r.toString());
    }

    @Test
    void prunedThenQuantisedStaysBitExact() throws Exception {
        Path out = dir.resolve("pruned_int8.tflite");
        CompressionReport report = compress(out, true);
        assertTrue(report.sparsity() > 0.5, "the zeros survive int8: " + report.sparsity());
        Model model = TfliteReader.read(out);
        byte[] input = ModelInputs.random(model, 11).get(0);
        try (ReferenceRunner tflite = References.find().orElseThrow().open(out, ReferenceKind.TFLITE_2_6_BUILTIN, 1);
             Interpreter sparrow = Interpreter.create(model)) {
            tflite.setInput(0, input);
            tflite.invoke();
            sparrow.setInputRaw(0, input);
            sparrow.run();
            for (int o = 0; o < sparrow.outputCount(); o++) {
                assertArrayEquals(tflite.output(o), sparrow.outputRaw(o), "output " + o);
            }
        }
        assertEquals(4, report.calibrationImages());
    }
}
