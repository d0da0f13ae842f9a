package dev.sparrow.tests.bench;

import dev.sparrow.kernels.Species;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Issue 13, part 4: which inner loop forms int8 products fastest on this JVM, in GMAC/s on one core, for a
 * {@code P × K} by {@code K × C} product with {@code (x − zp)·w}, every result checked against plain int32 sums.
 * <ul>
 *   <li>float lanes: ConvQ8's register block (4 pixels × 4 channel vectors of fused multiply-adds, the
 *       operands held as exact integer floats);</li>
 *   <li>short pairs along C: {@code acc[c] += x[2c]·w[2c] + x[2c+1]·w[2c+1]} over shorts, which C2's
 *       superword pass turns into {@code vpmaddwd}/{@code vpdpwssd} (MulAddS2I → MulAddVS2VI); the pixel's
 *       input pair is stored repeated along C so both operands are loads;</li>
 *   <li>short pairs along K: the same pattern as a reduction per output.</li>
 * </ul>
 * Run with {@code -XX:-UseSuperWord} too: the pair loops fall to scalar speed there, which shows the
 * superword pass did vectorise them. Arguments: K and C (default 256 64).
 */
public final class Int8DotProducts {
    private static final VectorSpecies<Float> F = Species.FLOAT;
    private static final int P = 64;

    private final int k;
    private final int c;

    private Int8DotProducts(int k, int c) {
        this.k = k;
        this.c = c;
    }

    public static void main(String[] args) {
        int k = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int c = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        new Int8DotProducts(k, c).measure();
    }

