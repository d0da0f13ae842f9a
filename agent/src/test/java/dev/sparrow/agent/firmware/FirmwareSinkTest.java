package dev.sparrow.agent.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.agent.pipeline.FrameResult;
import dev.sparrow.bridge.LinkConfig;
import dev.sparrow.bridge.LinkState;
import dev.sparrow.snn.PlaceRecognizer;
import dev.sparrow.testsupport.PtyPair;
import dev.sparrow.testsupport.SimulatorProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent's firmware sink against the real C simulator over a socat pseudo-terminal pair. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FirmwareSinkTest {
    @TempDir
    Path dir;

    /** One call of the state sink, as Telemetry.robotState would receive it. */
    record Report(String kind, Map<String, Object> fields, boolean important, long atNanos) {
    }

    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private void record(String kind, Map<String, Object> fields, boolean important) {
        reports.add(new Report(kind, fields, important, System.nanoTime()));
    }

    private FirmwareSink open(PtyPair pty) {
        return FirmwareSink.open(LinkConfig.of(pty.a().toString(), 115_200), this::record, log::add);
    }

    private Report awaitReport(Predicate<Report> wanted, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            for (Report report : reports) {
                if (wanted.test(report)) {
                    return report;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such report within " + timeoutMs + " ms; got " + reports);
    }

    private static Predicate<Report> link(String state) {
        return r -> r.kind().equals("link") && state.equals(r.fields().get("state"));
    }

    private static FrameResult place(long seq, int place, float score) {
        return new FrameResult(seq, new PlaceRecognizer.Recognition(seq, place, score, 0.1f, 4, 1_000_000), null, 3_000_000);
    }

    @Test
    void placesReachTheFirmwareAndItsOdometryBatteryAndFaultsReachTheStateSink() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "sink"); SimulatorProcess sim = new SimulatorProcess(pty.b());
             FirmwareSink sink = open(pty)) {
            Report connected = awaitReport(link("connected"), 5000);
            assertTrue(connected.important(), "a link state change is important: " + connected);
            assertEquals("sparrow-sim/1.0", connected.fields().get("firmware"));
            assertEquals(pty.a().toString(), connected.fields().get("port"));

            long sentAtMicros = System.currentTimeMillis() * 1000;
            for (int i = 1; i <= 5; i++) {
                sink.accept(place(i, 100 + i, i / 8f));
            }
            sink.accept(new FrameResult(6, null, null, 1_000_000)); // no recognition: nothing to send
            sim.awaitLine(l -> l.startsWith("PLACE id=105 "), 3000);
            List<String> placeLines = sim.lines().stream().filter(l -> l.startsWith("PLACE ")).toList();
            assertEquals(5, placeLines.size(), placeLines.toString());
            for (int i = 1; i <= 5; i++) {
                String line = placeLines.get(i - 1);
                assertTrue(line.startsWith(String.format(Locale.ROOT, "PLACE id=%d score=%.6f timestamp_us=", 100 + i, i / 8f)), line);
                long timestampUs = Long.parseLong(line.substring(line.lastIndexOf('=') + 1));
                // Capture time = now - the frame's 3 ms latency, in µs since the epoch.
                assertTrue(Math.abs(timestampUs - sentAtMicros) < 2_000_000, line + " vs sent at " + sentAtMicros);
            }
            long deadline = System.currentTimeMillis() + 3000;
            while (((Number) sink.metrics().get("places_acked")).longValue() < 5 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Map<String, Object> metrics = sink.metrics();
            assertEquals(5L, metrics.get("places_sent"), metrics.toString());
            assertEquals(5L, metrics.get("places_acked"), metrics.toString());
            assertEquals(0L, metrics.get("places_failed"), metrics.toString());
            assertEquals("connected", metrics.get("state"));
            assertEquals(0L, metrics.get("crc_rejections"));

            // The simulator sends odometry at 20 Hz and a battery reading at 1 Hz; watch 2 s of it.
            long windowStart = System.nanoTime();
            Thread.sleep(2000);
            long windowEnd = System.nanoTime();
            List<Report> odometry = reports.stream()
                    .filter(r -> r.kind().equals("odometry") && r.atNanos() >= windowStart && r.atNanos() < windowEnd).toList();
            assertTrue(odometry.size() >= 6 && odometry.size() <= 11,
                    "odometry at 20 Hz is forwarded at most 5/s: " + odometry.size() + " in 2 s");
            long lastX = Long.MIN_VALUE;
            for (Report r : odometry) {
                assertTrue(!r.important(), r.toString());
                int x = (Integer) r.fields().get("x_mm");
                int k = x / 10;
                // Sample k of the simulator: x=10k mm, y=-3k mm, heading=7k mod 6284 mrad, v=k mod 500, omega=-(k mod 300).
                assertEquals(10 * k, x, r.toString());
                assertEquals(-3 * k, r.fields().get("y_mm"), r.toString());
                assertEquals((7 * k) % 6284, r.fields().get("heading_mrad"), r.toString());
                assertEquals((short) (k % 500), r.fields().get("v_mm_s"), r.toString());
                assertTrue(x > lastX, "samples in order: " + odometry);
                lastX = x;
            }
            List<Report> battery = reports.stream().filter(r -> r.kind().equals("battery")).toList();
            assertTrue(!battery.isEmpty(), "battery at 1 Hz: " + reports);
            for (Report r : battery) {
                assertTrue(!r.important(), r.toString());
                // Reading k: 12600 - k mV, 1500 mA, 100 - k % charge.
                int voltage = (Integer) r.fields().get("voltage_mv");
                assertTrue(voltage > 12_500 && voltage <= 12_600, r.toString());
                assertEquals(12_500, voltage - (Integer) r.fields().get("soc_pct"), r.toString());
                assertEquals((short) 1500, r.fields().get("current_ma"), r.toString());
            }

            sim.command("fault 42 2");
            Report fault = awaitReport(r -> r.kind().equals("fault"), 3000);
            assertTrue(fault.important(), fault.toString());
            assertEquals(42, fault.fields().get("code"));
            assertEquals(2, fault.fields().get("severity"));
            assertEquals(true, fault.fields().get("active"));
        }
    }

    @Test
    void losingTheFirmwareIsAnImportantStateChangeAndPlacesAreCountedNotThrown() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "loss"); SimulatorProcess sim = new SimulatorProcess(pty.b())) {
            FirmwareSink sink = open(pty);
            awaitReport(link("connected"), 5000);
            sim.kill();
            Report lost = awaitReport(link("lost"), 5000);
            assertTrue(lost.important(), lost.toString());
            assertEquals(LinkState.LOST, sink.linkState());
            List<Object> states = reports.stream().filter(r -> r.kind().equals("link")).map(r -> r.fields().get("state")).toList();
            assertEquals(List.of("connected", "degraded", "lost"), states);

            sink.accept(place(1, 7, 0.5f));
            sink.accept(place(2, 8, 0.5f));
            Map<String, Object> metrics = sink.metrics();
            assertEquals(2L, metrics.get("places_sent"), metrics.toString());
            assertEquals(2L, metrics.get("places_failed"), metrics.toString());
            assertEquals(1, log.stream().filter(l -> l.startsWith("firmware: PLACE 7 not delivered")).count(), log.toString());
            assertTrue(log.stream().noneMatch(l -> l.startsWith("firmware: PLACE 8")), "one log line per run of failures: " + log);

            sink.close();
            Report closed = awaitReport(link("closed"), 3000);
            assertTrue(closed.important(), closed.toString());
        }
    }
}
