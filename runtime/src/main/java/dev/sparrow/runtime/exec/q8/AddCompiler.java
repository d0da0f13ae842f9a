package dev.sparrow.runtime.exec.q8;

import static dev.sparrow.runtime.exec.q8.Q8Support.fail;

import dev.sparrow.kernels.q8.AddQ8;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;

/** ADD on int8 with NumPy broadcasting, in TFLite's or XNNPACK's integer arithmetic. */
final class AddCompiler {
    private AddCompiler() {}

    static Step compile(Operator op, CompileContext ctx) {
        Activation act = op.options() instanceof OpOptions.Arithmetic a ? a.activation() : Activation.NONE;
        Tensor a = Q8Support.tensor(op, ctx, op.input(0), "first input");
        Tensor b = Q8Support.tensor(op, ctx, op.input(1), "second input");
        Tensor y = ctx.tensor(op.output(0));
        Quantization qa = Q8Support.perTensorInt8(op, a, "first input");
        Quantization qb = Q8Support.perTensorInt8(op, b, "second input");
        Quantization qy = Q8Support.perTensorInt8(op, y, "output");
        int[] range = Q8Support.activationRange(op, act, qy.scale(), qy.zeroPoint(), ctx.int8Mode());
        Broadcast bc = Broadcast.of(op, a, b, y);
        int aOff = ctx.offset(a.index()), bOff = ctx.offset(b.index()), yOff = ctx.offset(y.index());
        if (ctx.int8Mode() == Int8Mode.XNNPACK) {
            AddQ8.XnnpackParams p;
            try {
                p = AddQ8.xnnpackParams(qa.scale(), qa.zeroPoint(), qb.scale(), qb.zeroPoint(), qy.scale(),
                        qy.zeroPoint(), range[0], range[1]);
            } catch (IllegalArgumentException e) {
                throw fail(op, y, e.getMessage());
            }
            return Q8Support.elementwise(op, ctx, y.elementCount(), (arena, part, parts) -> bc.forEachRun(aOff, bOff,
                    yOff, part, parts, (ai, as, bi, bs, yi, n) -> AddQ8.xnnpack(
                            arena.i8, ai, as, arena.i8, bi, bs, arena.i8, yi, n, p)));
        }
        AddQ8.TfliteParams p;
        try {
            p = AddQ8.tfliteParams(qa.scale(), qa.zeroPoint(), qb.scale(), qb.zeroPoint(), qy.scale(), qy.zeroPoint(),
                    range[0], range[1]);
        } catch (IllegalArgumentException e) {
            throw fail(op, y, e.getMessage());
        }
        return Q8Support.elementwise(op, ctx, y.elementCount(), (arena, part, parts) -> bc.forEachRun(aOff, bOff,
                yOff, part, parts, (ai, as, bi, bs, yi, n) -> AddQ8.tflite(
                        arena.i8, ai, as, arena.i8, bi, bs, arena.i8, yi, n, p)));
    }
}
