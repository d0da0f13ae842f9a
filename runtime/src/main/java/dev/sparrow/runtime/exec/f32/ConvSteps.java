package dev.sparrow.runtime.exec.f32;

import static dev.sparrow.runtime.exec.f32.Operands.error;

import dev.sparrow.kernels.f32.CodebookConv;
import dev.sparrow.kernels.f32.CodebookGemm;
import dev.sparrow.kernels.f32.CodebookWeights;
import dev.sparrow.kernels.f32.Conv2d;
import dev.sparrow.kernels.f32.ConvShape;
import dev.sparrow.kernels.f32.Depthwise;
import dev.sparrow.kernels.f32.Elementwise;
import dev.sparrow.kernels.f32.Gemm;
import dev.sparrow.kernels.f32.PackedIndices;
import dev.sparrow.kernels.f32.PackedWeights;
import dev.sparrow.kernels.f32.PointwiseDepthwise;
import dev.sparrow.kernels.f32.SparsePointwise;
import dev.sparrow.runtime.exec.Arena;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Padding;
import dev.sparrow.runtime.model.Palette;
import dev.sparrow.runtime.model.Tensor;

/** Compilers for the fp32 operators with weights: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, transpose conv. */
final class ConvSteps {

    private ConvSteps() {}

    private static float[] bias(Operator op, CompileContext ctx, int outChannels) {
        return bias(op, ctx, 2, "bias", outChannels);
    }

    private static float[] bias(Operator op, CompileContext ctx, int input, String role, int outChannels) {
        Tensor b = Operands.optionalInput(op, ctx, input, role);
        if (b == null) {
            return new float[outChannels];
        }
        Operands.requireConstant(op, b, role);
        if (b.elementCount() != outChannels) {
            throw error(op, role + " " + b.describe() + " must hold " + outChannels + " values");
        }
        return b.floats();
    }

