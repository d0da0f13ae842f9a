package dev.sparrow.runtime.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of the graph. Constant tensors carry their dense little-endian bytes in {@link #data()}
 * (sparse constants are densified at load) or, palettised by {@code sparrow compress --codebook}, a
 * {@link Palette} and no dense bytes; activations have neither.
 *
 * @param index        position in the subgraph's tensor list
 * @param shape        static shape as stored in the file
 * @param quantization null for unquantised tensors
 * @param storedSparse true when the file stored this constant in TFLite's sparse encoding
 * @param palette      the codebook values of a palettised FLOAT32 constant ({@code data} is then null), or null
 */
public record Tensor(int index, String name, DataType type, int[] shape, Quantization quantization, byte[] data,
                     boolean storedSparse, Palette palette) {

    public Tensor {
        if (palette != null && (data != null || type != DataType.FLOAT32)) {
            throw new IllegalArgumentException("a palettised tensor is FLOAT32 without dense data: " + name);
        }
    }

    /** A tensor without a palette. */
    public Tensor(int index, String name, DataType type, int[] shape, Quantization quantization, byte[] data,
                  boolean storedSparse) {
        this(index, name, type, shape, quantization, data, storedSparse, null);
    }

    public boolean isConstant() {
        return data != null || palette != null;
    }

    public int elementCount() {
        return elementCount(shape);
    }

    public static int elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor shape " + formatShape(shape) + " has more than 2^31 elements");
            }
        }
        return (int) n;
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** Bytes the constant holds in memory: its dense data, or its palette's codebook and packed indices. */
    public long storedBytes() {
        return palette != null ? palette.bytes() : data.length;
    }

    /** The constant's dense little-endian bytes, decoding a palette. */
    public byte[] denseBytes() {
        if (palette == null) {
            return data;
        }
        ByteBuffer b = ByteBuffer.allocate(4 * elementCount()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(floats());
        return b.array();
    }

    /** Constant data as floats (a palette decoded); requires a FLOAT32 constant. */
    public float[] floats() {
        requireConstant(DataType.FLOAT32);
        if (palette != null) {
            return palette.decode(elementCount());
        }
        float[] out = new float[elementCount()];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Constant data as int32 values; requires an INT32 constant. */
    public int[] ints() {
        requireConstant(DataType.INT32);
        int[] out = new int[elementCount()];
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /** Constant data as raw bytes; requires an INT8 or UINT8 constant. */
    public byte[] bytes() {
        if (type != DataType.INT8 && type != DataType.UINT8) {
            throw new IllegalStateException(describe() + " is " + type + ", not an 8-bit tensor");
        }
        requireConstant(type);
        return data.clone();
    }

    private void requireConstant(DataType expected) {
        if (type != expected) {
            throw new IllegalStateException(describe() + " is " + type + ", expected " + expected);
        }
        if (!isConstant()) {
            throw new IllegalStateException(describe() + " is not a constant");
        }
    }

    /** Short description for error messages: index, name, type and shape. */
    public String describe() {
        return "tensor " + index + " '" + name + "' " + type + formatShape(shape);
    }

    /** Dimensions shown in full by {@link #formatShape}; beyond it a message would grow with the file. */
    private static final int SHAPE_DIMS_SHOWN = 8;

    /**
     * A shape for messages: {@code [1, 224, 224, 3]}, or for a rank above 8 (a malformed model can declare
     * thousands of dimensions) the first four and the last two around the rank: {@code [1, 1, 1, 1, …1500
     * dims…, 1, 5]}, so that a message stays one short line.
     */
    public static String formatShape(int[] shape) {
        if (shape.length <= SHAPE_DIMS_SHOWN) {
            return Arrays.toString(shape);
        }
        StringBuilder s = new StringBuilder("[");
        for (int d = 0; d < 4; d++) {
            s.append(shape[d]).append(", ");
        }
        s.append('…').append(shape.length).append(" dims…");
        for (int d = shape.length - 2; d < shape.length; d++) {
            s.append(", ").append(shape[d]);
        }
        return s.append(']').toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
