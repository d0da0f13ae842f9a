package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.bridge.codec.Message;
import dev.sparrow.testsupport.PtyPair;
import dev.sparrow.testsupport.SimulatorProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Java host -- pty pair -- impairing relay -- pty pair -- C simulator. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FaultInjectionTest {
    private static final int PLACES = 200;
    private static final Pattern PLACE_LINE = Pattern.compile("PLACE id=(\\d+) .*");

    @TempDir
    Path dir;

    @Test
    void onePercentByteCorruptionNeverYieldsACorruptFrameAndDeliversEveryPlaceExactlyOnce() throws Exception {
        try (PtyPair hostSide = new PtyPair(dir, "host");
             PtyPair firmwareSide = new PtyPair(dir, "fw");
             ImpairingRelay relay = new ImpairingRelay(hostSide.b(), firmwareSide.a(), 0.01, 20261205L);
             SimulatorProcess sim = new SimulatorProcess(firmwareSide.b());
             FirmwareLink link = new FirmwareLink(LinkConfig.of(hostSide.a().toString(), 115_200)
                     .withRetries(Duration.ofMillis(80), 30))) {
            List<Message.Odometry> odometry = new CopyOnWriteArrayList<>();
            link.addOdometryListener(odometry::add);
            link.start();
            assertTrue(link.awaitState(LinkState.CONNECTED, Duration.ofSeconds(10)), "state is " + link.state());

            List<CompletableFuture<Delivery>> sent = new ArrayList<>();
            for (int id = 1; id <= PLACES; id++) {
                // A short degraded spell is possible at this error rate; wait it out rather than fail the send.
                while (link.state() != LinkState.CONNECTED && link.state() != LinkState.DEGRADED) {
                    link.awaitState(LinkState.CONNECTED, Duration.ofSeconds(5));
                }
                sent.add(link.sendPlace(id, 0.25f, Instant.ofEpochMilli(id)));
                Thread.sleep(5);
            }
            for (int i = 0; i < PLACES; i++) {
                Delivery delivery = sent.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(Delivery.Status.ACKED, delivery.status(), "place " + (i + 1) + ": " + delivery);
            }

            // Corruption off: the next frame after a delimiter must get through on its first attempt.
            // A retry here would only mean a slow machine, so what is checked is that neither side rejects
            // another frame.
            relay.setRate(0);
            Thread.sleep(300);
            long hostRejectionsBefore = link.counters().crcRejections();
            long firmwareRejectionsBefore = sim.counters().get("crc_errors");
            Delivery clean = link.sendPlace(PLACES + 1, 1f, Instant.now()).get(5, TimeUnit.SECONDS);
            assertEquals(Delivery.Status.ACKED, clean.status());
            Map<String, Long> firmware = sim.counters();
            assertEquals(hostRejectionsBefore, link.counters().crcRejections(), "host resynchronised: " + clean);
            assertEquals(firmwareRejectionsBefore, firmware.get("crc_errors"), "firmware resynchronised: " + clean);

            Map<Integer, Integer> received = new HashMap<>();
            for (String line : sim.lines()) {
                Matcher m = PLACE_LINE.matcher(line);
                if (m.matches()) {
                    received.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
                }
            }
            for (int id = 1; id <= PLACES + 1; id++) {
                assertEquals(1, received.getOrDefault(id, 0), "place " + id + " delivered to the firmware application");
            }
            assertEquals(PLACES + 1, received.size(), "no place id the host never sent: " + received.keySet());

            assertTrue(odometry.size() > 20, "odometry kept flowing: " + odometry.size());
            odometry.forEach(PtyLinkTest::assertSimulatedOdometry);

            LinkCounters host = link.counters();
            assertTrue(relay.flipped.get() > 0 && relay.dropped.get() > 0 && relay.duplicated.get() > 0);
            assertTrue(host.crcRejections() > 0, "host rejected corrupt frames: " + host);
            assertTrue(firmware.get("crc_errors") > 0, "firmware rejected corrupt frames: " + firmware);
            assertTrue(host.retransmissions() > 0, host.toString());
            assertTrue(firmware.get("duplicates") > 0, "lost ACKs made the firmware suppress duplicates: " + firmware);
            System.out.printf("fault injection: relay flipped=%d dropped=%d duplicated=%d%n  host %s%n  firmware %s%n",
                    relay.flipped.get(), relay.dropped.get(), relay.duplicated.get(), host, firmware);
        }
    }
}
