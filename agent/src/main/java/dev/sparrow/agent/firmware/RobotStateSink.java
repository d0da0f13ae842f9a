package dev.sparrow.agent.firmware;

import java.io.IOException;
import java.util.Map;

/**
 * Where the robot's own state goes: {@code Telemetry.robotState} in the agent. {@code kind} names the report
 * ({@code odometry}, {@code battery}, {@code fault}, {@code link}); {@code important} ones must not be lost
 * (QoS 1), the rest are superseded by the next report.
 */
@FunctionalInterface
public interface RobotStateSink {
    void accept(String kind, Map<String, Object> fields, boolean important) throws IOException;
}
