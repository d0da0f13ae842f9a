package dev.sparrow.bridge.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Message payloads of PROTOCOL.md, little-endian. Decoding accepts payloads longer than the
 * layout (later minor revisions may append fields) and rejects shorter ones.
 */
public sealed interface Message {
    MessageType type();

    byte[] encode();

    /** Payload fields in the canonical form shared with the C test vectors. */
    String fields();

    /**
     * The same fields by the same names, as numbers, booleans and strings in layout order: for JSON
     * (monitors, telemetry), where the canonical text form would have to be parsed again.
     */
    Map<String, Object> values();

    /** Thrown when a payload is shorter than its type's layout. */
    final class MalformedPayloadException extends Exception {
        public MalformedPayloadException(String message) {
            super(message);
        }
    }

    /**
     * Header and payload fields of a frame in the canonical one-line form shared with the C test
     * vectors: "MALFORMED payload_bytes=N" for a payload too short for its type, "payload_bytes=N"
     * for a type this version does not know.
     */
    static String describe(Frame frame) {
        String body;
        try {
            Message message = decode(frame);
            body = message == null ? "payload_bytes=" + frame.payload().length : message.fields();
        } catch (MalformedPayloadException e) {
            body = "MALFORMED payload_bytes=" + frame.payload().length;
        }
        return frame.headerFields() + " " + body;
    }

