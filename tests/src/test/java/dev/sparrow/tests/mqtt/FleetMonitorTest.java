package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparrow.agent.cli.SparrowCli;
import dev.sparrow.agent.telemetry.MqttConnection;
import dev.sparrow.agent.telemetry.Outbox;
import dev.sparrow.agent.telemetry.PlaceEvent;
import dev.sparrow.agent.telemetry.Telemetry;
import dev.sparrow.agent.telemetry.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet larger than one broker: robots publish to one mosquitto, which mosquitto's own bridge joins to a
 * second, where {@code sparrow monitor} watches — and counts every place event.
 */
@Timeout(120)
class FleetMonitorTest {
    private static final int ROBOTS = 8;
    private static final int EVENTS_EACH = 40;

    @TempDir
    Path dir;

    @Test
    void theMonitorOnTheOtherSideOfABridgeCountsEveryPlaceEvent() throws Exception {
        try (Mosquitto fleetBroker = Mosquitto.builder().start();
                Mosquitto edgeBroker = Mosquitto.builder().bridgeTo(fleetBroker, "sparrow/# out 1").start()) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> monitor = CompletableFuture.supplyAsync(() -> SparrowCli.execute(
                    new PrintWriter(out, true), new PrintWriter(err, true), "monitor", "--broker", fleetBroker.uri(),
                    "--json", "--count", Integer.toString(ROBOTS * EVENTS_EACH), "--duration", "90s"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!err.toString().contains("monitor: connected") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(err.toString().contains("monitor: connected"), err.toString());

            List<Telemetry> robots = new ArrayList<>();
            for (int r = 0; r < ROBOTS; r++) {
                String id = "robot-" + r;
                Telemetry t = new Telemetry(new Topics(id), new MqttConnection.Settings(edgeBroker.uri(), "sparrow-" + id,
                        null, null, null, null, null, 30, 200, 2000), Outbox.open(dir.resolve(id), 1 << 20), "bench",
                        "0.1.0", line -> { });
                t.start();
                robots.add(t);
            }
            for (int seq = 0; seq < EVENTS_EACH; seq++) {
                for (Telemetry t : robots) {
                    String id = t.topics().robotId();
                    t.place(new PlaceEvent(PlaceEvent.SCHEMA, id, seq, seq % 7, 0.5, 0.1, 3.0, System.currentTimeMillis()));
                }
            }
            assertEquals(SparrowCli.DONE, monitor.get(100, TimeUnit.SECONDS), err + "\n" + edgeBroker.logTail(20));
            for (Telemetry t : robots) {
                t.close(5000);
            }

            ObjectMapper json = new ObjectMapper();
            Set<String> places = new HashSet<>();
            for (String line : out.toString().lines().toList()) {
                JsonNode message = json.readTree(line);
                if (message.get("kind").asText().equals("place")) {
                    JsonNode event = message.get("payload");
                    assertEquals(message.get("robot").asText(), event.get("robot").asText());
                    places.add(event.get("robot").asText() + "#" + event.get("seq").asLong());
                }
            }
            assertEquals(ROBOTS * EVENTS_EACH, places.size(), "every place event, once per (robot, seq)");
            assertTrue(err.toString().contains(ROBOTS + " robots"), err.toString());
        }
    }
}
