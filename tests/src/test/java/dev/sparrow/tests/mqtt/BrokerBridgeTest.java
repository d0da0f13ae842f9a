package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two brokers joined by mosquitto's own bridge: what robots publish on one reaches a subscriber on the other. */
@Timeout(60)
class BrokerBridgeTest {
    private static final int MESSAGES = 50;
    /** The bridge connects on its own after the broker starts; this bounds how long a test waits for it. */
    private static final Duration BRIDGE_UP_WITHIN = Duration.ofSeconds(15);

    @Test
    void everyMessagePublishedOnOneBrokerArrivesOnTheOther() throws Exception {
        try (Mosquitto site = Mosquitto.builder().start();
                Mosquitto fleet = Mosquitto.builder().bridgeTo(site, "sparrow/# in 1").start();
                TestClient robot = TestClient.connect(site, "r1", TestClient.anonymous());
                TestClient monitor = TestClient.connect(fleet, "fleet-monitor", TestClient.anonymous())) {
            Inbox inbox = monitor.subscribe("sparrow/#");
            awaitBridge(robot, inbox, fleet);

            for (int seq = 0; seq < MESSAGES; seq++) {
                robot.publish("sparrow/r1/seq", Integer.toString(seq));
            }

            List<Integer> received = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                Inbox.Message message = inbox.next();
                assertEquals("sparrow/r1/seq", message.topic());
                received.add(Integer.parseInt(message.payload()));
            }
            List<Integer> expected = java.util.stream.IntStream.range(0, MESSAGES).boxed().toList();
            assertEquals(expected, received, "messages lost, duplicated or reordered across the bridge");
        }
    }

    /**
     * Publishes probes until one crosses: the bridge's subscription on the remote is then in place, so nothing
     * published afterwards is lost to the bridge still connecting. Probes that cross late are drained.
     */
    private static void awaitBridge(TestClient publisher, Inbox inbox, Mosquitto bridged) throws Exception {
        long deadline = System.nanoTime() + BRIDGE_UP_WITHIN.toNanos();
        int probe = 0;
        while (true) {
            publisher.publish("sparrow/probe", "probe-" + probe++);
            if (inbox.poll(Duration.ofMillis(200)) != null) {
                break;
            }
            assertTrue(System.nanoTime() < deadline,
                    "the bridge did not deliver within " + BRIDGE_UP_WITHIN.toSeconds() + " s\n" + bridged.logTail(30));
        }
        while (inbox.poll(Duration.ofMillis(300)) != null) {
            // A probe that was still in flight.
        }
    }
}
