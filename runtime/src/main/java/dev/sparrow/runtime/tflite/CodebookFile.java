package dev.sparrow.runtime.tflite;

import dev.sparrow.kernels.f32.PackedIndices;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.Palette;
import dev.sparrow.runtime.model.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The Sparrow codebook model file (runtime/CODEBOOK-FORMAT.md): a 32-byte header (magic {@code SPCB},
 * version, CRC32C, file length), a directory of palettised tensors, the graph as a .tflite FlatBuffer whose
 * palettised tensors have no buffer, then each tensor's codebook and packed indices. The .tflite schema
 * has no palettised type, so the codebooks live beside the FlatBuffer rather than in it. Reading checks
 * length, magic, version and checksum before trusting any offset, and every offset and index after.
 */
public final class CodebookFile {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "SPCB".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 32;
    private static final int ENTRY_BYTES = 48;
    /** The checksum covers everything after itself. */
    private static final int CHECKED_FROM = 12;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private CodebookFile() {}

    static boolean hasMagic(MemorySegment bytes) {
        if (bytes.byteSize() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The model as codebook-file bytes; its palettised tensors ({@link Tensor#palette()}) go to the side section. */
    public static byte[] write(Model model) {
        List<Tensor> palettised = model.tensors().stream().filter(t -> t.palette() != null).toList();
        byte[] graph = TfliteWriter.writeGraph(model, Set.of());
        long graphAt = HEADER_BYTES + (long) ENTRY_BYTES * palettised.size();
        long at = align4(graphAt + graph.length);
        long[] codebookAt = new long[palettised.size()];
        long[] scalesAt = new long[palettised.size()];
        long[] indicesAt = new long[palettised.size()];
        for (int i = 0; i < palettised.size(); i++) {
            Palette p = palettised.get(i).palette();
            codebookAt[i] = at;
            scalesAt[i] = at + 4L * p.entries();
            indicesAt[i] = scalesAt[i] + 4L * p.scales().length;
            at = align4(indicesAt[i] + p.indices().length);
        }
        if (at > Integer.MAX_VALUE) {
            throw new ModelException(model.source() + ": a codebook file of " + at + " bytes exceeds 2 GB");
        }
        ByteBuffer b = ByteBuffer.allocate((int) at).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(0).putInt(palettised.size()).putLong(at).putLong(graph.length);
        for (int i = 0; i < palettised.size(); i++) {
            Tensor t = palettised.get(i);
            Palette p = t.palette();
            b.putInt(t.index()).putInt(p.entries()).putInt(p.bits()).putInt(t.elementCount()).putInt(p.scales().length)
                    .putInt(p.stride()).putLong(codebookAt[i]).putLong(scalesAt[i]).putLong(indicesAt[i]);
        }
        b.put(graph);
        for (int i = 0; i < palettised.size(); i++) {
            Palette p = palettised.get(i).palette();
            b.position((int) codebookAt[i]);
            for (float v : p.codebook()) {
                b.putFloat(v);
            }
            for (float v : p.scales()) {
                b.putFloat(v);
            }
            b.put(p.indices());
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), CHECKED_FROM, b.capacity() - CHECKED_FROM);
        b.putInt(8, (int) crc.getValue());
        return b.array();
    }

    private static long align4(long x) {
        return (x + 3) & ~3L;
    }

    /** One directory entry: where a tensor's codebook, channel scales and indices are. */
    private record Entry(long at, int tensor, int entries, int bits, long elements, long channels, long stride,
                         long codebookAt, long scalesAt, long indicesAt) {}

    static Model read(MemorySegment bytes, String source) {
        long size = bytes.byteSize();
        if (size < HEADER_BYTES) {
            throw error(source, size, "codebook file is " + size + " bytes, shorter than its " + HEADER_BYTES
                    + "-byte header (truncated)");
        }
        int version = bytes.get(U32, 4);
        if (version != VERSION) {
            throw error(source, 4, "codebook file version " + Integer.toUnsignedString(version) + ", only version "
                    + VERSION + " is supported");
        }
        long declared = bytes.get(U64, 16);
        if (declared != size) {
            throw error(source, 16, "header says the file is " + declared + " bytes, it is " + size
                    + (declared > size ? " (truncated)" : " (bytes appended)"));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.asSlice(CHECKED_FROM).asByteBuffer());
        int stored = bytes.get(U32, 8);
        if ((int) crc.getValue() != stored) {
            throw error(source, 8, String.format("CRC32C of bytes %d..%d is %08x, header says %08x (corrupted)",
                    CHECKED_FROM, size, (int) crc.getValue(), stored));
        }
        long count = Integer.toUnsignedLong(bytes.get(U32, 12));
        long graphAt = HEADER_BYTES + ENTRY_BYTES * count;
        if (graphAt > size) {
            throw error(source, 12, count + " directory entries do not fit in " + size + " bytes");
        }
        long graphBytes = bytes.get(U64, 24);
        if (graphBytes < 0 || graphBytes > size - graphAt) {
            throw error(source, 24, "the .tflite of " + graphBytes + " bytes at byte " + graphAt + " runs past the end ("
                    + size + " bytes)");
        }
        Map<Integer, Entry> entries = new HashMap<>();
        for (long i = 0; i < count; i++) {
            long at = HEADER_BYTES + ENTRY_BYTES * i;
            Entry e = new Entry(at, bytes.get(U32, at), bytes.get(U32, at + 4), bytes.get(U32, at + 8),
                    Integer.toUnsignedLong(bytes.get(U32, at + 12)), Integer.toUnsignedLong(bytes.get(U32, at + 16)),
                    Integer.toUnsignedLong(bytes.get(U32, at + 20)), bytes.get(U64, at + 24), bytes.get(U64, at + 32),
                    bytes.get(U64, at + 40));
            if (e.entries() < 2 || e.entries() > 256 || e.bits() != PackedIndices.bitsFor(e.entries())) {
                throw error(source, at + 4, "codebook of " + Integer.toUnsignedString(e.entries()) + " entries at "
                        + Integer.toUnsignedString(e.bits()) + " bits; 2 to 256 entries at 1, 2, 4 or 8 bits (the"
                        + " smallest that holds them) are valid");
            }
            if (e.elements() == 0 || e.channels() == 0 || e.stride() == 0 || e.channels() > e.elements() / e.stride()
                    || e.elements() % (e.channels() * e.stride()) != 0) {
                throw error(source, at + 16, e.channels() + " channels of stride " + e.stride() + " do not tile "
                        + e.elements() + " values");
            }
            long dataAt = graphAt + graphBytes;
            if (e.codebookAt() < dataAt || e.codebookAt() > size - 4L * e.entries()) {
                throw error(source, at + 24, "codebook at byte " + e.codebookAt() + " lies outside the data section");
            }
            if (e.scalesAt() < dataAt || e.scalesAt() > size - 4L * e.channels()) {
                throw error(source, at + 32, e.channels() + " scales at byte " + e.scalesAt()
                        + " lie outside the data section");
            }
            long indexBytes = PackedIndices.bytesFor(e.elements(), e.bits());
            if (e.indicesAt() < dataAt || e.indicesAt() > size - indexBytes) {
                throw error(source, at + 40, indexBytes + " bytes of indices at byte " + e.indicesAt()
                        + " lie outside the data section");
            }
            if (entries.put(e.tensor(), e) != null) {
                throw error(source, at, "tensor " + Integer.toUnsignedString(e.tensor()) + " has two codebooks");
            }
        }
        Map<Integer, Entry> unclaimed = new HashMap<>(entries);
        TfliteReader.PaletteSource palettes = new TfliteReader.PaletteSource() {
            @Override
            public Palette palette(int tensorIndex, DataType type, int elements, String where) {
                Entry e = unclaimed.remove(tensorIndex);
                return e == null ? null : CodebookFile.palette(bytes, source, e, type, elements, where);
            }

            @Override
            public void requireAllClaimed(int tensorCount) {
                Entry stray = unclaimed.values().stream().min((a, b) -> Long.compare(a.at(), b.at())).orElse(null);
                if (stray != null) {
                    throw error(source, stray.at(), "codebook for tensor " + Integer.toUnsignedString(stray.tensor())
                            + ", but the graph has " + tensorCount + " tensors");
                }
            }
        };
        Model model = TfliteReader.readEmbedded(bytes.asSlice(graphAt, graphBytes),
                source + " (.tflite at byte " + graphAt + ")", palettes);
        return new Model(source, model.version(), model.description(), model.tensors(), model.operators(), model.inputs(),
                model.outputs());
    }

    private static Palette palette(MemorySegment bytes, String source, Entry e, DataType type, int elements,
                                   String where) {
        if (type != DataType.FLOAT32 || elements != e.elements()) {
            throw error(source, e.at() + 12, "codebook of " + e.elements() + " float32 values for " + where
                    + ", which is " + type + " with " + elements + " elements");
        }
        float[] codebook = floats(bytes, e.codebookAt(), e.entries());
        float[] scales = floats(bytes, e.scalesAt(), (int) e.channels());
        byte[] indices = bytes.asSlice(e.indicesAt(), PackedIndices.bytesFor(elements, e.bits())).toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < elements; i++) {
            int index = PackedIndices.get(indices, e.bits(), i);
            if (index >= codebook.length) {
                throw error(source, e.indicesAt() + (long) i * e.bits() / 8, "index " + index + " of value " + i + " of "
                        + where + " is past its " + codebook.length + " codebook entries");
            }
        }
        return new Palette(codebook, scales, (int) e.stride(), e.bits(), indices);
    }

    private static float[] floats(MemorySegment bytes, long at, int count) {
        float[] values = new float[count];
        for (int k = 0; k < count; k++) {
            values[k] = bytes.get(F32, at + 4L * k);
        }
        return values;
    }

    private static ModelException error(String source, long at, String message) {
        return new ModelException(source + ": " + message + " (at byte " + at + ")");
    }

    /** The model with every palette replaced by its decoded float32 values: the graph the codebook kernels compute. */
    public static Model decoded(Model model) {
        List<Tensor> tensors = new ArrayList<>();
        for (Tensor t : model.tensors()) {
            if (t.palette() == null) {
                tensors.add(t);
                continue;
            }
            tensors.add(new Tensor(t.index(), t.name(), t.type(), t.shape(), t.quantization(), t.denseBytes(), false));
        }
        return new Model(model.source(), model.version(), model.description(), List.copyOf(tensors), model.operators(),
                model.inputs(), model.outputs());
    }
}
