package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.bridge.codec.Message;
import dev.sparrow.testsupport.Eventually;
import dev.sparrow.testsupport.PtyPair;
import dev.sparrow.testsupport.SimulatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Java host through jSerialComm on one pseudo-terminal, the C simulator on the other. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PtyLinkTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Test
    void handshakePlacesOdometryBatteryAndFault() throws Exception {
        PtyPair pty = closeLater(new PtyPair(dir, "link"));
        SimulatorProcess sim = closeLater(new SimulatorProcess(pty.b()));
        FirmwareLink link = closeLater(new FirmwareLink(LinkConfig.of(pty.a().toString(), 115_200)));
        List<Message.Odometry> odometry = new CopyOnWriteArrayList<>();
        List<Message.Battery> battery = new CopyOnWriteArrayList<>();
        BlockingQueue<Message.Fault> faults = new LinkedBlockingQueue<>();
        link.addOdometryListener(odometry::add);
        link.addBatteryListener(battery::add);
        link.addFaultListener(faults::add);
        link.start();

        assertTrue(link.awaitState(LinkState.CONNECTED, Duration.ofSeconds(5)), "host never saw HELLO");
        sim.awaitLine("STATE connected"::equals, 5000);
        Message.Hello peer = link.peer().orElseThrow();
        assertEquals(Message.ROLE_FIRMWARE, peer.role());
        assertEquals("sparrow-sim/1.0", peer.softwareVersion());
        assertEquals(64, peer.maxPayload());

        List<CompletableFuture<Delivery>> sent = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            sent.add(link.sendPlace(id, id / 32f, Instant.ofEpochSecond(1_700_000_000L, id * 1000L)));
        }
        for (CompletableFuture<Delivery> future : sent) {
            Delivery delivery = future.get(5, TimeUnit.SECONDS);
            assertEquals(Delivery.Status.ACKED, delivery.status(), delivery.toString());
        }
        sim.awaitLine(l -> l.startsWith("PLACE id=20 "), 2000);
        for (int id = 1; id <= 20; id++) {
            String expected = String.format(java.util.Locale.ROOT, "PLACE id=%d score=%.6f timestamp_us=%d",
                    id, id / 32f, 1_700_000_000_000_000L + id);
            assertEquals(1, sim.lines().stream().filter(expected::equals).count(), expected);
        }

        Thread.sleep(1200);
        assertTrue(odometry.size() >= 15, "odometry at 20 Hz for over a second, got " + odometry.size());
        odometry.forEach(PtyLinkTest::assertSimulatedOdometry);
        assertFalse(battery.isEmpty(), "battery at 1 Hz");

        int linesBefore = sim.lines().size();
        sim.command("fault 42 2");
        sim.awaitLineFrom(linesBefore, l -> l.startsWith("DELIVERY") && l.endsWith("acked"), 3000);
        // Listeners run on the link's event thread, so the ACK can reach the firmware before the fault
        // reaches this list.
        Message.Fault fault = faults.poll(3, TimeUnit.SECONDS);
        assertNotNull(fault, "the firmware saw its FAULT acknowledged but no listener received it");
        assertEquals(new Message.Fault(fault.timestampMs(), 42, 2, true), fault);
        assertTrue(faults.isEmpty(), "one fault delivered once, got more: " + faults);
        LinkCounters counters = link.counters();
        assertEquals(0, counters.crcRejections());
        assertTrue(counters.framesReceived() > 20 && counters.framesSent() > 20, counters.toString());
    }

    @Test
    void heartbeatLossIsDetectedAndTheLinkRecoversWhenTheFirmwareRestarts() throws Exception {
        PtyPair pty = closeLater(new PtyPair(dir, "loss"));
        SimulatorProcess first = closeLater(new SimulatorProcess(pty.b()));
        FirmwareLink link = closeLater(new FirmwareLink(LinkConfig.of(pty.a().toString(), 115_200)));
        List<LinkState> states = new CopyOnWriteArrayList<>();
        link.addStateListener(states::add);
        link.start();
        assertTrue(link.awaitState(LinkState.CONNECTED, Duration.ofSeconds(5)));

        long killedAt = System.nanoTime();
        first.kill();
        assertTrue(link.awaitState(LinkState.LOST, Duration.ofSeconds(4)), "state is " + link.state());
        long detectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertTrue(detectMs >= 1400, "lost only after lostAfter (1.5 s) of silence, took " + detectMs + " ms");
        assertEquals(Delivery.Status.NOT_CONNECTED, link.sendPlace(1, 0.5f, Instant.now()).get(1, TimeUnit.SECONDS).status());

        closeLater(new SimulatorProcess(pty.b()));
        assertTrue(link.awaitState(LinkState.CONNECTED, Duration.ofSeconds(5)), "state is " + link.state());
        assertEquals(Delivery.Status.ACKED, link.sendPlace(2, 0.5f, Instant.now()).get(5, TimeUnit.SECONDS).status());
        // The event thread may still be delivering the last transition.
        List<LinkState> expected = List.of(LinkState.CONNECTED, LinkState.DEGRADED, LinkState.LOST, LinkState.CONNECTED);
        Eventually.holds(() -> states.size() >= expected.size(), Duration.ofSeconds(2), states::toString);
        assertEquals(expected, states);
    }

    @Test
    void portThatAppearsLaterIsOpenedAndItsOpenFailureReported() throws Exception {
        Path missing = dir.resolve("late-a");
        FirmwareLink link = closeLater(new FirmwareLink(LinkConfig.of(missing.toString(), 115_200)));
        link.start();
        Eventually.holds(() -> link.lastPortError().isPresent(), Duration.ofSeconds(3), () -> "no open failure reported");
        assertEquals(LinkState.CONNECTING, link.state());
        assertTrue(link.lastPortError().orElseThrow().contains(missing.toString()), link.lastPortError().orElseThrow());
        assertTrue(link.counters().portOpenFailures() > 0);

        PtyPair pty = closeLater(new PtyPair(dir, "late"));
        closeLater(new SimulatorProcess(pty.b()));
        assertTrue(link.awaitState(LinkState.CONNECTED, Duration.ofSeconds(8)), "state is " + link.state());
    }

    /** Sample k of the simulator carries x=10k, y=-3k, heading=7k mod 6284, v=k mod 500, omega=-(k mod 300). */
    static void assertSimulatedOdometry(Message.Odometry o) {
        assertEquals(0, o.xMm() % 10, o.toString());
        int k = o.xMm() / 10;
        assertEquals(-3 * k, o.yMm(), o.toString());
        assertEquals((7 * k) % 6284, o.headingMrad(), o.toString());
        assertEquals(k % 500, o.vMmPerS(), o.toString());
        assertEquals(-(k % 300), o.omegaMradPerS(), o.toString());
    }
}
