package dev.sparrow.snn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroundTruthCsvTest {
    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("ground_truth.csv"), text);
    }

    @Test
    void parsesCorridorRowsSortedAndDeduplicated() throws IOException {
        Path f = csv("query_index,query_file,matching_reference_indices(semicolon-separated)\n"
                + "0,a.jpg,0;1;2\n1,b.jpg,3;1;1\n\n");
        GroundTruthCsv gt = GroundTruthCsv.read(f, 4);
        assertEquals(List.of("a.jpg", "b.jpg"), gt.queryFiles());
        assertArrayEquals(new int[] {0, 1, 2}, gt.matches()[0]);
        assertArrayEquals(new int[] {1, 3}, gt.matches()[1]);
    }

    @Test
    void aFileThatIsNotUtf8IsSaidToBeSoWithLineAndOffset() throws IOException {
        // A spreadsheet's Latin-1 export: "é" is the single byte 0xE9.
        String text = "query_index,query_file,matching_reference_indices\n0,caf\u00e9.jpg,0\n";
        Path f = Files.write(dir.resolve("ground_truth.csv"), text.getBytes(StandardCharsets.ISO_8859_1));
        IOException e = assertThrows(IOException.class, () -> GroundTruthCsv.read(f, 1));
        assertEquals(f + " line 2: byte 0xE9 at byte offset 55 is not UTF-8; save the file as UTF-8", e.getMessage());
    }

    @Test
    void roundTrips() throws IOException {
        GroundTruthCsv gt = new GroundTruthCsv(List.of("q0.png", "q1.png"), new int[][] {{0}, {0, 1}});
        Path f = dir.resolve("gt.csv");
        gt.write(f);
        GroundTruthCsv back = GroundTruthCsv.read(f, 2);
        assertEquals(gt.queryFiles(), back.queryFiles());
        assertArrayEquals(gt.matches(), back.matches());
    }

    private void assertError(String text, int refs, String... fragments) throws IOException {
        Path f = csv(text);
        IOException e = assertThrows(IOException.class, () -> GroundTruthCsv.read(f, refs));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @Test
    void errorsNameFileLineAndProblem() throws IOException {
        String h = "query_index,query_file,matching_reference_indices\n";
        assertError("", 3, "empty file", GroundTruthCsv.HEADER);
        assertError("index,file,refs\n0,a,0\n", 3, "line 1", "header");
        assertError(h + "0,a.jpg,0\n2,b.jpg,1\n", 3, "ground_truth.csv", "line 3", "out of order", "expected 1");
        assertError(h + "0,a.jpg,x\n", 3, "line 2", "'x' is not an integer");
        assertError(h + "0,a.jpg,5\n", 3, "line 2", "reference index 5 outside 0..2");
        assertError(h + "0,a.jpg,\n", 3, "line 2", "no matching reference");
        assertError(h + "0,a.jpg\n", 3, "line 2", "2 columns, expected 3");
        assertError(h + "0,,1\n", 3, "line 2", "empty query_file");
        assertError(h, 3, "no query rows");
    }
}
