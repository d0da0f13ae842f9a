package dev.sparrow.runtime.tflite;

import dev.sparrow.runtime.model.ModelException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked, little-endian reading of a FlatBuffer. Every offset, vtable and vector length is checked
 * against the file before it is followed or used to size an allocation, so hostile bytes end in a
 * {@link ModelException} naming the byte offset and the schema path ("subgraph 0 / tensor 12 / shape").
 *
 * <p>Offsets may legally alias, so a small file can point a million times at one large table. A work
 * budget proportional to the file size (tables opened plus vector elements read) bounds that amplification;
 * the typed schema walk itself is a fixed-depth tree and cannot loop.
 */
final class FlatBuffer {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest uoffset the FlatBuffers verifier accepts (offsets are signed 32-bit in its arithmetic). */
    private static final long MAX_UOFFSET = 0x7FFF_FFFFL;
    /** Largest vector a Java array can hold. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    final MemorySegment bytes;
    final long length;
    final String source;
    private long workLeft;

    FlatBuffer(MemorySegment bytes, String source) {
        this.bytes = bytes;
        this.length = bytes.byteSize();
        this.source = source;
        this.workLeft = 16 * length + 1_000_000;
    }

    ModelException error(String message) {
        return new ModelException(source + ": " + message);
    }

    ModelException error(long at, String where, String message) {
        return new ModelException(source + ": " + where + ": " + message + " (at byte " + at + ")");
    }

    /** Counts work against the budget; fails when aliasing makes the walk far larger than the file. */
    void charge(long units, String where) {
        workLeft -= units;
        if (workLeft < 0) {
            throw error(where + ": the file's offsets alias so much that reading it would take more than 16× its size"
                    + " in work (" + length + " bytes); refusing it as hostile");
        }
    }

    void need(long pos, long size, String where) {
        if (pos < 0 || size < 0 || pos > length - size) {
            throw error(pos, where, size + " bytes at byte " + pos + " lie outside the file (" + length + " bytes)");
        }
    }

    int u8(long p, String where) {
        need(p, 1, where);
        return bytes.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
    }

    int u16(long p, String where) {
        need(p, 2, where);
        return bytes.get(U16, p) & 0xFFFF;
    }

    int i32(long p, String where) {
        need(p, 4, where);
        return bytes.get(I32, p);
    }

    long u32(long p, String where) {
        return i32(p, where) & 0xFFFF_FFFFL;
    }

    long i64(long p, String where) {
        need(p, 8, where);
        return bytes.get(I64, p);
    }

    float f32(long p, String where) {
        need(p, 4, where);
        return bytes.get(F32, p);
    }

