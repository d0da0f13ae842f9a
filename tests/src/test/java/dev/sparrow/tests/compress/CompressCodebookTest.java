package dev.sparrow.tests.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.check.ConformanceCheck;
import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.check.ReferenceFile;
import dev.sparrow.runtime.compress.ActivationRanges;
import dev.sparrow.runtime.compress.CalibrationImages;
import dev.sparrow.runtime.compress.Compression;
import dev.sparrow.runtime.compress.CompressionReport;
import dev.sparrow.runtime.compress.InputNormalization;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.runtime.tflite.CodebookFile;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code sparrow compress --codebook K} on shared MediaPipe models: the Sparrow codebook file loads, its
 * weights stay palettised in the loaded model, and Sparrow's codebook kernels compute what the same graph
 * computes with the decoded float weights (the codebook values are the weights, so the only difference a
 * correct implementation may show is fp32 summation order) — in Sparrow and in TensorFlow Lite.
 */
class CompressCodebookTest {
    private static final int IMAGES = 6;
    private static final int HELD_OUT = 3;
    /** DESIGN.md's fp32 bound: max |a − b| / max |b| per output tensor. */
    private static final double FP32_RELATIVE = 1e-5;

    @TempDir
    static Path dir;
    static Path images;

    @BeforeAll
    static void copyImages() throws Exception {
        images = CorridorImages.copy(dir, "images", IMAGES);
    }

    private static Compression.Options options(InputNormalization normalization, int entries) {
        return new Compression.Options(images, normalization, HELD_OUT, null, false, ActivationRanges.Clipping.MSE, false, false,
                entries);
    }

    @ParameterizedTest(name = "{0} K={2}: codebook kernels compute the decoded float graph")
    @CsvSource({
        "face_detection_short_range.tflite, MINUS_ONE_TO_ONE, 16, 4, 0.22",
        "selfie_segmentation.tflite, ZERO_TO_ONE, 64, 8, 0.40"
    })
    void codebookModelMatchesItsDecodedFloatGraph(String file, InputNormalization normalization, int entries, int bits,
                                                 double maxRatio) throws Exception {
        Path out = dir.resolve(file.replace(".tflite", "_cb" + entries + ".sparrow"));
        CompressionReport report = Compression.run(SharedData.model(file), out, options(normalization, entries));
        System.out.print(report.toText().lines().filter(l -> !l.matches(".*\\s[\\d,]+\\s+[\\d,]+$") || l.startsWith("total"))
                .reduce("", (a, b) -> a + b + "\n"));

        Model model = TfliteReader.read(out);
        long palettised = model.tensors().stream().filter(t -> t.palette() != null).count();
        assertTrue(palettised >= 30, palettised + " palettised weight tensors");
        for (Tensor t : model.tensors()) {
            if (t.palette() != null) {
                assertEquals(bits, t.palette().bits(), t.describe());
                assertTrue(t.palette().entries() <= entries, t.describe());
            }
        }
        assertTrue(report.layers().stream().filter(l -> l.bitsAfter().startsWith(bits + "")).count() >= palettised,
                "the report shows the index width of every palettised layer");
        assertTrue(report.sizeRatio() <= maxRatio, file + ": " + report.outputFileBytes() + " bytes is "
                + report.sizeRatio() + " of the fp32 model's " + report.float32FileBytes());
        for (CompressionReport.OutputDeviation d : report.deviations()) {
            assertTrue(Double.isFinite(d.maxAbs()) && d.maxAbs() > 0 && d.meanAbs() <= d.maxAbs(), file + ": " + d);
        }

        // Held-out images and a random input through the codebook kernels and the decoded float weights.
        Model decoded = CodebookFile.decoded(model);
        Tensor in = model.input(0);
        List<float[]> inputs = new ArrayList<>();
        List<Path> all = CalibrationImages.list(images);
        for (Path p : all.subList(all.size() - HELD_OUT, all.size())) {
            inputs.add(CalibrationImages.load(p, in.dim(1), in.dim(2), in.dim(3), normalization));
        }
        try (Interpreter codebook = Interpreter.create(model); Interpreter dense = Interpreter.create(decoded)) {
            codebook.setInputRaw(0, ModelInputs.random(model, 5).get(0));
            dense.setInputRaw(0, ModelInputs.random(model, 5).get(0));
            compare(file, codebook, dense);
            for (float[] x : inputs) {
                codebook.setInput(0, x);
                dense.setInput(0, x);
                compare(file, codebook, dense);
            }
        }
    }

    private static void compare(String file, Interpreter codebook, Interpreter dense) {
        codebook.run();
        dense.run();
        for (int o = 0; o < codebook.outputCount(); o++) {
            float[] a = codebook.outputFloats(o);
            float[] b = dense.outputFloats(o);
            double maxDiff = 0, range = 0;
            for (int k = 0; k < a.length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs((double) a[k] - b[k]));
                range = Math.max(range, Math.abs(b[k]));
            }
            assertTrue(maxDiff <= FP32_RELATIVE * range, file + " output " + o + ": max |codebook − decoded| " + maxDiff
                    + " against a range of " + range);
        }
    }

    /** `sparrow model check` on a codebook file: TensorFlow Lite runs the decoded twin, Sparrow the codebook kernels. */
    @Test
    void checkAgainstTfliteRunsTheDecodedTwin() throws Exception {
        Path out = dir.resolve("fd_check.sparrow");
        Compression.run(SharedData.model("face_detection_short_range.tflite"), out,
                options(InputNormalization.MINUS_ONE_TO_ONE, 16));
        Model model = TfliteReader.read(out);
        try (ReferenceFile twin = ReferenceFile.of(model, out)) {
            assertFalse(twin.path().equals(out), "TensorFlow Lite cannot read the codebook file itself");
            ConformanceCheck.Result r = ConformanceCheck.run(model, out, twin.path(),
                    References.find().orElseThrow(() -> new AssertionError(References.unavailableMessage())),
                    Int8Mode.TFLITE, 3);
            assertTrue(r.conforms(), r.toString());
        }
    }

    @Test
    void invalidRequestsFailBeforeAnythingIsWritten() {
        Path out = dir.resolve("never.sparrow");
        for (int k : new int[] {1, 257, -3}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> options(InputNormalization.MINUS_ONE_TO_ONE, k));
            assertEquals("--codebook " + k + " must be between 2 and 256 entries", e.getMessage());
        }
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> Compression.run(
                SharedData.model("face_detection_short_range.tflite"), out, new Compression.Options(images,
                        InputNormalization.MINUS_ONE_TO_ONE, HELD_OUT, null, true, ActivationRanges.Clipping.MSE, false, false, 16)));
        assertEquals("--int8 and --codebook K are alternatives for the weights; give one", both.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void aCodebookModelIsNotCompressedAgain() throws Exception {
        Path first = dir.resolve("once.sparrow");
        Compression.run(SharedData.model("face_detection_short_range.tflite"), first,
                options(InputNormalization.MINUS_ONE_TO_ONE, 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compression.run(first,
                dir.resolve("twice.sparrow"), options(InputNormalization.MINUS_ONE_TO_ONE, 16)));
        assertTrue(e.getMessage().contains("is already palettised"), e.getMessage());
    }
}