    /** The message of a known type, or null when the type code is unknown to this version. */
    static Message decode(Frame frame) throws MalformedPayloadException {
        MessageType type = frame.messageType();
        if (type == null) {
            return null;
        }
        byte[] p = frame.payload();
        ByteBuffer in = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        int needed = switch (type) {
            case HELLO -> Hello.SIZE;
            case HEARTBEAT -> 8;
            case ACK -> 2;
            case NACK -> 3;
            case PLACE -> 16;
            case ODOMETRY -> 20;
            case BATTERY -> 9;
            case FAULT -> 8;
        };
        if (p.length < needed) {
            throw new MalformedPayloadException(type + " payload of " + p.length + " bytes, layout needs " + needed);
        }
        return switch (type) {
            case HELLO -> {
                int role = in.get() & 0xFF;
                int protocolVersion = in.get() & 0xFF;
                int maxPayload = in.getShort() & 0xFFFF;
                long session = in.getInt() & 0xFFFFFFFFL;
                long peerSeen = in.getInt() & 0xFFFFFFFFL;
                int heartbeatMs = in.getShort() & 0xFFFF;
                int capabilities = in.getShort() & 0xFFFF;
                byte[] version = Arrays.copyOfRange(p, 16, 32);
                int end = 0;
                while (end < version.length && version[end] != 0) {
                    end++;
                }
                yield new Hello(role, protocolVersion, maxPayload, session, peerSeen, heartbeatMs, capabilities,
                        new String(version, 0, end, StandardCharsets.US_ASCII));
            }
            case HEARTBEAT -> new Heartbeat(in.getInt() & 0xFFFFFFFFL, in.getInt() & 0xFFFFFFFFL);
            case ACK -> new Ack(in.getShort() & 0xFFFF);
            case NACK -> new Nack(in.getShort() & 0xFFFF, in.get() & 0xFF);
            case PLACE -> new Place(in.getInt() & 0xFFFFFFFFL, in.getFloat(), in.getLong());
            case ODOMETRY -> new Odometry(in.getInt() & 0xFFFFFFFFL, in.getInt(), in.getInt(), in.getInt(),
                    in.getShort(), in.getShort());
            case BATTERY -> new Battery(in.getInt() & 0xFFFFFFFFL, in.getShort() & 0xFFFF, in.getShort(), in.get() & 0xFF);
            case FAULT -> new Fault(in.getInt() & 0xFFFFFFFFL, in.getShort() & 0xFFFF, in.get() & 0xFF, in.get() != 0);
        };
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An insertion-ordered map of alternating names and values. */
    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    int ROLE_HOST = 0;
    int ROLE_FIRMWARE = 1;
    int CAP_PLACE = 0x1;
    int CAP_ODOMETRY = 0x2;
    int CAP_BATTERY = 0x4;
    int CAP_FAULT = 0x8;

    /** Capabilities exchange; {@code peerSessionSeen} is 0 until the sender has heard the peer's HELLO. */
    record Hello(int role, int protocolVersion, int maxPayload, long sessionId, long peerSessionSeen,
                 int heartbeatMs, int capabilities, String softwareVersion) implements Message {
        static final int SIZE = 32;

        public MessageType type() {
            return MessageType.HELLO;
        }

        public byte[] encode() {
            byte[] version = softwareVersion.getBytes(StandardCharsets.US_ASCII);
            return buffer(SIZE).put((byte) role).put((byte) protocolVersion).putShort((short) maxPayload)
                    .putInt((int) sessionId).putInt((int) peerSessionSeen).putShort((short) heartbeatMs)
                    .putShort((short) capabilities).put(version, 0, Math.min(16, version.length)).array();
        }

        public String fields() {
            return "role=" + role + " protocol_version=" + protocolVersion + " max_payload=" + maxPayload
                    + " session_id=" + sessionId + " peer_session_seen=" + peerSessionSeen + " heartbeat_ms=" + heartbeatMs
                    + " capabilities=" + capabilities + " software_version=" + softwareVersion;
        }

        public Map<String, Object> values() {
            return ordered("role", role, "protocol_version", protocolVersion, "max_payload", maxPayload, "session_id", sessionId,
                    "peer_session_seen", peerSessionSeen, "heartbeat_ms", heartbeatMs, "capabilities", capabilities,
                    "software_version", softwareVersion);
        }
    }

    record Heartbeat(long sessionId, long uptimeMs) implements Message {
        public MessageType type() {
            return MessageType.HEARTBEAT;
        }

        public byte[] encode() {
            return buffer(8).putInt((int) sessionId).putInt((int) uptimeMs).array();
        }

        public String fields() {
            return "session_id=" + sessionId + " uptime_ms=" + uptimeMs;
        }

        public Map<String, Object> values() {
            return ordered("session_id", sessionId, "uptime_ms", uptimeMs);
        }
    }

    record Ack(int ackedSeq) implements Message {
        public MessageType type() {
            return MessageType.ACK;
        }

        public byte[] encode() {
            return buffer(2).putShort((short) ackedSeq).array();
        }

        public String fields() {
            return "acked_seq=" + ackedSeq;
        }

        public Map<String, Object> values() {
            return ordered("acked_seq", ackedSeq);
        }
    }

    int NACK_UNKNOWN_TYPE = 1;
    int NACK_BAD_LENGTH = 2;
    int NACK_UNSUPPORTED = 3;

    record Nack(int nackedSeq, int reason) implements Message {
        public MessageType type() {
            return MessageType.NACK;
        }

        public byte[] encode() {
            return buffer(3).putShort((short) nackedSeq).put((byte) reason).array();
        }

        public String fields() {
            return "nacked_seq=" + nackedSeq + " reason=" + reason;
        }

        public Map<String, Object> values() {
            return ordered("nacked_seq", nackedSeq, "reason", reason);
        }
    }

    /** A recognised place: id, score (IEEE-754 binary32) and the host's capture time in µs since the epoch. */
    record Place(long placeId, float score, long timestampUs) implements Message {
        public MessageType type() {
            return MessageType.PLACE;
        }

        public byte[] encode() {
            return buffer(16).putInt((int) placeId).putFloat(score).putLong(timestampUs).array();
        }

        public String fields() {
            return "place_id=" + placeId + " score=" + String.format(Locale.ROOT, "%.6f", (double) score)
                    + " timestamp_us=" + Long.toUnsignedString(timestampUs);
        }

        public Map<String, Object> values() {
            return ordered("place_id", placeId, "score", score, "timestamp_us", timestampUs);
        }
    }

    /** Pose from wheel odometry; timestamp is the firmware's uptime. */
    record Odometry(long timestampMs, int xMm, int yMm, int headingMrad, short vMmPerS, short omegaMradPerS)
            implements Message {
        public MessageType type() {
            return MessageType.ODOMETRY;
        }

        public byte[] encode() {
            return buffer(20).putInt((int) timestampMs).putInt(xMm).putInt(yMm).putInt(headingMrad)
                    .putShort(vMmPerS).putShort(omegaMradPerS).array();
        }

        public String fields() {
            return "timestamp_ms=" + timestampMs + " x_mm=" + xMm + " y_mm=" + yMm + " heading_mrad=" + headingMrad
                    + " v_mm_s=" + vMmPerS + " omega_mrad_s=" + omegaMradPerS;
        }

        public Map<String, Object> values() {
            return ordered("timestamp_ms", timestampMs, "x_mm", xMm, "y_mm", yMm, "heading_mrad", headingMrad,
                    "v_mm_s", vMmPerS, "omega_mrad_s", omegaMradPerS);
        }
    }

    /** Battery reading; current is positive while discharging, state of charge 255 when unknown. */
    record Battery(long timestampMs, int voltageMv, short currentMa, int stateOfChargePct) implements Message {
        public MessageType type() {
            return MessageType.BATTERY;
        }

        public byte[] encode() {
            return buffer(9).putInt((int) timestampMs).putShort((short) voltageMv).putShort(currentMa)
                    .put((byte) stateOfChargePct).array();
        }

        public String fields() {
            return "timestamp_ms=" + timestampMs + " voltage_mv=" + voltageMv + " current_ma=" + currentMa
                    + " soc_pct=" + stateOfChargePct;
        }

        public Map<String, Object> values() {
            return ordered("timestamp_ms", timestampMs, "voltage_mv", voltageMv, "current_ma", currentMa,
                    "soc_pct", stateOfChargePct);
        }
    }

    /** A fault raised or cleared; severity 0 info, 1 warning, 2 error, 3 critical. */
    record Fault(long timestampMs, int code, int severity, boolean active) implements Message {
        public MessageType type() {
            return MessageType.FAULT;
        }

        public byte[] encode() {
            return buffer(8).putInt((int) timestampMs).putShort((short) code).put((byte) severity)
                    .put((byte) (active ? 1 : 0)).array();
        }

        public String fields() {
            return "timestamp_ms=" + timestampMs + " code=" + code + " severity=" + severity + " active=" + (active ? 1 : 0);
        }

        public Map<String, Object> values() {
            return ordered("timestamp_ms", timestampMs, "code", code, "severity", severity, "active", active);
        }
    }
}
