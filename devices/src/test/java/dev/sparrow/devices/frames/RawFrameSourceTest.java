package dev.sparrow.devices.frames;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawFrameSourceTest {
    @TempDir
    Path temp;

    /** The Y plane of frame {@code n}: every byte differs between frames and positions. */
    private static byte[] luma(int width, int height, int n) {
        byte[] plane = new byte[width * height];
        for (int i = 0; i < plane.length; i++) {
            plane[i] = (byte) (n * 37 + i);
        }
        return plane;
    }

    /** An I420 frame: the Y plane, then U and V planes of ceil(w/2) x ceil(h/2) filled with marker bytes. */
    private static byte[] i420(int width, int height, int n) {
        int chroma = ((width + 1) / 2) * ((height + 1) / 2);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(luma(width, height, n));
        byte[] u = new byte[chroma];
        Arrays.fill(u, (byte) 0xEE);
        byte[] v = new byte[chroma];
        Arrays.fill(v, (byte) 0x11);
        frame.writeBytes(u);
        frame.writeBytes(v);
        return frame.toByteArray();
    }

    @Test
    void greyFramesComeBackAsWritten() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int n = 0; n < 3; n++) {
            stream.writeBytes(luma(4, 3, n));
        }
        try (RawFrameSource source = new RawFrameSource(new ByteArrayInputStream(stream.toByteArray()), "test", RawFormat.GREY, 4, 3)) {
            assertEquals(12, source.frameBytes());
            for (int n = 0; n < 3; n++) {
                Frame frame = source.next().orElseThrow();
                assertEquals(n, frame.sequence());
                assertEquals(4, frame.width());
                assertEquals(3, frame.height());
                assertArrayEquals(luma(4, 3, n), frame.pixels());
            }
            assertEquals(Optional.empty(), source.next());
            assertEquals(Optional.empty(), source.next(), "an ended source stays ended");
            assertEquals(new FrameCounts(3, 0, Optional.empty()), source.counts());
        }
    }

    @Test
    void yuv420OfOddSizeYieldsItsLumaPlane() throws IOException {
        // 5x3: Y is 15 bytes, U and V are 3x2 = 6 bytes each (rounded up), 27 bytes a frame.
        assertEquals(27, RawFormat.YUV420.frameBytes(5, 3));
        assertEquals(640 * 480 * 3 / 2, RawFormat.YUV420.frameBytes(640, 480));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(i420(5, 3, 0));
        stream.writeBytes(i420(5, 3, 1));
        assertEquals(54, stream.size());
        try (RawFrameSource source = new RawFrameSource(new ByteArrayInputStream(stream.toByteArray()), "test", RawFormat.YUV420, 5, 3)) {
            assertArrayEquals(luma(5, 3, 0), source.next().orElseThrow().pixels());
            Frame second = source.next().orElseThrow();
            assertEquals(1, second.sequence());
            assertArrayEquals(luma(5, 3, 1), second.pixels());
            assertEquals(Optional.empty(), source.next());
            assertEquals(new FrameCounts(2, 0, Optional.empty()), source.counts());
        }
    }

    @Test
    void aTruncatedLastGreyFrameIsCountedNotReturned() throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(luma(4, 3, 0));
        stream.writeBytes(luma(4, 3, 1));
        stream.write(luma(4, 3, 2), 0, 5);
        try (RawFrameSource source = new RawFrameSource(new ByteArrayInputStream(stream.toByteArray()), "camera", RawFormat.GREY, 4, 3)) {
            assertEquals(0, source.next().orElseThrow().sequence());
            assertEquals(1, source.next().orElseThrow().sequence());
            assertEquals(Optional.empty(), source.next());
            FrameCounts counts = source.counts();
            assertEquals(2, counts.delivered());
            assertEquals(1, counts.skipped());
            assertEquals("camera: stream ended 5 bytes into a 12-byte GREY 4x3 frame; the truncated frame was dropped",
                    counts.lastSkipReason().orElseThrow());
        }
    }

    @Test
    void aYuv420FrameCutInItsChromaIsCounted() throws IOException {
        byte[] cut = Arrays.copyOf(i420(5, 3, 0), 15 + 4);
        try (RawFrameSource source = new RawFrameSource(new ByteArrayInputStream(cut), "stdin", RawFormat.YUV420, 5, 3)) {
            assertEquals(Optional.empty(), source.next());
            assertEquals(1, source.counts().skipped());
            assertTrue(source.counts().lastSkipReason().orElseThrow().startsWith("stdin: stream ended 19 bytes into a 27-byte YUV420 5x3 frame"));
        }
    }

    @Test
    void anEmptyStreamEndsWithoutASkip() throws IOException {
        try (RawFrameSource source = new RawFrameSource(new ByteArrayInputStream(new byte[0]), "stdin", RawFormat.GREY, 2, 2)) {
            assertEquals(Optional.empty(), source.next());
            assertEquals(new FrameCounts(0, 0, Optional.empty()), source.counts());
        }
    }

    @Test
    void refusesImpossibleSizesAndMissingPathsNamingThem() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> new RawFrameSource(new ByteArrayInputStream(new byte[0]), "stdin", RawFormat.GREY, 0, 3));
        assertEquals("stdin: frame size must be positive: 0x3", zero.getMessage());
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> new RawFrameSource(new ByteArrayInputStream(new byte[0]), "stdin", RawFormat.YUV420, 10000, 10000));
        assertEquals("stdin: frame size 10000x10000 is over the limit of 40000000 pixels", huge.getMessage());
        Path missing = temp.resolve("no-such-pipe");
        IOException open = assertThrows(IOException.class, () -> RawFrameSource.open(missing, RawFormat.GREY, 2, 2));
        assertTrue(open.getMessage().startsWith("cannot open raw frame stream " + missing), open.getMessage());
    }

    @Test
    void readsANamedPipeUntilItsWriterCloses() throws Exception {
        Path pipe = makeFifo();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream out = Files.newOutputStream(pipe)) {
                for (int n = 0; n < 3; n++) {
                    out.write(i420(6, 4, n));
                    out.flush();
                }
                out.write(new byte[7]);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (RawFrameSource source = RawFrameSource.open(pipe, RawFormat.YUV420, 6, 4)) {
                for (int n = 0; n < 3; n++) {
                    Frame frame = source.next().orElseThrow();
                    assertEquals(n, frame.sequence());
                    assertArrayEquals(luma(6, 4, n), frame.pixels());
                }
                assertEquals(Optional.empty(), source.next());
                assertEquals(3, source.counts().delivered());
                assertEquals(1, source.counts().skipped());
                assertTrue(source.counts().lastSkipReason().orElseThrow().startsWith(pipe + ": stream ended 7 bytes"));
            }
        });
        writer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReadWaitingOnASilentPipeEndsWhenTheWriterCloses() throws Exception {
        Path pipe = makeFifo();
        // The writer opens the pipe, stays silent while the reader waits, then ends without a byte.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = Files.newOutputStream(pipe);
                try {
                    Thread.sleep(300);
                } finally {
                    out.close();
                }
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (RawFrameSource source = RawFrameSource.open(pipe, RawFormat.GREY, 2, 2)) {
                assertEquals(Optional.empty(), source.next());
                assertEquals(new FrameCounts(0, 0, Optional.empty()), source.counts());
            }
        });
        writer.get(10, TimeUnit.SECONDS);
    }

    private Path makeFifo() throws IOException, InterruptedException {
        Path pipe = temp.resolve("frames.fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not installed: skipping the named-pipe test");
            throw e;
        }
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed: skipping the named-pipe test");
        return pipe;
    }
}
