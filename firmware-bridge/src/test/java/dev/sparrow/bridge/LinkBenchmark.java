package dev.sparrow.bridge;

import dev.sparrow.testsupport.PtyPair;
import dev.sparrow.testsupport.SimulatorProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Throughput and PLACE→ACK latency of the link over a socat pseudo-terminal pair, host in
 * this JVM, C simulator on the other end. Not a unit test: run it from firmware-bridge/ with
 * the test classpath (see README.md). A pty moves bytes as fast as both ends can, whatever the
 * baud setting, so rates are reported raw and as a fraction of the nominal line byte rate
 * (baud / 10 for 8N1): a fraction above 1 means a real UART at that baud would be the bottleneck.
 */
public final class LinkBenchmark {
    private static final int ROUND_TRIPS = 500;
    private static final int PIPELINED = 5000;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sparrow-bridge-bench");
        for (int baud : new int[] {115_200, 1_000_000}) {
            run(dir, baud);
        }
    }

    private static void run(Path dir, int baud) throws Exception {
        try (PtyPair pty = new PtyPair(dir, "bench" + baud);
             SimulatorProcess sim = new SimulatorProcess(pty.b(), "--baud", Integer.toString(baud));
             FirmwareLink link = new FirmwareLink(new LinkConfig(pty.a().toString(), baud, Duration.ofMillis(200),
                     Duration.ofMillis(600), Duration.ofMillis(1500), Duration.ofMillis(200), 10, 16, 64,
                     "sparrow-bench"))) {
            link.start();
            if (!link.awaitState(LinkState.CONNECTED, Duration.ofSeconds(5))) {
                throw new IllegalStateException("no handshake on " + pty.a());
            }
            long[] rtt = new long[ROUND_TRIPS];
            for (int i = 0; i < ROUND_TRIPS; i++) {
                rtt[i] = link.sendPlace(i, 0.5f, Instant.now()).get(5, TimeUnit.SECONDS).roundTrip().toNanos();
            }
            Arrays.sort(rtt);

            LinkCounters before = link.counters();
            long hostCpuBefore = processCpuNanos();
            long simCpuBefore = childCpuNanos(sim.pid());
            long simFramesBefore = simFrames(sim);
            long start = System.nanoTime();
            List<CompletableFuture<Delivery>> pending = new ArrayList<>();
            for (int i = 0; i < PIPELINED; i++) {
                pending.add(link.sendPlace(ROUND_TRIPS + i, 0.5f, Instant.now()));
            }
            for (CompletableFuture<Delivery> future : pending) {
                if (future.get(60, TimeUnit.SECONDS).status() != Delivery.Status.ACKED) {
                    throw new IllegalStateException("benchmark place not acked: " + future.get());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LinkCounters after = link.counters();
            long hostCpu = processCpuNanos() - hostCpuBefore;
            long simCpu = childCpuNanos(sim.pid()) - simCpuBefore;
            long simFrames = simFrames(sim) - simFramesBefore;

            long hostFrames = (after.framesSent() - before.framesSent()) + (after.framesReceived() - before.framesReceived());
            double txBytesPerSecond = (after.bytesSent() - before.bytesSent()) / seconds;
            double lineBytesPerSecond = baud / 10.0;
            System.out.printf(Locale.ROOT, "baud %,d (nominal line %,.0f B/s each way)%n", baud, lineBytesPerSecond);
            System.out.printf(Locale.ROOT, "  PLACE->ACK round trip, one at a time: median %.0f us, p99 %.0f us, max %.0f us%n",
                    rtt[ROUND_TRIPS / 2] / 1e3, rtt[ROUND_TRIPS * 99 / 100] / 1e3, rtt[ROUND_TRIPS - 1] / 1e3);
            System.out.printf(Locale.ROOT, "  pipelined (16 in flight): %,.0f PLACE/s acked, host->fw %,.0f B/s = %.2f x nominal line rate"
                            + " (%.0f B/frame incl. heartbeats)%n",
                    PIPELINED / seconds, txBytesPerSecond, txBytesPerSecond / lineBytesPerSecond,
                    (double) (after.bytesSent() - before.bytesSent()) / (after.framesSent() - before.framesSent()));
            System.out.printf(Locale.ROOT, "  at the nominal baud, PLACE frames (%d B each, ACKs flow the other way) would cap at %,.0f PLACE/s%n",
                    placeWireBytes(), lineBytesPerSecond / placeWireBytes());
            System.out.printf(Locale.ROOT, "  CPU per frame handled (sent or received): host JVM %.1f us, C simulator %.1f us%n",
                    hostCpu / 1e3 / hostFrames, simCpu / 1e3 / Math.max(1, simFrames));
        }
    }

    private static int placeWireBytes() {
        return dev.sparrow.bridge.codec.Frame.of(dev.sparrow.bridge.codec.MessageType.PLACE, 1, 1000,
                new dev.sparrow.bridge.codec.Message.Place(1000, 0.5f, 1).encode()).toWire().length;
    }

    private static long simFrames(SimulatorProcess sim) throws Exception {
        var counters = sim.counters();
        return counters.get("sent") + counters.get("received");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of a child from /proc, in nanoseconds (clock ticks of 10 ms on Linux). */
    private static long childCpuNanos(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }
}