    static Step conv2d(Operator op, CompileContext ctx) {
        OpOptions options = op.options();
        Tensor slopes = null;
        if (options instanceof OpOptions.PreluConv2D prelu) {
            options = prelu.conv();
            slopes = Operands.requireConstant(op, Operands.input(op, ctx, 4, "PRELU slopes"), "PRELU slopes");
        }
        OpOptions.Conv2D o;
        OpOptions.ExplicitPadding explicit = null;
        Activation residualActivation = null;
        if (options instanceof OpOptions.FusedConv2D fused) {
            o = fused.conv();
            explicit = fused.padding();
            residualActivation = fused.residualActivation();
        } else if (options instanceof OpOptions.Conv2D plain) {
            o = plain;
        } else {
            o = Operands.options(op, OpOptions.Conv2D.class);
        }
        Tensor x = Operands.input(op, ctx, 0, "input");
        Tensor f = Operands.requireConstant(op, Operands.input(op, ctx, 1, "filter"), "filter");
        Tensor y = Operands.output(op, ctx);
        Operands.requireRank(op, x, 4, "input");
        Operands.requireRank(op, f, 4, "filter");
        Operands.requirePositive(op, "strides and dilations", o.strideH(), o.strideW(), o.dilationH(), o.dilationW());
        int oc = f.dim(0), kh = f.dim(1), kw = f.dim(2), c = x.dim(3);
        if (f.dim(3) != c) {
            throw error(op, "filter " + f.describe() + " depth differs from input " + x.describe()
                    + " (grouped convolution is not supported)");
        }
        ConvShape s = shape(op, x, o.padding(), explicit, kh, kw, o.strideH(), o.strideW(), o.dilationH(),
                o.dilationW(), oc);
        Operands.requireShape(op, y, new int[] {s.n(), s.oh(), s.ow(), oc}, "output");
        float[] clamp = Operands.clamp(op, o.activation());
        int pixels = s.outputPixels();
        // decoded once here: the sparse rule, the thread split and the packing all read them
        float[] weights = f.palette() == null ? f.floats() : null;
        boolean sparse = weights != null && Conv2d.isPointwise(s)
                && SparsePointwise.worthItNhwc(weights, c, oc, pixels);
        if (residualActivation == null && slopes == null && weights != null && !sparse
                && splitsOutputChannels(ctx, s)) {
            return byOutputChannels(op, ctx, s, weights, x, y, clamp);
        }
        PixelRanges body = convBody(op, ctx, s, f, weights, sparse, x, y, clamp);
        if (residualActivation == null && slopes == null) {
            return Operands.step(op, body.kernel(), body.maxParts(), (arena, part, parts) -> body.run(arena,
                    Step.rangeStart(pixels, part, parts), Step.rangeStart(pixels, part + 1, parts), part));
        }
        if (residualActivation != null && o.activation() != Activation.NONE) {
            throw error(op, "a residual ADD folds only into a convolution without activation, got " + o.activation());
        }
        int residual = -1;
        int residualChannels = oc;
        float[] sumClamp = null;
        if (residualActivation != null) {
            Tensor r = Operands.input(op, ctx, 3, "residual");
            Operands.requireRank(op, r, 4, "residual");
            residualChannels = r.dim(3);
            if (residualChannels > oc) {
                throw error(op, "residual " + r.describe() + " has more channels than the output " + y.describe());
            }
            Operands.requireShape(op, r, new int[] {s.n(), s.oh(), s.ow(), residualChannels}, "residual");
            sumClamp = Operands.clamp(op, residualActivation);
            residual = ctx.offset(r.index());
        }
        float[] periodic = null;
        if (slopes != null) {
            Activation last = residualActivation != null ? residualActivation : o.activation();
            if (last != Activation.NONE || slopes.elementCount() != oc) {
                throw error(op, "a PRELU folds only after a stage without activation and with " + oc
                        + " slopes, got " + last + " and " + slopes.describe());
            }
            periodic = Elementwise.periodicSlopes(slopes.floats(), oc);
        }
        int out = ctx.offset(y.index());
        int residualAt = residual;
        int rc = residualChannels;
        float[] sumLimits = sumClamp;
        float[] preluSlopes = periodic;
        String kernel = body.kernel() + (residual >= 0 ? " + residual ADD" : "")
                + (residual >= 0 && rc < oc ? " (" + rc + " of " + oc + " channels)" : "") + (periodic != null ? " + PRELU" : "");
        // The folded ADD and PRELU of dev.sparrow.runtime.plan.Fusion, block by block so that they read the
        // convolution's output while it is still in cache.
        return Operands.step(op, kernel, body.maxParts(), (arena, part, parts) -> {
            int p1 = Step.rangeStart(pixels, part + 1, parts);
            for (int b0 = Step.rangeStart(pixels, part, parts); b0 < p1; b0 += RESIDUAL_BLOCK) {
                int b1 = Math.min(p1, b0 + RESIDUAL_BLOCK);
                body.run(arena, b0, b1, part);
                if (residualAt >= 0 && rc == oc) {
                    Elementwise.binary(Elementwise.Binary.ADD, arena.f32, out + b0 * oc, 1, arena.f32,
                            residualAt + b0 * oc, 1, arena.f32, out + b0 * oc, (b1 - b0) * oc, sumLimits[0],
                            sumLimits[1]);
                } else if (residualAt >= 0) {
                    Elementwise.addPaddedChannels(arena.f32, out + b0 * oc, oc, arena.f32, residualAt + b0 * rc, rc,
                            b1 - b0, sumLimits[0], sumLimits[1]);
                }
                if (preluSlopes != null) {
                    Elementwise.preluChannels(arena.f32, out + b0 * oc, preluSlopes, oc, 0, arena.f32, out + b0 * oc,
                            (b1 - b0) * oc, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
                }
            }
        });
    }

    /** Output pixels per residual block: a multiple of every micro-tile and SpMM tile height, 48 KB at 64 channels. */
    private static final int RESIDUAL_BLOCK = 192;

    /** A convolution over a range of output pixels, run by part {@code part} (which owns a scratch buffer). */
    private interface PixelKernel {
        void run(Arena arena, int pixel0, int pixel1, int part);
    }

    private record PixelRanges(String kernel, int maxParts, PixelKernel body) {
        void run(Arena arena, int pixel0, int pixel1, int part) {
            body.run(arena, pixel0, pixel1, part);
        }
    }

    /**
     * The convolution's kernel over pixel ranges: codebook when {@code weights} is null (a palettised filter),
     * else the NHWC SpMM when {@code sparse}, else dense.
     */
    private static PixelRanges convBody(Operator op, CompileContext ctx, ConvShape s, Tensor f, float[] weights,
                                        boolean sparse, Tensor x, Tensor y, float[] clamp) {
        int oc = s.oc();
        float[] bias = bias(op, ctx, oc);
        int in = ctx.offset(x.index());
        int out = ctx.offset(y.index());
        int pixels = s.outputPixels();
        int k = s.kh() * s.kw() * s.c();
        int maxParts = Operands.parts(ctx, s.denseMacs(), (pixels + Gemm.MR - 1) / Gemm.MR);
        if (weights == null) {
            Palette palette = f.palette();
            CodebookWeights cw = codebookWeights(op, f, k, oc, bias);
            float[][] scratch = new float[maxParts][CodebookConv.scratchFloats(s)];
            return new PixelRanges("codebook K=" + palette.entries() + (Conv2d.isPointwise(s) ? " 1x1 (GEMM)"
                    : " im2col + GEMM"), maxParts, (arena, p0, p1, part) -> CodebookConv.conv(arena.f32, in, s, cw,
                    arena.f32, out, p0, p1, scratch[part], clamp[0], clamp[1]));
        }
        if (sparse) {
            SparsePointwise.Weights sw = SparsePointwise.encode(weights, k, oc, bias, SparsePointwise.TILE);
            float[][] scratch = new float[maxParts][SparsePointwise.scratchFloats(k, oc)];
            return new PixelRanges("sparse 1x1 (NHWC SpMM, " + sw.nonzeroCount() + " nonzeros)", maxParts,
                    (arena, p0, p1, part) -> SparsePointwise.pointwiseNhwc(sw, arena.f32, in, arena.f32, out, p0, p1,
                            scratch[part], clamp[0], clamp[1]));
        }
        PackedWeights w = PackedWeights.fromRowsByOutput(weights, k, oc, bias);
        float[][] scratch = new float[maxParts][Conv2d.scratchFloats(s)];
        String kernel = Conv2d.isPointwise(s) ? "dense 1x1 (GEMM)"
                : Conv2d.isStem(s) ? "dense stem (direct, padded row band)" : "dense im2col + GEMM";
        return new PixelRanges(kernel, maxParts,
                (arena, p0, p1, part) -> Conv2d.conv(arena.f32, in, s, w, arena.f32, out, p0, p1, scratch[part],
                        clamp[0], clamp[1]));
    }

    /**
     * Whether a dense convolution should split its output channels between threads rather than its pixels:
     * when its weights outweigh its activations (SSD's 10² × 320 → 1280 and 10² × 256 → 5² × 512 3×3,
     * pose_detection's 7² × 192 → 1152), a pixel split makes every thread stream all the weights from memory,
     * a channel split each its share. For dense weights (not palettised, not run as SpMM).
     */
    private static boolean splitsOutputChannels(CompileContext ctx, ConvShape s) {
        long weights = (long) s.kh() * s.kw() * s.c() * s.oc();
        return ctx.threads() > 1 && Conv2d.splitsByPanels(s)
                && weights > (long) s.outputPixels() * (s.c() + s.oc());
    }

    /** A dense convolution whose parts each compute all pixels of a range of output panels. */
    private static Step byOutputChannels(Operator op, CompileContext ctx, ConvShape s, float[] weights, Tensor x,
                                         Tensor y, float[] clamp) {
        int k = s.kh() * s.kw() * s.c();
        PackedWeights w = PackedWeights.fromRowsByOutput(weights, k, s.oc(), bias(op, ctx, s.oc()));
        int in = ctx.offset(x.index());
        int out = ctx.offset(y.index());
        int panels = w.panels();
        int maxParts = Operands.parts(ctx, s.denseMacs(), panels);
        float[][] scratch = new float[maxParts][Conv2d.scratchFloats(s)];
        String kernel = Conv2d.isPointwise(s) ? "dense 1x1 (GEMM, output channels split)"
                : "dense im2col + GEMM (output channels split)";
        return Operands.step(op, kernel, maxParts, (arena, part, parts) -> Conv2d.convOutputPanels(arena.f32, in, s, w,
                arena.f32, out, Step.rangeStart(panels, part, parts), Step.rangeStart(panels, part + 1, parts),
                scratch[part], clamp[0], clamp[1]));
    }

    static ConvShape shape(Operator op, Tensor x, Padding padding, int kh, int kw, int sh, int sw, int dh, int dw, int oc) {
        return shape(op, x, padding, null, kh, kw, sh, sw, dh, dw, oc);
    }

    /**
     * The window geometry; with {@code explicit} padding (a folded PAD, the operator's own padding then being
     * VALID) the output is that of the VALID window over the zero-padded input, and the zeros are taps the
     * kernels skip.
     */
    static ConvShape shape(Operator op, Tensor x, Padding padding, OpOptions.ExplicitPadding explicit, int kh, int kw,
                           int sh, int sw, int dh, int dw, int oc) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        Operands.requirePositive(op, "input dimensions of " + x.describe(), n, h, w, c);
        Operands.requirePositive(op, "window", kh, kw);
        if (explicit != null && padding != Padding.VALID) {
            throw error(op, "a folded PAD needs VALID padding, got " + padding);
        }
        int padH = explicit == null ? 0 : explicit.top() + explicit.bottom();
        int padW = explicit == null ? 0 : explicit.left() + explicit.right();
        int oh = padding.outputSize(h + padH, kh, sh, dh);
        int ow = padding.outputSize(w + padW, kw, sw, dw);
        if (oh <= 0 || ow <= 0) {
            throw error(op, "window " + kh + "×" + kw + " does not fit input " + x.describe() + " with " + padding);
        }
        int top = explicit == null ? padding.padBefore(h, kh, sh, dh, oh) : explicit.top();
        int left = explicit == null ? padding.padBefore(w, kw, sw, dw, ow) : explicit.left();
        return new ConvShape(n, h, w, c, kh, kw, sh, sw, dh, dw, top, left, oh, ow, oc);
    }

