package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fixture itself: a real broker that delivers, survives kills and restarts on its port, and is cleaned up. */
@Timeout(60)
class MosquittoTest {

    @Test
    void deliversQos1PublishToSubscriber() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().start();
                TestClient subscriber = TestClient.connect(broker, "round-trip-sub", TestClient.anonymous());
                TestClient publisher = TestClient.connect(broker, "round-trip-pub", TestClient.anonymous())) {
            assertTrue(broker.uri().matches("tcp://127\\.0\\.0\\.1:\\d+"), broker.uri());
            Inbox inbox = subscriber.subscribe("sparrow/r1/#");

            publisher.publish("sparrow/r1/place", "corridor-7");

            inbox.expect("sparrow/r1/place", "corridor-7");
        }
    }

    /** What the agent's outage test relies on: same port after each crash, and Paho's automatic reconnect finds it. */
    @Test
    void clientReconnectsAfterEachKillAndRestartOnSamePort() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().start()) {
            String uri = broker.uri();
            MqttConnectOptions options = TestClient.anonymous();
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(1_000);
            try (TestClient client = TestClient.connect(broker, "outage-client", options)) {
                ConnectionEvents events = new ConnectionEvents();
                client.paho().setCallback(events);
                for (int outage = 1; outage <= 3; outage++) {
                    broker.kill();
                    assertTrue(events.lost.tryAcquire(5, TimeUnit.SECONDS),
                            "outage " + outage + ": the client did not notice the broker died");
                    broker.restart();
                    assertEquals(uri, broker.uri(), "outage " + outage + ": the broker moved");
                    assertTrue(events.reconnected.tryAcquire(10, TimeUnit.SECONDS),
                            "outage " + outage + ": the client did not reconnect\n" + broker.logTail(30));
                    // Without persistence the restarted broker forgot every subscription: subscribe again.
                    Inbox inbox = client.subscribe("sparrow/outage/#");
                    client.publish("sparrow/outage/seq", "after-outage-" + outage);
                    inbox.expect("sparrow/outage/seq", "after-outage-" + outage);
                }
            }
        }
    }

    @Test
    void retainedMessageSurvivesStopAndRestartWithPersistence() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().persistence(true).start()) {
            try (TestClient publisher = TestClient.connect(broker, "retain-pub", TestClient.anonymous())) {
                publisher.paho().publish("sparrow/r1/state", "docked".getBytes(), 1, true);
            }
            broker.stop();
            assertFalse(broker.isRunning());
            broker.restart();
            try (TestClient subscriber = TestClient.connect(broker, "retain-sub", TestClient.anonymous())) {
                subscriber.subscribe("sparrow/r1/state").expect("sparrow/r1/state", "docked");
            }
        }
    }

    @Test
    void closeEndsTheBrokerAndDeletesItsFolder() throws Exception {
        Mosquitto broker = Mosquitto.builder().start();
        Path folder = broker.log().getParent();
        int port = broker.port();
        assertTrue(Files.exists(broker.log()));

        broker.close();

        assertFalse(broker.isRunning());
        assertFalse(Files.exists(folder), "the broker folder is left behind: " + folder);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            throw new AssertionError("something still listens on the closed broker's port " + port);
        } catch (java.io.IOException refused) {
            // Expected: nobody listens there any more.
        }
    }

    /** Counts Paho's connection losses and automatic reconnects. */
    private static final class ConnectionEvents implements MqttCallbackExtended {
        final Semaphore lost = new Semaphore(0);
        final Semaphore reconnected = new Semaphore(0);

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                reconnected.release();
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost.release();
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // Messages go to each subscription's own listener (Inbox).
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // Publishes wait for their acknowledgement themselves.
        }
    }
}
