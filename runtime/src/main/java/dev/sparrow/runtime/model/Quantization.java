package dev.sparrow.runtime.model;

import java.util.Arrays;

/**
 * Affine quantisation {@code real = scale × (q − zeroPoint)}, per tensor (one scale) or per channel along
 * {@code quantizedDimension}.
 */
public record Quantization(float[] scales, long[] zeroPoints, int quantizedDimension) {

    public Quantization {
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("quantization needs as many zero points as scales, got "
                    + scales.length + " scales and " + zeroPoints.length + " zero points");
        }
    }

    public static Quantization perTensor(float scale, int zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public boolean perChannel() {
        return scales.length > 1;
    }

    /** The single scale of a per-tensor quantisation. */
    public float scale() {
        requirePerTensor();
        return scales[0];
    }

    /** The single zero point of a per-tensor quantisation. */
    public int zeroPoint() {
        requirePerTensor();
        return (int) zeroPoints[0];
    }

    /**
     * A real value as int8 the way TensorFlow Lite's QUANTIZE does it ({@code reference_ops::AffineQuantize}):
     * the division in double, ties away from zero, then the zero point, clamped to [−128, 127]. A caller of a
     * model with int8 input feeds it this, so that it sees what the float-input model's QUANTIZE would make.
     */
    public byte quantizeInt8(float x) {
        double q = (double) x / (double) scale();
        double whole = Math.floor(Math.abs(q));
        double rounded = Math.copySign(Math.abs(q) - whole >= 0.5 ? whole + 1 : whole, q);
        return (byte) Math.min(Math.max(rounded + zeroPoint(), -128), 127);
    }

    /** An int8 value as real, as DEQUANTIZE computes it: {@code (float) (scale × (q − zp))} with a double scale. */
    public float dequantize(int q) {
        return (float) ((double) scale() * (q - zeroPoint()));
    }

    private void requirePerTensor() {
        if (perChannel()) {
            throw new IllegalStateException("per-channel quantization (" + scales.length
                    + " channels on dimension " + quantizedDimension + ") used where one scale is expected");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantization q && Arrays.equals(scales, q.scales)
                && Arrays.equals(zeroPoints, q.zeroPoints) && quantizedDimension == q.quantizedDimension;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints)) + quantizedDimension;
    }

    @Override
    public String toString() {
        return perChannel()
                ? "per-channel(dim " + quantizedDimension + ", " + scales.length + " scales)"
                : "scale " + scales[0] + " zp " + zeroPoints[0];
    }
}