    static Step depthwise(Operator op, CompileContext ctx) {
        if (op.options() instanceof OpOptions.ExpandedDepthwiseConv2D expanded) {
            return expandedDepthwise(op, ctx, expanded);
        }
        DepthwiseOptions d = DepthwiseOptions.of(op, op.options());
        OpOptions.DepthwiseConv2D o = d.options();
        Tensor x = Operands.input(op, ctx, 0, "input");
        Tensor f = Operands.requireConstant(op, Operands.input(op, ctx, 1, "filter"), "filter");
        Tensor y = Operands.output(op, ctx);
        Operands.requireRank(op, x, 4, "input");
        Operands.requireRank(op, f, 4, "filter");
        int c = x.dim(3), oc = f.dim(3);
        if (f.dim(0) != 1 || c <= 0 || oc % c != 0) {
            throw error(op, "filter " + f.describe() + " must be [1, kh, kw, c·m] for input " + x.describe());
        }
        // Like TFLite's float kernel, the multiplier comes from the shapes, not from depth_multiplier.
        int m = oc / c;
        ConvShape s = depthwiseShape(op, x, d, f, oc);
        Operands.requireShape(op, y, new int[] {s.n(), s.oh(), s.ow(), oc}, "output");
        float[] clamp = Operands.clamp(op, o.activation());
        float[] bias = bias(op, ctx, oc);
        int in = ctx.offset(x.index());
        int out = ctx.offset(y.index());
        int rows = s.outputRows();
        long macs = (long) s.outputPixels() * oc * s.kh() * s.kw();
        int maxParts = m > 1 ? 1 : Operands.parts(ctx, macs, rows);
        FilterSource filter = depthwiseFilter(f, maxParts);
        String kernel = (f.palette() != null ? "codebook K=" + f.palette().entries() + " " : "") + "depthwise";
        if (m > 1) {
            int inputPixels = s.n() * s.h() * s.w();
            float[] expanded = new float[inputPixels * oc];
            return Operands.step(op, kernel + ", multiplier " + m, 1, (arena, part, parts) -> {
                Depthwise.expandChannels(arena.f32, in, inputPixels, c, m, expanded, 0);
                Depthwise.depthwise(expanded, 0, s, filter.weights(part), bias, arena.f32, out, 0, rows, clamp[0],
                        clamp[1]);
            });
        }
        return Operands.step(op, kernel, maxParts, (arena, part, parts) -> Depthwise.depthwise(arena.f32, in, s,
                filter.weights(part), bias, arena.f32, out, Step.rangeStart(rows, part, parts),
                Step.rangeStart(rows, part + 1, parts), clamp[0], clamp[1]));
    }

