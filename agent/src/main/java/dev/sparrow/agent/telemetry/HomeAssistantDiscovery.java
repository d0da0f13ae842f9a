package dev.sparrow.agent.telemetry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Home Assistant's device-based MQTT discovery for one robot: a retained config on
 * {@code homeassistant/device/<id>/config} declaring the robot as a device with sensors read from its
 * {@code place} and {@code metrics} topics and pause/resume buttons, its availability bound to {@code status}.
 * Re-announced on every connect and whenever Home Assistant says {@code online} on {@code homeassistant/status}
 * (it forgets non-retained state when it restarts).
 */
public final class HomeAssistantDiscovery {
    private HomeAssistantDiscovery() {}

    public static Map<String, Object> config(Topics topics, String boardModel, String version) {
        String id = "sparrow_" + topics.robotId();
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("identifiers", new String[] {id});
        device.put("name", "Sparrow " + topics.robotId());
        device.put("manufacturer", "Sparrow");
        device.put("model", boardModel);
        device.put("sw_version", version);

        Map<String, Object> components = new LinkedHashMap<>();
        components.put("place", sensor(id, "place", "Place", topics.place(), "{{ value_json.place }}", null, null));
        components.put("score", sensor(id, "score", "Place score", topics.place(), "{{ value_json.score }}", null, null));
        components.put("frames_per_s", sensor(id, "frames_per_s", "Frames per second", topics.metrics(),
                "{{ value_json.frames_per_s }}", "fps", null));
        components.put("latency_p99", sensor(id, "latency_p99", "Latency p99", topics.metrics(),
                "{{ value_json.latency_p99_ms }}", "ms", "duration"));
        components.put("cpu_temperature", sensor(id, "cpu_temperature", "CPU temperature", topics.metrics(),
                "{{ value_json.cpu_temperature_c }}", "°C", "temperature"));
        components.put("outbox_depth", sensor(id, "outbox_depth", "Outbox depth", topics.metrics(),
                "{{ value_json.outbox_depth }}", null, null));
        components.put("pause", button(id, "pause", "Pause", topics.commandPrefix() + "pause"));
        components.put("resume", button(id, "resume", "Resume", topics.commandPrefix() + "resume"));

        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("name", "sparrow");
        origin.put("sw_version", version);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("device", device);
        config.put("origin", origin);
        config.put("components", components);
        config.put("availability_topic", topics.status());
        config.put("payload_available", "online");
        config.put("payload_not_available", "offline");
        config.put("qos", 1);
        return config;
    }

    private static Map<String, Object> sensor(String id, String key, String name, String topic, String template,
                                              String unit, String deviceClass) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("platform", "sensor");
        c.put("name", name);
        c.put("unique_id", id + "_" + key);
        c.put("state_topic", topic);
        c.put("value_template", template);
        if (unit != null) {
            c.put("unit_of_measurement", unit);
            c.put("state_class", "measurement");
        }
        if (deviceClass != null) {
            c.put("device_class", deviceClass);
        }
        return c;
    }

    private static Map<String, Object> button(String id, String key, String name, String commandTopic) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("platform", "button");
        c.put("name", name);
        c.put("unique_id", id + "_" + key);
        c.put("command_topic", commandTopic);
        c.put("payload_press", "");
        return c;
    }
}
