package dev.sparrow.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.bridge.codec.Frame;
import dev.sparrow.bridge.codec.FrameDecoder;
import dev.sparrow.bridge.codec.Message;
import dev.sparrow.testsupport.NativeBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** test-vectors/frames.txt, checked by the Java codec here and by the C codec through its test program. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedVectorsTest {
    static final Path VECTORS = Path.of("test-vectors", "frames.txt").toAbsolutePath();

    record Vector(int line, String name, byte[] wire, String expected) {
    }

    static List<Vector> vectors() throws Exception {
        List<Vector> vectors = new ArrayList<>();
        List<String> lines = Files.readAllLines(VECTORS);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\|");
            assertEquals(3, parts.length, VECTORS + " line " + (i + 1) + ": not 'name | hex | expected'");
            vectors.add(new Vector(i + 1, parts[0].strip(), HexFormat.of().parseHex(parts[1].strip()), parts[2].strip()));
        }
        return vectors;
    }

    @Test
    void javaCodecDecodesEveryVectorAndReencodesItByteForByte() throws Exception {
        List<Vector> vectors = vectors();
        assertTrue(vectors.size() >= 20, "vectors: " + vectors.size());
        for (Vector vector : vectors) {
            List<String> results = new ArrayList<>();
            List<Frame> frames = new ArrayList<>();
            new FrameDecoder(64).feed(vector.wire(), 0, vector.wire().length, new FrameDecoder.Sink() {
                @Override
                public void frame(Frame frame) {
                    frames.add(frame);
                    results.add(Message.describe(frame));
                }

                @Override
                public void error(FrameDecoder.DecodeError error) {
                    results.add("error=" + error.kind().name().toLowerCase(java.util.Locale.ROOT));
                }
            });
            assertEquals(vector.expected(), results.getFirst(), vector.name());
            if (!frames.isEmpty()) {
                Frame frame = frames.getFirst();
                assertArrayEquals(vector.wire(), frame.toWire(), vector.name() + " re-encoded");
                if (frame.messageType() != null && !vector.expected().contains("MALFORMED")) {
                    Message message = Message.decode(frame);
                    assertArrayEquals(frame.payload(), message.encode(), vector.name() + " message re-encoded");
                    assertEquals(fieldNames(message.fields()), List.copyOf(message.values().keySet()),
                            vector.name() + ": values() and fields() name the same fields in the same order");
                }
            }
        }
    }

    @Test
    void cCodecDecodesEveryVectorAndReencodesItByteForByte() throws Exception {
        Path program = NativeBuild.program("check_vectors", NativeBuild.FIRMWARE.resolve("test/check_vectors_main.c"),
                NativeBuild.HOST_FLAGS, NativeBuild.FIRMWARE.resolve("test/format_fields.c"));
        String output = NativeBuild.run(List.of(program.toString(), VECTORS.toString()), 30);
        assertEquals("checked=" + vectors().size() + " failed=0", output.strip());
    }

    /** The names of a canonical "name=value name=value" line. */
    private static List<String> fieldNames(String fields) {
        return java.util.Arrays.stream(fields.split(" ")).filter(f -> f.contains("=")).map(f -> f.substring(0, f.indexOf('='))).toList();
    }
}
