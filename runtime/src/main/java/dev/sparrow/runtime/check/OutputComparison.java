package dev.sparrow.runtime.check;

import dev.sparrow.runtime.model.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How far one set of outputs is from another, as DESIGN.md defines it: {@code maxRelDiff} is normalised
 * per output tensor (max |a − b| / max |b| over the tensor, then the largest over tensors), because
 * element-wise relative error is meaningless near zero. 8-bit outputs are compared as integers. A NaN or an
 * infinity where the other side has the same is equal; where it has anything else, infinitely far.
 */
public final class OutputComparison {
    public long elements;
    public long exact;
    public double maxAbsDiff;
    public double maxRelDiff;

    /** Adds one output tensor: {@code actual} against {@code expected}, both raw little-endian bytes. */
    public void add(DataType type, byte[] actual, byte[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException("outputs differ in size: " + actual.length + " vs " + expected.length + " bytes");
        }
        double tensorMaxAbs = 0;
        double tensorMaxRef = 0;
        if (type == DataType.FLOAT32) {
            ByteBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < actual.length; i += 4) {
                float x = a.getFloat(i);
                float y = e.getFloat(i);
                elements++;
                if (Float.floatToIntBits(x) == Float.floatToIntBits(y)) {
                    exact++;
                }
                double d = Float.isNaN(x) != Float.isNaN(y) ? Double.POSITIVE_INFINITY : Math.abs((double) x - y);
                if (!Double.isNaN(d)) {
                    tensorMaxAbs = Math.max(tensorMaxAbs, d);
                }
                // The scale is the largest finite reference value: a NaN would make every distance NaN, and
                // an infinity would make every finite distance 0. NaN and infinities count through d above.
                if (Float.isFinite(y)) {
                    tensorMaxRef = Math.max(tensorMaxRef, Math.abs((double) y));
                }
            }
        } else {
            boolean unsigned = type == DataType.UINT8;
            for (int i = 0; i < actual.length; i++) {
                int x = unsigned ? actual[i] & 0xFF : actual[i];
                int y = unsigned ? expected[i] & 0xFF : expected[i];
                elements++;
                if (x == y) {
                    exact++;
                }
                tensorMaxAbs = Math.max(tensorMaxAbs, Math.abs(x - y));
                tensorMaxRef = Math.max(tensorMaxRef, Math.abs(y));
            }
        }
        maxAbsDiff = Math.max(maxAbsDiff, tensorMaxAbs);
        double rel = tensorMaxAbs == 0 ? 0 : tensorMaxRef == 0 ? Double.POSITIVE_INFINITY : tensorMaxAbs / tensorMaxRef;
        maxRelDiff = Math.max(maxRelDiff, rel);
    }
}
