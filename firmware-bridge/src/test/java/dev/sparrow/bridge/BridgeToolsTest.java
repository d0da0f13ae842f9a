package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeToolsTest {
    @TempDir
    Path dir;

    @Test
    void testSendGetsAnAckAndMonitorPrintsOneLinePerFrame() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "tools"); SimulatorProcess sim = new SimulatorProcess(pty.b)) {
            // jSerialComm lists only /dev entries: the socat link is not listed, yet it opens by path below.
            assertTrue(SerialPorts.list().stream().noneMatch(p -> p.path().equals(pty.a.toString())));
            BridgeTools.TestSendResult result = BridgeTools.sendTestPlace(LinkConfig.of(pty.a.toString(), 115_200),
                    Duration.ofSeconds(5));
            assertTrue(result.connected(), result.describe(pty.a.toString()));
            assertEquals(Delivery.Status.ACKED, result.delivery().status());
            assertTrue(result.describe(pty.a.toString()).contains("sparrow-sim/1.0"));
            sim.awaitLine(l -> l.startsWith("PLACE id=0 "), 2000);

            List<String> lines = new CopyOnWriteArrayList<>();
            BridgeTools.monitor(LinkConfig.of(pty.a.toString(), 115_200), Duration.ofMillis(700), lines::add);
            assertTrue(lines.stream().anyMatch(l -> l.contains(" RX version=1 type=HELLO ") && l.contains("software_version=sparrow-sim/1.0")));
            assertTrue(lines.stream().filter(l -> l.contains(" RX version=1 type=ODOMETRY ")).count() >= 5, lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" TX version=1 type=HEARTBEAT ")));
            assertTrue(lines.getLast().startsWith("counters LinkCounters[framesSent="));
        }
    }

    @Test
    void testSendToAMissingPortSaysWhichPortAndWhy() throws Exception {
        String missing = dir.resolve("no-such-port").toString();
        BridgeTools.TestSendResult result = BridgeTools.sendTestPlace(LinkConfig.of(missing, 115_200), Duration.ofMillis(400));
        assertFalse(result.connected());
        assertTrue(result.describe(missing).startsWith("no firmware answered on " + missing + " ("), result.describe(missing));
    }
}
