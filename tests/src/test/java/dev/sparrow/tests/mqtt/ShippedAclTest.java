package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the ACL shipped for users (deploy/mosquitto/acl) on a real broker: robots speak only for themselves
 * and hear only their own commands; the fleet and Home Assistant users command any robot.
 *
 * <p>mosquitto drops a denied MQTT 3.1.1 publish without telling the publisher (it still acknowledges it), so a
 * denial is proven by a control message: the subscriber receives the control sent after the denied publish, and
 * nothing before it, and then nothing more within a short wait.
 */
@Timeout(60)
class ShippedAclTest {
    /** After the control message arrived, a denied message would have arrived already: this only adds margin. */
    private static final Duration SILENCE = Duration.ofMillis(300);

    private Mosquitto broker;

    /** The ACL in the repository, not a copy: the test fails when the shipped file is changed wrongly. */
    static Path shippedAcl() {
        Path acl = Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("../deploy/mosquitto/acl").normalize();
        assertTrue(Files.isRegularFile(acl), "shipped ACL not found at " + acl);
        return acl;
    }

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.builder()
                .allowAnonymous(false)
                .user("r1", "r1-secret")
                .user("r2", "r2-secret")
                .user("fleet", "fleet-secret")
                .user("homeassistant", "ha-secret")
                .acl(shippedAcl())
                .start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void aclLoadsWithoutWarnings() {
        // The root warning is about how the fixture runs in CI, not about the ACL.
        String warnings = broker.logTail(200).lines()
                .filter(line -> line.contains("Warning") && !line.contains("should not be run as root"))
                .reduce("", (all, line) -> all + line + "\n");
        assertTrue(warnings.isEmpty(), "mosquitto warns about the shipped ACL:\n" + warnings);
    }

    @Test
    void robotPublishesUnderItsOwnIdOnly() throws Exception {
        try (TestClient fleet = TestClient.connect(broker, "fleet-monitor", TestClient.login("fleet", "fleet-secret"));
                TestClient r1 = TestClient.connect(broker, "r1", TestClient.login("r1", "r1-secret"))) {
            Inbox monitor = fleet.subscribe("sparrow/#");

            r1.publish("sparrow/r1/place", "corridor-7");
            monitor.expect("sparrow/r1/place", "corridor-7");

            r1.publish("sparrow/r2/place", "spoofed-by-r1");
            r1.publish("sparrow/r1/place", "control");
            monitor.expect("sparrow/r1/place", "control");
            monitor.expectNothingWithin(SILENCE);
            assertDenied("r1", "sparrow/r2/place");
        }
    }

    @Test
    void onlyFleetCommandsAnotherRobot() throws Exception {
        try (TestClient r1 = TestClient.connect(broker, "r1", TestClient.login("r1", "r1-secret"));
                TestClient r2 = TestClient.connect(broker, "r2", TestClient.login("r2", "r2-secret"));
                TestClient fleet = TestClient.connect(broker, "fleet-console", TestClient.login("fleet", "fleet-secret"))) {
            Inbox commands = r1.subscribe("sparrow/r1/cmd/#");

            // mosquitto handles one packet at a time: r2's publish is dropped (or queued to r1) before its
            // acknowledgement, so before the fleet's command is even sent.
            r2.publish("sparrow/r1/cmd/pause", "from-r2");
            fleet.publish("sparrow/r1/cmd/pause", "from-fleet");

            commands.expect("sparrow/r1/cmd/pause", "from-fleet");
            commands.expectNothingWithin(SILENCE);
            assertDenied("r2", "sparrow/r1/cmd/pause");
        }
    }

    @Test
    void robotHearsOnlyItsOwnCommands() throws Exception {
        try (TestClient r1 = TestClient.connect(broker, "r1", TestClient.login("r1", "r1-secret"));
                TestClient fleet = TestClient.connect(broker, "fleet-console", TestClient.login("fleet", "fleet-secret"))) {
            // One wide subscription: the ACL, not the filter, decides what r1 receives.
            Inbox heard = r1.subscribe("sparrow/+/cmd/#");

            fleet.publish("sparrow/r2/cmd/pause", "for-r2");
            fleet.publish("sparrow/r1/cmd/pause", "for-r1");

            heard.expect("sparrow/r1/cmd/pause", "for-r1");
            heard.expectNothingWithin(SILENCE);
        }
    }

    @Test
    void robotCannotReadAnotherRobotsState() throws Exception {
        try (TestClient r1 = TestClient.connect(broker, "r1", TestClient.login("r1", "r1-secret"));
                TestClient r2 = TestClient.connect(broker, "r2", TestClient.login("r2", "r2-secret"));
                TestClient fleet = TestClient.connect(broker, "fleet-monitor", TestClient.login("fleet", "fleet-secret"))) {
            Inbox r1Hears = r1.subscribe("sparrow/#");
            Inbox monitor = fleet.subscribe("sparrow/#");

            r2.publish("sparrow/r2/place", "dock");

            monitor.expect("sparrow/r2/place", "dock");
            r1Hears.expectNothingWithin(SILENCE);
        }
    }

    @Test
    void homeAssistantCommandsRobotAndReadsItsDiscovery() throws Exception {
        try (TestClient r1 = TestClient.connect(broker, "r1", TestClient.login("r1", "r1-secret"));
                TestClient homeAssistant = TestClient.connect(broker, "home-assistant",
                        TestClient.login("homeassistant", "ha-secret"))) {
            Inbox discovery = homeAssistant.subscribe("homeassistant/#");
            Inbox commands = r1.subscribe("sparrow/r1/cmd/#");

            r1.publish("homeassistant/sensor/r1/place/config", "{\"name\":\"r1 place\"}");
            discovery.expect("homeassistant/sensor/r1/place/config", "{\"name\":\"r1 place\"}");

            // Home Assistant announces itself (birth message); only it may.
            homeAssistant.publish("homeassistant/status", "online");
            discovery.expect("homeassistant/status", "online");

            homeAssistant.publish("sparrow/r1/cmd/dock", "now");
            commands.expect("sparrow/r1/cmd/dock", "now");
        }
    }

    @Test
    void robotPublishesDiscoveryOnlyForItself() throws Exception {
        try (TestClient r1 = TestClient.connect(broker, "r1", TestClient.login("r1", "r1-secret"));
                TestClient homeAssistant = TestClient.connect(broker, "home-assistant",
                        TestClient.login("homeassistant", "ha-secret"))) {
            Inbox discovery = homeAssistant.subscribe("homeassistant/#");

            r1.publish("homeassistant/sensor/r2/place/config", "{\"name\":\"spoofed\"}");
            r1.publish("homeassistant/sensor/r1/place/config", "{\"name\":\"control\"}");

            discovery.expect("homeassistant/sensor/r1/place/config", "{\"name\":\"control\"}");
            discovery.expectNothingWithin(SILENCE);
            assertDenied("r1", "homeassistant/sensor/r2/place/config");
        }
    }

    /** mosquitto's debug log names the publish it dropped: proof it was the ACL, not a lost message. */
    private void assertDenied(String clientId, String topic) {
        String needle = "Denied PUBLISH from " + clientId + " ";
        boolean logged = broker.logTail(200).lines()
                .anyMatch(line -> line.contains(needle) && line.contains("'" + topic + "'"));
        assertTrue(logged, "no '" + needle + "... '" + topic + "'' in the broker log\n" + broker.logTail(30));
    }
}
