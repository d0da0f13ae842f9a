package dev.sparrow.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place where Sparrow's vector widths are decided: every kernel takes its species from here. The JVM's
 * preferred shape is the machine's widest (512 bits with AVX-512, 256 with AVX2, 128 on NEON and with
 * {@code -XX:MaxVectorSize=16}); the narrower byte species are derived from it so that one load of bytes feeds
 * one vector of the wider type. Classes that run before the Vector API is known to be there check
 * {@link VectorModule} instead: loading this class without the module fails.
 */
public final class Species {
    /** Floats: the kernels' main shape. */
    public static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED;
    /** Ints of the same shape (int8 accumulators, codebook indices, spike counts). */
    public static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED;
    /** Longs of the same shape (the int8 output stage's 64-bit products). */
    public static final VectorSpecies<Long> LONG = LongVector.SPECIES_PREFERRED;
    /**
     * Bytes, one per lane of {@link #INT}, in at least 64 bits (the smallest shape; at 128 bits the upper half
     * is unused): a byte load widened to ints.
     */
    public static final VectorSpecies<Byte> BYTE_PER_INT_LANE =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, INT.length() * Byte.SIZE)));

    /** Bytes of the preferred shape (byte permutes: int8 table lookups). */
    public static final VectorSpecies<Byte> BYTE = ByteVector.SPECIES_PREFERRED;
    /** Doubles of the preferred shape (the int8 QUANTIZE of TFLite, which divides in double). */
    public static final VectorSpecies<Double> DOUBLE = DoubleVector.SPECIES_PREFERRED;
    /** Floats, one per lane of {@link #DOUBLE}, in at least 64 bits: a float load widened to doubles. */
    public static final VectorSpecies<Float> FLOAT_PER_DOUBLE_LANE =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, DOUBLE.length() * Float.SIZE)));
    /** Bytes, one per lane of {@link #DOUBLE}, in at least 64 bits: doubles narrowed to bytes for a store. */
    public static final VectorSpecies<Byte> BYTE_PER_DOUBLE_LANE =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, DOUBLE.length() * Byte.SIZE)));

    private Species() {}

    /** For benchmark output and logs, e.g. {@code "Species[float, 16, S_512_BIT]"}. */
    public static String describe() {
        return FLOAT.toString();
    }
}
