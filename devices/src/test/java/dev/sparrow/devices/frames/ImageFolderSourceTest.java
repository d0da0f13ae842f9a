package dev.sparrow.devices.frames;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.testsupport.SharedData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceTest {
    private static final double FAST = 1000;

    @TempDir
    Path folder;

    @Test
    void decodesPngAndJpegInNameOrderToGrey() throws Exception {
        TestImages.write(TestImages.greyRamp(5, 3), "png", folder.resolve("0000001.png"));
        BufferedImage colours = new BufferedImage(4, 1, BufferedImage.TYPE_INT_RGB);
        colours.setRGB(0, 0, 0xFF0000);
        colours.setRGB(1, 0, 0x00FF00);
        colours.setRGB(2, 0, 0x0000FF);
        colours.setRGB(3, 0, 0xFFFFFF);
        TestImages.write(colours, "png", folder.resolve("0000000.png"));
        TestImages.write(TestImages.uniformRgb(16, 16, 0x808080), "jpg", folder.resolve("0000002.JPG"));
        BufferedImage deepGrey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        deepGrey.getRaster().setSample(0, 0, 0, 0x8000);
        deepGrey.getRaster().setSample(1, 0, 0, 0xFFFF);
        TestImages.write(deepGrey, "png", folder.resolve("0000003.png"));
        Files.writeString(folder.resolve("ground_truth.csv"), "not an image\n");

        try (ImageFolderSource source = ImageFolderSource.open(folder, FAST, false)) {
            assertEquals(4, source.imageCount());

            Frame rgb = source.next().orElseThrow();
            assertEquals(0, rgb.sequence());
            assertEquals(4, rgb.width());
            assertEquals(1, rgb.height());
            // BT.601 luma of pure red, green, blue and white.
            assertArrayEquals(new byte[] {76, (byte) 150, 29, (byte) 255}, rgb.pixels());

            Frame ramp = source.next().orElseThrow();
            assertEquals(1, ramp.sequence());
            assertEquals(5, ramp.width());
            assertEquals(3, ramp.height());
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(x * 16 + y, ramp.grey(x, y), "grey PNG keeps its stored value at " + x + "," + y);
                }
            }

            Frame jpeg = source.next().orElseThrow();
            assertEquals(16 * 16, jpeg.pixels().length);
            for (byte pixel : jpeg.pixels()) {
                assertEquals(128, pixel & 0xFF, 2, "JPEG mid grey within its quantisation error");
            }

            Frame sixteenBit = source.next().orElseThrow();
            assertArrayEquals(new byte[] {(byte) 0x80, (byte) 0xFF}, sixteenBit.pixels());

            assertEquals(Optional.empty(), source.next());
            assertEquals(new FrameCounts(4, 0, Optional.empty()), source.counts());
        }
    }

    @Test
    void skipsAFileThatIsNoImageNamingIt() throws Exception {
        Files.writeString(folder.resolve("a.png"), "this is text, not a PNG");
        TestImages.write(TestImages.greyRamp(4, 4), "png", folder.resolve("b.png"));
        assertSkippedThenDelivered("a.png: not a PNG or JPEG image");
    }

    @Test
    void skipsACorruptPngNamingIt() throws Exception {
        TestImages.writeBytes(folder.resolve("a.png"), TestImages.truncatedPng());
        TestImages.write(TestImages.greyRamp(4, 4), "png", folder.resolve("b.png"));
        assertSkippedThenDelivered("a.png: ");
    }

    @Test
    void refusesAHeaderOverThePixelLimitBeforeDecoding() throws Exception {
        TestImages.writeBytes(folder.resolve("a.png"), TestImages.pngDeclaring(46000, 46000));
        TestImages.write(TestImages.greyRamp(4, 4), "png", folder.resolve("b.png"));
        String reason = assertSkippedThenDelivered("a.png: header declares 46000x46000 = 2116000000 pixels");
        assertTrue(reason.endsWith("over the limit of 40000000"), reason);
    }

    /** The folder holds a bad a.png and a good b.png: the good one arrives as frame 0, the bad one is counted. */
    private String assertSkippedThenDelivered(String expectedReasonStart) throws Exception {
        try (ImageFolderSource source = ImageFolderSource.open(folder, FAST, false)) {
            Frame frame = source.next().orElseThrow();
            assertEquals(0, frame.sequence());
            assertEquals(4, frame.width());
            assertEquals(Optional.empty(), source.next());
            FrameCounts counts = source.counts();
            assertEquals(1, counts.delivered());
            assertEquals(1, counts.skipped());
            String reason = counts.lastSkipReason().orElseThrow();
            assertTrue(reason.startsWith(folder.resolve(expectedReasonStart.split(": ")[0]) + ": "), reason);
            assertTrue(reason.contains(expectedReasonStart), reason);
            assertFalse(reason.contains("\n"), "the reason is one line: " + reason);
            return reason;
        }
    }

    @Test
    void countsEveryBadFileAmongGoodOnes() throws Exception {
        TestImages.write(TestImages.greyRamp(4, 4), "png", folder.resolve("0.png"));
        Files.writeString(folder.resolve("1.png"), "garbage");
        TestImages.writeBytes(folder.resolve("2.png"), TestImages.truncatedPng());
        TestImages.writeBytes(folder.resolve("3.png"), TestImages.pngDeclaring(46000, 46000));
        TestImages.write(TestImages.uniformRgb(8, 8, 0x404040), "jpg", folder.resolve("4.jpg"));
        try (ImageFolderSource source = ImageFolderSource.open(folder, FAST, false)) {
            assertEquals(0, source.next().orElseThrow().sequence());
            Frame last = source.next().orElseThrow();
            assertEquals(1, last.sequence());
            assertEquals(8, last.width());
            assertEquals(Optional.empty(), source.next());
            FrameCounts counts = source.counts();
            assertEquals(2, counts.delivered());
            assertEquals(3, counts.skipped());
            assertTrue(counts.lastSkipReason().orElseThrow().contains("3.png"));
        }
    }

    @Test
    void loopsWithRisingSequenceNumbers() throws Exception {
        TestImages.write(TestImages.greyRamp(2, 2), "png", folder.resolve("a.png"));
        TestImages.write(TestImages.greyRamp(3, 3), "png", folder.resolve("b.png"));
        try (ImageFolderSource source = ImageFolderSource.open(folder, FAST, true)) {
            for (int i = 0; i < 5; i++) {
                Frame frame = source.next().orElseThrow();
                assertEquals(i, frame.sequence());
                assertEquals(i % 2 == 0 ? 2 : 3, frame.width());
            }
            assertEquals(5, source.counts().delivered());
        }
    }

    @Test
    void aLoopingFolderWithNoReadableImageEnds() throws Exception {
        Files.writeString(folder.resolve("a.png"), "garbage");
        Files.writeString(folder.resolve("b.jpg"), "garbage");
        try (ImageFolderSource source = ImageFolderSource.open(folder, FAST, true)) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertEquals(Optional.empty(), source.next()));
            assertEquals(2, source.counts().skipped());
            assertEquals(0, source.counts().delivered());
        }
    }

    @Test
    void pacingNeverRunsAheadOfTheRate() throws Exception {
        for (int i = 0; i < 4; i++) {
            TestImages.write(TestImages.greyRamp(8, 8), "png", folder.resolve(i + ".png"));
        }
        double rate = 50;
        int frames = 12;
        long period = Math.round(1e9 / rate);
        List<Long> captures = new ArrayList<>();
        long start = System.nanoTime();
        try (ImageFolderSource source = ImageFolderSource.open(folder, rate, true)) {
            for (int i = 0; i < frames; i++) {
                captures.add(source.next().orElseThrow().captureNanos());
            }
        }
        long elapsed = System.nanoTime() - start;
        long span = captures.get(frames - 1) - captures.get(0);
        // The schedule fixes frame k at k periods after frame 0: it may be late on a loaded machine, never early.
        assertTrue(span >= (frames - 1) * period - TimeUnit.MILLISECONDS.toNanos(1),
                "12 frames at 50 fps took " + span / 1e6 + " ms, less than 11 periods");
        // Generous: only catches a schedule that sleeps far too long, not a slow machine.
        assertTrue(elapsed < TimeUnit.SECONDS.toNanos(10), "12 frames at 50 fps took " + elapsed / 1e6 + " ms");
    }

    @Test
    void closeEndsAWaitingNext() throws Exception {
        TestImages.write(TestImages.greyRamp(2, 2), "png", folder.resolve("a.png"));
        ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor();
        try (ImageFolderSource source = ImageFolderSource.open(folder, 0.1, true)) {
            source.next().orElseThrow();
            closer.schedule(source::close, 100, TimeUnit.MILLISECONDS);
            // The second frame is due in 10 s; close must end the wait long before.
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(Optional.empty(), source.next()));
        } finally {
            closer.shutdownNow();
        }
    }

    @Test
    void refusesBadFoldersAndRatesNamingThem() throws IOException {
        Path empty = Files.createDirectory(folder.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no images");
        IllegalArgumentException noImages = assertThrows(IllegalArgumentException.class, () -> ImageFolderSource.open(empty, 10, false));
        assertEquals("image folder " + empty + " has no .png, .jpg or .jpeg file", noImages.getMessage());

        Path missing = folder.resolve("missing");
        IOException notADirectory = assertThrows(IOException.class, () -> ImageFolderSource.open(missing, 10, false));
        assertTrue(notADirectory.getMessage().contains(missing.toString()));

        for (double rate : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException badRate = assertThrows(IllegalArgumentException.class, () -> ImageFolderSource.open(folder, rate, false));
            assertTrue(badRate.getMessage().contains(folder.toString()), badRate.getMessage());
        }
    }

    /** The shared corridor route's first reference image, as the agent will replay it. */
    @Test
    void decodesARealRouteImage() throws Exception {
        Path reference = SharedData.vpr("corridor").resolve("reference");
        Path first;
        try (Stream<Path> files = Files.list(reference)) {
            first = files.filter(p -> p.toString().endsWith(".jpg") || p.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        Path one = Files.createDirectory(folder.resolve("one"));
        Files.copy(first, one.resolve(first.getFileName()));
        BufferedImage expected = ImageIO.read(first.toFile());
        try (ImageFolderSource source = ImageFolderSource.open(one, FAST, false)) {
            Frame frame = source.next().orElseThrow();
            assertEquals(expected.getWidth(), frame.width());
            assertEquals(expected.getHeight(), frame.height());
            int x = frame.width() / 2;
            int y = frame.height() / 2;
            int rgb = expected.getRGB(x, y);
            int luma = (299 * ((rgb >> 16) & 0xFF) + 587 * ((rgb >> 8) & 0xFF) + 114 * (rgb & 0xFF) + 500) / 1000;
            assertEquals(luma, frame.grey(x, y), 1, "centre pixel of " + first);
            assertEquals(new FrameCounts(1, 0, Optional.empty()), source.counts());
        }
    }
}
