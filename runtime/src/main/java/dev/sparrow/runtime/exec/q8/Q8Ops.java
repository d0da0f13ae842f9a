package dev.sparrow.runtime.exec.q8;

import dev.sparrow.runtime.exec.OpRegistry;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;

/**
 * Compilers for operators on int8 activations. {@link dev.sparrow.runtime.exec.Int8Mode#TFLITE} reproduces
 * TensorFlow Lite 2.6.2's built-in kernels on x86-64 bit for bit; {@link dev.sparrow.runtime.exec.Int8Mode#XNNPACK}
 * reproduces XNNPACK's fp32 requantisation.
 *
 * <p>Verified operator by operator against TensorFlow Lite 2.6.2 (XNNPACK off, x86-64 AVX-512) by patching
 * mobilenet_v2's first ADD into each operator in the flatbuffer and comparing that operator's 75,264 outputs
 * with the interpreter's own (two seeds each, inputs from the interpreter): MUL (float-product multiplier,
 * R1), RELU and RELU6 ({@code sIn/sOut} in float, R1, fused-range clamp), HARD_SWISH (int16 reference
 * arithmetic), LOGISTIC and TANH (float tables with a correctly rounded {@code expf}/{@code tanhf}) — no
 * mismatch. SOFTMAX was only seen on person_detect (two outputs per input). The same patched models are
 * also exact end to end against TensorFlow Lite 2.21 + XNNPACK in {@code XNNPACK} mode.
 */
public final class Q8Ops {
    private Q8Ops() {}

    /** Registers every int8 compiler with the x86-64 rounding table ({@link TfliteRounding#X86_64}). */
    public static void registerAll(OpRegistry registry) {
        registerAll(registry, TfliteRounding.X86_64);
    }

    /** Registers every int8 compiler; {@code rounding} says which rule each GEMM-like operator's build uses. */
    public static void registerAll(OpRegistry registry, TfliteRounding rounding) {
        registry.register(BuiltinOp.CONV_2D, DataType.INT8, (op, ctx) -> ConvCompilers.conv(op, ctx, rounding.conv()));
        registry.register(BuiltinOp.DEPTHWISE_CONV_2D, DataType.INT8,
                (op, ctx) -> ConvCompilers.depthwise(op, ctx, rounding.depthwise()));
        registry.register(BuiltinOp.FULLY_CONNECTED, DataType.INT8,
                (op, ctx) -> ConvCompilers.fullyConnected(op, ctx, rounding.fullyConnected()));
        registry.register(BuiltinOp.ADD, DataType.INT8, AddCompiler::compile);
        registry.register(BuiltinOp.AVERAGE_POOL_2D, DataType.INT8, (op, ctx) -> PoolCompilers.pool(op, ctx, true));
        registry.register(BuiltinOp.MAX_POOL_2D, DataType.INT8, (op, ctx) -> PoolCompilers.pool(op, ctx, false));
        registry.register(BuiltinOp.MEAN, DataType.INT8, MeanCompiler::compile);
        registry.register(BuiltinOp.SOFTMAX, DataType.INT8, SoftmaxCompiler::compile);
        registry.register(BuiltinOp.LOGISTIC, DataType.INT8, LookupCompiler::compile);
        registry.register(BuiltinOp.TANH, DataType.INT8, LookupCompiler::compile);
        registry.register(BuiltinOp.MUL, DataType.INT8, MulCompiler::compile);
        registry.register(BuiltinOp.PRELU, DataType.INT8, PreluCompiler::compile);
        registry.register(BuiltinOp.RELU, DataType.INT8, ActivationCompiler::compile);
        registry.register(BuiltinOp.RELU6, DataType.INT8, ActivationCompiler::compile);
        registry.register(BuiltinOp.HARD_SWISH, DataType.INT8, ActivationCompiler::compile);
    }
}
