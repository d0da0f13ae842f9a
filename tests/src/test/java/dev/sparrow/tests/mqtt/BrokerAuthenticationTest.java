package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A broker with a password file and no anonymous access refuses every client that cannot log in. */
@Timeout(30)
class BrokerAuthenticationTest {
    /** CONNACK 4 (bad user name or password) or 5 (not authorized): mosquitto versions differ in which they send. */
    private static final Set<Integer> REFUSED = Set.of(
            (int) MqttException.REASON_CODE_FAILED_AUTHENTICATION, (int) MqttException.REASON_CODE_NOT_AUTHORIZED);

    private Mosquitto broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.builder().allowAnonymous(false).user("r1", "r1-secret").start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void rightPasswordConnects() throws Exception {
        try (TestClient client = TestClient.connect(broker, "r1", TestClient.login("r1", "r1-secret"))) {
            assertTrue(client.paho().isConnected());
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        MqttSecurityException refused = assertThrows(MqttSecurityException.class,
                () -> TestClient.connect(broker, "r1", TestClient.login("r1", "guessed")).close());
        assertTrue(REFUSED.contains(refused.getReasonCode()), "reason code " + refused.getReasonCode() + ": " + refused);
    }

    @Test
    void unknownUserIsRefused() {
        MqttSecurityException refused = assertThrows(MqttSecurityException.class,
                () -> TestClient.connect(broker, "r9", TestClient.login("r9", "r1-secret")).close());
        assertTrue(REFUSED.contains(refused.getReasonCode()), "reason code " + refused.getReasonCode() + ": " + refused);
    }

    @Test
    void anonymousClientIsRefused() {
        MqttSecurityException refused = assertThrows(MqttSecurityException.class,
                () -> TestClient.connect(broker, "nobody", TestClient.anonymous()).close());
        assertTrue(REFUSED.contains(refused.getReasonCode()), "reason code " + refused.getReasonCode() + ": " + refused);
    }
}
