package dev.sparrow.runtime.model;

/**
 * Builtin options of an operator, one record per options table that Sparrow reads. Operators without
 * options (or whose options table is empty) carry {@link None}.
 */
public sealed interface OpOptions {

    record None() implements OpOptions {
        public static final None INSTANCE = new None();
    }

    record Conv2D(Padding padding, int strideW, int strideH, Activation activation, int dilationW, int dilationH)
            implements OpOptions {}

    record DepthwiseConv2D(Padding padding, int strideW, int strideH, int depthMultiplier, Activation activation,
                           int dilationW, int dilationH) implements OpOptions {}

    record Pool2D(Padding padding, int strideW, int strideH, int filterW, int filterH, Activation activation)
            implements OpOptions {}

    record FullyConnected(Activation activation, boolean keepNumDims) implements OpOptions {}

    /** Options of ADD, SUB and MUL: only the fused activation matters for float and int8. */
    record Arithmetic(Activation activation) implements OpOptions {}

    record Concatenation(int axis, Activation activation) implements OpOptions {}

    /** {@code newShape} is null when the options table carries none (the shape then comes from input 1). */
    record Reshape(int[] newShape) implements OpOptions {}

    record Softmax(float beta) implements OpOptions {}

    record ResizeBilinear(boolean alignCorners, boolean halfPixelCenters) implements OpOptions {}

    /** MEAN and other reductions. */
    record Reducer(boolean keepDims) implements OpOptions {}

    record DepthToSpace(int blockSize) implements OpOptions {}

    record StridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask,
                        boolean offset) implements OpOptions {}

    /** {@code squeezeDims} is empty when every size-1 dimension is to be dropped. */
    record Squeeze(int[] squeezeDims) implements OpOptions {}

    /**
     * MediaPipe's {@code Convolution2DTransposeBias} custom operator: {@code TfLiteTransposeConvParams}
     * read from the first 12 bytes of its custom options.
     */
    record TransposeConvBias(Padding padding, int strideW, int strideH) implements OpOptions {}

    /**
     * Zero padding made explicit by a graph pass ({@code dev.sparrow.runtime.plan.Fusion}) when it folds a
     * PAD into the convolution that reads it: cells of zeros before and after the input, in rows and columns.
     */
    record ExplicitPadding(int top, int bottom, int left, int right) {}

    /**
     * CONV_2D after graph fusion: {@code padding} (null for none) replaces the folded PAD, the conv's own
     * padding being VALID; when {@code residualActivation} is non-null a following ADD is folded in: the
     * operator's input 3 is added to the convolution (whose own activation is NONE) and the sum clamped.
     * Input 3 may have fewer channels than the output (a folded PAD of zeros after its channels): the channels
     * past its own get {@code + 0.0f}.
     */
    record FusedConv2D(Conv2D conv, ExplicitPadding padding, Activation residualActivation) implements OpOptions {}

    /** DEPTHWISE_CONV_2D with a folded PAD: {@code depthwise}'s padding is VALID, {@code padding} the zeros. */
    record PaddedDepthwiseConv2D(DepthwiseConv2D depthwise, ExplicitPadding padding) implements OpOptions {}

    /**
     * CONV_2D followed by a folded PRELU (graph fusion): {@code conv} is the convolution's own options
     * ({@link Conv2D} or {@link FusedConv2D}) with no activation on its last stage, and the operator's input 4
     * holds the PRELU's constant per-channel slopes, applied in the convolution's output stage.
     */
    record PreluConv2D(OpOptions conv) implements OpOptions {}

    /**
     * DEPTHWISE_CONV_2D fed by a folded 1×1 CONV_2D (graph fusion of MobileNet v2's expansion): {@code expand}
     * is the 1×1 convolution's options and {@code depthwise} the depthwise's ({@link DepthwiseConv2D} or
     * {@link PaddedDepthwiseConv2D}); the operator's input 0 is the convolution's input, inputs 1 and 2 the
     * depthwise filter and bias, inputs 3 and 4 the convolution's filter and bias (−1 for none).
     */
    record ExpandedDepthwiseConv2D(Conv2D expand, OpOptions depthwise) implements OpOptions {}
}
