package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.bridge.codec.Frame;
import dev.sparrow.bridge.codec.FrameDecoder;
import dev.sparrow.bridge.codec.Message;
import dev.sparrow.bridge.codec.MessageType;
import dev.sparrow.testsupport.NativeBuild;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One seeded corpus through both decoders: random bytes, valid frames, and valid frames with
 * bytes flipped, dropped, duplicated or cut short. Neither may crash or hang; the C side runs
 * under AddressSanitizer and UBSan, so an over-read aborts it; and both must tally the same.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DecoderFuzzTest {
    static byte[] corpus(long seed, int chunks) {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageType[] types = MessageType.values();
        for (int i = 0; i < chunks; i++) {
            int kind = random.nextInt(4);
            if (kind == 0) {
                byte[] noise = new byte[random.nextInt(300)];
                random.nextBytes(noise);
                out.writeBytes(noise);
                continue;
            }
            byte[] payload = new byte[random.nextInt(72)]; // sometimes beyond the 64-byte limit
            random.nextBytes(payload);
            int type = random.nextInt(8) == 0 ? random.nextInt(256) : types[random.nextInt(types.length)].code();
            byte[] wire = new Frame(1, type, random.nextInt(2), random.nextInt(65536), payload).toWire();
            if (kind == 2) {
                for (int m = 0, mutations = 1 + random.nextInt(3); m < mutations && wire.length > 0; m++) {
                    int at = random.nextInt(wire.length);
                    switch (random.nextInt(4)) {
                        case 0 -> wire[at] ^= (byte) (1 << random.nextInt(8));
                        case 1 -> wire = concat(slice(wire, 0, at), slice(wire, at + 1, wire.length));
                        case 2 -> wire = concat(slice(wire, 0, at + 1), slice(wire, at, wire.length));
                        default -> wire = slice(wire, 0, at);
                    }
                }
            }
            out.writeBytes(wire);
        }
        return out.toByteArray();
    }

    private static byte[] slice(byte[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, Math.max(from, to));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    @Test
    void javaAndCDecodersSurviveTheSameCorpusAndCountItAlike() throws Exception {
        byte[] corpus = corpus(20261205L, 20_000);
        Path file = NativeBuild.OUT.resolve("fuzz-corpus.bin");
        Files.createDirectories(file.getParent());
        Files.write(file, corpus);

        FrameDecoder decoder = new FrameDecoder(64);
        long[] describedFrames = {0};
        FrameDecoder.Sink sink = new FrameDecoder.Sink() {
            @Override
            public void frame(Frame frame) {
                assertTrue(frame.payload().length <= 64);
                Message.describe(frame);
                describedFrames[0]++;
            }

            @Override
            public void error(FrameDecoder.DecodeError error) {
                assertTrue(error.offset() < corpus.length);
            }
        };
        // Uneven chunks, as a serial port delivers them.
        Random chunks = new Random(1);
        for (int at = 0; at < corpus.length; ) {
            int n = Math.min(corpus.length - at, 1 + chunks.nextInt(600));
            decoder.feed(corpus, at, n, sink);
            at += n;
        }
        assertTrue(decoder.frames() > 1000 && decoder.crcErrors() > 100 && decoder.malformed() > 100
                && decoder.overruns() > 10, "the corpus exercises every outcome");
        assertEquals(decoder.frames(), describedFrames[0]);

        Path program = NativeBuild.program("fuzz_decoder_asan", NativeBuild.FIRMWARE.resolve("test/fuzz_decoder_main.c"),
                List.of("-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-g", "-fsanitize=address,undefined",
                        "-fno-sanitize-recover=all"));
        String output = NativeBuild.run(List.of(program.toString(), file.toString()), 45).strip();
        String expected = "frames=" + decoder.frames() + " crc_errors=" + decoder.crcErrors() + " malformed="
                + decoder.malformed() + " overruns=" + decoder.overruns();
        assertTrue(output.startsWith(expected + " link_frames="), "C: " + output + "\nJava: " + expected);
    }
}