    /** A depthwise convolution's options and its folded PAD (null for none). */
    private record DepthwiseOptions(OpOptions.DepthwiseConv2D options, OpOptions.ExplicitPadding padding) {
        static DepthwiseOptions of(Operator op, OpOptions options) {
            if (options instanceof OpOptions.PaddedDepthwiseConv2D padded) {
                return new DepthwiseOptions(padded.depthwise(), padded.padding());
            }
            if (options instanceof OpOptions.DepthwiseConv2D plain) {
                return new DepthwiseOptions(plain, null);
            }
            throw error(op, "expected DepthwiseConv2D options, got " + options);
        }
    }

    /**
     * The window of a depthwise convolution with multiplier 1 over {@code channels} channels of {@code x}'s
     * rows and columns ({@code x}'s own channels, or those of a folded expansion of it).
     */
    private static ConvShape depthwiseShape(Operator op, Tensor x, DepthwiseOptions d, Tensor f, int channels) {
        OpOptions.DepthwiseConv2D o = d.options();
        Operands.requirePositive(op, "strides and dilations", o.strideH(), o.strideW(), o.dilationH(), o.dilationW());
        ConvShape g = shape(op, x, o.padding(), d.padding(), f.dim(1), f.dim(2), o.strideH(), o.strideW(),
                o.dilationH(), o.dilationW(), channels);
        return new ConvShape(g.n(), g.h(), g.w(), channels, g.kh(), g.kw(), g.strideH(), g.strideW(),
                g.dilationH(), g.dilationW(), g.padTop(), g.padLeft(), g.oh(), g.ow(), channels);
    }

