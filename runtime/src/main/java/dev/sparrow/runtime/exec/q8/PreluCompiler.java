package dev.sparrow.runtime.exec.q8;

import static dev.sparrow.runtime.exec.q8.Q8Support.fail;

import dev.sparrow.kernels.q8.PreluQ8;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;

/**
 * PRELU on int8 with NumPy broadcasting of the slopes ({@link PreluQ8}). XNNPACK mode uses the same
 * arithmetic: on Int8OpsConformanceTest's PRELU cases (ties included) TensorFlow Lite 2.21 + XNNPACK gives
 * exactly the bytes of 2.6.2's built-in kernel.
 */
final class PreluCompiler {
    private PreluCompiler() {}

    static Step compile(Operator op, CompileContext ctx) {
        Tensor x = Q8Support.tensor(op, ctx, op.input(0), "input");
        Tensor alpha = Q8Support.tensor(op, ctx, op.input(1), "alpha");
        Tensor y = ctx.tensor(op.output(0));
        Quantization qx = Q8Support.perTensorInt8(op, x, "input");
        Quantization qa = Q8Support.perTensorInt8(op, alpha, "alpha");
        Quantization qy = Q8Support.perTensorInt8(op, y, "output");
        Broadcast bc = Broadcast.of(op, x, alpha, y);
        PreluQ8.Params p;
        try {
            p = PreluQ8.params(qx.scale(), qx.zeroPoint(), qa.scale(), qa.zeroPoint(), qy.scale(), qy.zeroPoint());
        } catch (IllegalArgumentException e) {
            throw fail(op, y, e.getMessage());
        }
        int xOff = ctx.offset(x.index()), aOff = ctx.offset(alpha.index()), yOff = ctx.offset(y.index());
        return Q8Support.elementwise(op, ctx, y.elementCount(), (arena, part, parts) -> bc.forEachRun(xOff, aOff,
                yOff, part, parts, (xi, xs, ai, as, yi, n) -> PreluQ8.run(
                        arena.i8, xi, xs, arena.i8, ai, as, arena.i8, yi, n, p)));
    }
}