    private void measure() {
        SplittableRandom r = new SplittableRandom(1);
        int zp = -3;
        short[] x = new short[P * k];
        short[] wByChannel = new short[c * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = (short) (r.nextInt(256) - 128 - zp);
        }
        for (int i = 0; i < wByChannel.length; i++) {
            wByChannel[i] = (short) (r.nextInt(255) - 127);
        }
        float[] xf = new float[P * k];
        float[] wf = new float[k * c];
        short[] wPairs = new short[k * c];
        short[] xRepeated = new short[P * k * c];
        for (int i = 0; i < x.length; i++) {
            xf[i] = x[i];
        }
        for (int ch = 0; ch < c; ch++) {
            for (int j = 0; j < k; j++) {
                wf[j * c + ch] = wByChannel[ch * k + j];
                wPairs[(j / 2) * 2 * c + 2 * ch + j % 2] = wByChannel[ch * k + j];
            }
        }
        for (int p = 0; p < P; p++) {
            for (int j = 0; j < k; j++) {
                for (int ch = 0; ch < c; ch++) {
                    xRepeated[(p * (k / 2) + j / 2) * 2 * c + 2 * ch + j % 2] = x[p * k + j];
                }
            }
        }
        int[] expected = new int[P * c];
        for (int p = 0; p < P; p++) {
            for (int ch = 0; ch < c; ch++) {
                int s = 0;
                for (int j = 0; j < k; j++) {
                    s += x[p * k + j] * wByChannel[ch * k + j];
                }
                expected[p * c + ch] = s;
            }
        }
        int[][] out = new int[3][P * c];
        String[] names = {"float lanes 4x4 (FMA)", "short pairs along C (MulAddS2I)", "short pairs along K (reduction)"};
        double macs = (double) P * k * c;
        double[] best = new double[3];
        for (int round = 0; round < 3; round++) {
            for (int v = 0; v < 3; v++) {
                int iterations = (int) Math.max(50, 4e9 / macs / 10);
                for (int rep = 0; rep < 5; rep++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < iterations; i++) {
                        switch (v) {
                            case 0 -> floatLanes(xf, wf, out[0]);
                            case 1 -> pairsAlongC(xRepeated, wPairs, out[1]);
                            default -> pairsAlongK(x, wByChannel, out[2]);
                        }
                    }
                    best[v] = Math.max(best[v], macs * iterations / (System.nanoTime() - t0));
                }
            }
        }
        System.out.printf("K=%d C=%d P=%d, %s%n", k, c, P, Species.describe());
        for (int v = 0; v < 3; v++) {
            System.out.printf("%-36s %6.1f GMAC/s  exact=%b%n", names[v], best[v], Arrays.equals(expected, out[v]));
        }
    }

    /** ConvQ8.block4x4's loop: 4 pixels × 4 float vectors of channels, weights {@code K × C}. */
    private void floatLanes(float[] x, float[] w, int[] out) {
        int lanes = F.length();
        for (int p = 0; p < P; p += 4) {
            for (int n0 = 0; n0 < c; n0 += 4 * lanes) {
                FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00;
                FloatVector a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00;
                FloatVector a31 = a00, a32 = a00, a33 = a00;
                for (int j = 0; j < k; j++) {
                    int wi = j * c + n0;
                    FloatVector w0 = FloatVector.fromArray(F, w, wi);
                    FloatVector w1 = FloatVector.fromArray(F, w, wi + lanes);
                    FloatVector w2 = FloatVector.fromArray(F, w, wi + 2 * lanes);
                    FloatVector w3 = FloatVector.fromArray(F, w, wi + 3 * lanes);
                    FloatVector b = FloatVector.broadcast(F, x[p * k + j]);
                    a00 = w0.fma(b, a00);
                    a01 = w1.fma(b, a01);
                    a02 = w2.fma(b, a02);
                    a03 = w3.fma(b, a03);
                    b = FloatVector.broadcast(F, x[(p + 1) * k + j]);
                    a10 = w0.fma(b, a10);
                    a11 = w1.fma(b, a11);
                    a12 = w2.fma(b, a12);
                    a13 = w3.fma(b, a13);
                    b = FloatVector.broadcast(F, x[(p + 2) * k + j]);
                    a20 = w0.fma(b, a20);
                    a21 = w1.fma(b, a21);
                    a22 = w2.fma(b, a22);
                    a23 = w3.fma(b, a23);
                    b = FloatVector.broadcast(F, x[(p + 3) * k + j]);
                    a30 = w0.fma(b, a30);
                    a31 = w1.fma(b, a31);
                    a32 = w2.fma(b, a32);
                    a33 = w3.fma(b, a33);
                }
                int o = p * c + n0;
                ((IntVector) a00.convert(VectorOperators.F2I, 0)).intoArray(out, o);
                ((IntVector) a01.convert(VectorOperators.F2I, 0)).intoArray(out, o + lanes);
                ((IntVector) a02.convert(VectorOperators.F2I, 0)).intoArray(out, o + 2 * lanes);
                ((IntVector) a03.convert(VectorOperators.F2I, 0)).intoArray(out, o + 3 * lanes);
                ((IntVector) a10.convert(VectorOperators.F2I, 0)).intoArray(out, o + c);
                ((IntVector) a11.convert(VectorOperators.F2I, 0)).intoArray(out, o + c + lanes);
                ((IntVector) a12.convert(VectorOperators.F2I, 0)).intoArray(out, o + c + 2 * lanes);
                ((IntVector) a13.convert(VectorOperators.F2I, 0)).intoArray(out, o + c + 3 * lanes);
                ((IntVector) a20.convert(VectorOperators.F2I, 0)).intoArray(out, o + 2 * c);
                ((IntVector) a21.convert(VectorOperators.F2I, 0)).intoArray(out, o + 2 * c + lanes);
                ((IntVector) a22.convert(VectorOperators.F2I, 0)).intoArray(out, o + 2 * c + 2 * lanes);
                ((IntVector) a23.convert(VectorOperators.F2I, 0)).intoArray(out, o + 2 * c + 3 * lanes);
                ((IntVector) a30.convert(VectorOperators.F2I, 0)).intoArray(out, o + 3 * c);
                ((IntVector) a31.convert(VectorOperators.F2I, 0)).intoArray(out, o + 3 * c + lanes);
                ((IntVector) a32.convert(VectorOperators.F2I, 0)).intoArray(out, o + 3 * c + 2 * lanes);
                ((IntVector) a33.convert(VectorOperators.F2I, 0)).intoArray(out, o + 3 * c + 3 * lanes);
            }
        }
    }

    /** Four pixels per pass so that each weight pair load could feed four products. */
    private void pairsAlongC(short[] xRepeated, short[] w, int[] out) {
        int pairs = k / 2;
        for (int p = 0; p < P; p += 4) {
            Arrays.fill(out, p * c, (p + 4) * c, 0);
            for (int j = 0; j < pairs; j++) {
                int wb = j * 2 * c;
                for (int q = 0; q < 4; q++) {
                    pairPass(out, (p + q) * c, xRepeated, ((p + q) * pairs + j) * 2 * c, w, wb);
                }
            }
        }
    }

    /** The MulAddS2I shape: {@code acc[j] += a[2j]·b[2j] + a[2j+1]·b[2j+1]}. */
    private void pairPass(int[] acc, int accOff, short[] a, int aOff, short[] b, int bOff) {
        for (int j = 0; j < c; j++) {
            acc[accOff + j] += a[aOff + 2 * j] * b[bOff + 2 * j] + a[aOff + 2 * j + 1] * b[bOff + 2 * j + 1];
        }
    }

    private void pairsAlongK(short[] x, short[] w, int[] out) {
        for (int p = 0; p < P; p++) {
            for (int ch = 0; ch < c; ch++) {
                int s = 0;
                int xo = p * k, wo = ch * k;
                for (int j = 0; j < k / 2; j++) {
                    s += x[xo + 2 * j] * w[wo + 2 * j] + x[xo + 2 * j + 1] * w[wo + 2 * j + 1];
                }
                out[p * c + ch] = s;
            }
        }
    }
}
