package dev.sparrow.bridge.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * One frame: header (version, type, flags, sequence number, payload length), payload, CRC-32C.
 * {@link #toWire()} gives the COBS-encoded bytes followed by the 0x00 delimiter.
 */
public record Frame(int version, int type, int flags, int seq, byte[] payload) {
    public static final int PROTOCOL_VERSION = 1;
    public static final int HEADER_SIZE = 7;
    public static final int CRC_SIZE = 4;
    public static final int FLAG_RELIABLE = 0x01;

    public Frame {
        payload = payload.clone();
    }

    public static Frame of(MessageType type, int flags, int seq, byte[] payload) {
        return new Frame(PROTOCOL_VERSION, type.code(), flags, seq & 0xFFFF, payload);
    }

    public boolean reliable() {
        return (flags & FLAG_RELIABLE) != 0;
    }

    /** The known type, or null for a type code this version does not know. */
    public MessageType messageType() {
        return MessageType.ofCode(type);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public byte[] toWire() {
        ByteBuffer raw = ByteBuffer.allocate(HEADER_SIZE + payload.length + CRC_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        raw.put((byte) version).put((byte) type).put((byte) flags).putShort((short) seq).putShort((short) payload.length);
        raw.put(payload);
        CRC32C crc = new CRC32C();
        crc.update(raw.array(), 0, raw.position());
        raw.putInt((int) crc.getValue());
        byte[] encoded = Cobs.encode(raw.array());
        byte[] wire = new byte[encoded.length + 1];
        System.arraycopy(encoded, 0, wire, 0, encoded.length);
        return wire;
    }

    /** Header fields in the canonical form shared with the C test vectors. */
    public String headerFields() {
        MessageType known = messageType();
        return "version=" + version + " type=" + (known == null ? Integer.toString(type) : known.name())
                + " flags=" + flags + " seq=" + seq;
    }

    @Override
    public String toString() {
        return headerFields() + " payload=" + HexFormat.of().formatHex(payload);
    }
}
