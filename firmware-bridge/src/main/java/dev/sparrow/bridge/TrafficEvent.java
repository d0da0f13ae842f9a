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
        String body;
        try {
            Message message = Message.decode(frame);
            body = message == null ? "payload_bytes=" + frame.payload().length : message.fields();
        } catch (Message.MalformedPayloadException e) {
            body = "MALFORMED " + e.getMessage();
        }
        return time + " " + direction + " " + frame.headerFields() + " " + body;
    }
}
