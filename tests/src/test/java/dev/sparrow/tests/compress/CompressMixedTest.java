package dev.sparrow.tests.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.compress.ActivationRanges;
import dev.sparrow.runtime.compress.CalibrationImages;
import dev.sparrow.runtime.compress.Compression;
import dev.sparrow.runtime.compress.CompressionReport;
import dev.sparrow.runtime.compress.InputNormalization;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparrow compress --mixed-precision 0.25} on face_detection_short_range: the weights fit the budget,
 * Sparrow runs the file, and the per-layer choice deviates less on held-out images than uniform codebooks
 * at its size (below).
 */
class CompressMixedTest {
    private static final int IMAGES = 7;
    private static final int HELD_OUT = 3;
    private static final double BUDGET = 0.25;

    @TempDir
    static Path dir;
    static Path images;
    static Path model;

    @BeforeAll
    static void copyImages() throws Exception {
        images = CorridorImages.copy(dir, "images", IMAGES);
        model = SharedData.model("face_detection_short_range.tflite");
    }

    private static Compression.Options options(double budget, boolean int8, int codebook) {
        return new Compression.Options(images, InputNormalization.MINUS_ONE_TO_ONE, HELD_OUT, null, int8,
                ActivationRanges.Clipping.MSE, false, false, codebook, budget);
    }

    @Test
    void fitsTheBudgetRunsAndBeatsUniformCodebooksAtItsSize() throws Exception {
        Path out = dir.resolve("fd_mixed.sparrow");
        CompressionReport report = Compression.run(model, out, options(BUDGET, false, 0));
        System.out.print(report.toText().lines().filter(l -> !l.matches(".*\\s[\\d,]+\\s+[\\d,]+$") || l.startsWith("total"))
                .reduce("", (a, b) -> a + b + "\n"));
        CompressionReport.MixedPrecisionSummary mp = report.mixedPrecision();

        assertEquals(report.bytesAfter(), mp.weightBytes(), "the choice counts the bytes the report counts");
        assertEquals(report.bytesBefore(), mp.floatWeightBytes());
        assertTrue(report.bytesAfter() <= BUDGET * report.bytesBefore(), report.bytesAfter() + " weight bytes of "
                + report.bytesBefore());
        assertTrue(mp.layers().stream().map(CompressionReport.LayerChoice::bits).distinct().count() >= 2,
                "a mixed choice: " + mp.layers());
        assertEquals(4, mp.sensitivityImages(), "every calibration image, at most four");
        assertTrue(report.method().startsWith("mixed precision 0.25"), report.method());

        Model written = TfliteReader.read(out);
        assertTrue(written.tensors().stream().anyMatch(t -> t.palette() != null), "palettised weights in the file");
        try (Interpreter interpreter = Interpreter.create(written)) {
            Path image = CalibrationImages.list(images).getLast();
            interpreter.setInput(0, CalibrationImages.load(image, 128, 128, 3, InputNormalization.MINUS_ONE_TO_ONE));
            interpreter.run();
            for (int o = 0; o < interpreter.outputCount(); o++) {
                for (float v : interpreter.outputFloats(o)) {
                    assertTrue(Float.isFinite(v), "output " + o);
                }
            }
        }

        assertTrue(Double.isFinite(mp.deviation()) && mp.deviation() > 0, "deviation " + mp.deviation());
        assertEquals(CompressionReport.relativeDeviation(report.deviations()), mp.deviation(), 1e-12);
        // No uniform precision has this size: 8-bit codebooks everywhere (K=64) come to 0.31 of the float32
        // weights (a codebook and channel scales per layer on top of a byte per weight), 4-bit ones to 0.17.
        // The mixed choice must beat the smaller one and the straight line between the two at its own size;
        // the larger one, 25 % bigger, deviates less (BENCHMARKS.md, "Mixed precision").
        CompressionReport.UniformBaseline smaller = mp.uniforms().stream().filter(u -> u.weightBytes() < mp.weightBytes())
                .max(Comparator.comparingLong(CompressionReport.UniformBaseline::weightBytes)).orElseThrow();
        CompressionReport.UniformBaseline larger = mp.uniforms().stream().filter(u -> u.weightBytes() >= mp.weightBytes())
                .min(Comparator.comparingLong(CompressionReport.UniformBaseline::weightBytes)).orElseThrow();
        double atSameSize = smaller.deviation() + (larger.deviation() - smaller.deviation())
                * (mp.weightBytes() - smaller.weightBytes()) / (larger.weightBytes() - smaller.weightBytes());
        String uniforms = "mixed " + mp.deviation() + " at " + mp.weightBytes() + " bytes; uniform " + mp.uniforms();
        assertEquals(16, smaller.entries(), uniforms);
        assertEquals(64, larger.entries(), uniforms);
        assertTrue(mp.deviation() < smaller.deviation(), uniforms);
        assertTrue(mp.deviation() < atSameSize, "interpolated uniform " + atSameSize + "; " + uniforms);
    }

    @Test
    void invalidRequestsFailBeforeAnythingIsWritten() {
        Path out = dir.resolve("never.sparrow");
        for (double budget : new double[] {-0.5, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options(budget, false, 0));
            assertEquals("--mixed-precision " + budget + " must be a fraction of the float32 weight bytes in (0, 1]",
                    e.getMessage());
        }
        for (Compression.Options both : new Compression.Options[] {options(BUDGET, true, 0), options(BUDGET, false, 16)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Compression.run(model, out, both));
            assertEquals("--mixed-precision chooses each layer's weights itself; give it without --int8 or --codebook K",
                    e.getMessage());
        }
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> Compression.run(model, out, options(0.01, false, 0)));
        assertTrue(tooSmall.getMessage().startsWith("--mixed-precision 0.01 asks for ")
                && tooSmall.getMessage().contains("the smallest codebook of every layer (K=4) still needs"), tooSmall.getMessage());
        assertFalse(Files.exists(out));
    }
}