    /**
     * A 1×1 expansion folded into the depthwise convolution that reads it ({@link OpOptions.ExpandedDepthwiseConv2D}):
     * the expanded tensor exists only band by band, in a buffer per part.
     */
    private static Step expandedDepthwise(Operator op, CompileContext ctx, OpOptions.ExpandedDepthwiseConv2D options) {
        DepthwiseOptions d = DepthwiseOptions.of(op, options.depthwise());
        Tensor x = Operands.input(op, ctx, 0, "input");
        Tensor f = Operands.requireConstant(op, Operands.input(op, ctx, 1, "filter"), "filter");
        Tensor ef = Operands.requireConstant(op, Operands.input(op, ctx, 3, "expansion filter"), "expansion filter");
        Tensor y = Operands.output(op, ctx);
        Operands.requireRank(op, x, 4, "input");
        Operands.requireRank(op, f, 4, "filter");
        Operands.requireRank(op, ef, 4, "expansion filter");
        int c = x.dim(3), expandedChannels = ef.dim(0);
        if (ef.dim(1) != 1 || ef.dim(2) != 1 || ef.dim(3) != c || ef.palette() != null) {
            throw error(op, "expansion filter " + ef.describe() + " must be a dense 1×1 filter over " + c + " channels");
        }
        if (f.dim(0) != 1 || f.dim(3) != expandedChannels) {
            throw error(op, "filter " + f.describe() + " must be [1, kh, kw, " + expandedChannels + "]");
        }
        ConvShape s = depthwiseShape(op, x, d, f, expandedChannels);
        if (!PointwiseDepthwise.fusable(s)) {
            throw error(op, "a folded expansion cannot feed window " + s);
        }
        Operands.requireShape(op, y, new int[] {s.n(), s.oh(), s.ow(), expandedChannels}, "output");
        float[] expandClamp = Operands.clamp(op, options.expand().activation());
        float[] clamp = Operands.clamp(op, d.options().activation());
        PackedWeights expand = PackedWeights.fromRowsByOutput(ef.floats(), c, expandedChannels,
                bias(op, ctx, 4, "expansion bias", expandedChannels));
        float[] bias = bias(op, ctx, expandedChannels);
        int in = ctx.offset(x.index());
        int out = ctx.offset(y.index());
        int rows = s.outputRows();
        long macs = (long) s.outputPixels() * expandedChannels * s.kh() * s.kw()
                + (long) s.h() * s.w() * c * expandedChannels;
        int maxParts = Operands.parts(ctx, macs, rows);
        FilterSource filter = depthwiseFilter(f, maxParts);
        float[][] bands = new float[maxParts][PointwiseDepthwise.bandFloats(s)];
        String kernel = "1x1 expansion " + c + "→" + expandedChannels + " + "
                + (f.palette() != null ? "codebook K=" + f.palette().entries() + " " : "") + "depthwise in L2 row bands";
        return Operands.step(op, kernel, maxParts, (arena, part, parts) -> PointwiseDepthwise.pointwiseDepthwise(
                arena.f32, in, c, expand, expandClamp[0], expandClamp[1], s, filter.weights(part), bias, arena.f32, out,
                Step.rangeStart(rows, part, parts), Step.rangeStart(rows, part + 1, parts), bands[part], clamp[0],
                clamp[1]));
    }

