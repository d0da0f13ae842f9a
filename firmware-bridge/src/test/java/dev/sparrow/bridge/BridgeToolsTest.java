package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.testsupport.PtyPair;
import dev.sparrow.testsupport.SimulatorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeToolsTest {
    @TempDir
    Path dir;

    @Test
    void testSendGetsAnAckAndMonitorPrintsOneLinePerFrame() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "tools"); SimulatorProcess sim = new SimulatorProcess(pty.b())) {
            // jSerialComm lists only /dev entries: the socat link is not listed, yet it opens by path below.
            assertTrue(SerialPorts.list().stream().noneMatch(p -> p.path().equals(pty.a().toString())));
            BridgeTools.TestSendResult result = BridgeTools.sendTestPlace(LinkConfig.of(pty.a().toString(), 115_200),
                    17, 0.75f, Duration.ofSeconds(5));
            assertTrue(result.connected(), result.describe(pty.a().toString()));
            assertEquals(Delivery.Status.ACKED, result.delivery().status());
            assertTrue(result.describe(pty.a().toString()).contains("sparrow-sim/1.0"));
            sim.awaitLine(l -> l.startsWith("PLACE id=17 score=0.750000 "), 2000);

            List<String> lines = new CopyOnWriteArrayList<>();
            List<LinkState> states = new CopyOnWriteArrayList<>();
            BridgeTools.MonitorResult monitored = BridgeTools.monitor(LinkConfig.of(pty.a().toString(), 115_200),
                    Duration.ofMillis(700), event -> lines.add(event.format()), states::add);
            assertEquals(null, monitored.portError());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" RX version=1 type=HELLO ") && l.contains("software_version=sparrow-sim/1.0")));
            assertTrue(lines.stream().filter(l -> l.contains(" RX version=1 type=ODOMETRY ")).count() >= 5, lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" TX version=1 type=HEARTBEAT ")));
            assertEquals(List.of(LinkState.CONNECTED, LinkState.CLOSED), states);
            assertEquals(lines.stream().filter(l -> l.contains(" RX ")).count(), monitored.counters().framesReceived());
        }
    }

    @Test
    void testSendAndMonitorGiveUpOnAPortThatCannotBeOpenedAndSayWhy() throws Exception {
        String missing = dir.resolve("no-such-port").toString();
        long start = System.nanoTime();
        BridgeTools.TestSendResult result = BridgeTools.sendTestPlace(LinkConfig.of(missing, 115_200), 0, 0f,
                Duration.ofSeconds(10));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertFalse(result.connected());
        assertTrue(tookMs < 3000, "gives up on a port that cannot be opened instead of waiting the 10 s, took " + tookMs + " ms");
        assertEquals("cannot open " + missing + ": no such device (jSerialComm SerialPortInvalidPortException)",
                result.describe(missing));

        BridgeTools.MonitorResult monitored = BridgeTools.monitor(LinkConfig.of(missing, 115_200), Duration.ofSeconds(10),
                event -> { }, state -> { });
        assertEquals(result.portError(), monitored.portError());

        // A file that exists but is no terminal gets as far as jSerialComm's native open, which reports where it failed.
        Path notATty = Files.writeString(dir.resolve("not-a-tty"), "");
        String refused = BridgeTools.sendTestPlace(LinkConfig.of(notATty.toString(), 115_200), 0, 0f, Duration.ofSeconds(10))
                .portError();
        assertTrue(refused.matches("cannot open " + Pattern.quote(notATty.toString())
                + ": error -?\\d+ at jSerialComm source line -?\\d+"), refused);
    }
}
