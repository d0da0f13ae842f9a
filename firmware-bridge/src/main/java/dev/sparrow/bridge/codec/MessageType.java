package dev.sparrow.bridge.codec;

/** Message type codes of PROTOCOL.md. */
public enum MessageType {
    HELLO(0x01), HEARTBEAT(0x02), ACK(0x03), NACK(0x04), PLACE(0x10), ODOMETRY(0x20), BATTERY(0x21), FAULT(0x22);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null for a code this version does not know. */
    public static MessageType ofCode(int code) {
        for (MessageType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
