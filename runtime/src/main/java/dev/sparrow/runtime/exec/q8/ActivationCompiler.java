package dev.sparrow.runtime.exec.q8;

import static dev.sparrow.runtime.exec.q8.Q8Support.fail;

import dev.sparrow.kernels.q8.HardSwishQ8;
import dev.sparrow.kernels.q8.LookupQ8;
import dev.sparrow.kernels.q8.Requant;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;

/**
 * Standalone RELU, RELU6 and HARD_SWISH on int8. Each is a function of one int8 value, so TFLite's per-element
 * arithmetic is evaluated once per possible input into a 256-entry table ({@link LookupQ8#of}):
 * <ul>
 *   <li>RELU/RELU6 ({@code activations.cc}, {@code QuantizedReluX}): multiplier {@code sIn/sOut} divided in
 *       float, {@code zpOut + R1(x − zpIn, M, shift)} clamped to the fused range of the output
 *       ({@code zp + roundf(bound/s)});</li>
 *   <li>HARD_SWISH: {@link HardSwishQ8}.</li>
 * </ul>
 * XNNPACK mode uses the same tables.
 */
final class ActivationCompiler {
    private ActivationCompiler() {}

    static Step compile(Operator op, CompileContext ctx) {
        Tensor x = Q8Support.tensor(op, ctx, op.input(0), "input");
        Tensor y = ctx.tensor(op.output(0));
        Quantization qx = Q8Support.perTensorInt8(op, x, "input");
        Quantization qy = Q8Support.perTensorInt8(op, y, "output");
        if (y.elementCount() != x.elementCount()) {
            throw fail(op, y, "has " + y.elementCount() + " elements, the input " + x.elementCount());
        }
        LookupQ8 table;
        if (op.op() == BuiltinOp.HARD_SWISH) {
            HardSwishQ8 h;
            try {
                h = new HardSwishQ8(qx.scale(), qx.zeroPoint(), qy.scale(), qy.zeroPoint());
            } catch (IllegalArgumentException e) {
                throw fail(op, y, e.getMessage());
            }
            table = LookupQ8.of(h::apply);
        } else {
            Activation act = op.op() == BuiltinOp.RELU ? Activation.RELU : Activation.RELU6;
            int[] range = Q8Support.activationRange(op, act, qy.scale(), qy.zeroPoint(),
                    Int8Mode.TFLITE);
            int[] ms = Requant.quantizeMultiplier((double) (qx.scale() / qy.scale()));
            int zpIn = qx.zeroPoint(), zpOut = qy.zeroPoint();
            table = LookupQ8.of(v -> Math.min(Math.max(zpOut + Requant.r1(v - zpIn, ms[0], ms[1]), range[0]), range[1]));
        }
        int n = x.elementCount(), inOff = ctx.offset(x.index()), outOff = ctx.offset(y.index());
        return Q8Support.elementwise(op, ctx, n, (arena, part, parts) -> {
            int from = Q8Support.lineStart(n, part, parts);
            table.run(arena.i8, inOff + from, arena.i8, outOff + from, Q8Support.lineStart(n, part + 1, parts) - from);
        });
    }
}
