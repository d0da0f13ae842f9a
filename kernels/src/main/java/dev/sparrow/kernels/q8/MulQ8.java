package dev.sparrow.kernels.q8;

import static dev.sparrow.kernels.q8.OutputStage.B;
import static dev.sparrow.kernels.q8.OutputStage.F;
import static dev.sparrow.kernels.q8.OutputStage.I;
import static dev.sparrow.kernels.q8.OutputStage.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * int8 element-wise multiplication of two differently quantised tensors: TFLite's
 * ({@code zpOut + R1((a − zpA)·(b − zpB), M, shift)} with {@code M, shift} from the float product
 * {@code sA·sB/sOut}, see {@code reference/int8-rounding.md} §4.6) or XNNPACK's {@code qs8-vmul} fp32 rule
 * (§5). Operands are walked with steps 0 or 1 so that broadcasting along a run costs nothing.
 */
public final class MulQ8 {
    /** {@code 1.5·2^23}: adding and subtracting it rounds a float of magnitude below 2^22 to even. */
    private static final float ROUND_MAGIC = 12582912.0f;

    private MulQ8() {}

    /** TFLite parameters: one Q31 multiplier for the whole tensor; {@code shift} may be positive. */
    public record TfliteParams(int zpA, int zpB, int zpOut, int mult, int shift, int lo, int hi) {}

    /** XNNPACK parameters: the float scale {@code (sA·sB)/sOut}. */
    public record XnnpackParams(int zpA, int zpB, int zpOut, float scale, int lo, int hi) {}

    public static TfliteParams tfliteParams(float scaleA, int zpA, float scaleB, int zpB, float scaleOut, int zpOut,
                                            int lo, int hi) {
        // TFLite's mul.cc forms the real multiplier in float and widens it only for QuantizeMultiplier.
        float real = scaleA * scaleB / scaleOut;
        int[] ms = Requant.quantizeMultiplier(real);
        return new TfliteParams(zpA, zpB, zpOut, ms[0], ms[1], lo, hi);
    }

    public static XnnpackParams xnnpackParams(float scaleA, int zpA, float scaleB, int zpB, float scaleOut, int zpOut,
                                              int lo, int hi) {
        float scale = scaleA * scaleB / scaleOut;
        if (!(scale >= 0x1.0p-32f && scale < 256f)) {
            throw new IllegalArgumentException("MUL scale ratio " + scale + " is outside [2^-32, 256)");
        }
        return new XnnpackParams(zpA, zpB, zpOut, scale, lo, hi);
    }

    /**
     * TFLite arithmetic; operands with steps 0 or 1 run {@link OutputStage#I} elements at a time with R1 in
     * 64-bit lanes (the formulas of {@link OutputStage}'s R1 loop) — the squeeze-and-excite products of
     * selfie_segmentation made the scalar loop a third of that network's time. The tail and other steps go
     * through {@link #tfliteScalar}.
     */
    public static void tflite(byte[] a, int aOff, int aStep, byte[] b, int bOff, int bStep, byte[] out, int outOff,
                              int n, TfliteParams p) {
        int lanes = I.length();
        int i = 0;
        if (n > 0 && aStep <= 1 && bStep <= 1) {
            int bound = vectorBound(a, aOff, aStep, b, bOff, bStep, out, outOff, n);
            int left = Math.max(p.shift(), 0), right = Math.max(-p.shift(), 0);
            long half = (1L << right) >> 1, negAdjust = right > 0 ? 1 : 0;
            IntVector repeatedA = IntVector.broadcast(I, a[aOff] - p.zpA());
            IntVector repeatedB = IntVector.broadcast(I, b[bOff] - p.zpB());
            for (; i + lanes <= bound; i += lanes) {
                IntVector x = aStep == 0 ? repeatedA
                        : ((IntVector) ByteVector.fromArray(B, a, aOff + i).convertShape(VectorOperators.B2I, I, 0))
                                .sub(p.zpA());
                IntVector y = bStep == 0 ? repeatedB
                        : ((IntVector) ByteVector.fromArray(B, b, bOff + i).convertShape(VectorOperators.B2I, I, 0))
                                .sub(p.zpB());
                IntVector t = x.mul(y).lanewise(VectorOperators.LSHL, left);
                LongVector z0 = ((LongVector) t.convertShape(VectorOperators.I2L, L, 0))
                        .mul(p.mult()).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                LongVector z1 = ((LongVector) t.convertShape(VectorOperators.I2L, L, 1))
                        .mul(p.mult()).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                z0 = z0.sub(z0.lanewise(VectorOperators.LSHR, 63).and(negAdjust)).add(half)
                        .lanewise(VectorOperators.ASHR, right);
                z1 = z1.sub(z1.lanewise(VectorOperators.LSHR, 63).and(negAdjust)).add(half)
                        .lanewise(VectorOperators.ASHR, right);
                IntVector q = ((IntVector) z0.convertShape(VectorOperators.L2I, I, 0))
                        .add((IntVector) z1.convertShape(VectorOperators.L2I, I, -1))
                        .add(p.zpOut()).max(p.lo()).min(p.hi());
                ByteVector bytes = (ByteVector) q.convertShape(VectorOperators.I2B, B, 0);
                if (B.length() == lanes) {
                    bytes.intoArray(out, outOff + i);
                } else {
                    bytes.intoArray(out, outOff + i, B.indexInRange(0, lanes));
                }
            }
        }
        tfliteScalar(a, aOff + i * aStep, aStep, b, bOff + i * bStep, bStep, out, outOff + i, n - i, p);
    }

