package dev.sparrow.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.compress.CodebookQuantizer;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.testsupport.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The codebook file round-trips a palettised model and refuses every kind of damage with a byte offset. */
class CodebookFileTest {
    static Model palettised;
    static byte[] file;

    @BeforeAll
    static void write() throws Exception {
        Model model = TfliteReader.read(SharedData.model("face_detection_short_range.tflite"));
        palettised = CodebookQuantizer.quantize(model, 16).model();
        file = CodebookFile.write(palettised);
    }

    @Test
    void roundTripKeepsGraphAndPalettes(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("fd.sparrow");
        TfliteWriter.writeAtomically(file, path);
        Model read = TfliteReader.read(path);
        assertEquals(palettised.tensors().size(), read.tensors().size());
        assertEquals(palettised.operators().size(), read.operators().size());
        for (Tensor t : palettised.tensors()) {
            Tensor r = read.tensor(t.index());
            assertEquals(t.name(), r.name());
            assertArrayEquals(t.shape(), r.shape());
            if (t.palette() != null) {
                assertNull(r.data());
                assertArrayEquals(t.palette().codebook(), r.palette().codebook());
                assertArrayEquals(t.palette().scales(), r.palette().scales());
                assertEquals(t.palette().stride(), r.palette().stride());
                assertArrayEquals(t.palette().indices(), r.palette().indices());
            } else {
                assertArrayEquals(t.data(), r.data(), t.describe());
            }
        }
        assertArrayEquals(file, CodebookFile.write(read), "writing what was read gives the same bytes");
        try (Interpreter it = Interpreter.create(read)) {
            it.run();
        }
    }

    @Test
    void plainTfliteWriterRefusesPalettes() {
        ModelException e = assertThrows(ModelException.class, () -> TfliteWriter.write(palettised));
        assertTrue(e.getMessage().contains("holds a codebook"), e.getMessage());
    }

    private static String refusal(byte[] bytes) {
        return assertThrows(ModelException.class, () -> TfliteReader.read(bytes, "fd.sparrow")).getMessage();
    }

    /** The bytes with the CRC32C recomputed, as a file damaged before it was sealed would be. */
    private static byte[] sealed(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 12, bytes.length - 12);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, (int) crc.getValue());
        return bytes;
    }

    private static byte[] withInt(int at, int value) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }

    @Test
    void refusesDamageWithFileAndByteOffset() {
        byte[] magic = file.clone();
        magic[0] = 'X';
        assertTrue(refusal(magic).startsWith("fd.sparrow: "), refusal(magic));
        assertTrue(refusal(magic).contains("SPCB"), refusal(magic));

        assertEquals("fd.sparrow: codebook file version 2, only version 1 is supported (at byte 4)", refusal(withInt(4, 2)));

        for (int length : new int[] {4, 31, 32, file.length / 2, file.length - 1}) {
            String m = refusal(Arrays.copyOf(file, length));
            assertTrue(m.startsWith("fd.sparrow: ") && m.contains("(truncated)") && m.contains("(at byte "), m);
        }

        byte[] flipped = file.clone();
        flipped[file.length - 3] ^= 0x10;
        assertTrue(refusal(flipped).matches("fd\\.sparrow: CRC32C of bytes 12\\.\\.\\d+ is \\p{XDigit}{8}, header says"
                + " \\p{XDigit}{8} \\(corrupted\\) \\(at byte 8\\)"), refusal(flipped));
    }

    @Test
    void refusesInconsistentContentEvenWithAValidChecksum() {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int entry = 32;
        assertEquals("fd.sparrow: codebook of 300 entries at 4 bits; 2 to 256 entries at 1, 2, 4 or 8 bits (the smallest"
                + " that holds them) are valid (at byte 36)", refusal(sealed(withInt(entry + 4, 300))));
        assertTrue(refusal(sealed(withInt(entry + 8, 8))).endsWith("(at byte 36)"));
        String past = refusal(sealed(withInt(entry + 40, file.length)));
        assertTrue(past.contains("lie outside the data section (at byte 72)"), past);
        String scales = refusal(sealed(withInt(entry + 16, 5)));
        assertTrue(scales.matches("fd\\.sparrow: 5 channels of stride \\d+ do not tile \\d+ values \\(at byte 48\\)"), scales);
        String tensor = refusal(sealed(withInt(entry, 100_000)));
        assertTrue(tensor.contains("codebook for tensor 100000, but the graph has") && tensor.endsWith("(at byte 32)"), tensor);
        String count = refusal(sealed(withInt(entry + 12, 2 * b.getInt(entry + 12))));
        assertTrue(count.matches("fd\\.sparrow: codebook of \\d+ float32 values for subgraph 0 / tensor \\d+ .*, which is"
                + " FLOAT32 with \\d+ elements \\(at byte 44\\)"),
                count);
        // An index past K: the first layer's 4-bit indices read as 2-bit indices into a codebook of 3.
        byte[] small = withInt(entry + 4, 3);
        ByteBuffer.wrap(small).order(ByteOrder.LITTLE_ENDIAN).putInt(entry + 8, 2);
        String index = refusal(sealed(small));
        assertTrue(index.matches("fd\\.sparrow: index 3 of value \\d+ of subgraph 0 / tensor \\d+ '.*' is past its 3"
                + " codebook entries \\(at byte \\d+\\)"), index);
        long indicesAt = b.getLong(entry + 40);
        long at = Long.parseLong(index.replaceAll(".*\\(at byte (\\d+)\\)$", "$1"));
        assertTrue(at >= indicesAt && at < indicesAt + 1000, index);
    }
}