    /** Copies {@code size} bytes at {@code pos}, which the caller has bounded by the file. */
    byte[] copy(long pos, long size, String where) {
        need(pos, size, where);
        if (size > MAX_ELEMENTS) {
            throw error(pos, where, size + " bytes do not fit one Java array");
        }
        charge(size, where);
        return bytes.asSlice(pos, size).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Follows the uoffset stored at {@code at}: nonzero, below 2^31 and landing inside the file. */
    long follow(long at, String where) {
        long u = u32(at, where);
        if (u == 0 || u > MAX_UOFFSET) {
            throw error(at, where, "offset " + u + " is not a valid forward offset (must be 1.." + MAX_UOFFSET + ")");
        }
        long target = at + u;
        if (target >= length) {
            throw error(at, where, "offset " + u + " points to byte " + target + ", past the end of the file (" + length + " bytes)");
        }
        return target;
    }

    /** Opens the table at {@code pos}, validating its vtable. */
    Table table(long pos, String where) {
        charge(1, where);
        long soffset = i32(pos, where);
        long vtable = pos - soffset;
        if (vtable < 0 || vtable > length - 4) {
            throw error(pos, where, "vtable offset " + soffset + " points to byte " + vtable + ", outside the file");
        }
        int vtSize = u16(vtable, where);
        int tableSize = u16(vtable + 2, where);
        if (vtSize < 4 || (vtSize & 1) != 0) {
            throw error(vtable, where, "vtable size " + vtSize + " is not an even number ≥ 4");
        }
        need(vtable, vtSize, where + " vtable");
        if (tableSize < 4) {
            throw error(vtable, where, "table size " + tableSize + " is smaller than its 4-byte vtable offset");
        }
        need(pos, tableSize, where + " table");
        return new Table(pos, vtable, vtSize, where);
    }

    /** A table: fields are looked up through the vtable and are absent (schema default) when not stored. */
    final class Table {
        final long pos;
        private final long vtable;
        private final int vtSize;
        final String where;

        private Table(long pos, long vtable, int vtSize, String where) {
            this.pos = pos;
            this.vtable = vtable;
            this.vtSize = vtSize;
            this.where = where;
        }

        /** @return the absolute position of the field in {@code slot}, or 0 when it is absent. */
        long field(int slot) {
            int entryAt = 4 + 2 * slot;
            if (entryAt + 2 > vtSize) {
                return 0;
            }
            int entry = u16(vtable + entryAt, where);
            return entry == 0 ? 0 : pos + entry;
        }

        int i8(int slot, int absent) {
            long f = field(slot);
            return f == 0 ? absent : (byte) FlatBuffer.this.u8(f, where);
        }

        int u8(int slot, int absent) {
            long f = field(slot);
            return f == 0 ? absent : FlatBuffer.this.u8(f, where);
        }

        boolean bool(int slot, boolean absent) {
            long f = field(slot);
            return f == 0 ? absent : FlatBuffer.this.u8(f, where) != 0;
        }

        int i32(int slot, int absent) {
            long f = field(slot);
            return f == 0 ? absent : FlatBuffer.this.i32(f, where);
        }

        long u32(int slot, long absent) {
            long f = field(slot);
            return f == 0 ? absent : FlatBuffer.this.u32(f, where);
        }

        long u64(int slot, long absent) {
            long f = field(slot);
            return f == 0 ? absent : i64(f, where);
        }

        float f32(int slot, float absent) {
            long f = field(slot);
            return f == 0 ? absent : FlatBuffer.this.f32(f, where);
        }

        /** @return the child table, or null when the field is absent. */
        Table table(int slot, String name) {
            long f = field(slot);
            return f == 0 ? null : FlatBuffer.this.table(follow(f, where + " / " + name), where + " / " + name);
        }

        /** @return the vector of {@code elementSize}-byte elements, or null when the field is absent. */
        Vector vector(int slot, int elementSize, String name) {
            long f = field(slot);
            return f == 0 ? null : vectorAt(follow(f, where + " / " + name), elementSize, where + " / " + name);
        }

        /**
         * @return the string (malformed UTF-8 replaced), or null when the field is absent
         * @throws ModelException when no NUL byte follows it: FlatBuffers strings end in one, the verifier
         *     TensorFlow Lite runs refuses a string without, and a corrupt length shows that way
         */
        String string(int slot, String name) {
            Vector v = vector(slot, 1, name);
            if (v == null) {
                return null;
            }
            long end = v.start + v.count;
            if (end >= length || FlatBuffer.this.u8(end, v.where) != 0) {
                throw error(v.start - 4, v.where, "string of " + v.count + " bytes is not followed by a NUL byte;"
                        + " its length is corrupt");
            }
            return new String(v.bytes(), StandardCharsets.UTF_8);
        }
    }

    /** Opens the vector at {@code pos}, checking that its claimed length fits in the rest of the file. */
    Vector vectorAt(long pos, int elementSize, String where) {
        long n = u32(pos, where);
        long room = (length - pos - 4) / elementSize;
        if (n > room || n > MAX_ELEMENTS) {
            throw error(pos, where, "vector claims " + n + " elements of " + elementSize
                    + " bytes but only " + Math.max(0, room) + " fit before the end of the file");
        }
        return new Vector(pos + 4, (int) n, elementSize, where);
    }

    /** A vector of scalars or of offsets to tables; element reads are bounded by its checked length. */
    final class Vector {
        final long start;
        final int count;
        private final int elementSize;
        final String where;

        private Vector(long start, int count, int elementSize, String where) {
            this.start = start;
            this.count = count;
            this.elementSize = elementSize;
            this.where = where;
        }

        private long at(int k) {
            if (k < 0 || k >= count) {
                throw new IndexOutOfBoundsException(where + ": element " + k + " of " + count);
            }
            return start + (long) k * elementSize;
        }

        /** Element {@code k} of a vector of tables (the uoffset is relative to the element's own slot). */
        Table table(int k, String name) {
            long slot = at(k);
            return FlatBuffer.this.table(follow(slot, where + "[" + k + "]"), name);
        }

        byte[] bytes() {
            return copy(start, count, where);
        }

        int[] ints() {
            charge(count, where);
            int[] out = new int[count];
            for (int k = 0; k < count; k++) {
                out[k] = i32(at(k), where);
            }
            return out;
        }

        long[] longs() {
            charge(count, where);
            long[] out = new long[count];
            for (int k = 0; k < count; k++) {
                out[k] = i64(at(k), where);
            }
            return out;
        }

        float[] floats() {
            charge(count, where);
            float[] out = new float[count];
            for (int k = 0; k < count; k++) {
                out[k] = f32(at(k), where);
            }
            return out;
        }

        /** Unsigned elements of 1, 2 or 4 bytes as ints; 4-byte values above 2^31 − 1 are rejected. */
        int[] unsigned() {
            charge(count, where);
            int[] out = new int[count];
            for (int k = 0; k < count; k++) {
                long p = at(k);
                long v = switch (elementSize) {
                    case 1 -> u8(p, where);
                    case 2 -> u16(p, where);
                    default -> u32(p, where);
                };
                if (v > Integer.MAX_VALUE) {
                    throw error(p, where, "element " + k + " = " + v + " is too large");
                }
                out[k] = (int) v;
            }
            return out;
        }
    }
}
