package dev.sparrow.bridge;

import dev.sparrow.bridge.codec.Frame;
import dev.sparrow.bridge.codec.Message;
import java.time.Instant;

/** One frame sent or received, or one rejected at the receiver, for monitoring. */
public record TrafficEvent(Instant time, Direction direction, Frame frame, String error) {
    public enum Direction { TX, RX }

    /** One line: time, direction, header, decoded fields; or the rejection. */
    public String format() {
        if (frame == null) {
            return time + " " + direction + " REJECTED " + error;
        }
        return time + " " + direction + " " + Message.describe(frame);
    }
}
