package dev.sparrow.kernels.q8;

import dev.sparrow.kernels.Species;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * int8 NHWC convolution with per-output-channel weights (filter OHWI) and a per-tensor input zero point;
 * also serves 1×1 convolutions and fully connected layers (a 1×batch "image" of depth K).
 *
 * <p>The accumulator is {@code bias[c] + Σ (x − zpIn)·w} over the in-bounds taps, exact in int32. The
 * vector path folds the zero point into the bias ({@code bias' = bias − zpIn·Σw}) and runs, one output row at
 * a time, over a float copy of the input rows that row needs, whose padding cells hold {@code zpIn}, so every
 * tap is valid and the inner loop is pure {@code x·w}: the GEMM of that row's pixels (run offsets in
 * {@link #runOffset}) with the packed weights ({@code K × paddedC} floats, output channels along the vector).
 * The Vector API has no int8 dot product, so the products are formed in float lanes: |x·w| ≤ 2^14 and
 * partial sums of at most {@link #EXACT_TERMS} such products stay below 2^24, where every integer is a float
 * — the float accumulators are exact, so this is bit-identical to integer accumulation and about twice the
 * throughput of int32 multiply-add lanes on x86. Register blocks of 4 pixels × 4 channel vectors or 8 pixels × 1–2
 * vectors let every weight load feed four or eight multiply-adds and every broadcast input up to four;
 * reductions longer than {@link #EXACT_TERMS} are cut into chunks whose sums meet in int32 scratch.
 * The int32 sums of a block's pixels are then requantised a row of channels at a time
 * ({@link OutputStage#requantize}).
 */
public final class ConvQ8 {
    static final VectorSpecies<Float> F = Species.FLOAT;
    static final VectorSpecies<Integer> I = Species.INT;
    static final int LANES = F.length();
    /** Products per float partial sum: 1024 · 2^14 = 2^24 keeps every partial sum exactly representable. */
    static final int EXACT_TERMS = 1024;
    /** Output pixels computed together so that each weight vector load feeds several multiply-adds. */
    private static final int PIXELS = 8;

    static {
        if (I.length() != LANES) {
            throw new IllegalStateException("int and float preferred species differ in lanes");
        }
    }

    private final ConvGeometry g;
    private final byte[] filter;
    private final int[] bias;
    private final int zpIn;
    private final OutputStage stage;
    private final int paddedC;
    private final int depth;
    private final float[] packed;
    private final int[] foldedBias;
    /**
     * Reduction values that lie side by side in the padded-row buffer: a whole row of taps ({@code kernelW·inC})
     * when taps are not dilated along x, else one tap's channels. The inner loops run over one such run, so a
     * 3×3 stem on 3 channels loops 9 values at a time instead of 3.
     */
    private final int runLength;
    /** Offset of each run in the padded-row buffer, relative to the pixel's first tap. */
    private final int[] runOffset;
    private final int bufferRows;
    /** 1×1, stride 1, no padding: output pixel p reads exactly input pixel p. */
    private final boolean pointwise;
    /** Pixels converted to floats at a time by the pointwise path (about 32 KiB of floats, whole blocks). */
    private final int chunkPixels;

    /**
     * @param filter OHWI int8 weights, {@code outC·kernelH·kernelW·inC} values
     * @param bias   int32 bias per output channel, or null for none
     * @param stage  requantisation with {@code outC} channels
     */
    public ConvQ8(ConvGeometry g, byte[] filter, int[] bias, int zpIn, OutputStage stage) {
        int taps = g.kernelH() * g.kernelW();
        if (filter.length != g.outC() * taps * g.inC()) {
            throw new IllegalArgumentException("filter has " + filter.length + " values, geometry " + g + " needs "
                    + (long) g.outC() * taps * g.inC());
        }
        if (bias != null && bias.length != g.outC()) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + g.outC() + " channels");
        }
        if (stage.channels() != g.outC()) {
            throw new IllegalArgumentException("output stage has " + stage.channels() + " channels for " + g.outC());
        }
        this.g = g;
        this.filter = filter.clone();
        this.bias = bias == null ? new int[g.outC()] : bias.clone();
        this.zpIn = zpIn;
        this.stage = stage;
        this.paddedC = (g.outC() + LANES - 1) / LANES * LANES;
        this.depth = taps * g.inC();
        this.packed = new float[depth * paddedC];
        this.foldedBias = new int[paddedC];
        for (int oc = 0; oc < g.outC(); oc++) {
            long sum = 0;
            for (int j = 0; j < depth; j++) {
                byte w = filter[oc * depth + j];
                packed[j * paddedC + oc] = w;
                sum += w;
            }
            foldedBias[oc] = (int) (this.bias[oc] - zpIn * sum);
        }
        this.bufferRows = (g.kernelH() - 1) * g.dilationH() + 1;
        this.pointwise = taps == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padTop() == 0 && g.padLeft() == 0
                && g.inH() == g.outH() && g.inW() == g.outW();
        this.chunkPixels = Math.max(PIXELS, (8192 / g.inC()) / PIXELS * PIXELS);
        boolean rowRuns = g.dilationW() == 1;
        this.runLength = rowRuns ? g.kernelW() * g.inC() : g.inC();
        this.runOffset = new int[rowRuns ? g.kernelH() : taps];
        for (int ky = 0; ky < g.kernelH(); ky++) {
            for (int kx = 0; kx < (rowRuns ? 1 : g.kernelW()); kx++) {
                runOffset[rowRuns ? ky : ky * g.kernelW() + kx] =
                        (ky * g.dilationH() * g.paddedWidth() + kx * g.dilationW()) * g.inC();
            }
        }
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Working memory of one concurrent caller. */
    public final class Scratch {
        final float[] rows = new float[pointwise ? chunkPixels * g.inC() : bufferRows * g.paddedWidth() * g.inC()];
        final int[] acc = new int[PIXELS * paddedC];
        final int[] offsets = new int[PIXELS];

        Scratch() {}
    }

    /** Scratch for one concurrent caller; its size does not depend on how many rows a call computes. */
    public Scratch newScratch(int maxRows) {
        return new Scratch();
    }

    /**
     * Computes output rows {@code [oy0, oy1)} of the image at {@code in[inOff]} into {@code out[outOff]}
     * (both NHWC of the whole image).
     */
    public void run(byte[] in, int inOff, byte[] out, int outOff, int oy0, int oy1, Scratch s) {
        int cin = g.inC();
        if (pointwise) {
            // Output pixel p reads input pixel p: the rows form one long row, cut into L1-sized chunks.
            int p1 = oy1 * g.outW();
            for (int p = oy0 * g.outW(); p < p1; p += chunkPixels) {
                int n = Math.min(chunkPixels, p1 - p);
                toFloats(in, inOff + p * cin, s.rows, 0, n * cin);
                pixels(s, cin, n, out, outOff + p * g.outC());
            }
            return;
        }
        for (int oy = oy0; oy < oy1; oy++) {
            fillPaddedRows(in, inOff, oy, s.rows);
            pixels(s, g.strideW() * cin, g.outW(), out, outOff + oy * g.outW() * g.outC());
        }
    }

    /**
     * {@code count} output pixels whose first taps are {@code xStep} apart in the row buffer, from the first
     * one, into consecutive output pixels at {@code out[dst]}, {@link #PIXELS} at a time: four-vector channel
     * panels in two 4-pixel blocks, narrower panels in 8-pixel blocks so that at least eight independent
     * accumulators hide the multiply-add latency. A last group of fewer pixels repeats its last pixel (in
     * 4-pixel blocks when at most four are left), so little work is wasted on tails.
     */
    private void pixels(Scratch s, int xStep, int count, byte[] out, int dst) {
        int[] d = s.offsets;
        for (int j0 = 0; j0 < count; j0 += PIXELS) {
            int valid = Math.min(PIXELS, count - j0);
            for (int j = 0; j < PIXELS; j++) {
                d[j] = (j0 + Math.min(j, valid - 1)) * xStep;
            }
            int n0 = 0;
            for (; n0 + 4 * LANES <= paddedC; n0 += 4 * LANES) {
                block4x4(s, 0, d, n0);
                if (valid > 4) {
                    block4x4(s, 4, d, n0);
                }
            }
            boolean half = valid <= 4;
            for (; n0 + 2 * LANES <= paddedC; n0 += 2 * LANES) {
                if (half) {
                    block4x2(s, 0, d, n0);
                } else {
                    block8x2(s, 0, d, n0);
                }
            }
            for (; n0 < paddedC; n0 += LANES) {
                if (half) {
                    block4x1(s, 0, d, n0);
                } else {
                    block8x1(s, 0, d, n0);
                }
            }
            for (int j = 0; j < valid; j++) {
                stage.requantize(s.acc, j * paddedC, g.outC(), out, dst + (j0 + j) * g.outC());
            }
        }
    }

    /** Float copy of the input rows output row {@code oy} reads, {@code zpIn} in padding cells. */
    private void fillPaddedRows(byte[] in, int inOff, int oy, float[] rows) {
        int cin = g.inC();
        int pw = g.paddedWidth();
        int iy0 = oy * g.strideH() - g.padTop();
        float pad = zpIn;
        int left = Math.min(pw, g.padLeft());
        int right = Math.max(left, Math.min(pw, g.padLeft() + g.inW()));
        for (int r = 0; r < bufferRows; r++) {
            int iy = iy0 + r;
            int dst = r * pw * cin;
            if (iy < 0 || iy >= g.inH()) {
                Arrays.fill(rows, dst, dst + pw * cin, pad);
                continue;
            }
            Arrays.fill(rows, dst, dst + left * cin, pad);
            toFloats(in, inOff + (iy * g.inW() + left - g.padLeft()) * cin, rows, dst + left * cin, (right - left) * cin);
            Arrays.fill(rows, dst + right * cin, dst + pw * cin, pad);
        }
    }

    /** {@code dst[dstOff + i] = src[srcOff + i]} for {@code i < n}, converting int8 to float. */
    static void toFloats(byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        int i = 0;
        int bound = Math.min(n, src.length - srcOff - OutputStage.B.length() + 1);
        for (; i + LANES <= bound; i += LANES) {
            ((FloatVector) ByteVector.fromArray(OutputStage.B, src, srcOff + i)
                    .convertShape(VectorOperators.B2F, F, 0)).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = src[srcOff + i];
        }
    }

    /** 4 pixels × 4 channel vectors from channel n0; pixel pix + j's first tap at d[pix + j], its sums in acc row pix + j. */
    private void block4x4(Scratch s, int pix, int[] d, int n0) {
        float[] rows = s.rows;
        int run = runLength;
        int d1 = d[pix + 1] - d[pix];
        int d2 = d[pix + 2] - d[pix];
        int d3 = d[pix + 3] - d[pix];
        for (int k0 = 0; k0 < depth; k0 += EXACT_TERMS) {
            int k1 = Math.min(depth, k0 + EXACT_TERMS);
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a01 = a00, a02 = a00, a03 = a00, a10 = a00;
            FloatVector a11 = a00, a12 = a00, a13 = a00, a20 = a00;
            FloatVector a21 = a00, a22 = a00, a23 = a00, a30 = a00;
            FloatVector a31 = a00, a32 = a00, a33 = a00;
            for (int k = k0; k < k1; ) {
                int seg = k / run, ci = k - seg * run;
                int count = Math.min(k1 - k, run - ci);
                int x = d[pix] + runOffset[seg] + ci;
                int w = k * paddedC + n0;
                for (int i = 0; i < count; i++, x++, w += paddedC) {
                    FloatVector w0 = FloatVector.fromArray(F, packed, w);
                    FloatVector w1 = FloatVector.fromArray(F, packed, w + LANES);
                    FloatVector w2 = FloatVector.fromArray(F, packed, w + 2 * LANES);
                    FloatVector w3 = FloatVector.fromArray(F, packed, w + 3 * LANES);
                    FloatVector b = FloatVector.broadcast(F, rows[x]);
                    a00 = w0.fma(b, a00);
                    a01 = w1.fma(b, a01);
                    a02 = w2.fma(b, a02);
                    a03 = w3.fma(b, a03);
                    b = FloatVector.broadcast(F, rows[x + d1]);
                    a10 = w0.fma(b, a10);
                    a11 = w1.fma(b, a11);
                    a12 = w2.fma(b, a12);
                    a13 = w3.fma(b, a13);
                    b = FloatVector.broadcast(F, rows[x + d2]);
                    a20 = w0.fma(b, a20);
                    a21 = w1.fma(b, a21);
                    a22 = w2.fma(b, a22);
                    a23 = w3.fma(b, a23);
                    b = FloatVector.broadcast(F, rows[x + d3]);
                    a30 = w0.fma(b, a30);
                    a31 = w1.fma(b, a31);
                    a32 = w2.fma(b, a32);
                    a33 = w3.fma(b, a33);
                }
                k += count;
            }
            // The first chunk starts from the folded bias, later ones from the int32 sums so far.
            int[] sums = k0 == 0 ? foldedBias : s.acc;
            int row = k0 == 0 ? 0 : paddedC;
            ((IntVector) a00.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0);
            ((IntVector) a01.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0 + LANES);
            ((IntVector) a02.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0 + 2 * LANES))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0 + 2 * LANES);
            ((IntVector) a03.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0 + 3 * LANES))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0 + 3 * LANES);
            ((IntVector) a10.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0);
            ((IntVector) a11.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0 + LANES);
            ((IntVector) a12.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0 + 2 * LANES))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0 + 2 * LANES);
            ((IntVector) a13.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0 + 3 * LANES))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0 + 3 * LANES);
            ((IntVector) a20.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0);
            ((IntVector) a21.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0 + LANES);
            ((IntVector) a22.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0 + 2 * LANES))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0 + 2 * LANES);
            ((IntVector) a23.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0 + 3 * LANES))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0 + 3 * LANES);
            ((IntVector) a30.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0);
            ((IntVector) a31.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0 + LANES);
            ((IntVector) a32.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0 + 2 * LANES))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0 + 2 * LANES);
            ((IntVector) a33.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0 + 3 * LANES))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0 + 3 * LANES);
        }
    }

    /** 8 pixels × 2 channel vectors from channel n0; pixel pix + j's first tap at d[pix + j], its sums in acc row pix + j. */
    private void block8x2(Scratch s, int pix, int[] d, int n0) {
        float[] rows = s.rows;
        int run = runLength;
        int d1 = d[pix + 1] - d[pix];
        int d2 = d[pix + 2] - d[pix];
        int d3 = d[pix + 3] - d[pix];
        int d4 = d[pix + 4] - d[pix];
        int d5 = d[pix + 5] - d[pix];
        int d6 = d[pix + 6] - d[pix];
        int d7 = d[pix + 7] - d[pix];
        for (int k0 = 0; k0 < depth; k0 += EXACT_TERMS) {
            int k1 = Math.min(depth, k0 + EXACT_TERMS);
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00;
            FloatVector a21 = a00, a30 = a00, a31 = a00, a40 = a00;
            FloatVector a41 = a00, a50 = a00, a51 = a00, a60 = a00;
            FloatVector a61 = a00, a70 = a00, a71 = a00;
            for (int k = k0; k < k1; ) {
                int seg = k / run, ci = k - seg * run;
                int count = Math.min(k1 - k, run - ci);
                int x = d[pix] + runOffset[seg] + ci;
                int w = k * paddedC + n0;
                for (int i = 0; i < count; i++, x++, w += paddedC) {
                    FloatVector w0 = FloatVector.fromArray(F, packed, w);
                    FloatVector w1 = FloatVector.fromArray(F, packed, w + LANES);
                    FloatVector b = FloatVector.broadcast(F, rows[x]);
                    a00 = w0.fma(b, a00);
                    a01 = w1.fma(b, a01);
                    b = FloatVector.broadcast(F, rows[x + d1]);
                    a10 = w0.fma(b, a10);
                    a11 = w1.fma(b, a11);
                    b = FloatVector.broadcast(F, rows[x + d2]);
                    a20 = w0.fma(b, a20);
                    a21 = w1.fma(b, a21);
                    b = FloatVector.broadcast(F, rows[x + d3]);
                    a30 = w0.fma(b, a30);
                    a31 = w1.fma(b, a31);
                    b = FloatVector.broadcast(F, rows[x + d4]);
                    a40 = w0.fma(b, a40);
                    a41 = w1.fma(b, a41);
                    b = FloatVector.broadcast(F, rows[x + d5]);
                    a50 = w0.fma(b, a50);
                    a51 = w1.fma(b, a51);
                    b = FloatVector.broadcast(F, rows[x + d6]);
                    a60 = w0.fma(b, a60);
                    a61 = w1.fma(b, a61);
                    b = FloatVector.broadcast(F, rows[x + d7]);
                    a70 = w0.fma(b, a70);
                    a71 = w1.fma(b, a71);
                }
                k += count;
            }
            // The first chunk starts from the folded bias, later ones from the int32 sums so far.
            int[] sums = k0 == 0 ? foldedBias : s.acc;
            int row = k0 == 0 ? 0 : paddedC;
            ((IntVector) a00.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0);
            ((IntVector) a01.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0 + LANES);
            ((IntVector) a10.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0);
            ((IntVector) a11.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0 + LANES);
            ((IntVector) a20.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0);
            ((IntVector) a21.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0 + LANES);
            ((IntVector) a30.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0);
            ((IntVector) a31.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0 + LANES);
            ((IntVector) a40.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 4) * row + n0))
                    .intoArray(s.acc, (pix + 4) * paddedC + n0);
            ((IntVector) a41.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 4) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 4) * paddedC + n0 + LANES);
            ((IntVector) a50.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 5) * row + n0))
                    .intoArray(s.acc, (pix + 5) * paddedC + n0);
            ((IntVector) a51.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 5) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 5) * paddedC + n0 + LANES);
            ((IntVector) a60.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 6) * row + n0))
                    .intoArray(s.acc, (pix + 6) * paddedC + n0);
            ((IntVector) a61.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 6) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 6) * paddedC + n0 + LANES);
            ((IntVector) a70.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 7) * row + n0))
                    .intoArray(s.acc, (pix + 7) * paddedC + n0);
            ((IntVector) a71.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 7) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 7) * paddedC + n0 + LANES);
        }
    }

    /** 8 pixels × 1 channel vector from channel n0; pixel pix + j's first tap at d[pix + j], its sums in acc row pix + j. */
    private void block8x1(Scratch s, int pix, int[] d, int n0) {
        float[] rows = s.rows;
        int run = runLength;
        int d1 = d[pix + 1] - d[pix];
        int d2 = d[pix + 2] - d[pix];
        int d3 = d[pix + 3] - d[pix];
        int d4 = d[pix + 4] - d[pix];
        int d5 = d[pix + 5] - d[pix];
        int d6 = d[pix + 6] - d[pix];
        int d7 = d[pix + 7] - d[pix];
        for (int k0 = 0; k0 < depth; k0 += EXACT_TERMS) {
            int k1 = Math.min(depth, k0 + EXACT_TERMS);
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a10 = a00, a20 = a00, a30 = a00, a40 = a00;
            FloatVector a50 = a00, a60 = a00, a70 = a00;
            for (int k = k0; k < k1; ) {
                int seg = k / run, ci = k - seg * run;
                int count = Math.min(k1 - k, run - ci);
                int x = d[pix] + runOffset[seg] + ci;
                int w = k * paddedC + n0;
                for (int i = 0; i < count; i++, x++, w += paddedC) {
                    FloatVector w0 = FloatVector.fromArray(F, packed, w);
                    FloatVector b = FloatVector.broadcast(F, rows[x]);
                    a00 = w0.fma(b, a00);
                    b = FloatVector.broadcast(F, rows[x + d1]);
                    a10 = w0.fma(b, a10);
                    b = FloatVector.broadcast(F, rows[x + d2]);
                    a20 = w0.fma(b, a20);
                    b = FloatVector.broadcast(F, rows[x + d3]);
                    a30 = w0.fma(b, a30);
                    b = FloatVector.broadcast(F, rows[x + d4]);
                    a40 = w0.fma(b, a40);
                    b = FloatVector.broadcast(F, rows[x + d5]);
                    a50 = w0.fma(b, a50);
                    b = FloatVector.broadcast(F, rows[x + d6]);
                    a60 = w0.fma(b, a60);
                    b = FloatVector.broadcast(F, rows[x + d7]);
                    a70 = w0.fma(b, a70);
                }
                k += count;
            }
            // The first chunk starts from the folded bias, later ones from the int32 sums so far.
            int[] sums = k0 == 0 ? foldedBias : s.acc;
            int row = k0 == 0 ? 0 : paddedC;
            ((IntVector) a00.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0);
            ((IntVector) a10.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0);
            ((IntVector) a20.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0);
            ((IntVector) a30.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0);
            ((IntVector) a40.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 4) * row + n0))
                    .intoArray(s.acc, (pix + 4) * paddedC + n0);
            ((IntVector) a50.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 5) * row + n0))
                    .intoArray(s.acc, (pix + 5) * paddedC + n0);
            ((IntVector) a60.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 6) * row + n0))
                    .intoArray(s.acc, (pix + 6) * paddedC + n0);
            ((IntVector) a70.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 7) * row + n0))
                    .intoArray(s.acc, (pix + 7) * paddedC + n0);
        }
    }

    /** 4 pixels × 2 channel vectors from channel n0; pixel pix + j's first tap at d[pix + j], its sums in acc row pix + j. */
    private void block4x2(Scratch s, int pix, int[] d, int n0) {
        float[] rows = s.rows;
        int run = runLength;
        int d1 = d[pix + 1] - d[pix];
        int d2 = d[pix + 2] - d[pix];
        int d3 = d[pix + 3] - d[pix];
        for (int k0 = 0; k0 < depth; k0 += EXACT_TERMS) {
            int k1 = Math.min(depth, k0 + EXACT_TERMS);
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00;
            FloatVector a21 = a00, a30 = a00, a31 = a00;
            for (int k = k0; k < k1; ) {
                int seg = k / run, ci = k - seg * run;
                int count = Math.min(k1 - k, run - ci);
                int x = d[pix] + runOffset[seg] + ci;
                int w = k * paddedC + n0;
                for (int i = 0; i < count; i++, x++, w += paddedC) {
                    FloatVector w0 = FloatVector.fromArray(F, packed, w);
                    FloatVector w1 = FloatVector.fromArray(F, packed, w + LANES);
                    FloatVector b = FloatVector.broadcast(F, rows[x]);
                    a00 = w0.fma(b, a00);
                    a01 = w1.fma(b, a01);
                    b = FloatVector.broadcast(F, rows[x + d1]);
                    a10 = w0.fma(b, a10);
                    a11 = w1.fma(b, a11);
                    b = FloatVector.broadcast(F, rows[x + d2]);
                    a20 = w0.fma(b, a20);
                    a21 = w1.fma(b, a21);
                    b = FloatVector.broadcast(F, rows[x + d3]);
                    a30 = w0.fma(b, a30);
                    a31 = w1.fma(b, a31);
                }
                k += count;
            }
            // The first chunk starts from the folded bias, later ones from the int32 sums so far.
            int[] sums = k0 == 0 ? foldedBias : s.acc;
            int row = k0 == 0 ? 0 : paddedC;
            ((IntVector) a00.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0);
            ((IntVector) a01.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0 + LANES);
            ((IntVector) a10.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0);
            ((IntVector) a11.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0 + LANES);
            ((IntVector) a20.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0);
            ((IntVector) a21.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0 + LANES);
            ((IntVector) a30.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0);
            ((IntVector) a31.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0 + LANES))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0 + LANES);
        }
    }

    /** 4 pixels × 1 channel vector from channel n0; pixel pix + j's first tap at d[pix + j], its sums in acc row pix + j. */
    private void block4x1(Scratch s, int pix, int[] d, int n0) {
        float[] rows = s.rows;
        int run = runLength;
        int d1 = d[pix + 1] - d[pix];
        int d2 = d[pix + 2] - d[pix];
        int d3 = d[pix + 3] - d[pix];
        for (int k0 = 0; k0 < depth; k0 += EXACT_TERMS) {
            int k1 = Math.min(depth, k0 + EXACT_TERMS);
            FloatVector a00 = FloatVector.zero(F);
            FloatVector a10 = a00, a20 = a00, a30 = a00;
            for (int k = k0; k < k1; ) {
                int seg = k / run, ci = k - seg * run;
                int count = Math.min(k1 - k, run - ci);
                int x = d[pix] + runOffset[seg] + ci;
                int w = k * paddedC + n0;
                for (int i = 0; i < count; i++, x++, w += paddedC) {
                    FloatVector w0 = FloatVector.fromArray(F, packed, w);
                    FloatVector b = FloatVector.broadcast(F, rows[x]);
                    a00 = w0.fma(b, a00);
                    b = FloatVector.broadcast(F, rows[x + d1]);
                    a10 = w0.fma(b, a10);
                    b = FloatVector.broadcast(F, rows[x + d2]);
                    a20 = w0.fma(b, a20);
                    b = FloatVector.broadcast(F, rows[x + d3]);
                    a30 = w0.fma(b, a30);
                }
                k += count;
            }
            // The first chunk starts from the folded bias, later ones from the int32 sums so far.
            int[] sums = k0 == 0 ? foldedBias : s.acc;
            int row = k0 == 0 ? 0 : paddedC;
            ((IntVector) a00.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 0) * row + n0))
                    .intoArray(s.acc, (pix + 0) * paddedC + n0);
            ((IntVector) a10.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 1) * row + n0))
                    .intoArray(s.acc, (pix + 1) * paddedC + n0);
            ((IntVector) a20.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 2) * row + n0))
                    .intoArray(s.acc, (pix + 2) * paddedC + n0);
            ((IntVector) a30.convert(VectorOperators.F2I, 0)).add(IntVector.fromArray(I, sums, (pix + 3) * row + n0))
                    .intoArray(s.acc, (pix + 3) * paddedC + n0);
        }
    }

    /** Scalar twin of {@link #run}: the reference loops, skipping out-of-bounds taps. */
    public void runScalar(byte[] in, int inOff, byte[] out, int outOff, int oy0, int oy1, Scratch s) {
        int cin = g.inC();
        int k = g.kernelH() * g.kernelW() * cin;
        for (int oy = oy0; oy < oy1; oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                for (int oc = 0; oc < g.outC(); oc++) {
                    int acc = bias[oc];
                    for (int ky = 0; ky < g.kernelH(); ky++) {
                        int iy = oy * g.strideH() - g.padTop() + ky * g.dilationH();
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kernelW(); kx++) {
                            int ix = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
                            if (ix < 0 || ix >= g.inW()) {
                                continue;
                            }
                            int src = inOff + (iy * g.inW() + ix) * cin;
                            int w = oc * k + (ky * g.kernelW() + kx) * cin;
                            for (int ci = 0; ci < cin; ci++) {
                                acc += (in[src + ci] - zpIn) * filter[w + ci];
                            }
                        }
                    }
                    out[outOff + (oy * g.outW() + ox) * g.outC() + oc] = (byte) stage.apply(acc, oc);
                }
            }
        }
    }
}
