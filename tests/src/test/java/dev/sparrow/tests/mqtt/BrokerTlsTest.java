package dev.sparrow.tests.mqtt;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.agent.telemetry.TlsTrust;
import dev.sparrow.tests.mqtt.CertificateAuthority.ServerCertificate;
import java.nio.file.Path;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as a robot uses it: trust only the fleet's CA (the agent's TlsTrust), verify the broker's host name. A broker signed
 * by another CA, or whose certificate names another host, is refused in the handshake.
 */
@Timeout(60)
class BrokerTlsTest {

    @Test
    void clientTrustingTheCaRoundTripsOverTls() throws Exception {
        try (Mosquitto broker = Mosquitto.builder().tls().start()) {
            assertTrue(broker.uri().startsWith("ssl://127.0.0.1:"), broker.uri());
            MqttConnectOptions options = trusting(broker.caCertificate());
            try (TestClient subscriber = TestClient.connect(broker, "tls-sub", options);
                    TestClient publisher = TestClient.connect(broker, "tls-pub", options)) {
                Inbox inbox = subscriber.subscribe("sparrow/r1/#");
                publisher.publish("sparrow/r1/place", "over-tls");
                inbox.expect("sparrow/r1/place", "over-tls");
            }
        }
    }

    @Test
    void clientTrustingAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        CertificateAuthority unrelated = CertificateAuthority.create(dir, "unrelated", "Unrelated CA");
        try (Mosquitto broker = Mosquitto.builder().tls().start()) {
            MqttException refused = assertThrows(MqttException.class,
                    () -> TestClient.connect(broker, "tls-stranger", trusting(unrelated.certificate())).close());
            assertHandshakeFailure(refused, broker);
        }
    }

    /** The broker's certificate is from the trusted CA but names another host: only host name checking refuses it. */
    @Test
    void hostNameIsVerified(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir, "fleet-ca", "Fleet CA");
        ServerCertificate elsewhere = ca.issueServerCertificate("elsewhere", "DNS:broker.elsewhere.invalid");
        try (Mosquitto broker = Mosquitto.builder().tls(elsewhere).start()) {
            MqttException refused = assertThrows(MqttException.class,
                    () -> TestClient.connect(broker, "tls-verifying", trusting(broker.caCertificate())).close());
            assertHandshakeFailure(refused, broker);

            // The control: the same client without host name verification gets in, so the name was the reason.
            MqttConnectOptions unverified = trusting(broker.caCertificate());
            unverified.setHttpsHostnameVerificationEnabled(false);
            try (TestClient client = TestClient.connect(broker, "tls-unverified", unverified)) {
                assertTrue(client.paho().isConnected());
            }
        }
    }

    private static MqttConnectOptions trusting(Path caCertificate) throws Exception {
        MqttConnectOptions options = TestClient.anonymous();
        options.setSocketFactory(TlsTrust.trusting(caCertificate));
        options.setHttpsHostnameVerificationEnabled(true);
        return options;
    }

    private static void assertHandshakeFailure(MqttException refused, Mosquitto broker) {
        Throwable cause = refused;
        while (cause != null && !(cause instanceof SSLHandshakeException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, "refused, but not in the TLS handshake: " + refused + "\n" + broker.logTail(20));
    }
}
