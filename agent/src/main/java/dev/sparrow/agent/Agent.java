package dev.sparrow.agent;

import dev.sparrow.agent.broker.EmbeddedBroker;
import dev.sparrow.agent.config.AgentConfig;
import dev.sparrow.agent.config.Passwords;
import dev.sparrow.agent.devices.RobotDevices;
import dev.sparrow.agent.firmware.FirmwareSink;
import dev.sparrow.agent.pipeline.FrameModel;
import dev.sparrow.agent.pipeline.FrameResult;
import dev.sparrow.agent.pipeline.OutputSummary;
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
import dev.sparrow.bridge.LinkConfig;
import dev.sparrow.devices.frames.FrameSource;
import dev.sparrow.devices.frames.ImageFolderSource;
import dev.sparrow.devices.frames.RawFormat;
import dev.sparrow.devices.frames.RawFrameSource;
import dev.sparrow.devices.system.Board;
import dev.sparrow.devices.system.BoardDetector;
import dev.sparrow.devices.system.HealthReader;
import dev.sparrow.devices.system.HealthSnapshot;
import dev.sparrow.snn.PlaceRecognizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    /** The link to the robot's microcontroller; null without {@code firmware} in the configuration. */
    private FirmwareSink firmware;
    /** Status LED, pause button, temperature sensor; null without {@code gpio} in the configuration. */
    private RobotDevices devices;

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
     * line, the status LED); the firmware link, when configured, sees it last.
     */
    public static Agent start(AgentConfig config, FrameSource source, List<ResultSink> extraSinks,
                              Consumer<String> log) throws Exception {
        return start(config, source, extraSinks, EmbeddedBroker.MQTT_PORT, log);
    }

    /** As {@link #start(AgentConfig, FrameSource, List, Consumer)}, preferring another port for an embedded broker. */
    public static Agent start(AgentConfig config, FrameSource source, List<ResultSink> extraSinks,
                              int embeddedBrokerPort, Consumer<String> log) throws Exception {
        EmbeddedBroker broker = null;
        String uri = config.mqtt().uri();
        if (uri == null) {
            broker = EmbeddedBroker.start(embeddedBrokerPort);
            uri = broker.uri();
            log.accept("mqtt: embedded broker on " + uri + " (watch with: mosquitto_sub -p " + broker.port()
                    + " -t 'sparrow/#' -v   or   ./sparrow monitor --broker " + uri + ")");
        }
        Topics topics = new Topics(config.robotId());
        Outbox outbox = Outbox.open(config.outbox().dir(), (long) config.outbox().maxMb() << 20);
        outbox.damage().forEach(line -> log.accept("outbox: " + line));
        if (outbox.replayed() > 0) {
            log.accept("outbox: " + outbox.replayed() + " place events from an earlier run will be sent first");
        }
        AgentConfig.Mqtt m = config.mqtt();
        MqttConnection.Settings settings = new MqttConnection.Settings(uri,
                m.clientId() != null ? m.clientId() : "sparrow-" + config.robotId(), m.username(),
                Passwords.read(m.passwordFile(), m.passwordEnv(), "mqtt.password_file", "mqtt.password_env"),
                m.caFile() != null ? TlsTrust.trusting(m.caFile()) : null, null, null, m.keepaliveS(), 500, 30_000);
        Board board = BoardDetector.detect();
        Telemetry telemetry = null;
        FirmwareSink firmware = null;
        RobotDevices devices = null;
        try {
            telemetry = new Telemetry(topics, settings, outbox, board.model(), VERSION, log);
            Telemetry t = telemetry;
            List<ResultSink> sinks = new ArrayList<>();
            sinks.add(r -> publishResult(t, config.robotId(), r));
            sinks.addAll(extraSinks);
            AtomicReference<Pipeline> started = new AtomicReference<>();
            if (config.gpio() != null) {
                devices = RobotDevices.open(config.gpio(), () -> togglePause(started.get()), t::isConnected, log);
                sinks.add(devices);
            }
            if (config.firmware() != null) {
                firmware = FirmwareSink.open(LinkConfig.of(config.firmware().port(), config.firmware().baud()), t::robotState, log);
                sinks.add(firmware);
            }
            AgentConfig.Recognizer rc = config.recognizer();
            AgentConfig.Model mc = config.model();
            Pipeline pipeline = new Pipeline(source, config.source().type() == AgentConfig.SourceType.raw,
                    config.source().rate(), rc == null ? null : () -> PlaceRecognizer.load(rc.network(), rc.sequence()),
                    mc == null ? null : () -> FrameModel.load(mc.file(), mc.threads(), mc.inputRange()), sinks,
                    outbox::hasRoomForDurable, log);
            telemetry.takeCommands(new CommandHandler(topics, pipeline));
            Agent agent = new Agent(config, broker, telemetry, pipeline, log);
            agent.firmware = firmware;
            agent.devices = devices;
            started.set(pipeline);
            telemetry.start();
            pipeline.start();
            long period = (long) (config.metricsIntervalS() * 1000);
            agent.metricsTimer.scheduleAtFixedRate(agent::publishMetrics, period, period, TimeUnit.MILLISECONDS);
            return agent;
        } catch (Exception | Error e) {
            if (firmware != null) {
                firmware.close();
            }
            if (devices != null) {
                devices.close();
            }
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

    /**
     * The frame source a configuration names. A folder is opened at the highest rate a command can set, so
     * the pipeline's schedule alone sets the pace; raw frames come as fast as the camera writes them.
     */
    public static FrameSource openSource(AgentConfig.Source source) throws IOException {
        return switch (source.type()) {
            case folder -> ImageFolderSource.open(source.path(), CommandHandler.MAX_RATE, source.loop());
            case raw -> {
                RawFormat format = source.format() == AgentConfig.RawFormat.grey ? RawFormat.GREY : RawFormat.YUV420;
                yield source.path().toString().equals("-")
                        ? new RawFrameSource(System.in, "standard input", format, source.width(), source.height())
                        : RawFrameSource.open(source.path(), format, source.width(), source.height());
            }
        };
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** The pause button: pause when running, resume when paused (ignored before the pipeline exists). */
    private static void togglePause(Pipeline pipeline) {
        if (pipeline == null) {
            return;
        }
        if (pipeline.paused()) {
            pipeline.resume();
        } else {
            pipeline.pause();
        }
    }

    /** Waits until the source has ended and every frame is processed. */
    public void awaitEnd() throws InterruptedException {
        pipeline.awaitEnd();
    }

    @Override
    public void close() throws Exception {
        metricsTimer.shutdownNow();
        pipeline.close();
        if (firmware != null) {
            firmware.close(); // before telemetry, so its final "closed" link state is queued
        }
        if (devices != null) {
            devices.close();
        }
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

    private static void publishResult(Telemetry telemetry, String robotId, FrameResult r) throws IOException {
        PlaceRecognizer.Recognition rec = r.recognition();
        if (rec != null) {
            telemetry.place(new PlaceEvent(PlaceEvent.SCHEMA, robotId, r.seq(), rec.place(), rec.score(), rec.margin(),
                    r.latencyNanos() / 1e6, System.currentTimeMillis()));
        }
        FrameModel.Inference inference = r.inference();
        if (inference != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schema", PlaceEvent.SCHEMA);
            m.put("robot", robotId);
            m.put("seq", r.seq());
            m.put("model_ms", inference.nanos() / 1e6);
            m.put("latency_ms", r.latencyNanos() / 1e6);
            m.put("time", System.currentTimeMillis());
            m.put("outputs", inference.outputs().stream().map(OutputSummary::toMap).toList());
            telemetry.inference(m);
        }
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
        m.put("sensor_temperature_c", devices != null ? devices.sensorCelsius() : null);
        m.put("firmware", firmware != null ? firmware.metrics() : null);
        return m;
    }
}