    /** Scalar twin of {@link #tflite}. */
    public static void tfliteScalar(byte[] a, int aOff, int aStep, byte[] b, int bOff, int bStep, byte[] out,
                                    int outOff, int n, TfliteParams p) {
        for (int i = 0; i < n; i++) {
            int product = (a[aOff + i * aStep] - p.zpA()) * (b[bOff + i * bStep] - p.zpB());
            int q = Requant.r1(product, p.mult(), p.shift()) + p.zpOut();
            out[outOff + i] = (byte) Math.min(Math.max(q, p.lo()), p.hi());
        }
    }

    /**
     * XNNPACK arithmetic, vectorised like {@link #tflite}: the product converted to float, scaled, clamped,
     * rounded to even by adding and subtracting {@code 1.5·2^23} (exact once inside the int8 range).
     */
    public static void xnnpack(byte[] a, int aOff, int aStep, byte[] b, int bOff, int bStep, byte[] out, int outOff,
                               int n, XnnpackParams p) {
        int lanes = I.length();
        int i = 0;
        if (n > 0 && aStep <= 1 && bStep <= 1) {
            int bound = vectorBound(a, aOff, aStep, b, bOff, bStep, out, outOff, n);
            float min = p.lo() - p.zpOut(), max = p.hi() - p.zpOut();
            IntVector repeatedA = IntVector.broadcast(I, a[aOff] - p.zpA());
            IntVector repeatedB = IntVector.broadcast(I, b[bOff] - p.zpB());
            for (; i + lanes <= bound; i += lanes) {
                IntVector x = aStep == 0 ? repeatedA
                        : ((IntVector) ByteVector.fromArray(B, a, aOff + i).convertShape(VectorOperators.B2I, I, 0))
                                .sub(p.zpA());
                IntVector y = bStep == 0 ? repeatedB
                        : ((IntVector) ByteVector.fromArray(B, b, bOff + i).convertShape(VectorOperators.B2I, I, 0))
                                .sub(p.zpB());
                FloatVector f = ((FloatVector) x.mul(y).convert(VectorOperators.I2F, 0))
                        .mul(p.scale()).max(min).min(max);
                f = f.add(ROUND_MAGIC).sub(ROUND_MAGIC);
                IntVector q = ((IntVector) f.convert(VectorOperators.F2I, 0)).add(p.zpOut());
                ByteVector bytes = (ByteVector) q.convertShape(VectorOperators.I2B, B, 0);
                if (B.length() == lanes) {
                    bytes.intoArray(out, outOff + i);
                } else {
                    bytes.intoArray(out, outOff + i, B.indexInRange(0, lanes));
                }
            }
        }
        xnnpackScalar(a, aOff + i * aStep, aStep, b, bOff + i * bStep, bStep, out, outOff + i, n - i, p);
    }

    /** Scalar twin of {@link #xnnpack}. */
    public static void xnnpackScalar(byte[] a, int aOff, int aStep, byte[] b, int bOff, int bStep, byte[] out,
                                     int outOff, int n, XnnpackParams p) {
        for (int i = 0; i < n; i++) {
            int product = (a[aOff + i * aStep] - p.zpA()) * (b[bOff + i * bStep] - p.zpB());
            out[outOff + i] = (byte) Requant.fp32(product, p.scale(), p.zpOut(), p.lo(), p.hi());
        }
    }

    /** Elements from which a full byte load of every advancing operand and the store stay inside the arrays. */
    private static int vectorBound(byte[] a, int aOff, int aStep, byte[] b, int bOff, int bStep, byte[] out,
                                   int outOff, int n) {
        int bound = Math.min(n, out.length - outOff - B.length() + 1);
        if (aStep == 1) {
            bound = Math.min(bound, a.length - aOff - B.length() + 1);
        }
        if (bStep == 1) {
            bound = Math.min(bound, b.length - bOff - B.length() + 1);
        }
        return bound;
    }
}
