package dev.sparrow.agent.telemetry;

import dev.sparrow.agent.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * A robot's telemetry: status, place events, metrics, robot state, commands and Home Assistant discovery
 * over one {@link MqttConnection}. Every message goes through the {@link Outbox} (place events durably) and
 * a sender thread drains it in order while connected, at most {@link #WINDOW} messages in flight (below
 * Paho's limit, so a backlog after an outage never meets error 32202).
 */
public final class Telemetry implements AutoCloseable {
    static final int WINDOW = MqttConnection.MAX_IN_FLIGHT / 2;
    private static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private final Topics topics;
    private final Outbox outbox;
    private final MqttConnection connection;
    private final Consumer<String> log;
    private final byte[] discovery;
    private volatile CommandHandler commands;
    private final ExecutorService commandRunner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("sparrow-commands").factory());
    private final Thread sender;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile boolean stopping;
    private volatile long lastFailureNanos;

    /**
     * @param boardModel  shown in Home Assistant's device page
     * @param log         one line per connection event (connected, lost, connect failed)
     */
    public Telemetry(Topics topics, MqttConnection.Settings settings, Outbox outbox, String boardModel, String version, Consumer<String> log) throws MqttException {
        this.topics = topics;
        this.outbox = outbox;
        this.log = log;
        this.discovery = Json.write(HomeAssistantDiscovery.config(topics, boardModel, version))
                .getBytes(StandardCharsets.UTF_8);
        this.connection = new MqttConnection(settings.withWill(topics.status(), OFFLINE), new MqttConnection.Listener() {
            @Override
            public void connected() {
                connects.incrementAndGet();
                log.accept("mqtt: connected to " + settings.uri() + " as " + settings.clientId());
                connection().publish(topics.status(), ONLINE, 1, true);
                connection().publish(topics.homeAssistantDiscovery(), discovery, 1, true);
                synchronized (Telemetry.this) {
                    Telemetry.this.notifyAll();
                }
            }

            @Override
            public void lost(String reason) {
                outbox.returnAllInFlight();
                log.accept("mqtt: connection lost (" + reason + "); reconnecting, " + outbox.durableDepth()
                        + " place events kept in the outbox");
            }

            @Override
            public void connectFailed(String reason, long retryMillis) {
                log.accept(String.format("mqtt: cannot connect to %s: %s; retry in %.1f s", settings.uri(), reason,
                        retryMillis / 1000.0));
            }
        });
        connection.subscribe(Topics.HOME_ASSISTANT_STATUS, 1, (topic, payload) -> {
            if ("online".equals(new String(payload, StandardCharsets.UTF_8).strip())) {
                connection.publish(topics.homeAssistantDiscovery(), discovery, 1, true);
            }
        });
        this.sender = Thread.ofPlatform().daemon().name("sparrow-outbox-sender").unstarted(this::drain);
    }

    private MqttConnection connection() {
        return connection;
    }

    /** Carries out commands from {@code sparrow/<id>/cmd/<name>}; call before {@link #start}. */
    public void takeCommands(CommandHandler handler) {
        commands = handler;
        connection.subscribe(topics.commands(), 1, this::onCommand);
    }

    /** Connects (retrying until it works) and starts sending the outbox. */
    public void start() {
        connection.start();
        sender.start();
    }

    public Topics topics() {
        return topics;
    }

    public boolean isConnected() {
        return connection.isConnected();
    }

    /** Stores the event durably; it is published in order and kept until the broker acknowledges it. */
    public void place(PlaceEvent event) throws IOException {
        outbox.append(topics.place(), Json.write(event).getBytes(StandardCharsets.UTF_8), 1, true);
    }

    /** Stores the frame model's result durably, as a place event: a result is never dropped. */
    public void inference(Map<String, Object> result) throws IOException {
        outbox.append(topics.inference(), Json.write(result).getBytes(StandardCharsets.UTF_8), 1, true);
    }

    /** Queues metrics (QoS 0; the oldest are dropped first when the outbox is full). */
    public void metrics(Map<String, Object> metrics) throws IOException {
        outbox.append(topics.metrics(), Json.write(metrics).getBytes(StandardCharsets.UTF_8), 0, false);
    }

    /** Queues what the robot's microcontroller reported ({@code odometry}, {@code battery}, {@code fault}). */
    public void robotState(String kind, Map<String, Object> state, boolean important) throws IOException {
        outbox.append(topics.robot(kind), Json.write(state).getBytes(StandardCharsets.UTF_8), important ? 1 : 0, false);
    }

    /** Successful connects since start (1 + reconnects). */
    public long connects() {
        return connects.get();
    }

    public Outbox outbox() {
        return outbox;
    }

    /** Messages the broker has acknowledged (QoS 1) or taken (QoS 0) since start. */
    public long published() {
        return published.get();
    }

    /**
     * Waits up to {@code millis} for the outbox to empty, then publishes {@code offline}, disconnects and
     * closes the outbox (what is left in it is sent by the next run).
     */
    public boolean close(long millis) throws IOException, InterruptedException {
        boolean flushed = connection.isConnected() && outbox.awaitEmpty(millis);
        stopping = true;
        sender.interrupt();
        sender.join(2000);
        commandRunner.shutdown();
        commandRunner.awaitTermination(2, TimeUnit.SECONDS);
        connection.close(c -> {
            try {
                c.publish(topics.status(), OFFLINE, 1, true).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the will says offline when the broker notices
            }
        });
        outbox.close();
        return flushed;
    }

    @Override
    public void close() throws IOException {
        try {
            close(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onCommand(String topic, byte[] payload) {
        // Paho's callback thread must not wait (a reload takes a while, and its result is a publish)
        commandRunner.execute(() -> {
            CommandHandler.Result result = commands.handle(topic, payload);
            try {
                outbox.append(topics.commandResult(), Json.write(result.payload()).getBytes(StandardCharsets.UTF_8),
                        1, false);
            } catch (IOException e) {
                log.accept("mqtt: cannot queue the result of " + topic + ": " + e.getMessage());
            }
        });
    }

    private void drain() {
        try {
            while (!stopping) {
                if (!connection.isConnected() || inFlight.get() >= WINDOW
                        || System.nanoTime() - lastFailureNanos < 100_000_000L) {
                    synchronized (this) {
                        wait(20);
                    }
                    continue;
                }
                List<Outbox.Message> batch = outbox.takeForSending(WINDOW - inFlight.get(), 200);
                long generation = outbox.generation();
                for (Outbox.Message m : batch) {
                    inFlight.incrementAndGet();
                    connection.publish(m.topic(), m.payload(), m.qos(), false).whenComplete((ok, failure) -> {
                        inFlight.decrementAndGet();
                        if (failure == null) {
                            published.incrementAndGet();
                            try {
                                outbox.acknowledged(m.id());
                            } catch (IOException e) {
                                log.accept("outbox: " + e.getMessage());
                            }
                        } else {
                            lastFailureNanos = System.nanoTime();
                            outbox.failed(m.id(), generation);
                        }
                    });
                }
            }
        } catch (InterruptedException e) {
            // stopping
        } catch (IOException e) {
            log.accept("outbox: cannot read or sync " + e.getMessage() + "; telemetry stopped");
        }
    }
}
