package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparrow.agent.telemetry.AgentControl;
import dev.sparrow.agent.telemetry.CommandHandler;
import dev.sparrow.agent.telemetry.MqttConnection;
import dev.sparrow.agent.telemetry.Outbox;
import dev.sparrow.agent.telemetry.PlaceEvent;
import dev.sparrow.agent.telemetry.Telemetry;
import dev.sparrow.agent.telemetry.TlsTrust;
import dev.sparrow.agent.telemetry.Topics;
import dev.sparrow.testsupport.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's telemetry against a real mosquitto: what arrives, what survives broker outages, and the Paho
 * 1.2.5 traps (a failed first connect, subscriptions lost on reconnect, 32202 on a backlog, lock folders).
 */
@Timeout(120)
class AgentTelemetryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private Telemetry robot(String id, String uri, String user, String password, SSLSocketFactory tls) throws Exception {
        Topics topics = new Topics(id);
        MqttConnection.Settings settings = new MqttConnection.Settings(uri, "sparrow-" + id, user,
                password == null ? null : password.toCharArray(), tls, null, null, 30, 200, 2000);
        Outbox outbox = Outbox.open(dir.resolve("outbox-" + id), 64L << 20);
        return new Telemetry(topics, settings, outbox, "test bench", "0.1.0", line -> log.add(id + ": " + line));
    }

    private static PlaceEvent event(String robot, long seq) {
        return new PlaceEvent(PlaceEvent.SCHEMA, robot, seq, (int) (seq % 111), 0.5, 0.1, 12.5, System.currentTimeMillis());
    }

    /** The sequence numbers of the place events among {@code messages}, once each. */
    private static Set<Long> seqs(Inbox inbox, long expected, Duration within) throws Exception {
        return seqs(inbox, new TreeSet<>(), expected, within);
    }

    /** Adds to {@code seen} the place events' sequence numbers until it holds {@code expected} of them. */
    private static Set<Long> seqs(Inbox inbox, Set<Long> seen, long expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (seen.size() < expected && System.nanoTime() < deadline) {
            Inbox.Message m = inbox.poll(Duration.ofMillis(200));
            if (m != null && m.topic().endsWith("/place")) {
                seen.add(JSON.readTree(m.payload()).get("seq").asLong());
            }
        }
        return seen;
    }

    private static Set<Long> missing(Set<Long> seen, long count) {
        Set<Long> missing = new TreeSet<>();
        LongStream.range(0, count).filter(s -> !seen.contains(s)).forEach(missing::add);
        return missing;
    }

    @Test
    void statusDiscoveryPlaceAndMetricsArriveAndOfflineIsLeftRetained() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().start();
                TestClient fleet = TestClient.connect(broker, "fleet", TestClient.anonymous())) {
            Inbox all = fleet.subscribe("sparrow/#");
            Inbox discovery = fleet.subscribe("homeassistant/#");
            Telemetry t = robot("r1", broker.uri(), null, null, null);
            t.start();
            all.expect("sparrow/r1/status", "online");
            Inbox.Message config = discovery.next();
            assertEquals("homeassistant/device/r1/config", config.topic());
            JsonNode ha = JSON.readTree(config.payload());
            assertEquals("sparrow/r1/status", ha.get("availability_topic").asText());
            assertEquals("sparrow/r1/place", ha.at("/components/place/state_topic").asText());

            t.place(event("r1", 0));
            Inbox.Message place = all.next();
            assertEquals("sparrow/r1/place", place.topic());
            JsonNode p = JSON.readTree(place.payload());
            assertEquals(1, p.get("schema").asInt());
            assertEquals(0, p.get("seq").asLong());
            assertEquals(12.5, p.get("latency_ms").asDouble());
            t.metrics(Map.of("frames_per_s", 5.0, "outbox_depth", 0));
            Inbox.Message metrics = all.next();
            assertEquals("sparrow/r1/metrics", metrics.topic());
            assertEquals(5.0, JSON.readTree(metrics.payload()).get("frames_per_s").asDouble());

            assertTrue(t.close(5000), "outbox flushed");
            all.expect("sparrow/r1/status", "offline");
        }
        try (Stream<Path> cwd = Files.list(Path.of("").toAbsolutePath())) {
            List<String> lockFolders = cwd.map(f -> f.getFileName().toString()).filter(n -> n.contains("-tcp")).toList();
            assertEquals(List.of(), lockFolders, "Paho's file persistence would leave <client>-tcp<host><port> folders");
        }
    }

    /**
     * The issue's outage test: the robot's broker is killed (SIGKILL) and restarted three times while place
     * events stream, and once the backlog of a long outage is far above Paho's in-flight limit. The fleet
     * watches from a second broker joined by mosquitto's bridge, so its subscription lives through the outages
     * (a restarted broker forgets subscriptions; the bridge's is made again from its configuration at start).
     * Every place event arrives, counted by sequence number; duplicates are allowed. (The brokers forward
     * without holding messages back — see {@code max_inflight_messages} in {@link Mosquitto} — so that what is
     * counted is the robot's loss, not messages a killed broker had acknowledged and still held in memory.)
     */
    @Test
    void everyPlaceEventArrivesThroughThreeBrokerKillsAndABacklog() throws Exception {
        try (Mosquitto fleetBroker = Mosquitto.builder().start();
                Mosquitto robotBroker = Mosquitto.builder().bridgeTo(fleetBroker, "sparrow/# out 1").start();
                TestClient fleet = TestClient.connect(fleetBroker, "fleet", TestClient.anonymous())) {
            Inbox inbox = fleet.subscribe("sparrow/+/place");
            Telemetry t = robot("r1", robotBroker.uri(), null, null, null);
            t.start();
            long seq = 0;
            Set<Long> seen = new TreeSet<>();
            // the bridge is up once an event crosses it
            t.place(event("r1", seq++));
            assertEquals(Set.of(0L), seqs(inbox, seen, 1, Duration.ofSeconds(10)), robotBroker.logTail(20));
            for (int outage = 0; outage < 3; outage++) {
                for (int i = 0; i < 200; i++) {
                    t.place(event("r1", seq++));
                    Thread.sleep(2);
                    if (i == 100) {
                        robotBroker.kill();
                    }
                }
                robotBroker.restart();
                awaitConnected(t, outage + 2); // so that the next kill hits a connected robot mid-stream
                // Before the next kill, the outage's backlog must have crossed the bridge: a restarted broker
                // acknowledges the robot's backlog at once but holds it in memory until its bridge is up
                // again, and a SIGKILL then would count the broker's loss against the robot.
                assertEquals(Set.of(), missing(seqs(inbox, seen, seq, Duration.ofSeconds(30)), seq),
                        "place events lost in outage " + outage + "\n" + String.join("\n", log) + "\n"
                                + robotBroker.logTail(30));
            }
            robotBroker.kill();
            for (int i = 0; i < 3000; i++) { // a backlog six times the telemetry window, three times Paho's limit
                t.place(event("r1", seq++));
            }
            robotBroker.restart();
            seqs(inbox, seen, seq, Duration.ofSeconds(60));
            assertEquals(Set.of(), missing(seen, seq), "place events lost\n" + String.join("\n", log) + "\n"
                    + robotBroker.logTail(30));
            assertTrue(t.connects() >= 5, "reconnected after each kill: " + t.connects());
            assertTrue(t.close(10_000), "outbox flushed");
            assertFalse(log.stream().anyMatch(l -> l.contains("32202") || l.contains("Too many publishes")), String.join("\n", log));
        }
    }

    /** Paho never retries a failed first connect by itself; ours does, until the broker comes. */
    @Test
    void aFailedFirstConnectIsRetriedUntilTheBrokerComes() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().start()) {
            broker.kill();
            Telemetry t = robot("r1", broker.uri(), null, null, null);
            t.start();
            t.place(event("r1", 0));
            Eventually.holds(() -> log.stream().anyMatch(l -> l.contains("cannot connect to " + broker.uri())),
                    Duration.ofSeconds(5), () -> String.join("\n", log));
            assertFalse(t.isConnected());
            broker.restart();
            try (TestClient fleet = TestClient.connect(broker, "fleet", TestClient.anonymous())) {
                Inbox inbox = fleet.subscribe("sparrow/+/place");
                assertEquals(Set.of(0L), seqs(inbox, 1, Duration.ofSeconds(15)), String.join("\n", log));
            }
            t.close(5000);
        }
    }

    /** Records commands as the pipeline would carry them out. */
    private static final class Commands implements AgentControl {
        final List<String> done = new CopyOnWriteArrayList<>();

        @Override
        public void pause() {
            done.add("pause");
        }

        @Override
        public void resume() {
            done.add("resume");
        }

        @Override
        public void reload() {
            done.add("reload");
        }

        @Override
        public void setRate(double framesPerSecond) {
            done.add("rate " + framesPerSecond);
        }
    }

    /** A clean session loses subscriptions on reconnect; the agent subscribes again every time it connects. */
    @Test
    void commandsStillArriveAfterTheBrokerRestarted() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().start()) {
            Telemetry t = robot("r1", broker.uri(), null, null, null);
            Commands commands = new Commands();
            t.takeCommands(new CommandHandler(t.topics(), commands));
            t.start();
            awaitConnected(t, 1);
            broker.kill();
            broker.restart();
            awaitConnected(t, 2);
            try (TestClient fleet = TestClient.connect(broker, "fleet", TestClient.anonymous())) {
                Inbox results = fleet.subscribe("sparrow/r1/cmd-result");
                fleet.publish("sparrow/r1/cmd/set-rate", "{\"id\":\"c1\",\"rate\":2}");
                JsonNode result = JSON.readTree(results.next().payload());
                assertTrue(result.get("ok").asBoolean(), result.toString());
                assertEquals("c1", result.get("id").asText());
                fleet.publish("sparrow/r1/cmd/set-rate", "{\"rate\":600}");
                JsonNode refused = JSON.readTree(results.next().payload());
                assertFalse(refused.get("ok").asBoolean());
                assertEquals("rate 600 out of range 0.1..60 frames per second", refused.get("reason").asText());
            }
            assertEquals(List.of("rate 2.0"), commands.done);
            t.close(5000);
        }
    }

    private static void awaitConnected(Telemetry t, long connects) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!(t.isConnected() && t.connects() >= connects) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(t.isConnected() && t.connects() >= connects, "connected " + connects + " times");
    }

    @Test
    void aWrongPasswordIsRefusedAndSaidSo() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().allowAnonymous(false).user("r1", "right").start()) {
            Telemetry t = robot("r1", broker.uri(), "r1", "wrong", null);
            t.start();
            Thread.sleep(1500);
            assertFalse(t.isConnected());
            assertEquals(0, t.connects());
            assertTrue(log.stream().anyMatch(l -> l.contains("cannot connect") && l.contains("Not authorized")),
                    String.join("\n", log));
            assertFalse(log.stream().anyMatch(l -> l.contains("wrong")), "the password is never logged");
            t.close(0);
        }
    }

    /** With the shipped ACL, only the fleet (not another robot) can command r1, and r1 reports as itself. */
    @Test
    void theShippedAclLetsOnlyTheFleetCommandARobot() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().allowAnonymous(false).user("r1", "r1-secret")
                .user("r2", "r2-secret").user("fleet", "fleet-secret").acl(ShippedAclTest.shippedAcl()).start();
                TestClient fleet = TestClient.connect(broker, "fleet", TestClient.login("fleet", "fleet-secret"));
                TestClient r2 = TestClient.connect(broker, "r2", TestClient.login("r2", "r2-secret"))) {
            Inbox seen = fleet.subscribe("sparrow/#");
            Telemetry t = robot("r1", broker.uri(), "r1", "r1-secret", null);
            Commands commands = new Commands();
            t.takeCommands(new CommandHandler(t.topics(), commands));
            t.start();
            seen.expect("sparrow/r1/status", "online");
            t.place(event("r1", 0));
            assertEquals("sparrow/r1/place", seen.next().topic());

            r2.publish("sparrow/r1/cmd/pause", "{}");
            fleet.publish("sparrow/r1/cmd/resume", "{}");
            Inbox.Message result = seen.next();
            while (!result.topic().equals("sparrow/r1/cmd-result")) {
                result = seen.next();
            }
            assertEquals("resume", JSON.readTree(result.payload()).get("command").asText());
            Thread.sleep(300);
            assertEquals(List.of("resume"), commands.done, "r2's pause was denied by the broker");
            t.close(5000);
        }
    }

    @Test
    void tlsWithTheRightCaConnectsAndWithAnotherCaNever() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().tls().start();
                TestClient fleet = TestClient.connect(broker, "fleet", tlsOptions(broker))) {
            Inbox inbox = fleet.subscribe("sparrow/+/place");
            Telemetry trusting = robot("r1", broker.uri(), null, null, TlsTrust.trusting(broker.caCertificate()));
            trusting.start();
            trusting.place(event("r1", 7));
            assertEquals(Set.of(7L), seqs(inbox, 1, Duration.ofSeconds(15)), String.join("\n", log));
            trusting.close(5000);

            Path otherCa = CertificateAuthority.create(dir, "other", "Not the broker's CA").certificate();
            Telemetry stranger = robot("r2", broker.uri(), null, null, TlsTrust.trusting(otherCa));
            stranger.start();
            Eventually.holds(() -> log.stream().anyMatch(l -> l.startsWith("r2: mqtt: cannot connect")),
                    Duration.ofSeconds(10), () -> String.join("\n", log));
            assertEquals(0, stranger.connects(), "the server's certificate is verified");
            stranger.close(0);
        }
    }

    private static org.eclipse.paho.client.mqttv3.MqttConnectOptions tlsOptions(Mosquitto broker) throws Exception {
        org.eclipse.paho.client.mqttv3.MqttConnectOptions o = TestClient.anonymous();
        o.setSocketFactory(TlsTrust.trusting(broker.caCertificate()));
        return o;
    }

}
