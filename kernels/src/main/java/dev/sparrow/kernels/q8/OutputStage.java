package dev.sparrow.kernels.q8;

import dev.sparrow.kernels.Species;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The epilogue of a convolution-like int8 kernel: int32 accumulator of channel {@code c} → int8, either
 * with TFLite's fixed-point multiplier ({@code mult[c]}, {@code shift[c]}, one of the {@link Requant.Rounding}
 * rules) or with XNNPACK's float scale ({@code scale[c]}, ties to even), then {@code + zp} and a clamp to
 * {@code [lo, hi]} (the fused activation range).
 *
 * <p>{@link #requantize(int[], int, int, byte[], int)} does the same with {@link #I} channels per vector: the
 * fixed-point rules run in 64-bit lanes (the accumulator widened to two long vectors), where
 * {@code acc·M} is exact, so each rule is one expression of adds and shifts, bit-identical to the scalar
 * {@link Requant} functions; the fp32 rule rounds to even by adding and subtracting {@code 1.5·2^23}, exact
 * once the value is clamped into int8 range.
 */
public final class OutputStage {
    static final VectorSpecies<Integer> I = Species.INT;
    static final VectorSpecies<Long> L = Species.LONG;
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final VectorSpecies<Byte> B = Species.BYTE_PER_INT_LANE;
    private static final float ROUND_MAGIC = 12582912.0f;

    private final Requant.Rounding rounding;
    private final int[] mult;
    private final int[] shift;
    private final float[] scale;
    private final int zp;
    private final int lo;
    private final int hi;
    /** Per-channel vector operands, padded by one int vector so loads at any channel stay in bounds. */
    private final long[] vMult;
    private final long[] vAdd;
    private final long[] vShift;
    private final long[] vNegAdjust;
    private final int[] vLeft;
    private final float[] vScale;

    private OutputStage(Requant.Rounding rounding, int[] mult, int[] shift, float[] scale, int zp, int lo, int hi) {
        if (lo > hi || lo < -128 || hi > 127) {
            throw new IllegalArgumentException("activation range [" + lo + ", " + hi + "] is not inside int8");
        }
        this.rounding = rounding;
        this.mult = mult;
        this.shift = shift;
        this.scale = scale;
        this.zp = zp;
        this.lo = lo;
        this.hi = hi;
        int padded = (channels() + I.length() - 1) / I.length() * I.length() + I.length();
        if (scale != null) {
            vMult = vAdd = vShift = vNegAdjust = null;
            vLeft = null;
            vScale = Arrays.copyOf(scale, padded);
            return;
        }
        vScale = null;
        vMult = new long[padded];
        vAdd = new long[padded];
        vShift = new long[padded];
        vNegAdjust = new long[padded];
        vLeft = new int[padded];
        for (int c = 0; c < mult.length; c++) {
            vMult[c] = mult[c];
            if (rounding == Requant.Rounding.R3) {
                int total = 31 - shift[c];
                vShift[c] = total;
                vAdd[c] = 1L << (total - 1);
            } else {
                int right = Math.max(-shift[c], 0);
                vLeft[c] = Math.max(shift[c], 0);
                vShift[c] = right;
                vAdd[c] = (1L << right) >> 1;
                vNegAdjust[c] = rounding == Requant.Rounding.R1 && right > 0 ? 1 : 0;
            }
        }
    }

    /** Fixed-point stage; {@code mult}/{@code shift} from {@link Requant#quantizeMultiplier}, one per channel. */
    public static OutputStage fixedPoint(Requant.Rounding rounding, int[] mult, int[] shift, int zp, int lo, int hi) {
        if (mult.length != shift.length) {
            throw new IllegalArgumentException(mult.length + " multipliers but " + shift.length + " shifts");
        }
        if (rounding == Requant.Rounding.R3) {
            for (int s : shift) {
                if (s > 30) {
                    throw new IllegalArgumentException("single rounding needs shift <= 30, got " + s);
                }
            }
        }
        return new OutputStage(rounding, mult.clone(), shift.clone(), null, zp, lo, hi);
    }

    /** XNNPACK fp32 stage; one float scale per channel. */
    public static OutputStage fp32(float[] scale, int zp, int lo, int hi) {
        return new OutputStage(null, null, null, scale.clone(), zp, lo, hi);
    }

    public int channels() {
        return scale != null ? scale.length : mult.length;
    }

    public int zeroPoint() {
        return zp;
    }

    /** The same stage with another fixed-point rounding rule (for experiments that compare the rules). */
    public OutputStage withRounding(Requant.Rounding other) {
        if (scale != null) {
            throw new IllegalStateException("an fp32 stage has no fixed-point rounding");
        }
        return new OutputStage(other, mult, shift, null, zp, lo, hi);
    }

    /** Requantises one accumulator of channel {@code c}. */
    public int apply(int acc, int c) {
        int q;
        if (scale != null) {
            return Requant.fp32(acc, scale[c], zp, lo, hi);
        }
        q = Requant.apply(rounding, acc, mult[c], shift[c]) + zp;
        return Math.min(Math.max(q, lo), hi);
    }

    /**
     * Requantises {@code count} accumulators {@code acc[accOff + i]} of channels {@code c0 + i} into
     * {@code out[outOff + i]}.
     */
    public void apply(int[] acc, int accOff, int c0, int count, byte[] out, int outOff) {
        if (scale != null) {
            for (int i = 0; i < count; i++) {
                out[outOff + i] = (byte) Requant.fp32(acc[accOff + i], scale[c0 + i], zp, lo, hi);
            }
            return;
        }
        switch (rounding) {
            case R1 -> {
                for (int i = 0; i < count; i++) {
                    int q = Requant.r1(acc[accOff + i], mult[c0 + i], shift[c0 + i]) + zp;
                    out[outOff + i] = (byte) Math.min(Math.max(q, lo), hi);
                }
            }
            case R2 -> {
                for (int i = 0; i < count; i++) {
                    int q = Requant.r2(acc[accOff + i], mult[c0 + i], shift[c0 + i]) + zp;
                    out[outOff + i] = (byte) Math.min(Math.max(q, lo), hi);
                }
            }
            case R3 -> {
                for (int i = 0; i < count; i++) {
                    int q = Requant.r3(acc[accOff + i], mult[c0 + i], shift[c0 + i]) + zp;
                    out[outOff + i] = (byte) Math.min(Math.max(q, lo), hi);
                }
            }
        }
    }

    /**
     * Requantises the accumulators {@code acc[accOff + c]} of channels {@code c < count} into
     * {@code out[outOff + c]}, {@link #I} channels at a time; {@code acc} must hold whole vectors (readable up
     * to {@code accOff} + {@code count} rounded up to the vector length). Same bits as {@link #apply(int[], int,
     * int, int, byte[], int)}. Each rule is one loop with every vector operation written out, so that no
     * vector value crosses a method boundary the JIT might not inline.
     */
    public void requantize(int[] acc, int accOff, int count, byte[] out, int outOff) {
        if (scale != null) {
            requantizeFp32(acc, accOff, count, out, outOff);
        } else if (rounding == Requant.Rounding.R3) {
            requantizeSingle(acc, accOff, count, out, outOff);
        } else {
            requantizeDouble(acc, accOff, count, out, outOff);
        }
    }

    private void requantizeFp32(int[] acc, int accOff, int count, byte[] out, int outOff) {
        int lanes = I.length();
        float min = lo - zp, max = hi - zp;
        for (int c = 0; c < count; c += lanes) {
            FloatVector f = ((FloatVector) IntVector.fromArray(I, acc, accOff + c).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(F, vScale, c)).max(min).min(max);
            f = f.add(ROUND_MAGIC).sub(ROUND_MAGIC);
            IntVector q = ((IntVector) f.convert(VectorOperators.F2I, 0)).add(zp);
            ByteVector b = (ByteVector) q.convertShape(VectorOperators.I2B, B, 0);
            if (count - c >= B.length()) {
                b.intoArray(out, outOff + c);
            } else {
                b.intoArray(out, outOff + c, B.indexInRange(0, Math.min(lanes, count - c)));
            }
        }
    }

    /** R3: {@code (acc·M + 2^(t−1)) >> t} with {@code t = 31 − shift}, exact in 64-bit lanes. */
    private void requantizeSingle(int[] acc, int accOff, int count, byte[] out, int outOff) {
        int lanes = I.length(), half = L.length();
        for (int c = 0; c < count; c += lanes) {
            IntVector x = IntVector.fromArray(I, acc, accOff + c);
            LongVector a = (LongVector) x.convertShape(VectorOperators.I2L, L, 0);
            LongVector b = (LongVector) x.convertShape(VectorOperators.I2L, L, 1);
            a = a.mul(LongVector.fromArray(L, vMult, c)).add(LongVector.fromArray(L, vAdd, c))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(L, vShift, c));
            b = b.mul(LongVector.fromArray(L, vMult, c + half)).add(LongVector.fromArray(L, vAdd, c + half))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(L, vShift, c + half));
            IntVector q = ((IntVector) a.convertShape(VectorOperators.L2I, I, 0))
                    .add((IntVector) b.convertShape(VectorOperators.L2I, I, -1)).add(zp).max(lo).min(hi);
            ByteVector bytes = (ByteVector) q.convertShape(VectorOperators.I2B, B, 0);
            if (count - c >= B.length()) {
                bytes.intoArray(out, outOff + c);
            } else {
                bytes.intoArray(out, outOff + c, B.indexInRange(0, Math.min(lanes, count - c)));
            }
        }
    }

    /**
     * R1/R2: {@code y = srdhm(acc << left, M)} as {@code (x·M + 2^30) >> 31} (M > 0, so the MIN·MIN saturation
     * cannot occur), then the rounding right shift {@code (y + half − (R1 and y < 0 ? 1 : 0)) >> right}.
     */
    private void requantizeDouble(int[] acc, int accOff, int count, byte[] out, int outOff) {
        int lanes = I.length(), half = L.length();
        for (int c = 0; c < count; c += lanes) {
            IntVector x = IntVector.fromArray(I, acc, accOff + c)
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(I, vLeft, c));
            LongVector a = (LongVector) x.convertShape(VectorOperators.I2L, L, 0);
            LongVector b = (LongVector) x.convertShape(VectorOperators.I2L, L, 1);
            a = a.mul(LongVector.fromArray(L, vMult, c)).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            b = b.mul(LongVector.fromArray(L, vMult, c + half)).add(1L << 30).lanewise(VectorOperators.ASHR, 31);
            a = a.sub(a.lanewise(VectorOperators.LSHR, 63).and(LongVector.fromArray(L, vNegAdjust, c)))
                    .add(LongVector.fromArray(L, vAdd, c))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(L, vShift, c));
            b = b.sub(b.lanewise(VectorOperators.LSHR, 63).and(LongVector.fromArray(L, vNegAdjust, c + half)))
                    .add(LongVector.fromArray(L, vAdd, c + half))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(L, vShift, c + half));
            IntVector q = ((IntVector) a.convertShape(VectorOperators.L2I, I, 0))
                    .add((IntVector) b.convertShape(VectorOperators.L2I, I, -1)).add(zp).max(lo).min(hi);
            ByteVector bytes = (ByteVector) q.convertShape(VectorOperators.I2B, B, 0);
            if (count - c >= B.length()) {
                bytes.intoArray(out, outOff + c);
            } else {
                bytes.intoArray(out, outOff + c, B.indexInRange(0, Math.min(lanes, count - c)));
            }
        }
    }

    @Override
    public String toString() {
        return (scale != null ? "fp32 scales " + Arrays.toString(scale)
                : rounding + " mult " + Arrays.toString(mult) + " shift " + Arrays.toString(shift))
                + " zp " + zp + " range [" + lo + ", " + hi + "]";
    }
}
