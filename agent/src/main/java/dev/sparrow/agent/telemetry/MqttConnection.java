package dev.sparrow.agent.telemetry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * One MQTT 3.1.1 client connection (Eclipse Paho 1.2.5), kept up by us: the rest of Sparrow sees only this
 * class. It handles Paho's traps itself:
 * <ul>
 *   <li>a failed <em>first</em> connect is never retried by Paho: our own loop retries every connect, with
 *       exponential backoff and jitter, until {@link #close};</li>
 *   <li>subscriptions are lost on reconnect with a clean session: every subscription is made again on each
 *       connect, before {@link Listener#connected} runs;</li>
 *   <li>Paho allows 10 messages in flight by default and throws 32202 past that: the limit is raised to
 *       {@link #MAX_IN_FLIGHT}, and callers keep their window below it;</li>
 *   <li>Paho's default file persistence leaves lock folders behind: memory persistence only — durability is
 *       the {@link Outbox}'s job.</li>
 * </ul>
 */
public final class MqttConnection implements AutoCloseable {
    /** Paho's in-flight limit as we set it. */
    public static final int MAX_IN_FLIGHT = 1000;
    private static final long CONNECT_TIMEOUT_MILLIS = 10_000;

    /**
     * How to reach the broker.
     *
     * @param password    null for no password authentication
     * @param tls         socket factory for {@code ssl://} URIs (trusting the configured CA), or null
     * @param willTopic   retained last will (the robot's status topic), or null
     */
    public record Settings(String uri, String clientId, String username, char[] password, SSLSocketFactory tls,
                           String willTopic, byte[] willPayload, int keepAliveSeconds, long minBackoffMillis,
                           long maxBackoffMillis) {
        public Settings {
            if (!uri.startsWith("tcp://") && !uri.startsWith("ssl://")) {
                throw new IllegalArgumentException("MQTT URI must start with tcp:// or ssl://, got " + uri);
            }
            if (uri.startsWith("ssl://") && tls == null) {
                throw new IllegalArgumentException(uri + " needs TLS settings (a CA file)");
            }
        }

        /** These settings with a retained last will. */
        public Settings withWill(String topic, byte[] payload) {
            return new Settings(uri, clientId, username, password, tls, topic, payload, keepAliveSeconds,
                    minBackoffMillis, maxBackoffMillis);
        }
    }

    /** Connection events; called on the connection's own thread — do not block in them. */
    public interface Listener {
        void connected();

        void lost(String reason);

        /** A connect attempt failed; the next one follows after {@code retryMillis}. */
        void connectFailed(String reason, long retryMillis);
    }

    private record Subscription(int qos, BiConsumer<String, byte[]> handler) {
    }

    private final Settings settings;
    private final Listener listener;
    private final MqttAsyncClient client;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Object monitor = new Object();
    private final Thread keeper;
    private volatile boolean closing;
    private volatile boolean up;

    public MqttConnection(Settings settings, Listener listener) throws MqttException {
        this.settings = settings;
        this.listener = listener;
        this.client = new MqttAsyncClient(settings.uri(), settings.clientId(), new MemoryPersistence());
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void connectionLost(Throwable cause) {
                up = false;
                listener.lost(cause == null ? "connection lost" : describe(cause));
                synchronized (monitor) {
                    monitor.notifyAll();
                }
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                dispatch(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        keeper = Thread.ofPlatform().daemon().name("sparrow-mqtt-" + settings.clientId()).unstarted(this::keepConnected);
    }

    /** Starts connecting (and reconnecting whenever the connection drops) in the background. */
    public void start() {
        keeper.start();
    }

    public boolean isConnected() {
        return up && client.isConnected();
    }

    /**
     * Subscribes now if connected, and again after every reconnect. {@code handler} gets topic and payload on
     * Paho's callback thread: it must not block or wait for a publish to complete.
     */
    public void subscribe(String filter, int qos, BiConsumer<String, byte[]> handler) {
        subscriptions.put(filter, new Subscription(qos, handler));
        if (isConnected()) {
            try {
                client.subscribe(filter, qos);
            } catch (MqttException e) {
                // the next connect subscribes again
            }
        }
    }

    /**
     * Publishes; the future completes on PUBACK (QoS 1) or when written (QoS 0), and fails with the reason
     * when the message could not be sent — nothing is retried here.
     */
    public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            client.publish(topic, payload, qos, retained, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    done.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (MqttException | RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Runs {@code whileUp} and disconnects cleanly (no last will), then stops reconnecting. */
    public void close(Consumer<MqttConnection> whileUp) {
        closing = true;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        keeper.interrupt();
        try {
            keeper.join(CONNECT_TIMEOUT_MILLIS + 1000);
            if (client.isConnected()) {
                whileUp.accept(this);
                client.disconnect(2000).waitForCompletion(3000);
            }
        } catch (MqttException | InterruptedException e) {
            // the broker is gone or we are interrupted: the will says offline
        } finally {
            try {
                client.disconnectForcibly(0, 0, false);
            } catch (MqttException e) {
                // already disconnected
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        close(c -> { });
    }

    private void keepConnected() {
        int failures = 0;
        while (!closing) {
            if (!client.isConnected()) {
                up = false;
                try {
                    client.connect(options()).waitForCompletion(CONNECT_TIMEOUT_MILLIS);
                    for (Map.Entry<String, Subscription> s : subscriptions.entrySet()) {
                        client.subscribe(s.getKey(), s.getValue().qos()).waitForCompletion(CONNECT_TIMEOUT_MILLIS);
                    }
                    failures = 0;
                    up = true;
                    listener.connected();
                } catch (MqttException e) {
                    if (closing) {
                        return;
                    }
                    try {
                        client.disconnectForcibly(0, 0, false);
                    } catch (MqttException ignored) {
                        // it was not connected
                    }
                    long delay = backoffMillis(failures++);
                    listener.connectFailed(describe(e), delay);
                    if (!sleep(delay)) {
                        return;
                    }
                    continue;
                }
            }
            synchronized (monitor) {
                try {
                    monitor.wait(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Exponential backoff from the minimum to the maximum, with full jitter over its upper half. */
    long backoffMillis(int failures) {
        long ceiling = Math.min(settings.maxBackoffMillis(), settings.minBackoffMillis() << Math.min(failures, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return !closing;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setMaxInflight(MAX_IN_FLIGHT);
        o.setKeepAliveInterval(settings.keepAliveSeconds());
        o.setConnectionTimeout((int) (CONNECT_TIMEOUT_MILLIS / 1000));
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (settings.username() != null) {
            o.setUserName(settings.username());
        }
        if (settings.password() != null) {
            o.setPassword(settings.password());
        }
        if (settings.tls() != null) {
            o.setSocketFactory(settings.tls());
            o.setHttpsHostnameVerificationEnabled(true);
        }
        if (settings.willTopic() != null) {
            o.setWill(settings.willTopic(), settings.willPayload(), 1, true);
        }
        return o;
    }

    private void dispatch(String topic, byte[] payload) {
        for (Map.Entry<String, Subscription> s : subscriptions.entrySet()) {
            if (MqttTopic.isMatched(s.getKey(), topic)) {
                s.getValue().handler().accept(topic, payload);
            }
        }
    }

    /** Paho's reason code and message, and the cause's when there is one (e.g. a TLS handshake). */
    static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        if (e instanceof MqttException m) {
            s.append(m.getMessage()).append(" (reason ").append(m.getReasonCode()).append(')');
        } else {
            s.append(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            s.append(": ").append(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
        }
        return s.toString().replaceAll("\\s*\\R\\s*", " ");
    }
}
