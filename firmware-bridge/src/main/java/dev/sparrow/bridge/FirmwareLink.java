package dev.sparrow.bridge;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import dev.sparrow.bridge.codec.Frame;
import dev.sparrow.bridge.codec.FrameDecoder;
import dev.sparrow.bridge.codec.Message;
import dev.sparrow.bridge.codec.MessageType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The host end of the Sparrow firmware link over a serial port (see PROTOCOL.md).
 *
 * <p>Threads: one reader owns the port (blocking reads with a 50 ms timeout, so it notices
 * {@link #stop()} and a vanished device promptly and reopens the port with backoff without any
 * hidden driver thread); one timer thread sends heartbeats and HELLOs, retransmits and judges the
 * link state every 10 ms; listeners run on one event thread so a slow listener never stalls reading.
 */
public final class FirmwareLink implements AutoCloseable {
    private static final Duration HELLO_INTERVAL = Duration.ofMillis(500);
    private static final int RX_WINDOW_BITS = 32;
    private static final long MAX_BACKOFF_MS = 2000;

    private final LinkConfig config;
    private final long sessionId;
    private final FrameDecoder decoder;
    private final List<Consumer<Message.Odometry>> odometryListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Message.Battery>> batteryListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Message.Fault>> faultListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<LinkState>> stateListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<TrafficEvent>> trafficListeners = new CopyOnWriteArrayList<>();
    private final Object writeLock = new Object();

    // Guarded by this.
    private LinkState state = LinkState.CONNECTING;
    private boolean running;
    private boolean peerKnown;
    private boolean peerEverKnown;
    private Message.Hello peerHello;
    private long lastRxNanos;
    private long nextHeartbeatNanos;
    private long nextHelloNanos;
    private int reliableSeq;
    private int bestEffortSeq;
    private boolean rxWindowValid;
    private int rxWindowTop;
    private long rxWindowMask;
    private final Map<Integer, Pending> inFlight = new LinkedHashMap<>();
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private String lastPortError;
    private long framesSent;
    private long framesReceived;
    private long bytesSent;
    private long bytesReceived;
    private long retransmissions;
    private long duplicates;
    private long nacksSent;
    private long nacksReceived;
    private long deliveryFailures;
    private long portOpenFailures;
    private long reconnects;

    private volatile SerialPort port;
    private Thread reader;
    private Thread timer;
    private ExecutorService events;

    private static final class Pending {
        final byte[] payload;
        final MessageType type;
        final CompletableFuture<Delivery> future = new CompletableFuture<>();
        int seq = -1;
        int attempts;
        long firstSentNanos;
        long resendAtNanos;
        byte[] wire;

        Pending(MessageType type, byte[] payload) {
            this.type = type;
            this.payload = payload;
        }
    }

    public FirmwareLink(LinkConfig config) {
        this.config = config;
        this.sessionId = 1 + ThreadLocalRandom.current().nextLong(0xFFFFFFFEL);
        this.decoder = new FrameDecoder(config.maxPayload());
    }

    /** Opens the port (retrying with backoff until it appears) and starts the handshake. Returns at once. */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("link on " + config.portPath() + " already started");
        }
        if (state == LinkState.CLOSED) {
            throw new IllegalStateException("link on " + config.portPath() + " is closed");
        }
        running = true;
        events = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("firmware-link-events").unstarted(r));
        reader = Thread.ofPlatform().daemon().name("firmware-link-reader " + config.portPath()).start(this::readLoop);
        timer = Thread.ofPlatform().daemon().name("firmware-link-timer " + config.portPath()).start(this::timerLoop);
    }

    /** Stops the threads, closes the port and fails unanswered sends with CLOSED. The link cannot restart. */
    public void stop() {
        Thread readerThread;
        Thread timerThread;
        synchronized (this) {
            if (state == LinkState.CLOSED) {
                return;
            }
            running = false;
            readerThread = reader;
            timerThread = timer;
        }
        joinQuietly(timerThread);
        joinQuietly(readerThread);
        List<Pending> unanswered;
        synchronized (this) {
            unanswered = new java.util.ArrayList<>(inFlight.values());
            unanswered.addAll(waiting);
            inFlight.clear();
            waiting.clear();
            setState(LinkState.CLOSED);
        }
        for (Pending pending : unanswered) {
            pending.future.complete(new Delivery(Delivery.Status.CLOSED, pending.seq, pending.attempts, Duration.ZERO, 0));
        }
        if (events != null) {
            events.shutdown();
            try {
                events.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Sends a PLACE reliably; the future completes when the firmware ACKs or NACKs it, or retries run out. */
    public CompletableFuture<Delivery> sendPlace(long placeId, float score, Instant capturedAt) {
        long micros = Math.addExact(Math.multiplyExact(capturedAt.getEpochSecond(), 1_000_000L), capturedAt.getNano() / 1000);
        return sendReliable(new Message.Place(placeId, score, micros));
    }

    private CompletableFuture<Delivery> sendReliable(Message message) {
        Pending pending = new Pending(message.type(), message.encode());
        synchronized (this) {
            if (!running || !(state == LinkState.CONNECTED || state == LinkState.DEGRADED)) {
                pending.future.complete(new Delivery(running ? Delivery.Status.NOT_CONNECTED : Delivery.Status.CLOSED,
                        -1, 0, Duration.ZERO, 0));
                return pending.future;
            }
            if (waiting.isEmpty() && windowHasRoom()) {
                transmitFirst(pending);
            } else {
                waiting.add(pending);
            }
        }
        return pending.future;
    }

    public void addOdometryListener(Consumer<Message.Odometry> listener) {
        odometryListeners.add(listener);
    }

    public void addBatteryListener(Consumer<Message.Battery> listener) {
        batteryListeners.add(listener);
    }

    public void addFaultListener(Consumer<Message.Fault> listener) {
        faultListeners.add(listener);
    }

    public void addStateListener(Consumer<LinkState> listener) {
        stateListeners.add(listener);
    }

    /** Every frame sent or received and every rejected frame; for monitors, see {@link TrafficEvent#format()}. */
    public void addTrafficListener(Consumer<TrafficEvent> listener) {
        trafficListeners.add(listener);
    }

    public synchronized LinkState state() {
        return state;
    }

    /** Waits until the link is in {@code wanted}; false on timeout. */
    public synchronized boolean awaitState(LinkState wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (state != wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** The firmware's latest HELLO (versions, max payload, capabilities), once one has arrived. */
    public synchronized Optional<Message.Hello> peer() {
        return Optional.ofNullable(peerHello);
    }

    /** The last failure to open or use the port, with jSerialComm's error code and location. */
    public synchronized Optional<String> lastPortError() {
        return Optional.ofNullable(lastPortError);
    }

    public synchronized LinkCounters counters() {
        return new LinkCounters(framesSent, framesReceived, bytesSent, bytesReceived, decoder.crcErrors(),
                decoder.malformed(), decoder.overruns(), retransmissions, duplicates, nacksSent, nacksReceived,
                deliveryFailures, portOpenFailures, reconnects);
    }

    public LinkConfig config() {
        return config;
    }

    // ---- reader thread

    private void readLoop() {
        byte[] buffer = new byte[512];
        long backoffMs = 50;
        boolean openedBefore = false;
        while (isRunning()) {
            SerialPort current = port;
            if (current == null) {
                current = openPort();
                if (current == null) {
                    sleepQuietly(backoffMs);
                    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
                    continue;
                }
                backoffMs = 50;
                synchronized (this) {
                    if (openedBefore) {
                        reconnects++;
                    }
                    nextHelloNanos = System.nanoTime();
                }
                openedBefore = true;
                port = current;
            }
            int n = current.readBytes(buffer, buffer.length);
            if (n < 0) {
                portFailed(current, "read failed");
                continue;
            }
            if (n > 0) {
                synchronized (this) {
                    bytesReceived += n;
                    decoder.feed(buffer, 0, n, rxSink);
                }
            }
        }
        SerialPort current = port;
        port = null;
        if (current != null) {
            current.closePort();
        }
    }

    private SerialPort openPort() {
        SerialPort candidate;
        try {
            candidate = SerialPort.getCommPort(config.portPath());
        } catch (SerialPortInvalidPortException e) {
            // jSerialComm refuses a path that names no file before it tries to open anything.
            recordPortError("cannot open " + config.portPath() + ": no such device (jSerialComm "
                    + e.getClass().getSimpleName() + ")");
            return null;
        }
        candidate.setComPortParameters(config.baudRate(), 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        candidate.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        candidate.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 50, 0);
        if (!candidate.openPort()) {
            recordPortError("cannot open " + config.portPath() + ": error " + candidate.getLastErrorCode()
                    + " at jSerialComm source line " + candidate.getLastErrorLocation());
            return null;
        }
        return candidate;
    }

    private synchronized void recordPortError(String message) {
        lastPortError = message;
        portOpenFailures++;
    }

    private void portFailed(SerialPort failed, String what) {
        synchronized (this) {
            lastPortError = what + " on " + config.portPath() + ": error " + failed.getLastErrorCode()
                    + " at jSerialComm source line " + failed.getLastErrorLocation();
            if (peerKnown) {
                peerKnown = false;
                setState(LinkState.LOST);
            }
        }
        port = null;
        failed.closePort();
        // The driver releases the lock asynchronously: an immediate reopen would fail.
        sleepQuietly(100);
    }

    private final FrameDecoder.Sink rxSink = new FrameDecoder.Sink() {
        @Override
        public void frame(Frame frame) {
            handleFrame(frame);
        }

        @Override
        public void error(FrameDecoder.DecodeError error) {
            publishTraffic(new TrafficEvent(Instant.now(), TrafficEvent.Direction.RX, null, error.message(config.portPath())));
        }
    };

    // Called with this held, from the reader thread.
    private void handleFrame(Frame frame) {
        framesReceived++;
        publishTraffic(new TrafficEvent(Instant.now(), TrafficEvent.Direction.RX, frame, null));
        Message message;
        try {
            message = Message.decode(frame);
        } catch (Message.MalformedPayloadException e) {
            if (frame.reliable() && peerKnown) {
                sendNack(frame.seq(), Message.NACK_BAD_LENGTH);
            }
            return;
        }
        long now = System.nanoTime();
        if (message instanceof Message.Hello hello) {
            meetPeer(hello, now);
            if (hello.peerSessionSeen() != sessionId) {
                sendHello(now);
            }
            return;
        }
        if (message instanceof Message.Heartbeat heartbeat) {
            if (!peerKnown || heartbeat.sessionId() != peerHello.sessionId()) {
                // The firmware restarted and its HELLO was lost, or we gave it up as lost.
                peerKnown = false;
                sendHello(now);
            } else {
                lastRxNanos = now;
            }
            return;
        }
        if (!peerKnown) {
            return;
        }
        lastRxNanos = now;
        if (frame.reliable()) {
            handleReliable(frame, message);
            return;
        }
        switch (message) {
            case Message.Ack ack -> finishDelivery(ack.ackedSeq(), Delivery.Status.ACKED, 0, now);
            case Message.Nack nack -> finishDelivery(nack.nackedSeq(), Delivery.Status.NACKED, nack.reason(), now);
            case Message.Odometry odometry -> publish(odometryListeners, odometry);
            case Message.Battery battery -> publish(batteryListeners, battery);
            case null, default -> {
                // Unknown or misplaced best-effort types are ignored: a newer firmware may send more.
            }
        }
    }

    private void handleReliable(Frame frame, Message message) {
        int seq = frame.seq();
        if (rxAlreadyDelivered(seq)) {
            duplicates++;
            sendBestEffort(new Message.Ack(seq));
            return;
        }
        if (!(message instanceof Message.Fault fault)) {
            sendNack(seq, Message.NACK_UNKNOWN_TYPE);
            return;
        }
        rxMarkDelivered(seq);
        publish(faultListeners, fault);
        sendBestEffort(new Message.Ack(seq));
    }

    private void meetPeer(Message.Hello hello, long now) {
        if (!peerEverKnown || peerHello.sessionId() != hello.sessionId()) {
            rxWindowValid = false;
        }
        peerKnown = true;
        peerEverKnown = true;
        peerHello = hello;
        lastRxNanos = now;
        nextHeartbeatNanos = now;
        setState(LinkState.CONNECTED);
    }

    private boolean rxAlreadyDelivered(int seq) {
        if (!rxWindowValid) {
            return false;
        }
        int ahead = (short) (seq - rxWindowTop);
        if (ahead > 0) {
            return false;
        }
        if (ahead <= -RX_WINDOW_BITS) {
            return true;
        }
        return ((rxWindowMask >>> -ahead) & 1) != 0;
    }

    private void rxMarkDelivered(int seq) {
        if (!rxWindowValid) {
            rxWindowValid = true;
            rxWindowTop = seq;
            rxWindowMask = 1;
            return;
        }
        int ahead = (short) (seq - rxWindowTop);
        if (ahead > 0) {
            rxWindowMask = ahead >= RX_WINDOW_BITS ? 0 : (rxWindowMask << ahead) & 0xFFFFFFFFL;
            rxWindowMask |= 1;
            rxWindowTop = seq;
        } else {
            rxWindowMask |= 1L << -ahead;
        }
    }

    private void finishDelivery(int seq, Delivery.Status status, int reason, long now) {
        Pending pending = inFlight.remove(seq);
        if (pending == null) {
            return; // an ACK for a retransmission already answered
        }
        if (status == Delivery.Status.NACKED) {
            nacksReceived++;
        }
        Duration roundTrip = Duration.ofNanos(now - pending.firstSentNanos);
        pending.future.completeAsync(() -> new Delivery(status, seq, pending.attempts, roundTrip, reason), events);
        admitWaiting();
    }

    private void admitWaiting() {
        while (!waiting.isEmpty() && windowHasRoom()) {
            transmitFirst(waiting.poll());
        }
    }

    /**
     * A window of sequence numbers, not just a count: the firmware treats a reliable seq 32 or
     * more behind its newest as a stale duplicate, so the oldest unanswered message may not lag
     * the next one by maxInFlight or more.
     */
    private boolean windowHasRoom() {
        if (inFlight.isEmpty()) {
            return true;
        }
        int oldest = inFlight.keySet().iterator().next();
        return ((reliableSeq - oldest) & 0xFFFF) < config.maxInFlight();
    }

    // ---- timer thread

    private void timerLoop() {
        while (isRunning()) {
            tick(System.nanoTime());
            sleepQuietly(10);
        }
    }

    private synchronized void tick(long now) {
        if (port == null) {
            return;
        }
        if (!peerKnown) {
            if (now - nextHelloNanos >= 0) {
                sendHello(now);
            }
            retransmitDue(now);
            return;
        }
        long silent = now - lastRxNanos;
        if (silent >= config.lostAfter().toNanos()) {
            peerKnown = false;
            setState(LinkState.LOST);
            return;
        }
        setState(silent >= config.degradedAfter().toNanos() ? LinkState.DEGRADED : LinkState.CONNECTED);
        if (now - nextHeartbeatNanos >= 0) {
            sendBestEffort(new Message.Heartbeat(sessionId, TimeUnit.NANOSECONDS.toMillis(now) & 0xFFFFFFFFL));
            nextHeartbeatNanos = now + config.heartbeatInterval().toNanos();
        }
        retransmitDue(now);
    }

    private void retransmitDue(long now) {
        var iterator = inFlight.values().iterator();
        boolean freed = false;
        while (iterator.hasNext()) {
            Pending pending = iterator.next();
            if (now - pending.resendAtNanos < 0) {
                continue;
            }
            if (pending.attempts > config.maxRetries()) {
                iterator.remove();
                deliveryFailures++;
                Delivery failed = new Delivery(Delivery.Status.TIMED_OUT, pending.seq, pending.attempts, Duration.ZERO, 0);
                pending.future.completeAsync(() -> failed, events);
                freed = true;
                continue;
            }
            pending.attempts++;
            pending.resendAtNanos = now + config.retryInterval().toNanos();
            retransmissions++;
            write(pending.wire, Frame.of(pending.type, Frame.FLAG_RELIABLE, pending.seq, pending.payload));
        }
        if (freed) {
            admitWaiting();
        }
    }

    // ---- sending, with this held

    private void transmitFirst(Pending pending) {
        long now = System.nanoTime();
        pending.seq = reliableSeq;
        reliableSeq = (reliableSeq + 1) & 0xFFFF;
        Frame frame = Frame.of(pending.type, Frame.FLAG_RELIABLE, pending.seq, pending.payload);
        pending.wire = frame.toWire();
        pending.attempts = 1;
        pending.firstSentNanos = now;
        pending.resendAtNanos = now + config.retryInterval().toNanos();
        inFlight.put(pending.seq, pending);
        write(pending.wire, frame);
    }

    private void sendHello(long now) {
        sendBestEffort(new Message.Hello(Message.ROLE_HOST, Frame.PROTOCOL_VERSION, config.maxPayload(), sessionId,
                peerKnown ? peerHello.sessionId() : 0, (int) config.heartbeatInterval().toMillis(),
                Message.CAP_PLACE | Message.CAP_ODOMETRY | Message.CAP_BATTERY | Message.CAP_FAULT,
                config.softwareVersion()));
        nextHelloNanos = now + HELLO_INTERVAL.toNanos();
    }

    private void sendNack(int seq, int reason) {
        nacksSent++;
        sendBestEffort(new Message.Nack(seq, reason));
    }

    private void sendBestEffort(Message message) {
        Frame frame = Frame.of(message.type(), 0, bestEffortSeq, message.encode());
        bestEffortSeq = (bestEffortSeq + 1) & 0xFFFF;
        write(frame.toWire(), frame);
    }

    private void write(byte[] wire, Frame frame) {
        SerialPort current = port;
        if (current == null) {
            return;
        }
        synchronized (writeLock) {
            int n = current.writeBytes(wire, wire.length);
            if (n == wire.length) {
                framesSent++;
                bytesSent += n;
            }
        }
        publishTraffic(new TrafficEvent(Instant.now(), TrafficEvent.Direction.TX, frame, null));
    }

    // ---- events

    private void setState(LinkState next) {
        if (state == next) {
            return;
        }
        state = next;
        notifyAll();
        publish(stateListeners, next);
    }

    private <T> void publish(List<Consumer<T>> listeners, T value) {
        if (listeners.isEmpty() || events == null) {
            return;
        }
        events.execute(() -> listeners.forEach(listener -> listener.accept(value)));
    }

    private void publishTraffic(TrafficEvent event) {
        publish(trafficListeners, event);
    }

    private synchronized boolean isRunning() {
        return running;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
