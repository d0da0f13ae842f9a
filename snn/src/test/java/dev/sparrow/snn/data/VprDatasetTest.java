package dev.sparrow.snn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VprDatasetTest {
    @TempDir
    Path dir;

    private static void image(Path file, int seed) throws IOException {
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                int v = (x * (seed + 3) + y * (seed * 5 + 1)) % 256;
                img.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (v / 2));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** Corridor layout with n places, query i matching references i-1..i+1. */
    private Path corridor(int n) throws IOException {
        Path root = dir.resolve("corridor");
        StringBuilder gt = new StringBuilder("query_index,query_file,matching_reference_indices\n");
        for (int i = 0; i < n; i++) {
            image(root.resolve("reference").resolve(String.format(Locale.ROOT, "r%03d.png", i)), i);
            image(root.resolve("query").resolve(String.format(Locale.ROOT, "q%03d.png", i)), i + 100);
            gt.append(i).append(",q").append(String.format(Locale.ROOT, "%03d", i)).append(".png,");
            for (int r = Math.max(0, i - 1); r <= Math.min(n - 1, i + 1); r++) {
                gt.append(r == Math.max(0, i - 1) ? "" : ";").append(r);
            }
            gt.append('\n');
        }
        Files.writeString(root.resolve("ground_truth.csv"), gt);
        return root;
    }

    /** The corridor layout with numbered reference images 0000000.png, 0000001.png, … as routes are recorded. */
    private Path numberedCorridor(int n) throws IOException {
        Path root = corridor(n);
        for (int i = 0; i < n; i++) {
            Files.move(root.resolve("reference").resolve(String.format(Locale.ROOT, "r%03d.png", i)),
                    root.resolve("reference").resolve(String.format(Locale.ROOT, "%07d.png", i)));
        }
        return root;
    }

    @Test
    void anExtraOrMissingReferenceImageIsNamedInsteadOfShiftingTheGroundTruth() throws IOException {
        Path root = numberedCorridor(8);
        assertEquals(8, VprDataset.open(root).places());
        Path reference = root.resolve("reference");
        String shift = "; ground_truth.csv indexes reference/ by position, so every later place would shift";

        Path copy = Files.copy(reference.resolve("0000005.png"), reference.resolve("0000005 (copy).png"));
        IOException extra = assertThrows(IOException.class, () -> VprDataset.open(root));
        assertEquals(copy + " is not numbered like the other reference images (extra file?)" + shift, extra.getMessage());
        Files.delete(copy);

        Path twice = Files.copy(reference.resolve("0000005.png"), reference.resolve("0000005.jpg"));
        IOException repeated = assertThrows(IOException.class, () -> VprDataset.open(root));
        // name order puts 0000005.jpg first, so 0000005.png is the one that repeats the number
        assertEquals(reference.resolve("0000005.png") + " repeats reference number 5 (extra file?)" + shift,
                repeated.getMessage());
        Files.delete(twice);

        Files.delete(reference.resolve("0000003.png"));
        IOException missing = assertThrows(IOException.class, () -> VprDataset.open(root));
        assertEquals("reference image number 3 is missing before " + reference.resolve("0000004.png") + shift,
                missing.getMessage());
    }

    @Test
    void theTrainingRecordTellsRoutesStridesAndExtraImagesApart() throws IOException {
        Path root = numberedCorridor(8);
        TrainedOn all = TrainedOn.of("a", VprDataset.open(root).select(8, 1), 1);
        assertTrue(all.sameImages(TrainedOn.of("moved", VprDataset.open(root).select(8, 1), 1)), "names do not count");
        assertFalse(all.sameImages(TrainedOn.of("a", VprDataset.open(root).select(4, 2), 2)), "stride");
        assertFalse(all.sameImages(TrainedOn.of("a", VprDataset.open(root).select(7, 1), 1)), "place count");
        Files.write(root.resolve("reference").resolve("0000006.png"), new byte[] {1, 2, 3});
        assertFalse(all.sameImages(TrainedOn.of("a", VprDataset.open(root).select(8, 1), 1)), "a changed image");
    }

    @Test
    void opensCorridorLayout() throws IOException {
        VprDataset ds = VprDataset.open(corridor(6));
        assertEquals("corridor", ds.layout());
        assertEquals(6, ds.places());
        assertEquals(6, ds.queryCount());
        assertArrayEquals(new int[] {0, 1}, ds.matches()[0]);
        assertArrayEquals(new int[] {3, 4, 5}, ds.matches()[4]);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, ds.primaryMatches());
        assertEquals(6, ds.referenceImages().length);
        assertEquals(784, ds.queryImages()[5].length);
    }

    @Test
    void opensNordlandLayout() throws IOException {
        Path root = dir.resolve("nordland");
        StringBuilder gt = new StringBuilder("index,query_file(query_winter/),reference_file(reference_summer/),nordland_frame_number\n");
        for (int i = 0; i < 4; i++) {
            String name = String.format(Locale.ROOT, "images-%05d.png", (i + 1) * 10);
            image(root.resolve("reference_summer").resolve(name), i);
            image(root.resolve("query_winter").resolve(name), i + 50);
            gt.append(i).append(',').append(name).append(',').append(name).append(',').append((i + 1) * 10).append('\n');
        }
        Files.writeString(root.resolve("ground_truth.csv"), gt);
        VprDataset ds = VprDataset.open(root);
        assertEquals("nordland", ds.layout());
        assertEquals(4, ds.places());
        assertArrayEquals(new int[][] {{0}, {1}, {2}, {3}}, ds.matches());
    }

    @Test
    void selectKeepsEveryKthPlaceAndRenumbersMatches() throws IOException {
        VprDataset ds = VprDataset.open(corridor(9)).select(3, 2);
        // places kept: 0, 2, 4 -> 0, 1, 2; of queries 0, 2, 4, 6, 8 only 0, 2, 4 keep a match (6 matches 5..7)
        assertEquals(3, ds.places());
        assertArrayEquals(new int[][] {{0}, {1}, {2}}, ds.matches());
        assertEquals("q004.png", ds.queries().get(2).getFileName().toString());
        assertThrows(IllegalArgumentException.class, () -> ds.select(4, 1));
    }

    @Test
    void convertedCopyReadsBackIdentically() throws IOException {
        VprDataset ds = VprDataset.open(corridor(7)).select(5, 1);
        Path out = dir.resolve("out");
        ds.writeCorridor(out);
        VprDataset back = VprDataset.open(out);
        assertEquals(ds.places(), back.places());
        assertArrayEquals(ds.matches(), back.matches());
        assertArrayEquals(ds.referenceImages(), back.referenceImages());
        assertArrayEquals(ds.queryImages(), back.queryImages());
        assertTrue(Files.readString(out.resolve("sources.csv")).contains("r004.png"));
        IOException e = assertThrows(IOException.class, () -> ds.writeCorridor(out));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    }

    @Test
    void unknownLayoutShowsTheExpectedOne() throws IOException {
        Path odd = Files.createDirectories(dir.resolve("odd").resolve("images"));
        IOException e = assertThrows(IOException.class, () -> VprDataset.open(odd.getParent()));
        assertTrue(e.getMessage().contains("images/"), e.getMessage());
        assertTrue(e.getMessage().contains("DIR/reference/"), e.getMessage());
        assertTrue(e.getMessage().contains("ground_truth.csv"), e.getMessage());
    }

    @Test
    void missingQueryFileIsNamed() throws IOException {
        Path root = corridor(3);
        Files.delete(root.resolve("query").resolve("q001.png"));
        IOException e = assertThrows(IOException.class, () -> VprDataset.open(root));
        assertTrue(e.getMessage().contains("q001.png"), e.getMessage());
    }

    @Test
    void placeSplitKeepsCalibrationAndTestQueriesDisjoint() throws IOException {
        VprDataset ds = VprDataset.open(corridor(11));
        PlaceSplit split = PlaceSplit.vprsnn(11);
        assertEquals(2, split.calibrationPlaces()); // round(11 * 600 / 3300) = 2
        int[] cal = split.calibrationQueries(ds.matches());
        int[] test = split.testQueries(ds.matches());
        // query 0 {0,1} is calibration; query 1 {0,1,2} and 2 {1,2,3} straddle the boundary; 3..10 are test
        assertArrayEquals(new int[] {0}, cal);
        assertArrayEquals(new int[] {3, 4, 5, 6, 7, 8, 9, 10}, test);
        assertArrayEquals(new int[] {0, 1, 2}, split.testMatches(ds.matches(), test)[0]);
        assertArrayEquals(new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10}, split.testPlaceIndices());
        assertEquals(600, PlaceSplit.vprsnn(3300).calibrationPlaces());
        assertThrows(IllegalArgumentException.class, () -> new PlaceSplit(5, 5));
    }
}