    /** The float filter a depthwise part runs with. */
    private interface FilterSource {
        float[] weights(int part);
    }

    /**
     * A float filter, or for a palettised one a per-part buffer that each run refills from the packed
     * indices: a depthwise filter is {@code kh·kw·channels} floats, decoded in microseconds into L1, so the
     * weights stay packed between runs.
     */
    private static FilterSource depthwiseFilter(Tensor f, int parts) {
        Palette palette = f.palette();
        if (palette == null) {
            float[] weights = f.floats();
            return part -> weights;
        }
        int n = f.elementCount();
        float[][] decoded = new float[parts][n];
        return part -> {
            PackedIndices.decode(palette.codebook(), palette.scales(), palette.stride(), palette.indices(), palette.bits(), n,
                    decoded[part]);
            return decoded[part];
        };
    }

    static Step fullyConnected(Operator op, CompileContext ctx) {
        OpOptions.FullyConnected o = Operands.options(op, OpOptions.FullyConnected.class);
        Tensor x = Operands.input(op, ctx, 0, "input");
        Tensor f = Operands.requireConstant(op, Operands.input(op, ctx, 1, "weights"), "weights");
        Tensor y = Operands.output(op, ctx);
        Operands.requireRank(op, f, 2, "weights");
        int units = f.dim(0), depth = f.dim(1);
        Operands.requirePositive(op, "weights dimensions", units, depth);
        if (x.elementCount() % depth != 0) {
            throw error(op, "input " + x.describe() + " does not split into rows of depth " + depth);
        }
        int rows = x.elementCount() / depth;
        int[] expected;
        if (o.keepNumDims()) {
            expected = x.shape().clone();
            expected[expected.length - 1] = units;
            if (x.dim(x.rank() - 1) != depth) {
                throw error(op, "keep_num_dims needs the input's last dimension " + x.describe() + " to be " + depth);
            }
        } else {
            expected = new int[] {rows, units};
        }
        Operands.requireShape(op, y, expected, "output");
        float[] clamp = Operands.clamp(op, o.activation());
        int in = ctx.offset(x.index());
        int out = ctx.offset(y.index());
        long macs = (long) rows * depth * units;
        if (f.palette() != null) {
            return codebookFullyConnected(op, ctx, f, depth, units, bias(op, ctx, units), rows, in, out, macs, clamp);
        }
        PackedWeights w = PackedWeights.fromRowsByOutput(f.floats(), depth, units, bias(op, ctx, units));
        if (rows >= 4 * Gemm.MR) {
            int maxParts = Operands.parts(ctx, macs, rows);
            return Operands.step(op, "GEMM over rows", maxParts, (arena, part, parts) -> {
                int r0 = Step.rangeStart(rows, part, parts);
                int r1 = Step.rangeStart(rows, part + 1, parts);
                Gemm.multiply(arena.f32, in + r0 * depth, depth, r1 - r0, w, 0, w.panels(), arena.f32,
                        out + r0 * units, units, clamp[0], clamp[1]);
            });
        }
        // Few rows: the weights dominate, so parts split the output columns (panels) instead.
        int maxParts = Operands.parts(ctx, macs, w.panels());
        return Operands.step(op, "GEMM over column panels", maxParts, (arena, part, parts) -> Gemm.multiply(arena.f32, in, depth, rows, w,
                Step.rangeStart(w.panels(), part, parts), Step.rangeStart(w.panels(), part + 1, parts), arena.f32,
                out, units, clamp[0], clamp[1]));
    }

