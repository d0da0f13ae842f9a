package dev.sparrow.agent.firmware;

import dev.sparrow.agent.pipeline.FrameResult;
import dev.sparrow.agent.pipeline.ResultSink;
import dev.sparrow.bridge.Delivery;
import dev.sparrow.bridge.FirmwareLink;
import dev.sparrow.bridge.LinkConfig;
import dev.sparrow.bridge.LinkState;
import dev.sparrow.bridge.codec.Message;
import dev.sparrow.snn.PlaceRecognizer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The agent's end of the firmware link: each recognised place goes to the robot's microcontroller as a
 * PLACE, and what the firmware reports (odometry, battery, faults) and the link's own state go to a
 * {@link RobotStateSink}.
 *
 * <p>{@link #accept} only hands the PLACE to the link, whose delivery is asynchronous, so a slow or absent
 * firmware never holds up the pipeline's worker; outcomes are counted, and failures logged once per run of
 * failures. Firmware reports arrive on the link's single event thread.
 */
public final class FirmwareSink implements ResultSink, AutoCloseable {
    /** Odometry comes at up to the firmware's rate (20 Hz on the simulator); telemetry needs no more than 5/s. */
    static final Duration ODOMETRY_INTERVAL = Duration.ofMillis(200);
    /**
     * PLACEs awaiting an answer beyond which new ones are skipped: a place recognised seconds ago is of no
     * use to the robot, and the link would otherwise queue them without bound while the firmware stalls.
     */
    static final int MAX_UNANSWERED = 16;
    private static final int SOC_UNKNOWN = 255;

    private final FirmwareLink link;
    private final RobotStateSink state;
    private final Consumer<String> log;
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicLong placesSent = new AtomicLong();
    private final AtomicLong placesAcked = new AtomicLong();
    private final AtomicLong placesFailed = new AtomicLong();
    private final AtomicLong placesSkipped = new AtomicLong();
    private final AtomicLong reportsNotQueued = new AtomicLong();
    /** Whether the last PLACE outcome was a failure: failures are logged when a run of them begins. */
    private volatile boolean failing;
    // Only touched on the link's event thread.
    private long nextOdometryNanos = System.nanoTime();

    private FirmwareSink(FirmwareLink link, RobotStateSink state, Consumer<String> log) {
        this.link = link;
        this.state = state;
        this.log = log;
    }

    /**
     * Starts a link on {@code config}'s port and returns at once: the link opens the port (retrying with
     * backoff until it appears) and handshakes in the background.
     */
    public static FirmwareSink open(LinkConfig config, RobotStateSink state, Consumer<String> log) {
        FirmwareSink sink = new FirmwareSink(new FirmwareLink(config), state, log);
        sink.link.addStateListener(sink::linkStateChanged);
        sink.link.addOdometryListener(sink::odometry);
        sink.link.addBatteryListener(sink::battery);
        sink.link.addFaultListener(sink::fault);
        sink.link.start();
        log.accept("firmware: opening " + config.portPath() + " at " + config.baudRate() + " baud");
        return sink;
    }

    @Override
    public void accept(FrameResult result) {
        PlaceRecognizer.Recognition recognition = result.recognition();
        if (recognition == null) {
            return;
        }
        if (unanswered.incrementAndGet() > MAX_UNANSWERED) {
            unanswered.decrementAndGet();
            placesSkipped.incrementAndGet();
            return;
        }
        Instant capturedAt = Instant.now().minusNanos(result.latencyNanos());
        placesSent.incrementAndGet();
        link.sendPlace(recognition.place(), recognition.score(), capturedAt)
                .whenComplete((delivery, error) -> answered(recognition.place(), delivery, error));
    }

    private void answered(int place, Delivery delivery, Throwable error) {
        unanswered.decrementAndGet();
        if (error == null && delivery.status() == Delivery.Status.ACKED) {
            placesAcked.incrementAndGet();
            failing = false;
            return;
        }
        placesFailed.incrementAndGet();
        if (!failing) {
            failing = true;
            log.accept("firmware: PLACE " + place + " not delivered on " + link.config().portPath() + " ("
                    + (error != null ? error : delivery.status()) + "); further failures are counted in metrics");
        }
    }

    /**
     * Link state, counters and PLACE outcomes, for the agent's metrics: {@code places_sent} were handed to
     * the link, of which {@code places_acked} were acknowledged and {@code places_failed} were not (link down,
     * retries exhausted, refused, or closed); {@code places_skipped} were never sent because
     * {@value #MAX_UNANSWERED} were already unanswered. {@code last_port_error} stays after the port recovers.
     */
    public Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("port", link.config().portPath());
        m.put("state", stateName(link.state()));
        m.put("last_port_error", link.lastPortError().orElse(null));
        m.put("places_sent", placesSent.get());
        m.put("places_acked", placesAcked.get());
        m.put("places_failed", placesFailed.get());
        m.put("places_skipped", placesSkipped.get());
        m.put("reports_not_queued", reportsNotQueued.get());
        m.putAll(link.counters().values());
        return m;
    }

    public LinkState linkState() {
        return link.state();
    }

    /** Stops the link; unanswered PLACEs complete as CLOSED, and the {@code closed} state is reported. */
    @Override
    public void close() {
        link.stop();
    }

    private void linkStateChanged(LinkState next) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", System.currentTimeMillis());
        fields.put("state", stateName(next));
        fields.put("port", link.config().portPath());
        String peer = next == LinkState.CONNECTED ? link.peer().map(Message.Hello::softwareVersion).orElse(null) : null;
        fields.put("firmware", peer);
        log.accept("firmware: link " + stateName(next) + " on " + link.config().portPath() + (peer != null ? " (" + peer + ")" : ""));
        report("link", fields, true);
    }

    private void odometry(Message.Odometry odometry) {
        long now = System.nanoTime();
        if (now - nextOdometryNanos < 0) {
            return;
        }
        nextOdometryNanos = now + ODOMETRY_INTERVAL.toNanos();
        report("odometry", withHostTime(odometry), false);
    }

    private void battery(Message.Battery battery) {
        Map<String, Object> fields = withHostTime(battery);
        if (battery.stateOfChargePct() == SOC_UNKNOWN) {
            fields.put("soc_pct", null);
        }
        report("battery", fields, false);
    }

    private void fault(Message.Fault fault) {
        report("fault", withHostTime(fault), true);
    }

    /** The message's fields after the host's receive time; the firmware's own {@code timestamp_ms} is its uptime. */
    private static Map<String, Object> withHostTime(Message message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", System.currentTimeMillis());
        fields.putAll(message.values());
        return fields;
    }

    private void report(String kind, Map<String, Object> fields, boolean important) {
        try {
            state.accept(kind, fields, important);
        } catch (IOException | RuntimeException e) {
            if (reportsNotQueued.getAndIncrement() == 0) {
                log.accept("firmware: " + kind + " report not queued (" + e.getMessage() + "); further ones are counted in metrics");
            }
        }
    }

    private static String stateName(LinkState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
