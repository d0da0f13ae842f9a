package dev.sparrow.snn.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.snn.data.TrainedOn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {
    private static ModularNetwork net;
    private static float[][] queries;
    private static SyntheticPlaces data;
    private static int[] placeOf;

    @TempDir
    Path dir;

    @BeforeAll
    static void train() {
        data = new SyntheticPlaces(4, 64, 20, 21);
        placeOf = SyntheticPlaces.cycle(4, 4);
        net = ModularNetwork.train(new SnnConfig(8, 8, 16, 2, 1, 5L, SimulationMode.FAST, 2),
                data.observeAll(placeOf, 22), placeOf, data.observeAll(placeOf, 23), placeOf, null);
        queries = data.observeAll(SyntheticPlaces.cycle(4, 6), 24);
    }

    @Test
    void roundTripKeepsEveryAnswer() throws IOException {
        Path f = dir.resolve("net.snn");
        net.save(f);
        ModularNetwork back = ModularNetwork.load(f);
        assertEquals(net.places(), back.places());
        assertEquals(net.hyperactiveThreshold(), back.hyperactiveThreshold());
        float[][] a = net.scores(queries), b = back.scores(queries);
        for (int q = 0; q < a.length; q++) {
            assertArrayEquals(a[q], b[q]);
        }
        ModularNetwork int8 = net.withInt8Weights();
        assertTrue(int8.weightBytes() < net.weightBytes() / 2, int8.weightBytes() + " vs " + net.weightBytes());
        int8.save(f);
        float[][] c = int8.scores(queries), d = ModularNetwork.load(f).scores(queries);
        for (int q = 0; q < c.length; q++) {
            assertArrayEquals(c[q], d[q]);
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp files left behind");
        }
    }

    @Test
    void ensembleRoundTripSumsMembers() throws IOException {
        Ensemble e = Ensemble.of(java.util.List.of(net, net.withInt8Weights()));
        Path f = dir.resolve("ens.snn");
        e.save(f);
        Ensemble back = Ensemble.load(f);
        assertEquals(2, back.members().size());
        float[][] s = back.scores(queries);
        float[][] a = net.scores(queries), b = net.withInt8Weights().scores(queries);
        for (int q = 0; q < s.length; q++) {
            for (int p = 0; p < s[q].length; p++) {
                assertEquals(a[q][p] + b[q][p], s[q][p], 1e-6f);
            }
        }
        assertThrows(IOException.class, () -> ModularNetwork.load(f), "an ensemble file is not a network file");
    }

    @Test
    void flippedByteIsACorruptFile() throws IOException {
        Path f = dir.resolve("flip.snn");
        net.save(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path f = dir.resolve("cut.snn");
        net.save(f);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, bytes.length - 100));
        IOException e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        Files.write(f, Arrays.copyOf(bytes, 6));
        e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void wrongVersionAndMagicAreNamed() throws IOException {
        Path f = dir.resolve("v.snn");
        net.save(f);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer.wrap(bytes).putInt(4, 3);
        Files.write(f, resealed(bytes));
        IOException e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertTrue(e.getMessage().contains("unsupported version 3"), e.getMessage());
        bytes[0] = 'X';
        Files.write(f, resealed(bytes));
        e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void theFileRecordsWhatItWasTrainedOnAndFilesOfFormatOneStillRead() throws IOException {
        TrainedOn route = new TrainedOn("data/corridor", 4, 2, 0x1234_5678_9ABC_DEF0L);
        Path single = dir.resolve("single.snn");
        net.save(single, route);
        assertEquals(Optional.of(route), Ensemble.read(single).trainedOn());
        Path ensemble = dir.resolve("ensemble.snn");
        Ensemble.of(List.of(net, net)).withTrainedOn(route).save(ensemble);
        assertEquals(Optional.of(route), Ensemble.read(ensemble).trainedOn());
        assertEquals(2, Ensemble.read(ensemble).members().size());

        // A file of format 1 is a format-2 file without the record byte: it reads, recording nothing.
        Path plain = dir.resolve("plain.snn");
        net.save(plain);
        byte[] v2 = Files.readAllBytes(plain);
        assertEquals(0, v2[8], "no record");
        byte[] v1 = new byte[v2.length - 1];
        System.arraycopy(v2, 0, v1, 0, 8);
        System.arraycopy(v2, 9, v1, 8, v2.length - 9);
        ByteBuffer.wrap(v1).putInt(4, 1);
        Path old = Files.write(dir.resolve("old.snn"), resealed(v1));
        Ensemble read = Ensemble.read(old);
        assertEquals(Optional.empty(), read.trainedOn());
        float[][] a = net.scores(queries), b = read.members().getFirst().scores(queries);
        for (int q = 0; q < a.length; q++) {
            assertArrayEquals(a[q], b[q]);
        }
    }

    @Test
    void aMagicOfNulBytesIsPrintedEscaped() throws IOException {
        Path f = dir.resolve("zeros.snn");
        Files.write(f, new byte[64]);
        IOException e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertEquals(f + ": not a Sparrow SNNW file (magic at byte offset 0 is \"\\x00\\x00\\x00\\x00\")",
                e.getMessage());
    }

    @Test
    void aMissingFileADirectoryOrAFifoIsNamedAsSuch() throws Exception {
        IOException missing = assertThrows(IOException.class, () -> Ensemble.read(dir.resolve("nope.snn")));
        assertEquals("model file not found: " + dir.resolve("nope.snn"), missing.getMessage());
        IOException directory = assertThrows(IOException.class, () -> Ensemble.read(dir));
        assertEquals(dir + " is a directory, not a network file written by 'sparrow snn train'", directory.getMessage());
        Path fifo = dir.resolve("pipe.snn");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        IOException pipe = assertThrows(IOException.class, () -> ModularNetwork.load(fifo));
        assertEquals(fifo + " is not a regular file (a FIFO or device), not a network file", pipe.getMessage());
    }

    @Test
    void anOutputThatCannotBeWrittenIsRefusedBeforeAnyWork() throws IOException {
        IOException directory = assertThrows(IOException.class, () -> Ensemble.checkWritable(dir));
        assertEquals(dir + " is a directory; give a file name to write the network to", directory.getMessage());
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file");
        Path underAFile = file.resolve("sub").resolve("net.snn");
        IOException under = assertThrows(IOException.class, () -> Ensemble.checkWritable(underAFile));
        assertEquals("cannot write " + underAFile + ": " + file + " is a file, not a folder", under.getMessage());
        Ensemble.checkWritable(dir.resolve("new").resolve("net.snn"));
    }

    @Test
    void aSaveRemovesStaleTempFilesOfItsOwnNamingAndKeepsTheFileMode() throws IOException {
        Path f = dir.resolve("route.snn");
        net.save(f);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        // What a save killed an hour ago leaves, what a save running now has, and a file that is not ours.
        Path stale = Files.write(dir.resolve(".route.snn8231937113.tmp"), new byte[10]);
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path running = Files.write(dir.resolve(".route.snn5550001.tmp"), new byte[10]);
        Path other = Files.write(dir.resolve(".other.snn123.tmp"), new byte[10]);
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        net.save(f);

        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertFalse(Files.exists(stale), "the stale temp file is removed");
        assertTrue(Files.exists(running), "a recent temp file may belong to a save still running");
        assertTrue(Files.exists(other), "another file's temp files are not ours to remove");
        ModularNetwork.load(f);
    }

    @Test
    void lengthsAreValidatedEvenWithAValidChecksum() throws IOException {
        Path f = dir.resolve("len.snn");
        net.save(f);
        byte[] bytes = Files.readAllBytes(f);
        // byte 8 says no training record follows; imageWidth is at byte 9
        ByteBuffer.wrap(bytes).putInt(9, 4000);
        Files.write(f, resealed(bytes));
        IOException e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("unexpected"), e.getMessage());
        ByteBuffer.wrap(bytes).putInt(9, -3);
        Files.write(f, resealed(bytes));
        e = assertThrows(IOException.class, () -> ModularNetwork.load(f));
        assertTrue(e.getMessage().contains("imageWidth = -3 at byte offset 9"), e.getMessage());
    }

    @Test
    void badQueriesAreRejectedWithTheirIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.scores(new float[][] {queries[0], new float[10]}));
        assertTrue(e.getMessage().contains("query 1 has 10 pixels, expected 64"), e.getMessage());
        float[] bad = queries[0].clone();
        bad[3] = 300f;
        e = assertThrows(IllegalArgumentException.class, () -> net.scores(bad));
        assertTrue(e.getMessage().contains("pixel 3"), e.getMessage());
    }

    private static byte[] resealed(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
