package dev.sparrow.tests.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparrow.agent.cli.SparrowCli;
import dev.sparrow.agent.demo.DemoRoute;
import dev.sparrow.tests.mqtt.Mosquitto;
import dev.sparrow.testsupport.SharedData;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent end to end, as users start it. README's first command, {@code sparrow demo}: it starts the embedded
 * broker and replays the route through its recogniser (trained once for the class on 20 corridor places, to
 * keep the test short); a Paho subscriber counts the place events and checks each against the line the demo
 * printed for the same frame. And {@code sparrow run --config} as its own process against a real mosquitto,
 * stopped by SIGTERM as systemd stops it.
 */
@Timeout(300)
class AgentEndToEndTest {
    private static final Pattern FRAME_LINE = Pattern.compile("frame\\s+(\\d+)\\s+place\\s+(\\d+) [✓✗].*");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Received(String topic, String payload) {}

    @TempDir
    static Path cache;
    static Path network;

    @BeforeAll
    static void trainTheRecogniserOnce() throws Exception {
        network = DemoRoute.open(SharedData.vpr("corridor"), 20).trainedNetwork(cache, (stage, done, total) -> { },
                line -> { });
    }

    @Test
    void theDemoPublishesAPlaceEventForEveryFrameItPrints() throws Exception {
        Path corridor = SharedData.vpr("corridor");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> SparrowCli.execute(
                new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--data", corridor.toString(),
                "--places", "20", "--cache", cache.toString(), "--rate", "10", "--loop", "--duration", "6s",
                "--port", Integer.toString(port)));

