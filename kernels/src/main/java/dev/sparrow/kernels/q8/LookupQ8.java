package dev.sparrow.kernels.q8;

import dev.sparrow.kernels.Species;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.DoubleUnaryOperator;

/**
 * int8 → int8 through a 256-entry table, the way TensorFlow Lite's optimized LOGISTIC and TANH kernels
 * work: {@code table[v] = clamp((int)(roundf(f(sIn·(v − zpIn)) / sOut) + zpOut))} with the argument and the
 * division in float.
 */
public final class LookupQ8 {
    /** Bytes of the preferred shape: the table is {@code 256 / BYTES.length()} such vectors. */
    static final VectorSpecies<Byte> BYTES = Species.BYTE;
    private final byte[] table = new byte[256];

    private LookupQ8(java.util.function.IntUnaryOperator f) {
        for (int v = -128; v <= 127; v++) {
            table[v & 0xFF] = (byte) Math.min(Math.max(f.applyAsInt(v), -128), 127);
        }
    }

    /**
     * Any int8 → int8 function as a table ({@code f} is evaluated once per input value, the result clamped to
     * int8): RELU, RELU6 and HARD_SWISH are exact this way whatever arithmetic TFLite does per element.
     */
    public static LookupQ8 of(java.util.function.IntUnaryOperator f) {
        return new LookupQ8(f);
    }

    private LookupQ8(float scaleIn, int zpIn, float scaleOut, int zpOut, DoubleUnaryOperator f) {
        float inv = 1.0f / scaleOut;
        for (int v = -128; v <= 127; v++) {
            float d = scaleIn * (v - zpIn);
            float y = (float) f.applyAsDouble(d);
            int q = (int) ((float) Requant.roundHalfAway(y * inv) + zpOut);
            table[v & 0xFF] = (byte) Math.min(Math.max(q, -128), 127);
        }
    }

    /** {@code 1 / (1 + expf(−d))} with float arithmetic around a correctly rounded {@code expf}. */
    public static LookupQ8 logistic(float scaleIn, int zpIn, float scaleOut, int zpOut) {
        return new LookupQ8(scaleIn, zpIn, scaleOut, zpOut,
                d -> 1.0f / (1.0f + (float) StrictMath.exp(-(float) d)));
    }

    public static LookupQ8 tanh(float scaleIn, int zpIn, float scaleOut, int zpOut) {
        return new LookupQ8(scaleIn, zpIn, scaleOut, zpOut, d -> (float) StrictMath.tanh(d));
    }

    public byte lookup(byte v) {
        return table[v & 0xFF];
    }

    /**
     * {@code out[i] = table[in[i] & 0xFF]}, {@link #BYTES} values at a time: the table is held as
     * {@code 256 / lanes} byte vectors, each lane picks its entry from every one of them by its low bits (a
     * byte permute) and keeps the one its high bits name. Scalar, the lookup cost 29 µs per RELU in
     * selfie_segmentation (0.6 ms of its 22); the tail goes through {@link #runScalar}.
     */
    public void run(byte[] in, int inOff, byte[] out, int outOff, int n) {
        int lanes = BYTES.length();
        int i = 0;
        int bound = Math.min(n, Math.min(in.length - inOff, out.length - outOff));
        for (; i + lanes <= bound; i += lanes) {
            ByteVector x = ByteVector.fromArray(BYTES, in, inOff + i);
            ByteVector low = x.and((byte) (lanes - 1));
            ByteVector high = x.lanewise(VectorOperators.LSHR, Integer.numberOfTrailingZeros(lanes));
            ByteVector y = ByteVector.fromArray(BYTES, table, 0).rearrange(low.toShuffle());
            for (int t = 1; t < 256 / lanes; t++) {
                y = y.blend(ByteVector.fromArray(BYTES, table, t * lanes).rearrange(low.toShuffle()),
                        high.compare(VectorOperators.EQ, (byte) t));
            }
            y.intoArray(out, outOff + i);
        }
        runScalar(in, inOff + i, out, outOff + i, n - i);
    }

    /** Scalar twin of {@link #run}. */
    public void runScalar(byte[] in, int inOff, byte[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = table[in[inOff + i] & 0xFF];
        }
    }
}
