package dev.sparrow.agent.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks and carries out commands from {@code sparrow/<id>/cmd/<name>}: {@code pause}, {@code resume},
 * {@code reload} and {@code set-rate}. The payload is empty or a JSON object of at most {@link #MAX_PAYLOAD}
 * bytes with an optional {@code "id"} (echoed in the result) and, for {@code set-rate}, {@code "rate"} in
 * frames per second ({@link #MIN_RATE}..{@link #MAX_RATE}); anything else is refused with the reason. At most
 * {@link #BURST} commands at once and one a second after that (a token bucket): a flood cannot keep the robot
 * reloading. Every command gets exactly one result.
 */
public final class CommandHandler {
    public static final int MAX_PAYLOAD = 1024;
    public static final double MIN_RATE = 0.1;
    public static final double MAX_RATE = 60;
    static final int BURST = 5;
    private static final long REFILL_NANOS = 1_000_000_000L;
    private static final Set<String> COMMANDS = Set.of("pause", "resume", "reload", "set-rate");

    /** The answer to one command, published on {@code cmd-result}. */
    public record Result(String command, String id, boolean ok, String reason) {
        public Map<String, Object> payload() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schema", PlaceEvent.SCHEMA);
            m.put("command", command);
            m.put("id", id);
            m.put("ok", ok);
            m.put("reason", reason);
            return m;
        }
    }

    private final String prefix;
    private final AgentControl control;
    private final ObjectMapper json = new ObjectMapper();
    private double tokens = BURST;
    private long lastRefill = System.nanoTime();

    public CommandHandler(Topics topics, AgentControl control) {
        this.prefix = topics.commandPrefix();
        this.control = control;
    }

    /** Checks and runs the command that arrived on {@code topic}; never throws. */
    public synchronized Result handle(String topic, byte[] payload) {
        if (!topic.startsWith(prefix) || topic.indexOf('/', prefix.length()) >= 0) {
            return new Result(topic, null, false, "not a command topic of this robot: " + topic);
        }
        String name = topic.substring(prefix.length());
        if (!takeToken()) {
            return new Result(name, null, false, "rate limited: at most " + BURST + " commands at once, then one a second");
        }
        if (!COMMANDS.contains(name)) {
            return new Result(name, null, false, "unknown command '" + name + "'; known: pause, resume, reload, set-rate");
        }
        if (payload.length > MAX_PAYLOAD) {
            return new Result(name, null, false, "payload of " + payload.length + " bytes; at most " + MAX_PAYLOAD);
        }
        JsonNode body;
        try {
            body = payload.length == 0 ? json.createObjectNode() : json.readTree(payload);
        } catch (JsonProcessingException e) {
            return new Result(name, null, false, "payload is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Result(name, null, false, "payload unreadable: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return new Result(name, null, false, "payload must be a JSON object, got "
                    + new String(payload, StandardCharsets.UTF_8).strip());
        }
        JsonNode idNode = body.get("id");
        if (idNode != null && (!idNode.isTextual() || idNode.asText().length() > 64)) {
            return new Result(name, null, false, "\"id\" must be a string of at most 64 characters");
        }
        String id = idNode == null ? null : idNode.asText();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("id") && !(field.equals("rate") && name.equals("set-rate"))) {
                return new Result(name, id, false, "unknown field \"" + field + "\" for " + name);
            }
        }
        try {
            switch (name) {
                case "pause" -> control.pause();
                case "resume" -> control.resume();
                case "reload" -> control.reload();
                default -> {
                    JsonNode rate = body.get("rate");
                    if (rate == null || !rate.isNumber()) {
                        return new Result(name, id, false, "set-rate needs \"rate\", a number of frames per second");
                    }
                    double r = rate.asDouble();
                    if (!(r >= MIN_RATE && r <= MAX_RATE)) {
                        return new Result(name, id, false, String.format(Locale.ROOT,
                                "rate %s out of range %.1f..%.0f frames per second", rate.asText(), MIN_RATE, MAX_RATE));
                    }
                    control.setRate(r);
                }
            }
        } catch (Exception e) {
            return new Result(name, id, false, name + " failed: " + e.getMessage());
        }
        return new Result(name, id, true, null);
    }

    private boolean takeToken() {
        long now = System.nanoTime();
        tokens = Math.min(BURST, tokens + (double) (now - lastRefill) / REFILL_NANOS);
        lastRefill = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
