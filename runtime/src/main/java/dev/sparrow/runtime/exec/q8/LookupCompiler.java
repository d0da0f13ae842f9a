package dev.sparrow.runtime.exec.q8;

import static dev.sparrow.runtime.exec.q8.Q8Support.fail;

import dev.sparrow.kernels.q8.LookupQ8;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;

/**
 * LOGISTIC and TANH on int8 through TFLite's 256-entry float table (the kernel its default registration
 * runs). The same table serves XNNPACK mode, which leaves these operators to the built-in kernels.
 */
final class LookupCompiler {
    private LookupCompiler() {}

    static Step compile(Operator op, CompileContext ctx) {
        Tensor x = Q8Support.tensor(op, ctx, op.input(0), "input");
        Tensor y = ctx.tensor(op.output(0));
        Quantization qx = Q8Support.perTensorInt8(op, x, "input");
        Quantization qy = Q8Support.perTensorInt8(op, y, "output");
        if (y.elementCount() != x.elementCount()) {
            throw fail(op, y, "has " + y.elementCount() + " elements, the input " + x.elementCount());
        }
        LookupQ8 table;
        if (op.op() == BuiltinOp.LOGISTIC) {
            if (qy.scale() != 1f / 256f) {
                throw fail(op, y, "must have scale 1/256 (int8 logistic output), has " + qy);
            }
            table = LookupQ8.logistic(qx.scale(), qx.zeroPoint(), qy.scale(), qy.zeroPoint());
        } else {
            table = LookupQ8.tanh(qx.scale(), qx.zeroPoint(), qy.scale(), qy.zeroPoint());
        }
        int n = x.elementCount(), inOff = ctx.offset(x.index()), outOff = ctx.offset(y.index());
        return Q8Support.elementwise(op, ctx, n, (arena, part, parts) -> {
            int from = Q8Support.lineStart(n, part, parts);
            table.run(arena.i8, inOff + from, arena.i8, outOff + from, Q8Support.lineStart(n, part + 1, parts) - from);
        });
    }
}