    /** Palettised {@code [n][k]} weights packed for the codebook GEMM; their scales must be per output (row). */
    private static CodebookWeights codebookWeights(Operator op, Tensor f, int k, int n, float[] bias) {
        Palette p = f.palette();
        if (p.stride() != k || p.scales().length != n) {
            throw error(op, f.describe() + " has " + p.scales().length + " codebook scales of stride " + p.stride()
                    + "; the kernels need one per output channel (" + n + " of stride " + k + ")");
        }
        return CodebookWeights.fromRowsByOutput(p.codebook(), p.scales(), p.indices(), p.bits(), k, n, bias);
    }

    /** {@link #fullyConnected} with palettised weights: the same split over rows or column panels. */
    private static Step codebookFullyConnected(Operator op, CompileContext ctx, Tensor f, int depth, int units,
                                               float[] bias, int rows, int in, int out, long macs, float[] clamp) {
        Palette palette = f.palette();
        CodebookWeights w = codebookWeights(op, f, depth, units, bias);
        String kernel = "codebook K=" + palette.entries() + " GEMM over ";
        if (rows >= 4 * Gemm.MR) {
            int maxParts = Operands.parts(ctx, macs, rows);
            float[][] tiles = new float[maxParts][CodebookWeights.tileFloats()];
            return Operands.step(op, kernel + "rows", maxParts, (arena, part, parts) -> {
                int r0 = Step.rangeStart(rows, part, parts);
                int r1 = Step.rangeStart(rows, part + 1, parts);
                CodebookGemm.multiply(arena.f32, in + r0 * depth, depth, r1 - r0, w, 0, w.panels(), arena.f32,
                        out + r0 * units, units, clamp[0], clamp[1], tiles[part]);
            });
        }
        int maxParts = Operands.parts(ctx, macs, w.panels());
        float[][] tiles = new float[maxParts][CodebookWeights.tileFloats()];
        return Operands.step(op, kernel + "column panels", maxParts, (arena, part, parts) -> CodebookGemm.multiply(arena.f32,
                in, depth, rows, w, Step.rangeStart(w.panels(), part, parts), Step.rangeStart(w.panels(), part + 1, parts),
                arena.f32, out, units, clamp[0], clamp[1], tiles[part]));
    }

