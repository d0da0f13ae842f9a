package dev.sparrow.agent.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> payloads(List<Outbox.Message> messages) {
        return messages.stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(Outbox.SUFFIX)).sorted().toList();
        }
    }

    @Test
    void durableMessagesSurviveARestartInOrderAndLeaveOnlyWhenAcknowledged() throws Exception {
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                box.append("sparrow/r1/place", bytes("p" + i), 1, true);
                box.append("sparrow/r1/metrics", bytes("m" + i), 0, false);
            }
            List<Outbox.Message> sent = box.takeForSending(4, 0);
            assertEquals(List.of("p0", "m0", "p1", "m1"), payloads(sent));
            box.acknowledged(sent.get(0).id());
            box.acknowledged(sent.get(1).id());
            assertEquals(8, box.depth());
        }
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            assertEquals(4, box.replayed(), "p1..p4: p0 was acknowledged; metrics live in memory only");
            assertEquals(List.of("p1", "p2", "p3", "p4"), payloads(box.takeForSending(10, 0)));
            box.append("sparrow/r1/place", bytes("p5"), 1, true);
            assertEquals(List.of("p5"), payloads(box.takeForSending(10, 0)), "new ids follow the replayed ones");
            assertTrue(box.damage().isEmpty());
        }
    }

    @Test
    void aFailedSendGoesBackBeforeYoungerMessagesAndALostConnectionResendsAll() throws Exception {
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            for (int i = 0; i < 4; i++) {
                box.append("t", bytes("p" + i), 1, true);
            }
            long gen = box.generation();
            List<Outbox.Message> first = box.takeForSending(2, 0);
            box.failed(first.get(0).id(), gen);
            assertEquals(List.of("p0", "p2"), payloads(box.takeForSending(2, 0)));
            box.returnAllInFlight();
            box.failed(first.get(1).id(), gen); // a stale failure of an older connection is ignored
            assertEquals(List.of("p0", "p1", "p2", "p3"), payloads(box.takeForSending(10, 0)));
        }
    }

    @Test
    void overTheBoundMetricsAreDroppedOldestFirstAndPlaceEventsNever() throws Exception {
        try (Outbox box = Outbox.open(dir, 110)) { // bytes counted: topic + payload
            box.append("m", bytes("m-old-0123456789"), 0, false); // 17
            box.append("m", bytes("m-new-0123456789"), 0, false);
            for (int i = 0; i < 6; i++) {
                box.append("p", bytes("p" + i + "-0123456789"), 1, true); // 14 each: 118 in all
            }
            assertEquals(1, box.droppedMessages(), "the oldest metrics went first");
            assertEquals(7, box.depth());
            box.append("p", bytes("p6-0123456789"), 1, true);
            assertEquals(2, box.droppedMessages());
            assertTrue(box.hasRoomForDurable());
            box.append("p", bytes("p7-0123456789"), 1, true);
            assertFalse(box.hasRoomForDurable(), "place events alone fill the bound: the producer must stop");
            assertEquals(8, box.durableDepth(), "no place event is ever dropped");
            for (Outbox.Message m : box.takeForSending(10, 0)) {
                box.acknowledged(m.id());
            }
            assertTrue(box.hasRoomForDurable());
        }
    }

    @Test
    void aTornTailIsReportedAndEverythingBeforeItReplayed() throws Exception {
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            for (int i = 0; i < 3; i++) {
                box.append("sparrow/r1/place", bytes("p" + i), 1, true);
            }
        }
        Path segment = segments().getFirst();
        long size = Files.size(segment);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(size - 3); // a crash in the middle of writing p2
        }
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            assertEquals(List.of("p0", "p1"), payloads(box.takeForSending(10, 0)));
            assertEquals(1, box.damage().size());
            assertTrue(box.damage().getFirst().contains(segment.getFileName() + ": record at byte "), box.damage().getFirst());
        }
    }

    @Test
    void aCorruptRecordIsSkippedAndTheRecordsAfterItKept() throws Exception {
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            for (int i = 0; i < 3; i++) {
                box.append("sparrow/r1/place", bytes("payload-" + i), 1, true);
            }
        }
        Path segment = segments().getFirst();
        byte[] data = Files.readAllBytes(segment);
        int middle = new String(data, StandardCharsets.ISO_8859_1).indexOf("payload-1");
        data[middle] ^= 0x20; // a flipped bit in p1's payload
        Files.write(segment, data);
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            assertEquals(List.of("payload-0", "payload-2"), payloads(box.takeForSending(10, 0)));
            assertTrue(box.damage().getFirst().contains("fails its CRC32C; skipped"), box.damage().toString());
        }
    }

    @Test
    void aFileThatIsNotASegmentIsRefusedByName() throws Exception {
        Files.writeString(dir.resolve("00000000000000000000" + Outbox.SUFFIX), "hello");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Outbox.open(dir, 1 << 20));
        assertTrue(e.getMessage().contains("00000000000000000000.outbox: not an outbox segment"), e.getMessage());
    }

    @Test
    void acknowledgedSegmentsAreDeleted() throws Exception {
        try (Outbox box = Outbox.open(dir, 1 << 20)) {
            box.append("t", bytes("p0"), 1, true);
            for (Outbox.Message m : box.takeForSending(10, 0)) {
                box.acknowledged(m.id());
            }
            assertTrue(box.awaitEmpty(0));
        }
        assertEquals(List.of(), segments(), "nothing left to replay, no file left behind");
    }
}
