package dev.sparrow.runtime.model;

import dev.sparrow.kernels.f32.PackedIndices;

/**
 * Codebook (palettised) values of a constant FLOAT32 tensor: element {@code e} is
 * {@code codebook[index(e)] · scales[(e / stride) mod scales.length]} — one codebook per layer over weights
 * normalised by a scale per output channel, the channel being the dimension with {@code stride} elements
 * after it. The indices are packed in element order at {@code bits} bits each as {@link PackedIndices}
 * describes. Written by {@code sparrow compress --codebook K}, stored in the Sparrow codebook file
 * (runtime/CODEBOOK-FORMAT.md) and kept packed in memory: the convolution and fully-connected kernels
 * decode it as they multiply.
 */
public record Palette(float[] codebook, float[] scales, int stride, int bits, byte[] indices) {

    public Palette {
        if (codebook.length < 2 || codebook.length > 256 || bits != PackedIndices.bitsFor(codebook.length)) {
            throw new IllegalArgumentException("a palette has 2 to 256 entries at their packing width, got "
                    + codebook.length + " entries at " + bits + " bits");
        }
        if (scales.length == 0 || stride <= 0) {
            throw new IllegalArgumentException("a palette needs channel scales and a positive stride, got "
                    + scales.length + " scales and stride " + stride);
        }
    }

    /** Entries of the codebook (K). */
    public int entries() {
        return codebook.length;
    }

    /** Bytes it holds: K float32 entries, a float32 scale per channel and the packed indices. */
    public long bytes() {
        return 4L * codebook.length + 4L * scales.length + indices.length;
    }

    /** The first {@code count} values as floats. */
    public float[] decode(int count) {
        float[] out = new float[count];
        PackedIndices.decode(codebook, scales, stride, indices, bits, count, out);
        return out;
    }
}
