package dev.sparrow.kernels.q8;

import static dev.sparrow.kernels.q8.OutputStage.B;
import static dev.sparrow.kernels.q8.OutputStage.F;
import static dev.sparrow.kernels.q8.OutputStage.I;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * QUANTIZE of float activations to 8 bits ({@code qmin..qmax} is −128..127 for int8, 0..255 for uint8; the
 * stored byte is the low 8 bits), by either runtime's rule:
 * <ul>
 *   <li>TFLite ({@code reference_ops::AffineQuantize}): {@code clamp(round(x / s) + zp)}, the division in
 *       double, {@code std::round}'s ties away from zero;</li>
 *   <li>XNNPACK ({@code f32-qs8-vcvt}): {@code x · (1/s)} in float, clamped to {@code [qmin − zp, qmax − zp]},
 *       rounded half to even, plus zp.</li>
 * </ul>
 * The first step of every int8 network converts the whole input image; scalar, TFLite's rule cost 11 ns per
 * value (a tenth of face_landmark's time).
 */
public final class QuantizeQ8 {
    static final VectorSpecies<Double> D = Species.DOUBLE;
    static final VectorSpecies<Float> FD = Species.FLOAT_PER_DOUBLE_LANE;
    static final VectorSpecies<Byte> BD = Species.BYTE_PER_DOUBLE_LANE;
    /** {@code 2^52}: adding and subtracting it rounds a double of magnitude below 2^51 to even. */
    private static final double ROUND_DOUBLE = 0x1.0p52;
    /** {@code 1.5·2^23}: adding and subtracting it rounds a float of magnitude below 2^22 to even. */
    private static final float ROUND_FLOAT = 12582912.0f;

    private QuantizeQ8() {}

    /**
     * TFLite's rule, {@link #D} values at a time: the quotient is clamped to one step outside the output range
     * (which keeps every clamped result), rounded to even by {@code 2^52}, and moved up where that rounding
     * went down from an exact half — ties away from zero on the magnitude, then the sign back.
     */
    public static void tflite(float[] src, int srcOff, byte[] dst, int dstOff, int n, float scale, int zp, int qmin,
                              int qmax) {
        int lanes = D.length();
        double s = scale;
        double below = qmin - zp - 1, above = qmax - zp + 1;
        int i = 0;
        int bound = Math.min(n, Math.min(src.length - srcOff - FD.length(), dst.length - dstOff - BD.length()) + 1);
        for (; i + lanes <= bound; i += lanes) {
            DoubleVector v = ((DoubleVector) FloatVector.fromArray(FD, src, srcOff + i)
                    .convertShape(VectorOperators.F2D, D, 0)).div(s).max(below).min(above);
            DoubleVector a = v.abs();
            DoubleVector r = a.add(ROUND_DOUBLE).sub(ROUND_DOUBLE);
            r = r.add(1.0, a.sub(r).compare(VectorOperators.EQ, 0.5));
            r = r.neg().blend(r, v.compare(VectorOperators.GE, 0.0)).add(zp).max(qmin).min(qmax);
            ByteVector bytes = (ByteVector) r.convertShape(VectorOperators.D2B, BD, 0);
            if (BD.length() == lanes) {
                bytes.intoArray(dst, dstOff + i);
            } else {
                bytes.intoArray(dst, dstOff + i, BD.indexInRange(0, lanes));
            }
        }
        tfliteScalar(src, srcOff + i, dst, dstOff + i, n - i, scale, zp, qmin, qmax);
    }

    /** Scalar twin of {@link #tflite}. */
    public static void tfliteScalar(float[] src, int srcOff, byte[] dst, int dstOff, int n, float scale, int zp,
                                    int qmin, int qmax) {
        for (int i = 0; i < n; i++) {
            double unclamped = roundHalfAway((double) src[srcOff + i] / (double) scale) + zp;
            dst[dstOff + i] = (byte) (int) Math.min(Math.max(unclamped, qmin), qmax);
        }
    }

    /** {@code std::round} on a double: nearest integer, ties away from zero. */
    static double roundHalfAway(double v) {
        double a = Math.abs(v);
        double f = Math.floor(a);
        return Math.copySign(a - f >= 0.5 ? f + 1 : f, v);
    }

    /** XNNPACK's rule, {@link OutputStage#I} values at a time; {@code inverse = 1.0f / scale}. */
    public static void xnnpack(float[] src, int srcOff, byte[] dst, int dstOff, int n, float inverse, int zp,
                               int qmin, int qmax) {
        int lanes = I.length();
        float min = qmin - zp, max = qmax - zp;
        int i = 0;
        int bound = Math.min(n, Math.min(src.length - srcOff, dst.length - dstOff - B.length() + 1));
        for (; i + lanes <= bound; i += lanes) {
            FloatVector f = FloatVector.fromArray(F, src, srcOff + i).mul(inverse).max(min).min(max);
            f = f.add(ROUND_FLOAT).sub(ROUND_FLOAT);
            IntVector q = ((IntVector) f.convert(VectorOperators.F2I, 0)).add(zp);
            ByteVector bytes = (ByteVector) q.convertShape(VectorOperators.I2B, B, 0);
            if (B.length() == lanes) {
                bytes.intoArray(dst, dstOff + i);
            } else {
                bytes.intoArray(dst, dstOff + i, B.indexInRange(0, lanes));
            }
        }
        xnnpackScalar(src, srcOff + i, dst, dstOff + i, n - i, inverse, zp, qmin, qmax);
    }

    /** Scalar twin of {@link #xnnpack}. */
    public static void xnnpackScalar(float[] src, int srcOff, byte[] dst, int dstOff, int n, float inverse, int zp,
                                     int qmin, int qmax) {
        for (int i = 0; i < n; i++) {
            float f = src[srcOff + i] * inverse;
            f = Math.max(f, (float) (qmin - zp));
            f = Math.min(f, (float) (qmax - zp));
            dst[dstOff + i] = (byte) ((int) Math.rint(f) + zp);
        }
    }
}
