package dev.sparrow.agent.cli;

import static dev.sparrow.agent.cli.CliRun.sparrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparrow.agent.Json;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparrow compress}: the JSON reports, and every refusal before anything is written. */
class CompressCommandTest {
    @TempDir
    Path dir;
    Path images;
    Path out;
    String model;

    @BeforeEach
    void setUp() throws IOException {
        images = Files.createDirectory(dir.resolve("images"));
        List<Path> query;
        try (var files = Files.list(SharedData.vpr("corridor").resolve("query"))) {
            query = files.sorted().limit(3).toList();
        }
        for (Path p : query) {
            Files.copy(p, images.resolve(p.getFileName()));
        }
        out = dir.resolve("out.tflite");
        model = SharedData.model("face_detection_short_range.tflite").toString();
    }

    @Test
    void writesTheModelAndReportsAsJson() throws Exception {
        CliRun r = sparrow("compress", model, "-o", out.toString(), "--int8", "--calib", images.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode report = Json.MAPPER.readTree(r.out());
        assertEquals(2, report.get("calibration_images").asInt());
        assertEquals(1, report.get("held_out_images").asInt());
        assertEquals(Files.size(out), report.get("output_file_bytes").asLong());
        assertEquals("[-1, 1]", report.get("input_normalization").asText());
        assertTrue(report.get("size_ratio_vs_float32").asDouble() < 0.4, r.out());
        assertEquals(2, report.get("deviation").size());
        assertTrue(report.get("deviation").get(0).get("max_abs_deviation").isNumber());
        assertTrue(report.get("compressed_ms_median").asDouble() > 0);
        assertTrue(report.get("layers").size() > 30, "one row per weighted layer");
    }

    private void refused(String expected, String... args) {
        CliRun r = sparrow(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().lines().filter(l -> !l.startsWith("(sparrow")).count(), "one line: " + r.err());
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void prunesWithoutQuantisingAndMeasuresOnEveryImage() throws Exception {
        CliRun r = sparrow("compress", model, "-o", out.toString(), "--prune", "0.5", "--block", "1x4", "--calib",
                images.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode report = Json.MAPPER.readTree(r.out());
        assertEquals(3, report.get("held_out_images").asInt(), "nothing to calibrate: every image measures");
        assertTrue(report.get("method").asText().startsWith("prune 0.50 (1x4 blocks"), r.out());
        double sparsity = report.get("weight_sparsity").asDouble();
        assertTrue(sparsity > 0.3 && sparsity < 0.5, "1x1 layers at 0.5, the rest dense: " + sparsity);
    }

    @Test
    void writesACodebookFileThatModelRunLoads() throws Exception {
        CliRun r = sparrow("compress", model, "-o", out.toString(), "--codebook", "16", "--calib", images.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode report = Json.MAPPER.readTree(r.out());
        assertTrue(report.get("method").asText().startsWith("codebook K=16"), r.out());
        assertTrue(report.get("size_ratio_vs_float32").asDouble() < 0.25, r.out());
        assertEquals("4/32", report.get("layers").get(0).get("bits_after").asText(), r.out());
        CliRun run = sparrow("model", "run", out.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("classificators"), run.out());
    }

    @Test
    void mixedPrecisionFitsTheBudgetAndReportsTheChoice() throws Exception {
        CliRun r = sparrow("compress", model, "-o", out.toString(), "--mixed-precision", "0.25", "--calib", images.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode report = Json.MAPPER.readTree(r.out());
        assertTrue(report.get("method").asText().startsWith("mixed precision 0.25"), r.out());
        assertEquals(2, report.get("calibration_images").asInt(), "a fifth held out, at least one");
        JsonNode mixed = report.get("mixed_precision");
        assertTrue(mixed.get("weight_bytes").asLong() <= 0.25 * mixed.get("float32_weight_bytes").asLong(), r.out());
        assertEquals(report.get("weight_bytes_after").asLong(), mixed.get("weight_bytes").asLong());
        assertEquals(4, mixed.get("uniform").size(), "K = 256, 64, 16, 4");
        assertEquals(report.get("layers").size(), mixed.get("layers").size(), "one choice per layer");
        CliRun run = sparrow("model", "run", out.toString());
        assertEquals(0, run.code(), run.err());
    }

    @Test
    void refusesInvalidRequestsBeforeWritingAnything() throws Exception {
        refused("nothing to do", "compress", model, "-o", out.toString());
        refused("needs --calib", "compress", model, "-o", out.toString(), "--int8");
        refused("--codebook 1 must be between 2 and 256 entries", "compress", model, "-o", out.toString(), "--codebook",
                "1", "--calib", images.toString());
        refused("--codebook 257 must be between 2 and 256 entries", "compress", model, "-o", out.toString(),
                "--codebook", "257", "--calib", images.toString());
        refused("--int8 and --codebook K are alternatives", "compress", model, "-o", out.toString(), "--int8",
                "--codebook", "16", "--calib", images.toString());
        for (String budget : new String[] {"0", "1.5", "-0.25", "NaN"}) {
            refused(budget + " must be a fraction of the float32 weight bytes in (0, 1]", "compress", model, "-o",
                    out.toString(), "--mixed-precision", budget, "--calib", images.toString());
        }
        refused("'quarter' is not a number", "compress", model, "-o", out.toString(), "--mixed-precision", "quarter",
                "--calib", images.toString());
        refused("--mixed-precision chooses each layer's weights itself; give it without --int8 or --codebook K", "compress",
                model, "-o", out.toString(), "--mixed-precision", "0.25", "--int8", "--calib", images.toString());
        refused("--mixed-precision chooses each layer's weights itself; give it without --int8 or --codebook K", "compress",
                model, "-o", out.toString(), "--mixed-precision", "0.25", "--codebook", "16", "--calib", images.toString());
        refused("codebook weights go to a Sparrow codebook file", "compress", model, "-o", out.toString(), "--prune", "0.5",
                "--sparse-encoding", "--mixed-precision", "0.25", "--calib", images.toString());
        refused("the smallest codebook of every layer (K=4) still needs", "compress", model, "-o", out.toString(),
                "--mixed-precision", "0.01", "--calib", images.toString());
        refused("must be a sparsity in [0, 1)", "compress", model, "-o", out.toString(), "--prune", "1", "--calib",
                images.toString());
        refused("--block 2x2 is not one of 1x1, 1x4, 4x1", "compress", model, "-o", out.toString(), "--prune", "0.5",
                "--block", "2x2", "--calib", images.toString());
        refused("Missing required option", "compress", model, "--int8", "--calib", images.toString());
        refused("does not exist", "compress", model, "-o", out.toString(), "--int8", "--calib", dir.resolve("nope").toString());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "no images here");
        refused("holds no image", "compress", model, "-o", out.toString(), "--int8", "--calib", empty.toString());
        refused("already quantised", "compress", SharedData.model("person_detect_qdim0.tflite").toString(), "-o",
                out.toString(), "--int8", "--calib", images.toString());
        refused("--holdout 3 must be between 1 and 2", "compress", model, "-o", out.toString(), "--int8", "--calib",
                images.toString(), "--holdout", "3");
        refused("give --int8 too", "compress", model, "-o", out.toString(), "--prune", "0.5", "--int8-io", "--calib",
                images.toString());
        refused("--sparse-encoding stores pruned float weights", "compress", model, "-o", out.toString(), "--int8",
                "--sparse-encoding", "--calib", images.toString());
        refused("--sparse-encoding stores pruned float weights", "compress", model, "-o", out.toString(), "--prune", "0.5",
                "--int8", "--sparse-encoding", "--calib", images.toString());
        refused("output folder", "compress", model, "-o", dir.resolve("missing/out.tflite").toString(), "--int8",
                "--calib", images.toString());
        Files.writeString(images.resolve("broken.jpg"), "not a JPEG");
        refused("broken.jpg", "compress", model, "-o", out.toString(), "--int8", "--calib", images.toString());
    }
}
