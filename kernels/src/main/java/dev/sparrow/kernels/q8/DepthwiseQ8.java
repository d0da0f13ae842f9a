package dev.sparrow.kernels.q8;

import static dev.sparrow.kernels.q8.ConvQ8.EXACT_TERMS;
import static dev.sparrow.kernels.q8.ConvQ8.F;
import static dev.sparrow.kernels.q8.ConvQ8.I;
import static dev.sparrow.kernels.q8.ConvQ8.LANES;
import static dev.sparrow.kernels.q8.OutputStage.B;

import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * int8 NHWC depthwise convolution with any depth multiplier {@code m}: output channel {@code oc = ic·m + j}
 * reads input channel {@code ic}; filter {@code [1, kh, kw, outC]} with per-channel scales.
 *
 * <p>Channels run along the vector. The vector path reads the int8 input directly and widens it to float
 * lanes in registers (for {@code m > 1} it first copies the rows an output row needs with every channel
 * repeated {@code m} times, so the inner loop is the same); {@link #PIXELS} output pixels share each weight
 * load. The zero point is folded into the bias as in {@link ConvQ8}, so a tap outside the image must still
 * contribute {@code zpIn·w}: such taps read a row of {@code zpIn} values instead of the image. Float partial
 * sums are exact for windows of up to {@link ConvQ8#EXACT_TERMS} taps; larger windows flush into int32
 * lanes. The int32 sums are requantised a pixel's row of channels at a time ({@link OutputStage#requantize}).
 */
public final class DepthwiseQ8 {
    private static final int PIXELS = 4;

    private final ConvGeometry g;
    private final int multiplier;
    private final byte[] filter;
    private final int[] bias;
    private final int zpIn;
    private final OutputStage stage;
    private final int paddedC;
    private final float[] packed;
    private final int[] foldedBias;
    private final byte[] padRow;
    private final int bufferRows;

    /**
     * @param filter {@code kernelH·kernelW·outC} int8 weights ({@code [1, kh, kw, outC]})
     * @param bias   int32 per output channel, or null
     */
    public DepthwiseQ8(ConvGeometry g, byte[] filter, int[] bias, int zpIn, OutputStage stage) {
        if (g.outC() % g.inC() != 0) {
            throw new IllegalArgumentException("output channels " + g.outC() + " are not a multiple of input channels "
                    + g.inC());
        }
        int taps = g.kernelH() * g.kernelW();
        if (filter.length != taps * g.outC()) {
            throw new IllegalArgumentException("filter has " + filter.length + " values, geometry " + g + " needs "
                    + taps * g.outC());
        }
        if (bias != null && bias.length != g.outC()) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + g.outC() + " channels");
        }
        if (stage.channels() != g.outC()) {
            throw new IllegalArgumentException("output stage has " + stage.channels() + " channels for " + g.outC());
        }
        this.g = g;
        this.multiplier = g.outC() / g.inC();
        this.filter = filter.clone();
        this.bias = bias == null ? new int[g.outC()] : bias.clone();
        this.zpIn = zpIn;
        this.stage = stage;
        this.paddedC = (g.outC() + LANES - 1) / LANES * LANES;
        this.packed = new float[taps * paddedC];
        this.foldedBias = new int[paddedC];
        for (int oc = 0; oc < g.outC(); oc++) {
            long sum = 0;
            for (int t = 0; t < taps; t++) {
                byte w = filter[t * g.outC() + oc];
                packed[t * paddedC + oc] = w;
                sum += w;
            }
            foldedBias[oc] = (int) (this.bias[oc] - zpIn * sum);
        }
        this.padRow = new byte[paddedC + OutputStage.B.length()];
        Arrays.fill(padRow, (byte) zpIn);
        this.bufferRows = (g.kernelH() - 1) * g.dilationH() + 1;
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Working memory of one concurrent caller: the channel-repeated rows when {@code m > 1}. */
    public final class Scratch {
        final byte[] expanded = multiplier == 1 ? new byte[0] : new byte[bufferRows * g.inW() * g.outC()];
        final int[] acc = new int[PIXELS * paddedC];

        Scratch() {}
    }

    /** Scratch for one concurrent caller; its size does not depend on how many rows a call computes. */
    public Scratch newScratch(int maxRows) {
        return new Scratch();
    }

    /** Computes output rows {@code [oy0, oy1)}; input and output are whole NHWC images. */
    public void run(byte[] in, int inOff, byte[] out, int outOff, int oy0, int oy1, Scratch s) {
        int c = g.outC();
        int rowStride = g.inW() * c;
        int xStep = g.strideW() * c;
        boolean flush = g.kernelH() * g.kernelW() > EXACT_TERMS;
        for (int oy = oy0; oy < oy1; oy++) {
            int iyTop = oy * g.strideH() - g.padTop();
            byte[] src = in;
            int base = inOff;
            if (multiplier > 1) {
                expandRows(in, inOff, iyTop, s.expanded);
                src = s.expanded;
                base = -iyTop * rowStride;
            }
            boolean rowInside = iyTop >= 0 && iyTop + bufferRows <= g.inH();
            int dstRow = outOff + oy * g.outW() * c;
            for (int ox = 0; ox < g.outW(); ) {
                int ixLeft = ox * g.strideW() - g.padLeft();
                int ixRight = (ox + PIXELS - 1) * g.strideW() - g.padLeft() + (g.kernelW() - 1) * g.dilationW();
                int x0 = base + iyTop * rowStride + ixLeft * c;
                int lastRead = x0 + (bufferRows - 1) * rowStride + (ixRight - ixLeft) * c + paddedC - LANES
                        + B.length();
                if (!flush && rowInside && ox + PIXELS <= g.outW() && ixLeft >= 0 && ixRight < g.inW()
                        && lastRead <= src.length) {
                    for (int n0 = 0; n0 < paddedC; n0 += LANES) {
                        block4(src, x0 + n0, rowStride, xStep, n0, s.acc);
                    }
                    for (int j = 0; j < PIXELS; j++) {
                        stage.requantize(s.acc, j * paddedC, c, out, dstRow + (ox + j) * c);
                    }
                    ox += PIXELS;
                } else {
                    for (int n0 = 0; n0 < paddedC; n0 += LANES) {
                        block1(src, base, rowStride, iyTop, ixLeft, n0, s.acc);
                    }
                    stage.requantize(s.acc, 0, c, out, dstRow + ox * c);
                    ox++;
                }
            }
        }
    }

    /** Copies the in-image rows among {@code [iyTop, iyTop + bufferRows)} with each channel repeated m times. */
    private void expandRows(byte[] in, int inOff, int iyTop, byte[] rows) {
        int cin = g.inC();
        for (int r = 0; r < bufferRows; r++) {
            int iy = iyTop + r;
            if (iy < 0 || iy >= g.inH()) {
                continue;
            }
            int src = inOff + iy * g.inW() * cin;
            int dst = r * g.inW() * g.outC();
            for (int p = 0; p < g.inW() * cin; p++) {
                byte v = in[src + p];
                for (int j = 0; j < multiplier; j++) {
                    rows[dst++] = v;
                }
            }
        }
    }

    /**
     * Four pixels {@code xStep} apart, channels {@code [n0, n0 + LANES)}; the caller guarantees that every tap is
     * inside the image and that a whole byte vector can be read at the last tap.
     */
    private void block4(byte[] src, int x0, int rowStride, int xStep, int n0, int[] acc) {
        int c = g.outC();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int ky = 0; ky < g.kernelH(); ky++) {
            int xr = x0 + ky * g.dilationH() * rowStride;
            for (int kx = 0; kx < g.kernelW(); kx++) {
                int x = xr + kx * g.dilationW() * c;
                FloatVector w = FloatVector.fromArray(F, packed, (ky * g.kernelW() + kx) * paddedC + n0);
                a0 = ((FloatVector) ByteVector.fromArray(B, src, x).convertShape(VectorOperators.B2F, F, 0)).fma(w, a0);
                a1 = ((FloatVector) ByteVector.fromArray(B, src, x + xStep).convertShape(VectorOperators.B2F, F, 0))
                        .fma(w, a1);
                a2 = ((FloatVector) ByteVector.fromArray(B, src, x + 2 * xStep).convertShape(VectorOperators.B2F, F, 0))
                        .fma(w, a2);
                a3 = ((FloatVector) ByteVector.fromArray(B, src, x + 3 * xStep).convertShape(VectorOperators.B2F, F, 0))
                        .fma(w, a3);
            }
        }
        IntVector b = IntVector.fromArray(I, foldedBias, n0);
        ((IntVector) a0.convert(VectorOperators.F2I, 0)).add(b).intoArray(acc, n0);
        ((IntVector) a1.convert(VectorOperators.F2I, 0)).add(b).intoArray(acc, paddedC + n0);
        ((IntVector) a2.convert(VectorOperators.F2I, 0)).add(b).intoArray(acc, 2 * paddedC + n0);
        ((IntVector) a3.convert(VectorOperators.F2I, 0)).add(b).intoArray(acc, 3 * paddedC + n0);
    }

    /** One pixel with bounds checks: taps outside the image read {@link #padRow}. */
    private void block1(byte[] src, int base, int rowStride, int iyTop, int ixLeft, int n0, int[] acc) {
        int c = g.outC();
        FloatVector a = FloatVector.zero(F);
        IntVector sum = IntVector.fromArray(I, foldedBias, n0);
        int budget = EXACT_TERMS;
        for (int ky = 0; ky < g.kernelH(); ky++) {
            int iy = iyTop + ky * g.dilationH();
            boolean rowIn = iy >= 0 && iy < g.inH();
            for (int kx = 0; kx < g.kernelW(); kx++) {
                int ix = ixLeft + kx * g.dilationW();
                FloatVector w = FloatVector.fromArray(F, packed, (ky * g.kernelW() + kx) * paddedC + n0);
                byte[] from = src;
                int at = base + iy * rowStride + ix * c + n0;
                if (!rowIn || ix < 0 || ix >= g.inW()) {
                    from = padRow;
                    at = n0;
                }
                ByteVector x = at + B.length() <= from.length ? ByteVector.fromArray(B, from, at)
                        : ByteVector.fromArray(B, from, at, B.indexInRange(at, from.length));
                a = ((FloatVector) x.convertShape(VectorOperators.B2F, F, 0)).fma(w, a);
                if (--budget == 0) {
                    sum = sum.add((IntVector) a.convert(VectorOperators.F2I, 0));
                    a = FloatVector.zero(F);
                    budget = EXACT_TERMS;
                }
            }
        }
        sum.add((IntVector) a.convert(VectorOperators.F2I, 0)).intoArray(acc, n0);
    }

    /** Scalar twin of {@link #run}: reference loops over in-bounds taps. */
    public void runScalar(byte[] in, int inOff, byte[] out, int outOff, int oy0, int oy1, Scratch s) {
        int cin = g.inC();
        int cout = g.outC();
        for (int oy = oy0; oy < oy1; oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                for (int oc = 0; oc < cout; oc++) {
                    int ic = oc / multiplier;
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
                            acc += (in[inOff + (iy * g.inW() + ix) * cin + ic] - zpIn)
                                    * filter[(ky * g.kernelW() + kx) * cout + oc];
                        }
                    }
                    out[outOff + (oy * g.outW() + ox) * cout + oc] = (byte) stage.apply(acc, oc);
                }
            }
        }
    }
}
