package dev.sparrow.bridge.codec;

import java.io.ByteArrayOutputStream;

/** Consistent Overhead Byte Stuffing: removes every 0x00 so that 0x00 can delimit frames. */
public final class Cobs {
    private Cobs() {
    }

    public static int maxEncodedLength(int rawLength) {
        return rawLength + rawLength / 254 + 1;
    }

    public static byte[] encode(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(maxEncodedLength(in.length));
        byte[] block = new byte[254];
        int blockLength = 0;
        for (byte b : in) {
            if (b == 0) {
                out.write(blockLength + 1);
                out.write(block, 0, blockLength);
                blockLength = 0;
            } else {
                block[blockLength++] = b;
                if (blockLength == 254) {
                    out.write(0xFF);
                    out.write(block, 0, blockLength);
                    blockLength = 0;
                }
            }
        }
        out.write(blockLength + 1);
        out.write(block, 0, blockLength);
        return out.toByteArray();
    }

    /**
     * Decodes {@code length} bytes of {@code in} into {@code out}.
     *
     * @return the decoded length, or -1 if the input is not valid COBS or does not fit in {@code out}
     */
    public static int decode(byte[] in, int length, byte[] out) {
        int read = 0;
        int write = 0;
        while (read < length) {
            int code = in[read++] & 0xFF;
            if (code == 0) {
                return -1;
            }
            for (int i = 1; i < code; i++) {
                if (read >= length || in[read] == 0 || write >= out.length) {
                    return -1;
                }
                out[write++] = in[read++];
            }
            // A block shorter than 254 data bytes stands for a zero, except at the very end.
            if (code != 0xFF && read < length) {
                if (write >= out.length) {
                    return -1;
                }
                out[write++] = 0;
            }
        }
        return write;
    }
}