        List<Received> received = new CopyOnWriteArrayList<>();
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + port, "demo-watcher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200); // training comes first
        while (true) {
            try {
                subscriber.connect(options);
                break;
            } catch (MqttException e) {
                assertTrue(System.nanoTime() < deadline && !demo.isDone(), "the demo's broker never came up:\n" + err);
                Thread.sleep(100);
            }
        }
        subscriber.subscribe("sparrow/demo/#", 1, (topic, message) ->
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8))));

        assertEquals(SparrowCli.DONE, demo.get(60, TimeUnit.SECONDS), err.toString());
        try {
            subscriber.disconnect();
        } catch (MqttException e) { // the demo's broker stops with the demo: the connection may already be gone
            assertTrue(e.getReasonCode() == MqttException.REASON_CODE_CONNECTION_LOST
                    || e.getReasonCode() == MqttException.REASON_CODE_CLIENT_ALREADY_DISCONNECTED
                    || e.getReasonCode() == MqttException.REASON_CODE_CLIENT_DISCONNECTING, e.toString());
        }
        subscriber.close();

        Map<Long, Integer> printed = new TreeMap<>();
        for (String line : out.toString().lines().toList()) {
            Matcher m = FRAME_LINE.matcher(line);
            assertTrue(m.matches(), "unexpected output line: " + line);
            printed.put(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)));
        }
        assertTrue(printed.size() >= 30, "6 s at 10 frames/s printed " + printed.size() + " frames\n" + err);

        assertEquals("online", received.getFirst().payload(), "the retained status comes first: " + received.getFirst());
        Map<Long, Integer> published = new TreeMap<>();
        int metrics = 0;
        for (Received r : received) {
            if (r.topic().equals("sparrow/demo/place")) {
                JsonNode event = JSON.readTree(r.payload());
                assertEquals(1, event.get("schema").asInt());
                assertEquals("demo", event.get("robot").asText());
                assertTrue(event.get("latency_ms").asDouble() > 0);
                published.put(event.get("seq").asLong(), event.get("place").asInt());
            } else if (r.topic().equals("sparrow/demo/metrics")) {
                metrics++;
            }
        }
        assertEquals(new Received("sparrow/demo/status", "offline"), received.getLast(), "offline is the last word");
        assertTrue(metrics >= 1, "metrics published");
        long first = published.keySet().iterator().next();
        long last = ((TreeMap<Long, Integer>) published).lastKey();
        assertEquals(last - first + 1, published.size(), "no gap in the place events once subscribed");
        assertEquals(((TreeMap<Long, Integer>) printed).lastKey(), last, "the last frame printed was published");
        assertTrue(published.size() >= printed.size() - 5, published.size() + " events for " + printed.size()
                + " frames (the subscriber may join a few frames late)");
        published.forEach((seq, place) -> assertEquals(printed.get(seq), place, "frame " + seq + ": printed and published differ"));
        assertTrue(err.toString().contains("recogniser: " + network + " (cached"), err.toString());
        assertTrue(err.toString().contains("0 frames dropped"), err.toString());
    }

    /**
     * The class path {@code ./sparrow} runs with: this module's classes and its runtime dependencies as the
     * build wrote them before the tests (tests/pom.xml), not the test class path, which also holds every
     * test-scoped library and so would hide one the agent needs but the launcher lacks.
     */
    private static String launcherClassPath() throws IOException {
        Path file = Path.of("target", "sparrow.classpath");
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath() + " was not written by the build");
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator + Files.readString(file).strip();
    }

    @Test
    void runStopsInOrderOnSigtermAndLeavesNothingInTheOutbox(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.builder().start()) {
            Path outbox = dir.resolve("outbox");
            Path config = Files.writeString(dir.resolve("sparrow.yaml"), """
                    robot_id: r7
                    source: {type: folder, path: %s, rate: 20, loop: true}
                    recognizer: {network: %s, sequence: 2}
                    mqtt: {uri: '%s'}
                    outbox: {dir: outbox}
                    metrics_interval_s: 0.5
                    """.formatted(SharedData.vpr("corridor").resolve("query"), network, broker.uri()));
            List<Received> received = new CopyOnWriteArrayList<>();
            MqttClient subscriber = new MqttClient(broker.uri(), "run-watcher", new MemoryPersistence());
            subscriber.connect();
            subscriber.subscribe("sparrow/r7/#", 1, (topic, message) ->
                    received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8))));

            Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-cp", launcherClassPath(),
                    SparrowCli.class.getName(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (received.stream().filter(r -> r.topic().endsWith("/place")).count() < 10
                        && System.nanoTime() < deadline && agent.isAlive()) {
                    Thread.sleep(50);
                }
                assertTrue(agent.isAlive(), Files.readString(dir.resolve("agent.log")));
                agent.destroy(); // SIGTERM
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "stopped within systemd's patience");
            } finally {
                agent.destroyForcibly();
            }
            String log = Files.readString(dir.resolve("agent.log"));
            assertEquals(0, agent.exitValue(), log);
            assertTrue(log.contains("sparrow: stopped on SIGTERM"), log);
            Thread.sleep(300);
            assertEquals(new Received("sparrow/r7/status", "offline"), received.getLast(), "offline is the last word");
            assertTrue(received.stream().anyMatch(r -> r.topic().equals("sparrow/r7/metrics")));
            try (var files = Files.list(outbox)) {
                assertEquals(List.of(), files.toList(), "every place event acknowledged before the exit");
            }
            subscriber.disconnect();
            subscriber.close();
        }
    }

    /** The model branch alone: a real int8 person detector on the corridor frames, one inference message each. */
    @Test
    void runWithAModelOnlyPublishesAnInferenceForEveryFrame(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.builder().start()) {
            Path config = Files.writeString(dir.resolve("sparrow.yaml"), """
                    robot_id: r8
                    source: {type: folder, path: %s, rate: 30}
                    model: {file: %s}
                    mqtt: {uri: '%s'}
                    """.formatted(SharedData.vpr("corridor").resolve("query"), SharedData.model("person_detect.tflite"),
                    broker.uri()));
            List<Received> received = new CopyOnWriteArrayList<>();
            MqttClient subscriber = new MqttClient(broker.uri(), "model-watcher", new MemoryPersistence());
            subscriber.connect();
            subscriber.subscribe("sparrow/r8/#", 1, (topic, message) ->
                    received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8))));
            StringWriter err = new StringWriter();
            assertEquals(SparrowCli.DONE, SparrowCli.execute(new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true), "run", "--config", config.toString()), err.toString());
            Matcher stopped = Pattern.compile("sparrow: stopped \\(the frame source ended\\); (\\d+) frames processed, "
                    + "(\\d+) dropped, 0 malformed").matcher(err.toString());
            assertTrue(stopped.find(), err.toString());
            int processed = Integer.parseInt(stopped.group(1));
            // a loaded machine may drop frames while the JIT warms up — counted, and never a result
            assertEquals(111, processed + Integer.parseInt(stopped.group(2)), err.toString());
            Thread.sleep(300);
            subscriber.disconnect();
            subscriber.close();

            Set<Long> seqs = new TreeSet<>();
            for (Received r : received) {
                assertTrue(!r.topic().equals("sparrow/r8/place"), "no recogniser, no place events");
                if (r.topic().equals("sparrow/r8/inference")) {
                    JsonNode inference = JSON.readTree(r.payload());
                    JsonNode output = inference.get("outputs").get(0);
                    assertEquals("[1,2]", output.get("shape").toString(), "person / no person");
                    // a softmax: the two dequantised probabilities add up to 1 within int8's step of 1/256
                    assertEquals(1.0, output.get("mean").asDouble() * 2, 2.0 / 256);
                    assertTrue(inference.get("model_ms").asDouble() > 0);
                    seqs.add(inference.get("seq").asLong());
                }
            }
            assertEquals(processed, seqs.size(), "one inference per frame processed\n" + err);
            assertTrue(processed > 0);
        }
    }
}