    /**
     * MediaPipe's Convolution2DTransposeBias (tflite-format.md §7): every input pixel's products with all
     * taps come from one GEMM ({@code [pixels × cin] · [cin × kh·kw·cout]}) into scratch; they are then
     * added into the bias-initialised output at {@code oy = iy·sh − padH/2 + fy}, {@code ox = ix·sw − padW/2 + fx}.
     */
    static Step transposeConvBias(Operator op, CompileContext ctx) {
        OpOptions.TransposeConvBias o = Operands.options(op, OpOptions.TransposeConvBias.class);
        Tensor x = Operands.input(op, ctx, 0, "input");
        Tensor f = Operands.requireConstant(op, Operands.input(op, ctx, 1, "weights"), "weights");
        Tensor y = Operands.output(op, ctx);
        Operands.requireRank(op, x, 4, "input");
        Operands.requireRank(op, f, 4, "weights");
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), cin = x.dim(3);
        int cout = f.dim(0), kh = f.dim(1), kw = f.dim(2);
        int sh = o.strideH(), sw = o.strideW();
        Operands.requirePositive(op, "strides", sh, sw);
        Operands.requirePositive(op, "input dimensions of " + x.describe(), n, h, w, cin);
        Operands.requirePositive(op, "weights dimensions of " + f.describe(), cout, kh, kw);
        if (f.dim(3) != cin) {
            throw error(op, "weights " + f.describe() + " depth differs from input " + x.describe());
        }
        int padH = o.padding() == Padding.SAME ? Math.max(0, kh - (h - 1) % sh - 1) : 0;
        int padW = o.padding() == Padding.SAME ? Math.max(0, kw - (w - 1) % sw - 1) : 0;
        int oh = sh * (h - 1) + kh - padH;
        int ow = sw * (w - 1) + kw - padW;
        Operands.requireShape(op, y, new int[] {n, oh, ow, cout}, "output");
        float[] bias = bias(op, ctx, cout);
        // B[ic, (fy·kw + fx)·cout + oc] = W[oc, fy, fx, ic]: rows by output column, as PackedWeights wants.
        float[] filter = f.floats();
        int taps = kh * kw * cout;
        float[] byTap = new float[taps * cin];
        for (int oc = 0; oc < cout; oc++) {
            for (int t = 0; t < kh * kw; t++) {
                System.arraycopy(filter, (oc * kh * kw + t) * cin, byTap, (t * cout + oc) * cin, cin);
            }
        }
        PackedWeights packed = PackedWeights.fromRowsByOutput(byTap, cin, taps, null);
        int pixels = n * h * w;
        float[] products = new float[pixels * taps];
        int in = ctx.offset(x.index());
        int out = ctx.offset(y.index());
        int top = padH / 2;
        int left = padW / 2;
        if (kh == sh && kw == sw && padH == 0 && padW == 0) {
            // Windows that tile the output (selfie_segmentation's 2×2, stride 2 upsampling): every output
            // float receives one product, bias + product as in the general scatter, and the kw·cout
            // products of one input pixel and filter row are one contiguous run of an output row.
            int run = kw * cout;
            float[] runBias = new float[run];
            for (int j = 0; j < run; j++) {
                runBias[j] = bias[j % cout];
            }
            return Operands.step(op, "GEMM + disjoint scatter", 1, (arena, part, parts) -> {
                float[] a = arena.f32;
                Gemm.multiply(a, in, cin, pixels, packed, 0, packed.panels(), products, 0, taps,
                        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
                for (int row = 0; row < n * h; row++) {
                    for (int fy = 0; fy < kh; fy++) {
                        int dst = out + (row * sh + fy) * ow * cout;
                        int src = row * w * taps + fy * run;
                        for (int ix = 0; ix < w; ix++, dst += run, src += taps) {
                            for (int j = 0; j < run; j++) {
                                a[dst + j] = runBias[j] + products[src + j];
                            }
                        }
                    }
                }
            });
        }
        return Operands.step(op, "GEMM + scatter-add", 1, (arena, part, parts) -> {
            float[] a = arena.f32;
            Gemm.multiply(a, in, cin, pixels, packed, 0, packed.panels(), products, 0, taps,
                    Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            for (int p = 0; p < n * oh * ow; p++) {
                System.arraycopy(bias, 0, a, out + p * cout, cout);
            }
            for (int b = 0; b < n; b++) {
                for (int iy = 0; iy < h; iy++) {
                    for (int ix = 0; ix < w; ix++) {
                        int src = ((b * h + iy) * w + ix) * taps;
                        for (int fy = 0; fy < kh; fy++) {
                            int oy = iy * sh - top + fy;
                            if (oy < 0 || oy >= oh) {
                                continue;
                            }
                            for (int fx = 0; fx < kw; fx++) {
                                int ox = ix * sw - left + fx;
                                if (ox < 0 || ox >= ow) {
                                    continue;
                                }
                                int dst = out + ((b * oh + oy) * ow + ox) * cout;
                                int s = src + (fy * kw + fx) * cout;
                                for (int oc = 0; oc < cout; oc++) {
                                    a[dst + oc] += products[s + oc];
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
