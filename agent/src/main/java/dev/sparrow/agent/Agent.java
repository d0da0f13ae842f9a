package dev.sparrow.agent;

import dev.sparrow.agent.broker.EmbeddedBroker;
import dev.sparrow.agent.config.AgentConfig;
import dev.sparrow.agent.pipeline.FrameResult;
import dev.sparrow.agent.pipeline.Pipeline;
import dev.sparrow.agent.pipeline.PipelineMetrics;
import dev.sparrow.agent.pipeline.ResultSink;
import dev.sparrow.agent.telemetry.CommandHandler;
import dev.sparrow.agent.telemetry.MqttConnection;
import dev.sparrow.agent.telemetry.Outbox;
import dev.sparrow.agent.telemetry.PlaceEvent;
import dev.sparrow.agent.telemetry.Telemetry;
import dev.sparrow.agent.telemetry.TlsTrust;
import dev.sparrow.agent.telemetry.Topics;
import dev.sparrow.devices.frames.FrameSource;
import dev.sparrow.devices.system.Board;
import dev.sparrow.devices.system.BoardDetector;
import dev.sparrow.devices.system.HealthReader;
import dev.sparrow.devices.system.HealthSnapshot;
import dev.sparrow.snn.PlaceRecognizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The robot agent: one configured pipeline (frames → place recognition → results) reporting over MQTT,
 * with an embedded broker when none is configured. {@link #close} is the orderly stop SIGTERM asks for:
 * stop taking frames, finish the ones taken, flush the outbox, publish {@code offline}.
 */
public final class Agent implements AutoCloseable {
    public static final String VERSION = "0.1.0";
    /** How long a stop waits for the broker to take what is in the outbox; the rest waits on disk. */
    static final long FLUSH_MILLIS = 10_000;

    private final AgentConfig config;
    private final EmbeddedBroker broker;
    private final Telemetry telemetry;
    private final Pipeline pipeline;
    private final HealthReader health = new HealthReader();
    private final ScheduledExecutorService metricsTimer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sparrow-metrics").factory());
    private final Consumer<String> log;

    private Agent(AgentConfig config, EmbeddedBroker broker, Telemetry telemetry, Pipeline pipeline,
                  Consumer<String> log) {
        this.config = config;
        this.broker = broker;
        this.telemetry = telemetry;
        this.pipeline = pipeline;
        this.log = log;
    }

    /**
     * Starts the agent on {@code source}. {@code extraSinks} see every result after telemetry (the console
     * line, the status LED, the firmware link).
     */
    public static Agent start(AgentConfig config, FrameSource source, List<ResultSink> extraSinks,
                              Consumer<String> log) throws Exception {
        EmbeddedBroker broker = null;
        String uri = config.mqtt().uri();
        if (uri == null) {
            broker = EmbeddedBroker.start(1883);
            uri = broker.uri();
            log.accept("mqtt: embedded broker on " + uri + " (watch with: mosquitto_sub -p " + broker.port()
                    + " -t 'sparrow/#' -v   or   ./sparrow monitor --broker " + uri + ")");
        }
        Topics topics = new Topics(config.robotId());
        Outbox outbox = Outbox.open(config.outbox().dir(), (long) config.outbox().maxMb() << 20);
        if (outbox.replayed() > 0) {
            log.accept("outbox: " + outbox.replayed() + " place events from an earlier run will be sent first");
        }
        AgentConfig.Mqtt m = config.mqtt();
        MqttConnection.Settings settings = new MqttConnection.Settings(uri,
                m.clientId() != null ? m.clientId() : "sparrow-" + config.robotId(), m.username(), password(m),
                m.caFile() != null ? TlsTrust.trusting(m.caFile()) : null, null, null, m.keepaliveS(), 500, 30_000);
        Board board = BoardDetector.detect();
        Telemetry telemetry = null;
        try {
            telemetry = new Telemetry(topics, settings, outbox, board.model(), VERSION, log);
            Telemetry t = telemetry;
            List<ResultSink> sinks = new ArrayList<>();
            sinks.add(r -> publishPlace(t, config.robotId(), r));
            sinks.addAll(extraSinks);
            AgentConfig.Recognizer rc = config.recognizer();
            Pipeline pipeline = new Pipeline(source, config.source().type() == AgentConfig.SourceType.raw,
                    config.source().rate(), () -> PlaceRecognizer.load(rc.network(), rc.sequence()), sinks,
                    outbox::hasRoomForDurable, log);
            telemetry.takeCommands(new CommandHandler(topics, pipeline));
            Agent agent = new Agent(config, broker, telemetry, pipeline, log);
            telemetry.start();
            pipeline.start();
            long period = (long) (config.metricsIntervalS() * 1000);
            agent.metricsTimer.scheduleAtFixedRate(agent::publishMetrics, period, period, TimeUnit.MILLISECONDS);
            return agent;
        } catch (Exception | Error e) {
            if (telemetry != null) {
                telemetry.close(0);
            } else {
                outbox.close();
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Waits until the source has ended and every frame is processed. */
    public void awaitEnd() throws InterruptedException {
        pipeline.awaitEnd();
    }

    @Override
    public void close() throws Exception {
        metricsTimer.shutdownNow();
        pipeline.close();
        publishMetrics();
        boolean flushed = telemetry.close(FLUSH_MILLIS);
        int left = telemetry.outbox().depth();
        if (!flushed && left > 0) {
            log.accept("outbox: " + left + " messages not acknowledged; kept in " + config.outbox().dir()
                    + " for the next run");
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static void publishPlace(Telemetry telemetry, String robotId, FrameResult r) throws IOException {
        PlaceRecognizer.Recognition rec = r.recognition();
        telemetry.place(new PlaceEvent(PlaceEvent.SCHEMA, robotId, r.seq(), rec.place(), rec.score(), rec.margin(),
                r.latencyNanos() / 1e6, System.currentTimeMillis()));
    }

    private void publishMetrics() {
        try {
            telemetry.metrics(metrics());
        } catch (IOException | RuntimeException e) {
            log.accept("metrics not queued: " + e.getMessage());
        }
    }

    /** The payload of {@code sparrow/<id>/metrics}. */
    Map<String, Object> metrics() {
        PipelineMetrics.Snapshot s = pipeline.metrics().snapshot(pipeline.malformedFrames());
        HealthSnapshot h = health.read();
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", PlaceEvent.SCHEMA);
        m.put("robot", config.robotId());
        m.put("time", System.currentTimeMillis());
        m.put("frames_per_s", s.framesPerSecond());
        m.put("frames_processed", s.processed());
        m.put("frames_dropped", s.dropped());
        m.put("frames_dropped_total", s.droppedTotal());
        m.put("frames_malformed_total", s.malformedTotal());
        m.put("latency_p50_ms", s.latencyP50Ms());
        m.put("latency_p99_ms", s.latencyP99Ms());
        m.put("heap_used_bytes", rt.totalMemory() - rt.freeMemory());
        m.put("heap_max_bytes", rt.maxMemory());
        m.put("cpu_temperature_c", h.cpuCelsius().isPresent() ? h.cpuCelsius().getAsDouble() : null);
        m.put("throttled", h.throttling().map(t -> t.throttled() || t.frequencyCapped()).orElse(null));
        m.put("under_voltage", h.throttling().map(t -> t.underVoltage()).orElse(null));
        m.put("memory_available_bytes", h.memoryAvailableBytes().isPresent() ? h.memoryAvailableBytes().getAsLong() : null);
        m.put("load_1m", h.load().map(l -> l.oneMinute()).orElse(null));
        m.put("outbox_depth", telemetry.outbox().depth());
        m.put("outbox_bytes", telemetry.outbox().bytes());
        m.put("outbox_dropped_messages", telemetry.outbox().droppedMessages());
        m.put("mqtt_connects", telemetry.connects());
        m.put("paused", pipeline.paused());
        m.put("rate", pipeline.rate());
        return m;
    }

    /** The broker password from its file (first line) or environment variable; never printed. */
    private static char[] password(AgentConfig.Mqtt m) throws IOException {
        if (m.passwordFile() != null) {
            List<String> lines;
            try {
                lines = Files.readAllLines(m.passwordFile());
            } catch (IOException e) {
                throw new IOException("mqtt.password_file " + m.passwordFile() + " cannot be read: " + e.getMessage(), e);
            }
            if (lines.isEmpty() || lines.getFirst().isEmpty()) {
                throw new IllegalArgumentException("mqtt.password_file " + m.passwordFile() + " is empty");
            }
            return lines.getFirst().toCharArray();
        }
        if (m.passwordEnv() != null) {
            String p = System.getenv(m.passwordEnv());
            if (p == null || p.isEmpty()) {
                throw new IllegalArgumentException("mqtt.password_env: environment variable " + m.passwordEnv()
                        + " is not set");
            }
            return p.toCharArray();
        }
        return null;
    }
}
