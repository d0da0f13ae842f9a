package dev.sparrow.kernels.q8;

import static dev.sparrow.kernels.q8.OutputStage.B;
import static dev.sparrow.kernels.q8.OutputStage.I;
import static dev.sparrow.kernels.q8.OutputStage.L;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * int8 PRELU as TensorFlow Lite 2.6.2's built-in kernel computes it ({@code activations.cc} PreluPrepare,
 * {@code reference_ops::BroadcastPrelu4DSlow}): with {@code x = q − zpIn},
 * <ul>
 *   <li>{@code x ≥ 0}: {@code zpOut + R1(x, M1, shift1)}, {@code M1} from {@code sIn / sOut};</li>
 *   <li>{@code x < 0}: {@code zpOut + R1(x · (α − zpAlpha), M2, shift2)}, {@code M2} from
 *       {@code sIn · sAlpha / sOut};</li>
 * </ul>
 * clamped to [−128, 127]. Both real multipliers are computed in float and only widened to double for
 * {@code QuantizeMultiplier}, as the C++ divides {@code float} scales. Operands are walked with steps 0 or 1
 * so that a per-channel slope broadcast along a run costs nothing.
 */
public final class PreluQ8 {
    private PreluQ8() {}

    /** Offsets and the two multipliers: identity side ({@code x ≥ 0}) and slope side ({@code x < 0}). */
    public record Params(int zpIn, int zpAlpha, int zpOut, int identityMult, int identityShift, int alphaMult,
                         int alphaShift) {}

    public static Params params(float scaleIn, int zpIn, float scaleAlpha, int zpAlpha, float scaleOut, int zpOut) {
        float identity = scaleIn / scaleOut;
        float slope = scaleIn * scaleAlpha / scaleOut;
        int[] m1 = Requant.quantizeMultiplier(identity);
        int[] m2 = Requant.quantizeMultiplier(slope);
        return new Params(zpIn, zpAlpha, zpOut, m1[0], m1[1], m2[0], m2[1]);
    }

    /**
     * A contiguous input ({@code xStep = 1}) runs {@link OutputStage#I} elements at a time, with the slopes
     * contiguous or repeated: each lane picks its side's multiplier, shifts and product by the sign of
     * {@code x}, then R1 in 64-bit lanes (the formulas of {@link OutputStage}'s R1 loop). This is the
     * per-element work of every PRELU in the face and pose networks, where the scalar loop cost more than all
     * their convolutions together. Other steps and the tail go through {@link #runScalar}.
     */
    public static void run(byte[] x, int xOff, int xStep, byte[] alpha, int aOff, int aStep, byte[] out, int outOff,
                           int n, Params p) {
        int lanes = I.length();
        int i = 0;
        if (n > 0 && xStep == 1 && (aStep == 1 || aStep == 0)) {
            int bound = Math.min(n, x.length - xOff - B.length() + 1);
            bound = Math.min(bound, out.length - outOff - B.length() + 1);
            if (aStep == 1) {
                bound = Math.min(bound, alpha.length - aOff - B.length() + 1);
            }
            int left1 = Math.max(p.identityShift(), 0), right1 = Math.max(-p.identityShift(), 0);
            int left2 = Math.max(p.alphaShift(), 0), right2 = Math.max(-p.alphaShift(), 0);
            IntVector left = IntVector.broadcast(I, left1);
            IntVector mult = IntVector.broadcast(I, p.identityMult());
            IntVector right = IntVector.broadcast(I, right1);
            // 2^(right − 1) as an unsigned int: right may be 31.
            IntVector half = IntVector.broadcast(I, (1 << right1) >>> 1);
            IntVector negAdjust = IntVector.broadcast(I, right1 > 0 ? 1 : 0);
            IntVector repeatedSlope = IntVector.broadcast(I, alpha[aOff] - p.zpAlpha());
            for (; i + lanes <= bound; i += lanes) {
                IntVector v = ((IntVector) ByteVector.fromArray(B, x, xOff + i).convertShape(VectorOperators.B2I, I, 0))
                        .sub(p.zpIn());
                IntVector slope = aStep == 0 ? repeatedSlope
                        : ((IntVector) ByteVector.fromArray(B, alpha, aOff + i).convertShape(VectorOperators.B2I, I, 0))
                                .sub(p.zpAlpha());
                VectorMask<Integer> negative = v.compare(VectorOperators.LT, 0);
                IntVector t = v.blend(v.mul(slope), negative)
                        .lanewise(VectorOperators.LSHL, left.blend(left2, negative));
                IntVector m = mult.blend(p.alphaMult(), negative);
                IntVector r = right.blend(right2, negative);
                IntVector h = half.blend((1 << right2) >>> 1, negative);
                IntVector adjust = negAdjust.blend(right2 > 0 ? 1 : 0, negative);
                LongVector y0 = ((LongVector) t.convertShape(VectorOperators.I2L, L, 0))
                        .mul((LongVector) m.convertShape(VectorOperators.I2L, L, 0))
                        .add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                LongVector y1 = ((LongVector) t.convertShape(VectorOperators.I2L, L, 1))
                        .mul((LongVector) m.convertShape(VectorOperators.I2L, L, 1))
                        .add(1L << 30).lanewise(VectorOperators.ASHR, 31);
                y0 = y0.sub(y0.lanewise(VectorOperators.LSHR, 63).and((LongVector) adjust.convertShape(VectorOperators.I2L, L, 0)))
                        .add((LongVector) h.convertShape(VectorOperators.I2L, L, 0))
                        .lanewise(VectorOperators.ASHR, (LongVector) r.convertShape(VectorOperators.I2L, L, 0));
                y1 = y1.sub(y1.lanewise(VectorOperators.LSHR, 63).and((LongVector) adjust.convertShape(VectorOperators.I2L, L, 1)))
                        .add((LongVector) h.convertShape(VectorOperators.I2L, L, 1))
                        .lanewise(VectorOperators.ASHR, (LongVector) r.convertShape(VectorOperators.I2L, L, 1));
                IntVector q = ((IntVector) y0.convertShape(VectorOperators.L2I, I, 0))
                        .add((IntVector) y1.convertShape(VectorOperators.L2I, I, -1))
                        .add(p.zpOut()).max(-128).min(127);
                ByteVector bytes = (ByteVector) q.convertShape(VectorOperators.I2B, B, 0);
                if (B.length() == lanes) {
                    bytes.intoArray(out, outOff + i);
                } else {
                    bytes.intoArray(out, outOff + i, B.indexInRange(0, lanes));
                }
            }
        }
        runScalar(x, xOff + i * xStep, xStep, alpha, aOff + i * aStep, aStep, out, outOff + i, n - i, p);
    }

    /** Scalar twin of {@link #run}. */
    public static void runScalar(byte[] x, int xOff, int xStep, byte[] alpha, int aOff, int aStep, byte[] out,
                                 int outOff, int n, Params p) {
        for (int i = 0; i < n; i++) {
            int v = x[xOff + i * xStep] - p.zpIn();
            int q = v >= 0 ? Requant.r1(v, p.identityMult(), p.identityShift())
                    : Requant.r1(v * (alpha[aOff + i * aStep] - p.zpAlpha()), p.alphaMult(), p.alphaShift());
            out[outOff + i] = (byte) Math.min(Math.max(q + p.zpOut(), -128), 127);
        }
    }
}
