package dev.sparrow.runtime.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sparrow.runtime.model.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class OutputComparisonTest {

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static OutputComparison compare(float[] actual, float[] expected) {
        OutputComparison c = new OutputComparison();
        c.add(DataType.FLOAT32, floats(actual), floats(expected));
        return c;
    }

    /** A NaN on both sides (TensorFlow Lite's outputs of a model that makes one) must not hide the other elements. */
    @Test
    void nanOnBothSidesIsEqualAndTheRestIsStillMeasured() {
        OutputComparison c = compare(new float[] {Float.NaN, 2.0f, 4.0001f}, new float[] {Float.NaN, 2.0f, 4.0f});
        assertEquals(2, c.exact);
        assertEquals(0.0001 / 4, c.maxRelDiff, 1e-7);
    }

    @Test
    void infinitiesCountAsEqualOnlyWithTheSameSign() {
        assertEquals(0.0, compare(new float[] {Float.POSITIVE_INFINITY, 1f}, new float[] {Float.POSITIVE_INFINITY, 1f})
                .maxRelDiff);
        assertEquals(Double.POSITIVE_INFINITY, compare(new float[] {Float.NEGATIVE_INFINITY, 1f},
                new float[] {Float.POSITIVE_INFINITY, 1f}).maxRelDiff);
        assertEquals(Double.POSITIVE_INFINITY, compare(new float[] {3f, 1f}, new float[] {Float.POSITIVE_INFINITY, 1f})
                .maxRelDiff);
        assertEquals(Double.POSITIVE_INFINITY, compare(new float[] {Float.NaN, 1f}, new float[] {0f, 1f}).maxRelDiff);
    }
}
