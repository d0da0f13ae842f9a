package dev.sparrow.bridge.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Streaming frame decoder: bytes go in as they arrive, a frame or an error comes out at each
 * 0x00 delimiter. After any error it is in step again at the next delimiter. Its limits and
 * the order of its checks are those of the C decoder, so both count a stream alike.
 */
public final class FrameDecoder {
    /** What the decoder produces. */
    public interface Sink {
        void frame(Frame frame);

        void error(DecodeError error);
    }

    public enum ErrorKind { CRC, MALFORMED, OVERRUN }

    /** @param offset stream offset of the byte at which the error was found (0-based) */
    public record DecodeError(ErrorKind kind, long offset, String detail) {
        public String message(String source) {
            return kind + " on " + source + " at byte offset " + offset + ": " + detail;
        }
    }

    private final byte[] encoded;
    private final byte[] raw;
    private final CRC32C crc = new CRC32C();
    private int length;
    private boolean overrun;
    private long offset;
    private long frames;
    private long crcErrors;
    private long malformed;
    private long overruns;

    public FrameDecoder(int maxPayload) {
        int rawMax = Frame.HEADER_SIZE + maxPayload + Frame.CRC_SIZE;
        raw = new byte[rawMax];
        encoded = new byte[Cobs.maxEncodedLength(rawMax)];
    }

    public void feed(byte[] bytes, int from, int count, Sink sink) {
        for (int i = from; i < from + count; i++) {
            feed(bytes[i], sink);
            offset++;
        }
    }

    private void feed(byte b, Sink sink) {
        if (b != 0) {
            if (overrun) {
                return;
            }
            if (length == encoded.length) {
                overrun = true;
                length = 0;
                overruns++;
                sink.error(new DecodeError(ErrorKind.OVERRUN, offset,
                        "no delimiter within " + encoded.length + " bytes"));
                return;
            }
            encoded[length++] = b;
            return;
        }
        if (overrun) {
            overrun = false;
            return;
        }
        if (length == 0) {
            return; // back-to-back delimiters are idle fill
        }
        decodeBuffered(sink);
        length = 0;
    }

    private void decodeBuffered(Sink sink) {
        int rawLength = Cobs.decode(encoded, length, raw);
        if (rawLength < Frame.HEADER_SIZE + Frame.CRC_SIZE) {
            malformed++;
            sink.error(new DecodeError(ErrorKind.MALFORMED, offset,
                    rawLength < 0 ? "invalid COBS in " + length + " bytes" : "frame of " + rawLength + " bytes is shorter than header and CRC"));
            return;
        }
        ByteBuffer view = ByteBuffer.wrap(raw, 0, rawLength).order(ByteOrder.LITTLE_ENDIAN);
        crc.reset();
        crc.update(raw, 0, rawLength - Frame.CRC_SIZE);
        if ((int) crc.getValue() != view.getInt(rawLength - Frame.CRC_SIZE)) {
            crcErrors++;
            sink.error(new DecodeError(ErrorKind.CRC, offset, "CRC-32C mismatch in a " + rawLength + "-byte frame"));
            return;
        }
        int version = raw[0] & 0xFF;
        int payloadLength = view.getShort(5) & 0xFFFF;
        if (version != Frame.PROTOCOL_VERSION || Frame.HEADER_SIZE + payloadLength + Frame.CRC_SIZE != rawLength) {
            malformed++;
            sink.error(new DecodeError(ErrorKind.MALFORMED, offset, version != Frame.PROTOCOL_VERSION
                    ? "protocol version " + version + ", expected " + Frame.PROTOCOL_VERSION
                    : "length field " + payloadLength + " disagrees with " + rawLength + "-byte frame"));
            return;
        }
        byte[] payload = new byte[payloadLength];
        System.arraycopy(raw, Frame.HEADER_SIZE, payload, 0, payloadLength);
        frames++;
        sink.frame(new Frame(version, raw[1] & 0xFF, raw[2] & 0xFF, view.getShort(3) & 0xFFFF, payload));
    }

    public long frames() {
        return frames;
    }

    public long crcErrors() {
        return crcErrors;
    }

    public long malformed() {
        return malformed;
    }

    public long overruns() {
        return overruns;
    }
}
