package dev.sparrow.kernels.f32;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise fp32 operations over runs of {@code n} floats. Binary operations take each operand with a
 * step of 1 (a run) or 0 (one value repeated), which is all that NumPy broadcasting needs once the
 * caller has split the shapes into runs along the last axis. exp and tanh use the Vector API's
 * {@code EXP}/{@code TANH} lane operations (intrinsics with ≤ 1 ulp error where the platform has them,
 * {@link Math} per lane elsewhere); the scalar twins use {@link Math#exp}/{@link Math#tanh} in double.
 */
public final class Elementwise {
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final int L = F.length();
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

    public enum Binary {
        ADD, MUL,
        /** {@code a ≥ 0 ? a : b·a} with {@code b} the slope (TFLite PRELU). */
        PRELU
    }

    public enum Unary {
        /** Only the clamp: RELU, RELU6, RELU_N1_TO_1 and fused activations. */
        CLAMP,
        /** {@code x·min(6, max(0, x + 3)) / 6}. */
        HARD_SWISH,
        /** {@code 1 / (1 + exp(−x))}. */
        LOGISTIC,
        TANH
    }

    private Elementwise() {}

    /** {@code out[i] = clamp(op(a[aOff + i·aStep], b[bOff + i·bStep]))} for {@code i < n}; steps are 0 or 1. */
    public static void binary(Binary op, float[] a, int aOff, int aStep, float[] b, int bOff, int bStep,
                              float[] out, int outOff, int n, float lo, float hi) {
        // The operator is switched on per vector inside this method: a helper taking or returning vectors would
        // box them whenever the JIT declines to inline it (see the package documentation of dev.sparrow.kernels).
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = aStep == 0 ? FloatVector.broadcast(F, a[aOff]) : FloatVector.fromArray(F, a, aOff + i);
            FloatVector y = bStep == 0 ? FloatVector.broadcast(F, b[bOff]) : FloatVector.fromArray(F, b, bOff + i);
            FloatVector r = switch (op) {
                case ADD -> x.add(y);
                case MUL -> x.mul(y);
                case PRELU -> x.blend(x.mul(y), x.compare(VectorOperators.LT, 0f));
            };
            r.max(lo).min(hi).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = aStep == 0 ? FloatVector.broadcast(F, a[aOff]) : FloatVector.fromArray(F, a, aOff + i, m);
            FloatVector y = bStep == 0 ? FloatVector.broadcast(F, b[bOff]) : FloatVector.fromArray(F, b, bOff + i, m);
            FloatVector r = switch (op) {
                case ADD -> x.add(y);
                case MUL -> x.mul(y);
                case PRELU -> x.blend(x.mul(y), x.compare(VectorOperators.LT, 0f));
            };
            r.max(lo).min(hi).intoArray(out, outOff + i, m);
        }
    }

    /** Scalar twin of {@link #binary}. */
    public static void binaryScalar(Binary op, float[] a, int aOff, int aStep, float[] b, int bOff, int bStep,
                                    float[] out, int outOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            float x = a[aOff + i * aStep];
            float y = b[bOff + i * bStep];
            float r = switch (op) {
                case ADD -> x + y;
                case MUL -> x * y;
                case PRELU -> x >= 0 ? x : x * y;
            };
            out[outOff + i] = Math.min(Math.max(r, lo), hi);
        }
    }

    /**
     * {@code sum[p·channels + c] = clamp(sum[p·channels + c] + r)} for {@code pixels} NHWC pixels, where {@code r}
     * is {@code residual[p·residualChannels + c]} for {@code c < residualChannels} and {@code +0.0f} for the other
     * channels: the ADD of a residual zero-padded along the channel axis (BlazeFace's shortcut PAD), without
     * the padded copy. The padded channels still get {@code + 0.0f} (not a copy), which turns {@code −0.0f} into
     * {@code +0.0f} exactly as the unfused ADD does.
     */
    public static void addPaddedChannels(float[] sum, int sumOff, int channels, float[] residual, int residualOff,
                                         int residualChannels, int pixels, float lo, float hi) {
        // Channel vectors outside, pixels inside: the two masks of a channel vector are built once per call.
        for (int c = 0; c < channels; c += L) {
            // Masked-off lanes of a load read as +0.0f: the residual's padding comes from its mask.
            VectorMask<Float> lanes = VectorMask.fromLong(F, Gemm.firstLanes(Math.min(L, channels - c)));
            VectorMask<Float> residualLanes =
                    VectorMask.fromLong(F, Gemm.firstLanes(Math.clamp(residualChannels - c, 0, L)));
            // Whole vectors where no lane is masked: a masked load or store costs more than the add.
            boolean wholeSum = c + L <= channels;
            boolean wholeResidual = c + L <= residualChannels;
            for (int p = 0; p < pixels; p++) {
                int s = sumOff + p * channels + c;
                int r = residualOff + p * residualChannels + c;
                FloatVector x = wholeSum ? FloatVector.fromArray(F, sum, s) : FloatVector.fromArray(F, sum, s, lanes);
                FloatVector y = wholeResidual ? FloatVector.fromArray(F, residual, r)
                        : FloatVector.fromArray(F, residual, r, residualLanes);
                FloatVector z = x.add(y).max(lo).min(hi);
                if (wholeSum) {
                    z.intoArray(sum, s);
                } else {
                    z.intoArray(sum, s, lanes);
                }
            }
        }
    }

    /** Scalar twin of {@link #addPaddedChannels}. */
    public static void addPaddedChannelsScalar(float[] sum, int sumOff, int channels, float[] residual,
                                               int residualOff, int residualChannels, int pixels, float lo,
                                               float hi) {
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < channels; c++) {
                int s = sumOff + p * channels + c;
                float r = c < residualChannels ? residual[residualOff + p * residualChannels + c] : 0f;
                sum[s] = Math.min(Math.max(sum[s] + r, lo), hi);
            }
        }
    }

    /**
     * Refills {@code ext} (from {@link #periodicSlopes}) with {@code values[off + k % channels]}: the period-
     * extended form of a per-channel operand computed at run time, for {@link #binaryChannels}.
     */
    public static void fillPeriodic(float[] values, int off, int channels, float[] ext) {
        for (int k = 0; k < ext.length; k++) {
            ext[k] = values[off + k % channels];
        }
    }

    /**
     * {@code out[i] = clamp(op(x[xOff + i], ext[(phase + i) % channels]))}: a binary operation with a
     * per-channel second operand over NHWC as one flat pass (per-pixel runs of 16 or 24 channels cost a
     * call and an odometer each); {@code ext} period-extended as by {@link #periodicSlopes}.
     */
    public static void binaryChannels(Binary op, float[] x, int xOff, float[] ext, int channels, int phase, float[] out,
                                      int outOff, int n, float lo, float hi) {
        int step = L % channels;
        int j = phase;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector e = FloatVector.fromArray(F, ext, j);
            FloatVector r = switch (op) {
                case ADD -> v.add(e);
                case MUL -> v.mul(e);
                case PRELU -> v.blend(v.mul(e), v.compare(VectorOperators.LT, 0f));
            };
            r.max(lo).min(hi).intoArray(out, outOff + i);
            j += step;
            if (j >= channels) {
                j -= channels;
            }
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector e = FloatVector.fromArray(F, ext, j);
            FloatVector r = switch (op) {
                case ADD -> v.add(e);
                case MUL -> v.mul(e);
                case PRELU -> v.blend(v.mul(e), v.compare(VectorOperators.LT, 0f));
            };
            r.max(lo).min(hi).intoArray(out, outOff + i, m);
        }
    }

    /** Scalar twin of {@link #binaryChannels}. */
    public static void binaryChannelsScalar(Binary op, float[] x, int xOff, float[] ext, int channels, int phase,
                                            float[] out, int outOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            binaryScalar(op, x, xOff + i, 0, ext, (phase + i) % channels, 0, out, outOff + i, 1, lo, hi);
        }
    }

    /**
     * Slopes repeated with period {@code channels} and extended by one vector ({@code ext[k] = alpha[k % channels]},
     * {@code channels + L} values), so that a vector load at any phase {@code j < channels} reads the slopes
     * of {@code L} consecutive elements without a gather: the input of {@link #preluChannels}.
     */
    public static float[] periodicSlopes(float[] alpha, int channels) {
        float[] ext = new float[channels + L];
        for (int k = 0; k < ext.length; k++) {
            ext[k] = alpha[k % channels];
        }
        return ext;
    }

    /**
     * PRELU with one slope per channel over {@code n} NHWC floats: {@code out[i] = x ≥ 0 ? x : x·alpha[(phase + i)
     * mod channels]}, then clamped. One flat pass with whole vectors whatever the channel count (per-pixel
     * runs of 16 or 32 channels cost a call and an odometer each); {@code ext} from {@link #periodicSlopes}.
     */
    public static void preluChannels(float[] x, int xOff, float[] ext, int channels, int phase, float[] out, int outOff,
                                     int n, float lo, float hi) {
        int step = L % channels;
        int j = phase;
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            FloatVector a = FloatVector.fromArray(F, ext, j);
            v.blend(v.mul(a), v.compare(VectorOperators.LT, 0f)).max(lo).min(hi).intoArray(out, outOff + i);
            j += step;
            if (j >= channels) {
                j -= channels;
            }
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(F, x, xOff + i, m);
            FloatVector a = FloatVector.fromArray(F, ext, j);
            v.blend(v.mul(a), v.compare(VectorOperators.LT, 0f)).max(lo).min(hi).intoArray(out, outOff + i, m);
        }
    }

    /** Scalar twin of {@link #preluChannels} ({@code ext} as there; only its first {@code channels} values are read). */
    public static void preluChannelsScalar(float[] x, int xOff, float[] ext, int channels, int phase, float[] out,
                                           int outOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float r = v >= 0 ? v : v * ext[(phase + i) % channels];
            out[outOff + i] = Math.min(Math.max(r, lo), hi);
        }
    }

    /** {@code out[outOff + i] = clamp(op(in[inOff + i]))} for {@code i < n}. */
    public static void unary(Unary op, float[] in, int inOff, float[] out, int outOff, int n, float lo, float hi) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector x = FloatVector.fromArray(F, in, inOff + i);
            FloatVector r = switch (op) {
                case CLAMP -> x;
                case HARD_SWISH -> x.mul(x.add(3f).max(0f).min(6f)).div(6f);
                case LOGISTIC -> ONE.div(x.neg().lanewise(VectorOperators.EXP).add(1f));
                case TANH -> x.lanewise(VectorOperators.TANH);
            };
            r.max(lo).min(hi).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector x = FloatVector.fromArray(F, in, inOff + i, m);
            FloatVector r = switch (op) {
                case CLAMP -> x;
                case HARD_SWISH -> x.mul(x.add(3f).max(0f).min(6f)).div(6f);
                case LOGISTIC -> ONE.div(x.neg().lanewise(VectorOperators.EXP).add(1f));
                case TANH -> x.lanewise(VectorOperators.TANH);
            };
            r.max(lo).min(hi).intoArray(out, outOff + i, m);
        }
    }

    /** Scalar twin of {@link #unary}. */
    public static void unaryScalar(Unary op, float[] in, int inOff, float[] out, int outOff, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) {
            float x = in[inOff + i];
            float r = switch (op) {
                case CLAMP -> x;
                case HARD_SWISH -> x * Math.min(6f, Math.max(0f, x + 3f)) / 6f;
                case LOGISTIC -> (float) (1 / (1 + Math.exp(-(double) x)));
                case TANH -> (float) Math.tanh(x);
            };
            out[outOff + i] = Math.min(Math.max(r, lo), hi);
        }
    }

    /**
     * Softmax over rows {@code [row0, row1)} of {@code depth} floats: {@code exp(β(x − max)) / Σ}, the
     * exponentials summed in lanes then reduced.
     */
    public static void softmax(float[] in, int inOff, float[] out, int outOff, int depth, float beta, int row0, int row1) {
        for (int r = row0; r < row1; r++) {
            int src = inOff + r * depth;
            int dst = outOff + r * depth;
            FloatVector mx = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < depth; i += L) {
                VectorMask<Float> m = F.indexInRange(i, depth);
                mx = mx.max(FloatVector.fromArray(F, in, src + i, m).blend(Float.NEGATIVE_INFINITY, m.not()));
            }
            float max = mx.reduceLanes(VectorOperators.MAX);
            FloatVector sum = FloatVector.zero(F);
            for (int i = 0; i < depth; i += L) {
                VectorMask<Float> m = F.indexInRange(i, depth);
                FloatVector e = FloatVector.fromArray(F, in, src + i, m).sub(max).mul(beta)
                        .lanewise(VectorOperators.EXP);
                e.intoArray(out, dst + i, m);
                sum = sum.add(e, m);
            }
            float total = sum.reduceLanes(VectorOperators.ADD);
            for (int i = 0; i < depth; i += L) {
                VectorMask<Float> m = F.indexInRange(i, depth);
                FloatVector.fromArray(F, out, dst + i, m).div(total).intoArray(out, dst + i, m);
            }
        }
    }

    /** Scalar twin of {@link #softmax}. */
    public static void softmaxScalar(float[] in, int inOff, float[] out, int outOff, int depth, float beta, int row0, int row1) {
        for (int r = row0; r < row1; r++) {
            int src = inOff + r * depth;
            int dst = outOff + r * depth;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < depth; i++) {
                max = Math.max(max, in[src + i]);
            }
            float total = 0f;
            for (int i = 0; i < depth; i++) {
                float e = (float) Math.exp((in[src + i] - max) * beta);
                out[dst + i] = e;
                total += e;
            }
            for (int i = 0; i < depth; i++) {
                out[dst + i] /= total;
            }
        }
    }
}
