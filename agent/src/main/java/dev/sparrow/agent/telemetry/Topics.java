package dev.sparrow.agent.telemetry;

import java.util.regex.Pattern;

/** The MQTT topics of one robot, all under {@code sparrow/<robot-id>/}. */
public record Topics(String robotId) {
    /** Letters, digits, '-' and '_': no MQTT wildcard or level separator can hide in an id. */
    private static final Pattern ROBOT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    public static final String ROOT = "sparrow";
    /** Where Home Assistant announces its own availability. */
    public static final String HOME_ASSISTANT_STATUS = "homeassistant/status";

    public Topics {
        if (!validRobotId(robotId)) {
            throw new IllegalArgumentException("robot id must be 1-64 letters, digits, '-' or '_', got '" + robotId + "'");
        }
    }

    public static boolean validRobotId(String id) {
        return id != null && ROBOT_ID.matcher(id).matches();
    }

    private String under(String leaf) {
        return ROOT + "/" + robotId + "/" + leaf;
    }

    /** Retained {@code online} / {@code offline}; {@code offline} is also the last will. */
    public String status() {
        return under("status");
    }

    /** QoS 1 place events. */
    public String place() {
        return under("place");
    }

    /** QoS 1 results of the frame model (a summary of each output tensor). */
    public String inference() {
        return under("inference");
    }

    /** Periodic metrics. */
    public String metrics() {
        return under("metrics");
    }

    /** Commands to this robot: {@code cmd/<name>}. */
    public String commands() {
        return under("cmd/+");
    }

    /** The prefix of a command topic, before the command's name. */
    public String commandPrefix() {
        return under("cmd/");
    }

    /** Answers to commands. */
    public String commandResult() {
        return under("cmd-result");
    }

    /** What the robot's microcontroller reports ({@code robot/odometry}, {@code robot/battery}, {@code robot/fault}). */
    public String robot(String kind) {
        return under("robot/" + kind);
    }

    /**
     * Home Assistant device-based discovery for this robot. The node level is the bare robot id so that a
     * broker ACL can grant it with {@code homeassistant/+/%u/#} (mosquitto substitutes {@code %u} only as a
     * whole topic level).
     */
    public String homeAssistantDiscovery() {
        return "homeassistant/device/" + robotId + "/config";
    }
}
