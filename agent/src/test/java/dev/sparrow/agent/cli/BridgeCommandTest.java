package dev.sparrow.agent.cli;

import static dev.sparrow.agent.cli.CliRun.sparrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparrow.agent.Json;
import dev.sparrow.testsupport.PtyPair;
import dev.sparrow.testsupport.SimulatorProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparrow bridge} against the real C simulator over a socat pseudo-terminal pair. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BridgeCommandTest {
    @TempDir
    Path dir;

    @Test
    void sendHandshakesAndReportsTheAckRoundTrip() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "send"); SimulatorProcess sim = new SimulatorProcess(pty.b())) {
            String port = pty.a().toString();
            CliRun run = sparrow("bridge", "send", "--port", port, "--place", "4242", "--score", "0.875", "--timeout", "5s");
            assertEquals(SparrowCli.DONE, run.code(), run.err());
            Matcher ack = Pattern.compile("firmware on " + Pattern.quote(port) + ": sparrow-sim/1.0 protocol 1 max payload 64; "
                    + "PLACE ACKED seq=0 attempts=1 round trip (\\d+) µs").matcher(run.out().strip());
            assertTrue(ack.matches(), run.out());
            long roundTripUs = Long.parseLong(ack.group(1));
            assertTrue(roundTripUs > 0 && roundTripUs < 1_000_000, "round trip " + roundTripUs + " µs");
            sim.awaitLine(l -> l.startsWith("PLACE id=4242 score=0.875000 timestamp_us="), 2000);

            CliRun json = sparrow("bridge", "send", "--port", port, "--place", "7", "--json");
            assertEquals(SparrowCli.DONE, json.code(), json.err());
            JsonNode result = Json.MAPPER.readTree(json.out());
            assertEquals(port, result.get("port").asText());
            assertTrue(result.get("connected").asBoolean());
            assertEquals("ACKED", result.get("status").asText());
            assertEquals(1, result.get("attempts").asInt());
            assertTrue(result.get("round_trip_us").asLong() > 0, json.out());
            sim.awaitLine(l -> l.startsWith("PLACE id=7 score=0.000000 "), 2000);
        }
    }

    @Test
    void monitorPrintsDecodedOdometryAndBatteryOneLinePerFrame() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "monitor"); SimulatorProcess sim = new SimulatorProcess(pty.b())) {
            CliRun run = sparrow("bridge", "monitor", "--port", pty.a().toString(), "--duration", "2s");
            assertEquals(SparrowCli.DONE, run.code(), run.err());
            List<String> lines = run.out().lines().toList();
            Pattern odometry = Pattern.compile("\\S+ RX version=1 type=ODOMETRY flags=0 seq=\\d+ timestamp_ms=\\d+ "
                    + "x_mm=(-?\\d+) y_mm=(-?\\d+) heading_mrad=(\\d+) v_mm_s=(\\d+) omega_mrad_s=(-?\\d+)");
            int odometryLines = 0;
            for (String line : lines) {
                Matcher m = odometry.matcher(line);
                if (m.matches()) {
                    odometryLines++;
                    int k = Integer.parseInt(m.group(1)) / 10; // the simulator's sample k: x=10k, y=-3k, heading=7k mod 6284
                    assertEquals(-3 * k, Integer.parseInt(m.group(2)), line);
                    assertEquals((7 * k) % 6284, Integer.parseInt(m.group(3)), line);
                }
            }
            assertTrue(odometryLines >= 20, "20 Hz odometry for about 2 s, got " + odometryLines + ":\n" + run.out());
            assertTrue(lines.stream().anyMatch(l -> l.matches("\\S+ RX version=1 type=BATTERY flags=0 seq=\\d+ timestamp_ms=\\d+ "
                    + "voltage_mv=12\\d{3} current_ma=1500 soc_pct=\\d+")), run.out());
            assertTrue(lines.stream().anyMatch(l -> l.endsWith(" STATE connected")), run.out());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" TX version=1 type=HEARTBEAT ")), run.out());
            String counters = lines.getLast();
            assertTrue(counters.startsWith("counters frames_sent="), counters);
            long received = lines.stream().filter(l -> l.contains(" RX version=1 ")).count();
            assertTrue(counters.contains(" frames_received=" + received + " "), "counters count what was printed: " + counters);
            assertTrue(counters.contains(" crc_rejections=0 "), counters);

            CliRun json = sparrow("bridge", "monitor", "--port", pty.a().toString(), "--duration", "1200ms", "--json");
            assertEquals(SparrowCli.DONE, json.code(), json.err());
            List<JsonNode> objects = new ArrayList<>();
            for (String line : json.out().lines().toList()) {
                objects.add(Json.MAPPER.readTree(line));
            }
            List<JsonNode> odometryFrames = objects.stream()
                    .filter(o -> "ODOMETRY".equals(o.path("type").asText()) && "rx".equals(o.path("direction").asText())).toList();
            assertTrue(odometryFrames.size() >= 10, json.out());
            for (JsonNode frame : odometryFrames) {
                JsonNode fields = frame.get("fields");
                int k = fields.get("x_mm").asInt() / 10;
                assertEquals(-3 * k, fields.get("y_mm").asInt(), frame.toString());
                assertEquals(k % 500, fields.get("v_mm_s").asInt(), frame.toString());
            }
            assertTrue(objects.stream().anyMatch(o -> "connected".equals(o.path("state").asText())), json.out());
            assertTrue(objects.getLast().get("counters").get("frames_received").asLong() > 10, json.out());
        }
    }

    @Test
    void aPortThatCannotBeOpenedIsOneLineNamingItAndExitsTwo() throws Exception {
        String missing = dir.resolve("no-such-port").toString();
        for (String verb : new String[] {"send", "monitor"}) {
            // Both would wait 10 s for a port that is merely busy; a path that names nothing fails at once.
            CliRun run = sparrow("bridge", verb, "--port", missing, verb.equals("send") ? "--timeout" : "--duration", "10s");
            assertEquals(SparrowCli.BAD_INPUT, run.code(), run.out() + run.err());
            assertEquals("sparrow bridge " + verb + ": cannot open " + missing + ": no such device (jSerialComm SerialPortInvalidPortException)",
                    run.err().strip());
            assertEquals("", run.out());
        }
    }

    @Test
    void sendWithoutFirmwareOnTheOtherEndFailsTheCheck() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "silent")) {
            CliRun run = sparrow("bridge", "send", "--port", pty.a().toString(), "--timeout", "700ms");
            assertEquals(SparrowCli.CHECK_FAILED, run.code(), run.out() + run.err());
            assertEquals("sparrow bridge send: no firmware answered on " + pty.a() + " within 700 ms (is it running, at 115200 baud?)",
                    run.err().strip());
        }
    }

    @Test
    void listNamesThePortsAndSaysPseudoTerminalsOpenByPath() throws Exception {
        try (PtyPair pty = new PtyPair(dir, "list")) {
            CliRun run = sparrow("bridge", "list");
            assertEquals(SparrowCli.DONE, run.code(), run.err());
            assertTrue(!run.out().contains(pty.a().toString()), "jSerialComm lists only /dev entries: " + run.out());
            run.out().lines().forEach(l -> assertTrue(l.startsWith("/dev/"), l));
            assertTrue(run.err().strip().endsWith("pseudo-terminals (/dev/pts/N, socat links) are not listed: pass them to --port by path"),
                    run.err());
        }
    }
}
