package dev.sparrow.agent.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code sparrow monitor} knows about a fleet, built from the messages under {@code sparrow/<robot>/...}:
 * one row per robot (status, last place, frames/s, p99 latency, temperature, outbox depth, last seen) and the
 * count of place events, distinct by (robot, frame sequence number) — the broker delivers QoS 1 at least once,
 * so duplicates are expected and are not counted twice.
 */
public final class FleetView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final ObjectMapper json;
    private final Map<String, Robot> robots = new TreeMap<>();
    private long placeEvents;
    private long distinctPlaceEvents;

    /** One robot's row. */
    static final class Robot {
        String status = "?";
        Integer place;
        Double score;
        Double framesPerSecond;
        Double latencyP99Ms;
        Double temperatureC;
        Long outboxDepth;
        long lastSeenMillis;
        final Set<Long> seqs = new HashSet<>();
    }

    /** What one message was, for a caller printing it. */
    public record Message(String robot, String kind, JsonNode payload, String text, boolean newPlaceEvent) {
    }

    public FleetView(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Takes one message; returns null for a topic outside {@code sparrow/<robot>/<kind>}. A payload that is
     * not JSON is kept as text (status is plain {@code online}/{@code offline}).
     */
    public synchronized Message accept(String topic, byte[] payload, long nowMillis) {
        String[] levels = topic.split("/", 3);
        if (levels.length < 3 || !levels[0].equals("sparrow")) {
            return null;
        }
        String robotId = levels[1];
        String kind = levels[2];
        String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        JsonNode node = null;
        if (!kind.equals("status")) {
            try {
                node = json.readTree(payload);
            } catch (java.io.IOException e) {
                node = null;
            }
        }
        Robot r = robots.computeIfAbsent(robotId, id -> new Robot());
        r.lastSeenMillis = nowMillis;
        boolean newPlace = false;
        switch (kind) {
            case "status" -> r.status = text.strip();
            case "place" -> {
                placeEvents++;
                if (node != null && node.hasNonNull("seq")) {
                    newPlace = r.seqs.add(node.get("seq").asLong());
                    if (newPlace) {
                        distinctPlaceEvents++;
                    }
                    r.place = node.path("place").isNumber() ? node.get("place").asInt() : null;
                    r.score = number(node, "score");
                }
            }
            case "metrics" -> {
                if (node != null) {
                    r.framesPerSecond = number(node, "frames_per_s");
                    r.latencyP99Ms = number(node, "latency_p99_ms");
                    r.temperatureC = number(node, "cpu_temperature_c");
                    Double depth = number(node, "outbox_depth");
                    r.outboxDepth = depth == null ? null : depth.longValue();
                }
            }
            default -> { }
        }
        return new Message(robotId, kind, node, text, newPlace);
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }

    /** Place events received, duplicates included. */
    public synchronized long placeEvents() {
        return placeEvents;
    }

    /** Place events distinct by (robot, sequence number). */
    public synchronized long distinctPlaceEvents() {
        return distinctPlaceEvents;
    }

    public synchronized int robotCount() {
        return robots.size();
    }

    /** The live table, one robot per line, under a header. */
    public synchronized String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %-8s %7s %8s %7s %8s %7s %7s %-8s%n",
                "robot", "status", "place", "score", "fps", "p99 ms", "temp C", "outbox", "seen"));
        robots.forEach((id, r) -> sb.append(String.format(Locale.ROOT, "%-20s %-8s %7s %8s %7s %8s %7s %7s %-8s%n",
                id.length() > 20 ? id.substring(0, 19) + "…" : id, r.status, r.place == null ? "-" : r.place,
                fixed(r.score, 3), fixed(r.framesPerSecond, 1), fixed(r.latencyP99Ms, 1), fixed(r.temperatureC, 1),
                r.outboxDepth == null ? "-" : r.outboxDepth, CLOCK.format(Instant.ofEpochMilli(r.lastSeenMillis)))));
        sb.append(String.format(Locale.ROOT, "%d robots, %d place events (%d distinct)%n", robots.size(), placeEvents,
                distinctPlaceEvents));
        return sb.toString();
    }

    private static String fixed(Double v, int decimals) {
        return v == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
