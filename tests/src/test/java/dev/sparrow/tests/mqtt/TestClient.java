package dev.sparrow.tests.mqtt;

import java.nio.charset.StandardCharsets;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A Paho mqttv3 client connected to a test broker, closed with try-with-resources (Paho's own close()
 * refuses a connected client). Publishes and subscribes at QoS 1 and waits for the broker's acknowledgement.
 */
final class TestClient implements AutoCloseable {
    /** Bounds every blocking Paho call, so that a broken broker fails a test in seconds instead of hanging it. */
    static final long WAIT_MILLIS = 5_000;

    private final MqttClient client;
    private final Mosquitto broker;

    private TestClient(MqttClient client, Mosquitto broker) {
        this.client = client;
        this.broker = broker;
    }

    static TestClient connect(Mosquitto broker, String clientId, MqttConnectOptions options) throws MqttException {
        MqttClient client = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
        client.setTimeToWait(WAIT_MILLIS);
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        return new TestClient(client, broker);
    }

    /** MQTT 3.1.1 with a clean session, as an anonymous client. */
    static MqttConnectOptions anonymous() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setConnectionTimeout((int) (WAIT_MILLIS / 1000));
        // A publish that outlives WAIT_MILLIS on a loaded machine stays in flight; with Paho's default of 10
        // the next ones would fail with 32202 "too many publishes in progress" instead of completing.
        options.setMaxInflight(1000);
        return options;
    }

    /** {@link #anonymous()} options with a user name and password. */
    static MqttConnectOptions login(String user, String password) {
        MqttConnectOptions options = anonymous();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        return options;
    }

    MqttClient paho() {
        return client;
    }

    /** Publishes at QoS 1 and returns once the broker acknowledged it (which it also does for a denied publish). */
    void publish(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** Subscribes at QoS 1 and returns once the broker acknowledged the subscription. */
    Inbox subscribe(String topicFilter) throws MqttException {
        Inbox inbox = new Inbox(client.getClientId() + " on " + topicFilter, broker);
        client.subscribe(topicFilter, 1, inbox);
        return inbox;
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect(0);
            }
        } finally {
            client.close(true);
        }
    }
}
