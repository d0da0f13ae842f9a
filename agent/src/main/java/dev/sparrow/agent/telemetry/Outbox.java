package dev.sparrow.agent.telemetry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Messages on their way to the broker, oldest first. A <em>durable</em> message (a place event) is appended to
 * a segment file, forced to disk before it is handed out for publishing ({@link #takeForSending}), and leaves
 * only when {@link #acknowledged} (on PUBACK); a restart replays every durable message of the segments still
 * present (at least once: a message acknowledged in a segment that still holds an unacknowledged one is sent
 * again). Other messages (metrics, command results) live in memory only.
 *
 * <p>The outbox is bounded by {@code maxBytes} of topic and payload: over the bound the oldest non-durable
 * messages are dropped (counted); durable ones never are — {@link #hasRoomForDurable()} tells the producer to
 * stop making more (the agent then drops camera frames, not results).
 *
 * <p>Segment file {@code <first id, 20 digits>.outbox}: the line {@code SPARROW-OUTBOX 1\n}, then records
 * {@code [u32 length][u32 crc32c][u64 id][u8 qos][u16 topic length][topic utf-8][payload]} (big-endian; length
 * and CRC cover everything after the CRC). A record with qos {@value #ACK_MARK} and no topic or payload says
 * "message {@code id} was acknowledged", so a restart does not send it again while its segment still holds
 * others (written, not forced: losing one costs a duplicate, never a loss). A torn record at a segment's end
 * (a crash mid-write) ends that segment's replay, a record failing its CRC is skipped; both are reported in
 * {@link #damage()}.
 */
public final class Outbox implements AutoCloseable {
    static final byte[] MAGIC = "SPARROW-OUTBOX 1\n".getBytes(StandardCharsets.US_ASCII);
    static final String SUFFIX = ".outbox";
    private static final long SEGMENT_BYTES = 4L << 20;
    private static final int RECORD_HEADER = 4 + 4;
    private static final int RECORD_FIXED = 8 + 1 + 2;
    static final int ACK_MARK = 0xff;

    /** One message; {@code id} orders the outbox. */
    public record Message(long id, String topic, byte[] payload, int qos, boolean durable) {
        long bytes() {
            return topic.length() + payload.length;
        }
    }

    private static final class Entry {
        final Message message;
        final Segment segment;
        boolean inFlight;
        long sendGeneration;

        Entry(Message message, Segment segment) {
            this.message = message;
            this.segment = segment;
        }
    }

    private static final class Segment {
        final Path file;
        FileChannel channel;
        long size;
        int live;

        Segment(Path file) {
            this.file = file;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final TreeMap<Long, Entry> pending = new TreeMap<>();
    private final List<Segment> closedSegments = new ArrayList<>();
    private Segment current;
    private boolean unsynced;
    private long nextId;
    private long bytes;
    private long droppedMessages;
    private long generation;
    private final int replayed;
    private final List<String> damage = new ArrayList<>();
    private boolean closed;

    private Outbox(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        for (Path file : files) {
            replay(file);
        }
        // only now: an acknowledgement in a later segment can empty an earlier one
        for (Iterator<Segment> it = closedSegments.iterator(); it.hasNext(); ) {
            Segment segment = it.next();
            if (segment.live == 0) {
                Files.deleteIfExists(segment.file);
                it.remove();
            }
        }
        replayed = pending.size();
    }

    /** Opens (or creates) the outbox in {@code dir}, loading the durable messages a previous run left. */
    public static Outbox open(Path dir, long maxBytes) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("outbox size bound must be positive, got " + maxBytes);
        }
        return new Outbox(dir, maxBytes);
    }

    /** Durable messages found on disk at open. */
    public int replayed() {
        return replayed;
    }

    /** What was wrong with the segments found at open (torn or corrupt records), one line each. */
    public List<String> damage() {
        return List.copyOf(damage);
    }

    /** Appends a message; a durable one is written to its segment (forced before it is sent). */
    public synchronized Message append(String topic, byte[] payload, int qos, boolean durable) throws IOException {
        if (closed) {
            throw new IOException("outbox " + dir + " is closed");
        }
        Message m = new Message(nextId++, topic, payload, qos, durable);
        Segment segment = null;
        if (durable) {
            segment = writable();
            write(segment, m);
            segment.live++;
            unsynced = true;
        }
        pending.put(m.id(), new Entry(m, segment));
        bytes += m.bytes();
        evictOverBound();
        notifyAll();
        return m;
    }

    /** False while durable messages alone fill the bound: stop producing them until some are acknowledged. */
    public synchronized boolean hasRoomForDurable() {
        return bytes < maxBytes;
    }

    /**
     * Up to {@code max} of the oldest messages not in flight, now marked in flight; durable ones are on disk
     * when this returns. Waits up to {@code waitMillis} for one to exist.
     */
    public synchronized List<Message> takeForSending(int max, long waitMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        List<Message> batch = new ArrayList<>();
        while (!closed) {
            for (Entry e : pending.values()) {
                if (batch.size() == max) {
                    break;
                }
                if (!e.inFlight) {
                    e.inFlight = true;
                    e.sendGeneration = generation;
                    batch.add(e.message);
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (!batch.isEmpty() || left <= 0) {
                break;
            }
            wait(left);
        }
        if (unsynced && batch.stream().anyMatch(Message::durable)) {
            current.channel.force(false);
            unsynced = false;
        }
        return batch;
    }

    /** The broker has the message (PUBACK, or sent for QoS 0): it leaves the outbox. */
    public synchronized void acknowledged(long id) throws IOException {
        Entry e = pending.remove(id);
        if (e == null) {
            return;
        }
        bytes -= e.message.bytes();
        if (e.segment != null) {
            if (--e.segment.live == 0 && e.segment != current) {
                closedSegments.remove(e.segment);
                Files.deleteIfExists(e.segment.file);
            } else {
                write(writable(), new Message(id, "", new byte[0], ACK_MARK, true));
            }
        }
        notifyAll();
    }

    /** A send failed: the message goes back, before every younger one, unless it was since sent again. */
    public synchronized void failed(long id, long sendGeneration) {
        Entry e = pending.get(id);
        if (e != null && e.inFlight && e.sendGeneration == sendGeneration) {
            e.inFlight = false;
            notifyAll();
        }
    }

    /** The generation {@link #takeForSending} stamps now; {@link #failed} of an older one is ignored. */
    public synchronized long generation() {
        return generation;
    }

    /** The connection is gone: everything in flight will be sent again, in order. */
    public synchronized void returnAllInFlight() {
        generation++;
        for (Entry e : pending.values()) {
            e.inFlight = false;
        }
        notifyAll();
    }

    /** Waits until every message has left or the time is up; true when the outbox is empty. */
    public synchronized boolean awaitEmpty(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!pending.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Messages not yet acknowledged. */
    public synchronized int depth() {
        return pending.size();
    }

    /** Durable messages not yet acknowledged. */
    public synchronized int durableDepth() {
        return (int) pending.values().stream().filter(e -> e.message.durable()).count();
    }

    /** Topic and payload bytes held. */
    public synchronized long bytes() {
        return bytes;
    }

    /** Non-durable messages dropped because the outbox was full. */
    public synchronized long droppedMessages() {
        return droppedMessages;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        if (current != null) {
            current.channel.force(false);
            current.channel.close();
            if (current.live == 0) {
                Files.deleteIfExists(current.file);
            }
        }
    }

    private void evictOverBound() {
        Iterator<Map.Entry<Long, Entry>> it = pending.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Entry e = it.next().getValue();
            if (!e.message.durable() && !e.inFlight) {
                it.remove();
                bytes -= e.message.bytes();
                droppedMessages++;
            }
        }
    }

    private Segment writable() throws IOException {
        if (current != null && current.size >= SEGMENT_BYTES) {
            current.channel.force(false);
            current.channel.close();
            if (current.live == 0) {
                Files.deleteIfExists(current.file);
            } else {
                closedSegments.add(current);
            }
            current = null;
        }
        if (current == null) {
            Segment s = new Segment(dir.resolve(String.format("%020d", nextId) + SUFFIX));
            s.channel = FileChannel.open(s.file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            s.channel.write(ByteBuffer.wrap(MAGIC));
            s.size = MAGIC.length;
            current = s;
        }
        return current;
    }

    private static void write(Segment segment, Message m) throws IOException {
        byte[] topic = m.topic().getBytes(StandardCharsets.UTF_8);
        int length = RECORD_FIXED + topic.length + m.payload().length;
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + length);
        record.putInt(length).putInt(0).putLong(m.id()).put((byte) m.qos()).putShort((short) topic.length)
                .put(topic).put(m.payload());
        CRC32C crc = new CRC32C();
        crc.update(record.array(), RECORD_HEADER, length);
        record.putInt(4, (int) crc.getValue());
        record.flip();
        while (record.hasRemaining()) {
            segment.channel.write(record);
        }
        segment.size += record.limit();
    }

    private void replay(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(data);
        if (data.length < MAGIC.length || !ByteBuffer.wrap(data, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new IOException(file + ": not an outbox segment (expected the line 'SPARROW-OUTBOX 1')");
        }
        in.position(MAGIC.length);
        Segment segment = new Segment(file);
        while (in.remaining() > 0) {
            int offset = in.position();
            if (in.remaining() < RECORD_HEADER) {
                damage.add(file + ": torn record at byte " + offset + " (" + in.remaining() + " bytes, a write cut short); ignored");
                break;
            }
            int length = in.getInt();
            int crc = in.getInt();
            if (length < RECORD_FIXED || length > in.remaining()) {
                damage.add(file + ": record at byte " + offset + " declares " + length + " bytes, "
                        + in.remaining() + " remain (a write cut short); the rest of the segment is ignored");
                break;
            }
            CRC32C check = new CRC32C();
            check.update(data, in.position(), length);
            int topicLength = Short.toUnsignedInt(in.getShort(in.position() + 8 + 1));
            if ((int) check.getValue() != crc || topicLength > length - RECORD_FIXED) {
                // the length is plausible, so the next record starts after this one: skip only the damaged one
                damage.add(file + ": record at byte " + offset + " fails its CRC32C; skipped");
                in.position(in.position() + length);
                continue;
            }
            long id = in.getLong();
            int qos = Byte.toUnsignedInt(in.get());
            in.getShort();
            if (qos == ACK_MARK) {
                Entry acknowledged = pending.remove(id);
                if (acknowledged != null) {
                    bytes -= acknowledged.message.bytes();
                    acknowledged.segment.live--;
                }
                continue;
            }
            String topic = new String(data, in.position(), topicLength, StandardCharsets.UTF_8);
            in.position(in.position() + topicLength);
            byte[] payload = new byte[length - RECORD_FIXED - topicLength];
            in.get(payload);
            Message m = new Message(id, topic, payload, qos, true);
            pending.put(id, new Entry(m, segment));
            bytes += m.bytes();
            segment.live++;
            nextId = Math.max(nextId, id + 1);
        }
        closedSegments.add(segment);
    }
}
