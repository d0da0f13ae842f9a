package dev.sparrow.agent.cli;

import static dev.sparrow.agent.cli.CliRun.sparrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparrow snn train} and {@code eval} end to end on the real corridor route, and their refusals. */
class SnnCommandTest {
    @Test
    void trainsWithCalibratedEpochsAndEvaluates(@TempDir Path dir) throws IOException {
        String corridor = SharedData.vpr("corridor").toString();
        Path model = dir.resolve("corridor.snn");
        CliRun train = sparrow("snn", "train", "--data", corridor, "--places", "60", "--neurons-per-module", "40",
                "--epochs", "2", "--epoch-step", "1", "--threads", "2", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(Files.size(model) > 0, "the model file is written");
        Matcher header = Pattern.compile("training on 60 places \\((\\d+) calibration, (\\d+) test\\), (\\d+) "
                + "calibration queries").matcher(train.err());
        assertTrue(header.find(), train.err());
        String testPlaces = header.group(2);
        String calibrationQueries = header.group(3);
        Matcher line = Pattern.compile("member 0, (\\d) epochs: hyperactive threshold (\\d+) recognises (\\d+) of "
                + "(\\d+) calibration queries( \\(kept\\))?").matcher(train.err());
        int candidates = 0;
        String kept = null;
        while (line.find()) {
            candidates++;
            assertEquals(String.valueOf(candidates), line.group(1), "candidates in ascending epochs");
            assertEquals(calibrationQueries, line.group(4), "every candidate sees every calibration query");
            if (line.group(5) != null) {
                kept = line.group(1);
            }
        }
        assertEquals(2, candidates, "one line per epoch candidate: " + train.err());
        assertTrue(kept != null, "one candidate is kept: " + train.err());

        CliRun eval = sparrow("snn", "eval", "--model", model.toString(), "--data", corridor, "--sequence", "4",
                "--json");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.err().contains("query: ") && eval.err().contains("(100%)"), "eval shows its progress: " + eval.err());
        String json = eval.out().strip();
        assertTrue(json.startsWith("{") && json.endsWith("}"), "one JSON object: " + json);
        for (String field : new String[] {"places", "queries", "r_at_1", "r_at_5", "pr_auc", "sad_r_at_1",
                "queries_per_s", "seq_r_at_1", "random_r_at_1"}) {
            assertTrue(json.contains("\"" + field + "\":"), "eval JSON has " + field + ": " + json);
        }
        assertTrue(json.contains("\"places\":" + testPlaces + ","), "the test places are evaluated: " + json);
        assertTrue(json.contains("\"member_epochs\":[" + kept + "]"), "the kept epochs are the model's: " + json);
        assertTrue(Files.size(dir.resolve("corridor-pr.png")) > 0, "PR plot next to the model");
        assertTrue(Files.size(dir.resolve("corridor-similarity.png")) > 0, "similarity plot next to the model");
    }

    @Test
    void refusesAFolderOfAnotherLayoutAndShowsTheExpectedOne(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        CliRun run = sparrow("snn", "train", "--data", dir.toString(), "--places", "10", "--out",
                dir.resolve("x.snn").toString());
        assertEquals(SparrowCli.BAD_INPUT, run.code());
        assertTrue(run.err().contains("ground_truth.csv") && run.err().contains("reference"),
                "the message shows the expected layout: " + run.err());
    }

    @Test
    void refusesACorruptModelNamingTheFile(@TempDir Path dir) throws IOException {
        String corridor = SharedData.vpr("corridor").toString();
        Path model = dir.resolve("broken.snn");
        Files.write(model, new byte[] {'S', 'N', 'N', 0, 1, 2, 3});
        CliRun run = sparrow("snn", "eval", "--model", model.toString(), "--data", corridor);
        assertEquals(SparrowCli.BAD_INPUT, run.code());
        assertTrue(run.err().contains(model.toString()), "the message names the file: " + run.err());
        assertTrue(run.out().isEmpty(), "no result is printed: " + run.out());
    }
}
