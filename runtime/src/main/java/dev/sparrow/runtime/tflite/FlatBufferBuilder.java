package dev.sparrow.runtime.tflite;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serialises a tree of FlatBuffer tables, vectors and strings, front to back.
 *
 * <p>The usual FlatBuffer builders write back to front so that every child exists before its parent.
 * Writing a finished tree front to back is simpler to follow: each table is emitted (its vtable first, then
 * its inline fields) and its children are appended afterwards, so every uoffset points forward and is
 * patched once the child's position is known. Vtables precede their tables, which the format allows (the
 * table's soffset is then positive). A table or string object that appears again later in the tree is
 * written once when the repeat's offset can point forward to it (a vector of the same table N times costs
 * one table), and written again otherwise. Equal vtables are written once and shared, as every FlatBuffer
 * builder does (a table's soffset may point either way).
 *
 * <p>Scalar vectors (shapes, scales, zero points, buffer data) are leaves, so they all go after the tree,
 * and equal ones are written once: a quantised model repeats the same all-zero zero-point vector for
 * every per-channel weight and bias tensor, and offsets may legally alias (reference/tflite-format.md §1.6).
 *
 * <p>Alignment follows the rules TensorFlow Lite's verifier checks (reference/tflite-format.md §1.5):
 * scalars at multiples of their size, vector length words at multiples of 4, vector payloads at multiples
 * of the element size or of a larger requested alignment ({@code Buffer.data} asks for 16). The vtable of a
 * table covers the slots up to its highest set slot, as a writer that knows no later fields would write it.
 */
public final class FlatBufferBuilder {

    /** Anything that can be the target of a uoffset. */
    public sealed interface Node permits Table, ScalarVector, NodeVector, Text {}

    /** A table under construction: fields by vtable slot. Setters return {@code this} for chaining. */
    public static final class Table implements Node {
        private final List<Field> fields = new ArrayList<>();

        private record Field(int slot, int size, long bits, Node child) {}

        private Table add(int slot, int size, long bits, Node child) {
            if (slot < 0) {
                throw new IllegalArgumentException("negative slot " + slot);
            }
            fields.removeIf(f -> f.slot == slot);  // a later value replaces an earlier one
            fields.add(new Field(slot, size, bits, child));
            return this;
        }

        public Table int8(int slot, int value) {
            return add(slot, 1, value, null);
        }

        public Table bool(int slot, boolean value) {
            return add(slot, 1, value ? 1 : 0, null);
        }

        /** A 32-bit field; {@code value} may be an unsigned 32-bit number (uint32 fields). */
        public Table int32(int slot, long value) {
            return add(slot, 4, value, null);
        }

        public Table float32(int slot, float value) {
            return add(slot, 4, Float.floatToRawIntBits(value), null);
        }

        public Table int64(int slot, long value) {
            return add(slot, 8, value, null);
        }

        /** A table, vector or string field (a uoffset in the table); null leaves the field absent. */
        public Table child(int slot, Node node) {
            return node == null ? this : add(slot, 4, 0, node);
        }

        public Table ints(int slot, int... values) {
            return child(slot, FlatBufferBuilder.ints(values));
        }

        public Table floats(int slot, float... values) {
            return child(slot, FlatBufferBuilder.floats(values));
        }

        public Table longs(int slot, long... values) {
            return child(slot, FlatBufferBuilder.longs(values));
        }

        public Table bytes(int slot, byte... values) {
            return child(slot, FlatBufferBuilder.bytes(values, 1));
        }

        public Table string(int slot, String value) {
            return child(slot, new Text(value));
        }

        public Table tables(int slot, List<? extends Node> elements) {
            return child(slot, new NodeVector(elements));
        }

        public Table tables(int slot, Node... elements) {
            return child(slot, new NodeVector(List.of(elements)));
        }
    }

    /** A vector of fixed-size scalars given as their little-endian bytes. */
    public record ScalarVector(int elementSize, int count, byte[] payload, int alignment) implements Node {
        public ScalarVector {
            if (payload.length != (long) elementSize * count) {
                throw new IllegalArgumentException(count + " elements of " + elementSize + " bytes need "
                        + (long) elementSize * count + " payload bytes, got " + payload.length);
            }
        }
    }

    /** A vector of tables or strings (each element a uoffset). */
    public record NodeVector(List<? extends Node> elements) implements Node {}

    /** A UTF-8 string (stored with a terminating NUL that the length does not count). */
    public record Text(String value) implements Node {}

    /** A byte vector whose payload starts at a multiple of {@code alignment}. */
    public static ScalarVector bytes(byte[] data, int alignment) {
        return new ScalarVector(1, data.length, data, alignment);
    }

    public static ScalarVector ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return new ScalarVector(4, values.length, b.array(), 4);
    }

    public static ScalarVector floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new ScalarVector(4, values.length, b.array(), 4);
    }

    public static ScalarVector longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new ScalarVector(8, values.length, b.array(), 8);
    }

    private final Output out = new Output();
    /** Where each table or string was written, for writing a repeated one only once. */
    private final Map<Node, Integer> written = new IdentityHashMap<>();
    /** uoffset fields waiting for their scalar vector, which is written after the tree. */
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(int at, ScalarVector vector) {}

    /** Positions of the vtables written so far, by content. */
    private final Map<List<Integer>, Integer> vtables = new java.util.HashMap<>();

    /** A scalar vector by content, for writing equal vectors once. */
    private record VectorKey(int elementSize, int alignment, ByteBuffer payload) {}

    private FlatBufferBuilder() {}

    /**
     * The finished buffer: uoffset to {@code root} at byte 0, the 4-character file identifier at byte 4,
     * then the tree.
     */
    public static byte[] finish(Table root, String fileIdentifier) {
        byte[] id = fileIdentifier.getBytes(StandardCharsets.US_ASCII);
        if (id.length != 4) {
            throw new IllegalArgumentException("file identifier must be 4 ASCII characters: " + fileIdentifier);
        }
        FlatBufferBuilder w = new FlatBufferBuilder();
        w.out.u32(0);
        w.out.raw(id);
        w.out.patchU32(0, w.write(root));
        Map<VectorKey, Integer> vectors = new java.util.HashMap<>();
        for (Pending p : w.pending) {
            ScalarVector v = p.vector;
            int at = vectors.computeIfAbsent(new VectorKey(v.elementSize, v.alignment, ByteBuffer.wrap(v.payload)),
                    k -> w.writeScalars(v));
            w.out.patchU32(p.at, at - p.at);
        }
        return w.out.toByteArray();
    }

    /**
     * Writes {@code node} unless it was already written after {@code referrer}, and points the uoffset at
     * {@code referrer} to it; scalar vectors are queued for the end.
     */
    private void placeAfter(int referrer, Node node) {
        if (node instanceof ScalarVector v) {
            pending.add(new Pending(referrer, v));
            return;
        }
        Integer at = written.get(node);
        out.patchU32(referrer, (at != null && at > referrer ? at : write(node)) - referrer);
    }

    /** Writes {@code node} and, after it, everything it refers to; returns the node's position. */
    private int write(Node node) {
        int pos = switch (node) {
            case Table t -> writeTable(t);
            case ScalarVector v -> writeScalars(v);
            case NodeVector v -> writeNodes(v);
            case Text s -> writeText(s);
        };
        written.put(node, pos);
        return pos;
    }

    private int writeTable(Table t) {
        int maxSlot = -1;
        for (Table.Field f : t.fields) {
            maxSlot = Math.max(maxSlot, f.slot);
        }
        // Inline layout: the soffset at 0, then fields largest first so that each lands aligned
        // (the table itself starts at a multiple of 8 when it holds 8-byte fields, else of 4).
        List<Table.Field> bySize = new ArrayList<>(t.fields);
        bySize.sort(Comparator.comparingInt((Table.Field f) -> -f.size).thenComparingInt(f -> f.slot));
        int[] fieldOffset = new int[maxSlot + 1];
        int cursor = 4;
        int tableAlign = 4;
        for (Table.Field f : bySize) {
            cursor = align(cursor, f.size);
            fieldOffset[f.slot] = cursor;
            cursor += f.size;
            tableAlign = Math.max(tableAlign, f.size);
        }
        int tableSize = cursor;

        List<Integer> vtable = new ArrayList<>();
        vtable.add(4 + 2 * (maxSlot + 1));
        vtable.add(tableSize);
        for (int slot = 0; slot <= maxSlot; slot++) {
            vtable.add(fieldOffset[slot]);
        }
        Integer vtablePos = vtables.get(vtable);
        if (vtablePos == null) {
            out.alignTo(2);
            vtablePos = out.position();
            for (int v : vtable) {
                out.u16(v);
            }
            vtables.put(vtable, vtablePos);
        }

        out.alignTo(tableAlign);
        int tablePos = out.position();
        out.zeros(tableSize);
        out.patchU32(tablePos, tablePos - vtablePos);
        for (Table.Field f : t.fields) {
            if (f.child == null) {
                out.patchLittleEndian(tablePos + fieldOffset[f.slot], f.size, f.bits);
            }
        }
        for (Table.Field f : t.fields) {
            if (f.child != null) {
                placeAfter(tablePos + fieldOffset[f.slot], f.child);
            }
        }
        return tablePos;
    }

    private int writeScalars(ScalarVector v) {
        int payloadAlign = Math.max(4, Math.max(v.elementSize, v.alignment));
        // The payload follows the 4-byte length: place the length so that the payload is aligned.
        out.alignTo(4);
        while ((out.position() + 4) % payloadAlign != 0) {
            out.zeros(4);
        }
        int pos = out.position();
        out.u32(v.count);
        out.raw(v.payload);
        return pos;
    }

    private int writeNodes(NodeVector v) {
        out.alignTo(4);
        int pos = out.position();
        int n = v.elements.size();
        out.u32(n);
        out.zeros(4 * n);
        for (int k = 0; k < n; k++) {
            placeAfter(pos + 4 + 4 * k, v.elements.get(k));
        }
        return pos;
    }

    private int writeText(Text s) {
        byte[] utf8 = s.value.getBytes(StandardCharsets.UTF_8);
        out.alignTo(4);
        int pos = out.position();
        out.u32(utf8.length);
        out.raw(utf8);
        out.raw(new byte[] {0});
        return pos;
    }

    private static int align(int value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    /** A growable little-endian byte sink with absolute patching. */
    private static final class Output extends ByteArrayOutputStream {

        int position() {
            return count;
        }

        void alignTo(int alignment) {
            while (count % alignment != 0) {
                write(0);
            }
        }

        void zeros(int n) {
            for (int i = 0; i < n; i++) {
                write(0);
            }
        }

        void raw(byte[] bytes) {
            write(bytes, 0, bytes.length);
        }

        void u16(int value) {
            if (value < 0 || value > 0xFFFF) {
                throw new IllegalArgumentException("voffset out of range: " + value);
            }
            write(value & 0xFF);
            write(value >>> 8);
        }

        void u32(int value) {
            zeros(4);
            patchU32(count - 4, value);
        }

        void patchU32(int at, int value) {
            patchLittleEndian(at, 4, value);
        }

        void patchLittleEndian(int at, int size, long bits) {
            for (int i = 0; i < size; i++) {
                buf[at + i] = (byte) (bits >>> (8 * i));
            }
        }
    }
}
