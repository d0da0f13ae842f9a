package dev.sparrow.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparrow.agent.cli.SparrowCli;
import dev.sparrow.agent.telemetry.MqttConnection;
import dev.sparrow.agent.telemetry.Outbox;
import dev.sparrow.agent.telemetry.PlaceEvent;
import dev.sparrow.agent.telemetry.Telemetry;
import dev.sparrow.agent.telemetry.Topics;
import dev.sparrow.tests.mqtt.Mosquitto;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Load on the agent's telemetry ({@link Telemetry}: durable outbox, QoS 1) against a real mosquitto that this
 * benchmark starts on a free loopback port. Not a test: a main, run with the tests module's test class path as
 * BENCHMARKS.md ("Agent telemetry load") shows.
 *
 * <ul>
 *   <li>{@code single [--rate 2000] [--seconds 30]}: one robot's telemetry offered place events at a fixed rate;
 *       reports what the broker acknowledged per second, the delivery latency from {@code place()} to a
 *       subscriber on the same broker, the heap (sampled) and the outbox depth.</li>
 *   <li>{@code fleet [--robots 200] [--events 150] [--rate-per-robot 10]}: that many robots, each its own
 *       client id and outbox folder, publish place events while {@code sparrow monitor --json --count N}
 *       (in this JVM, through {@link SparrowCli#execute}) counts them; reports lost events (expected 0).</li>
 * </ul>
 * Without a mode both run, single first.
 */
public final class TelemetryLoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long OUTBOX_BOUND_BYTES = 64L << 20;
    /** The first seconds at the offered rate are not counted: the JIT compiles the publishing path meanwhile. */
    private static final int WARM_UP_SECONDS = 5;

    private TelemetryLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String mode = rest.isEmpty() || rest.getFirst().startsWith("--") ? "all" : rest.removeFirst();
        Path work = Files.createTempDirectory("sparrow-telemetry-load");
        try {
            switch (mode) {
                case "single" -> single(work, option(rest, "--rate", 2000), option(rest, "--seconds", 30));
                case "fleet" -> fleet(work, option(rest, "--robots", 200), option(rest, "--events", 150),
                        option(rest, "--rate-per-robot", 10));
                case "all" -> {
                    single(work, 2000, 30);
                    fleet(work, 200, 150, 10);
                }
                default -> throw new IllegalArgumentException("mode must be single, fleet or nothing (both), got " + mode);
            }
            if (!rest.isEmpty()) {
                throw new IllegalArgumentException("unknown arguments " + rest);
            }
        } finally {
            deleteTree(work);
        }
    }

    /** Removes {@code name VALUE} from {@code args} and returns the value, or {@code fallback} when absent. */
    private static int option(List<String> args, String name, int fallback) {
        int at = args.indexOf(name);
        if (at < 0) {
            return fallback;
        }
        if (at + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        int value = Integer.parseInt(args.get(at + 1));
        args.subList(at, at + 2).clear();
        return value;
    }

    private static void single(Path work, int rate, int seconds) throws Exception {
        String robot = "load-1";
        int total = rate * (WARM_UP_SECONDS + seconds);
        long[] placedAt = new long[total];
        AtomicLongArray deliveredAt = new AtomicLongArray(total);
        Queue<String> log = new ConcurrentLinkedQueue<>();
        try (Mosquitto broker = Mosquitto.builder().start()) {
            // a duplicate (allowed with QoS 1) keeps the first delivery's time
            MqttConnection observer = connectedClient(broker.uri(), "load-observer", "sparrow/" + robot + "/place",
                    (topic, payload) -> deliveredAt.compareAndSet((int) seq(payload), 0, System.nanoTime()));
            Telemetry telemetry = telemetry(broker.uri(), robot, work, log);
            telemetry.start();
            awaitConnected(List.of(telemetry));
            Sampler sampler = Sampler.start(List.of(telemetry));

            long start = System.nanoTime();
            long intervalNanos = 1_000_000_000L / rate;
            int measuredFrom = rate * WARM_UP_SECONDS;
            long publishedAtWarmUpEnd = 0;
            long measureStart = 0;
            long[] publishedEachSecond = new long[seconds + 1];
            int producerWaits = 0;
            for (int seq = 0; seq < total; seq++) {
                long due = start + seq * intervalNanos;
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                if (seq == measuredFrom) {
                    measureStart = now;
                    publishedAtWarmUpEnd = telemetry.published();
                    sampler.reset();
                }
                if (seq >= measuredFrom && (seq - measuredFrom) % rate == 0) {
                    publishedEachSecond[(seq - measuredFrom) / rate] = telemetry.published();
                }
                // as the agent does: while durable events alone fill the outbox, a camera frame would be dropped
                while (!telemetry.outbox().hasRoomForDurable()) {
                    producerWaits++;
                    Thread.sleep(1);
                }
                placedAt[seq] = System.nanoTime();
                telemetry.place(new PlaceEvent(PlaceEvent.SCHEMA, robot, seq, seq % 111, 0.5, 0.1, 12.5,
                        System.currentTimeMillis()));
            }
            long producerEnd = System.nanoTime();
            publishedEachSecond[seconds] = telemetry.published();
            long publishedAtProducerEnd = telemetry.published();
            boolean drained = telemetry.outbox().awaitEmpty(60_000);
            long drainNanos = System.nanoTime() - producerEnd;
            long cpuNanos = sampler.cpuNanos();
            sampler.stop();
            long liveHeapAfterGc = liveHeapAfterGc();
            Thread.sleep(500); // the last deliveries to the observer
            telemetry.close(10_000);
            observer.close();

            double measuredSeconds = (producerEnd - measureStart) / 1e9;
            long[] perSecond = new long[seconds];
            for (int s = 0; s < seconds; s++) {
                perSecond[s] = publishedEachSecond[s + 1] - publishedEachSecond[s];
            }
            long[] sortedPerSecond = perSecond.clone();
            Arrays.sort(sortedPerSecond);
            List<Long> latencies = new ArrayList<>();
            int lost = 0;
            for (int seq = 0; seq < total; seq++) {
                if (deliveredAt.get(seq) == 0) {
                    lost++;
                } else if (seq >= measuredFrom) {
                    latencies.add(deliveredAt.get(seq) - placedAt[seq]);
                }
            }
            long[] sortedLatency = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            int measured = total - measuredFrom;

            System.out.printf(Locale.ROOT, "single robot: %,d place events/s offered for %d s (after %d s warm-up), QoS 1, durable outbox, mosquitto %s%n",
                    rate, seconds, WARM_UP_SECONDS, broker.uri());
            System.out.printf(Locale.ROOT, "  acknowledged by the broker: %,.0f msg/s over the measured %.1f s (%,d messages); per second min %,d median %,d max %,d%n",
                    (publishedAtProducerEnd - publishedAtWarmUpEnd) / measuredSeconds, measuredSeconds,
                    publishedAtProducerEnd - publishedAtWarmUpEnd, sortedPerSecond[0], sortedPerSecond[seconds / 2],
                    sortedPerSecond[seconds - 1]);
            System.out.printf(Locale.ROOT, "  outbox emptied %.0f ms after the last place()%s; producer waited for room %d times%n",
                    drainNanos / 1e6, drained ? "" : " (NOT EMPTIED within 60 s)", producerWaits);
            System.out.printf(Locale.ROOT, "  place() -> subscriber on the same broker: p50 %.2f ms, p99 %.2f ms, max %.1f ms (%,d measured events)%n",
                    percentile(sortedLatency, 0.50) / 1e6, percentile(sortedLatency, 0.99) / 1e6,
                    sortedLatency.length == 0 ? 0 : sortedLatency[sortedLatency.length - 1] / 1e6, sortedLatency.length);
            System.out.printf(Locale.ROOT, "  lost (never delivered to the subscriber): %d of %,d%n", lost, total);
            System.out.printf(Locale.ROOT, "  outbox depth: max %,d messages; heap used: max %.1f MB (sampled every 50 ms, max heap %.0f MB), live after GC at the end %.1f MB%n",
                    sampler.maxOutboxDepth(), sampler.maxHeapBytes() / 1e6, maxHeapBytes() / 1e6, liveHeapAfterGc / 1e6);
            System.out.printf(Locale.ROOT, "  JVM CPU (telemetry, subscriber, sampler): %.1f us per event during the measured window%n",
                    cpuNanos / 1e3 / measured);
            printConnectionEvents(log);
        }
    }

    private static void fleet(Path work, int robots, int eventsPerRobot, int ratePerRobot) throws Exception {
        long expected = (long) robots * eventsPerRobot;
        Queue<String> log = new ConcurrentLinkedQueue<>();
        Queue<String> monitorLines = new ConcurrentLinkedQueue<>();
        Queue<String> monitorErrors = new ConcurrentLinkedQueue<>();
        CountDownLatch monitorSubscribed = new CountDownLatch(1);
        try (Mosquitto broker = Mosquitto.builder().start()) {
            // a daemon, so that a benchmark that fails does not hang on a monitor still waiting for its count
            ExecutorService monitorThread = Executors.newSingleThreadExecutor(
                    Thread.ofPlatform().daemon().name("sparrow-monitor").factory());
            PrintWriter monitorOut = new PrintWriter(new LineWriter(monitorLines::add));
            PrintWriter monitorErr = new PrintWriter(new LineWriter(line -> {
                monitorErrors.add(line);
                if (line.startsWith("monitor: connected")) {
                    monitorSubscribed.countDown();
                }
            }));
            // the monitor gives up after this long: the events' own duration and generous slack for a slow machine
            long timeoutSeconds = 60 + 3L * eventsPerRobot / ratePerRobot;
            Future<Integer> monitorExit = monitorThread.submit(() -> SparrowCli.execute(monitorOut, monitorErr,
                    "monitor", "--broker", broker.uri(), "--json", "--count", Long.toString(expected),
                    "--duration", timeoutSeconds + "s"));
            // the monitor subscribes before it says "connected": from then on it sees every place event
            if (!monitorSubscribed.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("sparrow monitor did not connect: " + String.join("\n", monitorErrors));
            }

            List<Telemetry> fleet = new ArrayList<>();
            for (int r = 0; r < robots; r++) {
                Telemetry telemetry = telemetry(broker.uri(), "robot-" + r, work, log);
                telemetry.start();
                fleet.add(telemetry);
            }
            long connectStart = System.nanoTime();
            awaitConnected(fleet);
            long connectNanos = System.nanoTime() - connectStart;
            Sampler sampler = Sampler.start(fleet);

            // one producer, robots interleaved evenly in time: robot r's event k is due at (k + r / robots) / rate
            long start = System.nanoTime();
            double intervalNanos = 1e9 / ((double) robots * ratePerRobot);
            long index = 0;
            for (int k = 0; k < eventsPerRobot; k++) {
                for (int r = 0; r < robots; r++) {
                    long due = start + (long) (index++ * intervalNanos);
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                    fleet.get(r).place(new PlaceEvent(PlaceEvent.SCHEMA, "robot-" + r, k, k % 111, 0.5, 0.1, 12.5,
                            System.currentTimeMillis()));
                }
            }
            long producerEnd = System.nanoTime();
            int exit = monitorExit.get(timeoutSeconds + 30, TimeUnit.SECONDS);
            long wallNanos = System.nanoTime() - start;
            long cpuNanos = sampler.cpuNanos();
            sampler.stop();
            monitorThread.shutdown();
            closeAll(fleet);

            Set<String> distinct = new HashSet<>();
            long placeLines = 0;
            for (String line : monitorLines) {
                JsonNode node = JSON.readTree(line);
                if ("place".equals(node.get("kind").asText())) {
                    placeLines++;
                    distinct.add(node.get("robot").asText() + "/" + node.at("/payload/seq").asLong());
                }
            }
            long lost = 0;
            for (int r = 0; r < robots; r++) {
                for (int k = 0; k < eventsPerRobot; k++) {
                    if (!distinct.contains("robot-" + r + "/" + k)) {
                        lost++;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "fleet: %d robots (one Telemetry, client id and outbox each) x %d place events at %d/s each, mosquitto %s%n",
                    robots, eventsPerRobot, ratePerRobot, broker.uri());
            System.out.printf(Locale.ROOT, "  all %d connected in %.1f s%n", robots, connectNanos / 1e9);
            System.out.printf(Locale.ROOT, "  sparrow monitor --json --count %d: exit %d; %s%n", expected, exit,
                    monitorErrors.stream().filter(l -> l.contains("distinct")).findFirst().orElse("(no summary line)"));
            System.out.printf(Locale.ROOT, "  events %,d, received %,d, distinct by (robot, seq) %,d, lost %d, duplicates %d%n",
                    expected, placeLines, distinct.size(), lost, placeLines - distinct.size());
            System.out.printf(Locale.ROOT, "  wall time first place() -> monitor has all: %.2f s (producing took %.2f s); %,.0f place events/s end to end%n",
                    wallNanos / 1e9, (producerEnd - start) / 1e9, expected / (wallNanos / 1e9));
            System.out.printf(Locale.ROOT, "  outbox depth summed over robots: max %,d; heap used max %.1f MB of %.0f MB; %d JVM threads; JVM CPU %.1f us per event%n",
                    sampler.maxOutboxDepth(), sampler.maxHeapBytes() / 1e6, maxHeapBytes() / 1e6,
                    ManagementFactory.getThreadMXBean().getPeakThreadCount(), cpuNanos / 1e3 / expected);
            printConnectionEvents(log);
        }
    }

    private static Telemetry telemetry(String uri, String robot, Path work, Queue<String> log) throws Exception {
        MqttConnection.Settings settings = new MqttConnection.Settings(uri, "sparrow-" + robot, null, null, null,
                null, null, 30, 200, 2000);
        Outbox outbox = Outbox.open(work.resolve("outbox-" + robot), OUTBOX_BOUND_BYTES);
        return new Telemetry(new Topics(robot), settings, outbox, "load benchmark", "0.1.0", line -> log.add(robot + ": " + line));
    }

    /** A plain subscriber through our own connection class, returned once subscribed. */
    private static MqttConnection connectedClient(String uri, String clientId, String filter,
                                                  BiConsumer<String, byte[]> handler) throws Exception {
        CountDownLatch subscribed = new CountDownLatch(1);
        MqttConnection connection = new MqttConnection(new MqttConnection.Settings(uri, clientId, null, null, null,
                null, null, 30, 200, 2000), new MqttConnection.Listener() {
            @Override
            public void connected() {
                subscribed.countDown();
            }

            @Override
            public void lost(String reason) {
                System.err.println(clientId + ": connection lost: " + reason);
            }

            @Override
            public void connectFailed(String reason, long retryMillis) {
                System.err.println(clientId + ": cannot connect: " + reason);
            }
        });
        connection.subscribe(filter, 1, handler);
        connection.start();
        if (!subscribed.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(clientId + " could not connect to " + uri);
        }
        return connection;
    }

    private static long seq(byte[] payload) {
        try {
            return JSON.readTree(payload).get("seq").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("not a place event: " + new String(payload), e);
        }
    }

    private static void awaitConnected(List<Telemetry> fleet) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!fleet.stream().allMatch(Telemetry::isConnected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(fleet.stream().filter(t -> !t.isConnected()).count()
                        + " robots not connected after 60 s");
            }
            Thread.sleep(20);
        }
    }

    /** Closes every robot's telemetry at once: one by one, 200 "offline" round trips would add seconds. */
    private static void closeAll(List<Telemetry> fleet) throws Exception {
        try (ExecutorService closers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> flushed = new ArrayList<>();
            for (Telemetry t : fleet) {
                flushed.add(closers.submit(() -> t.close(10_000)));
            }
            for (Future<Boolean> f : flushed) {
                if (!f.get()) {
                    System.out.println("  (a robot's outbox was not empty at close)");
                }
            }
        }
    }

    private static void printConnectionEvents(Queue<String> log) {
        List<String> unusual = log.stream().filter(l -> !l.contains("mqtt: connected")).toList();
        if (!unusual.isEmpty()) {
            System.out.println("  connection events other than the first connects:");
            unusual.stream().limit(20).forEach(l -> System.out.println("    " + l));
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }

    private static long maxHeapBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    /** Heap still in use after a full collection: what the run keeps alive, as opposed to garbage not yet collected. */
    private static long liveHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Samples heap use and outbox depth every 50 ms on a daemon thread, and measures the JVM's CPU time. */
    private static final class Sampler {
        private final List<Telemetry> fleet;
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong maxHeap = new AtomicLong();
        private final AtomicInteger maxDepth = new AtomicInteger();
        private final Thread thread;
        private volatile long cpuAtReset = processCpuNanos();
        private volatile boolean stopped;

        private Sampler(List<Telemetry> fleet) {
            this.fleet = fleet;
            this.thread = Thread.ofPlatform().daemon().name("load-sampler").unstarted(this::run);
        }

        static Sampler start(List<Telemetry> fleet) {
            Sampler sampler = new Sampler(fleet);
            sampler.thread.start();
            return sampler;
        }

        private void run() {
            while (!stopped) {
                maxHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                int depth = 0;
                for (Telemetry t : fleet) {
                    depth += t.outbox().depth();
                }
                maxDepth.accumulateAndGet(depth, Math::max);
                LockSupport.parkNanos(50_000_000L);
            }
        }

        /** Forgets the maxima and restarts the CPU clock: the warm-up is not measured. */
        void reset() {
            maxHeap.set(0);
            maxDepth.set(0);
            cpuAtReset = processCpuNanos();
        }

        long cpuNanos() {
            return processCpuNanos() - cpuAtReset;
        }

        long maxHeapBytes() {
            return maxHeap.get();
        }

        int maxOutboxDepth() {
            return maxDepth.get();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join();
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    /** A Writer that hands each complete line to a consumer (the monitor writes through picocli's PrintWriters). */
    private static final class LineWriter extends Writer {
        private final Consumer<String> lines;
        private final StringBuilder partial = new StringBuilder();

        LineWriter(Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                char c = buffer[i];
                if (c == '\n') {
                    lines.accept(partial.toString());
                    partial.setLength(0);
                } else if (c != '\r') {
                    partial.append(c);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
