package dev.sparrow.runtime.exec.shape;

import dev.sparrow.runtime.exec.Arena;
import dev.sparrow.runtime.exec.CompileContext;
import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RESHAPE and SQUEEZE: the elements keep their order, so the step is one copy (nothing at all when the
 * planner gave the output the input's slot). The requested shape is still resolved and checked against
 * the output's stored shape, so a malformed file is reported instead of silently relabelled.
 */
final class ReshapeCompiler {

    private ReshapeCompiler() {
    }

    /** Copies {@code count} elements between two slots of the same array. */
    record CopyStep(boolean floats, int inOffset, int outOffset, int count) implements Step {
        @Override
        public void run(Arena arena, int part, int parts) {
            if (inOffset == outOffset) {
                return;
            }
            if (floats) {
                System.arraycopy(arena.f32, inOffset, arena.f32, outOffset, count);
            } else {
                System.arraycopy(arena.i8, inOffset, arena.i8, outOffset, count);
            }
        }
    }

    static Step compileReshape(Operator op, CompileContext ctx) {
        OpChecks.requireInputCount(ctx, op, 1, 2);
        Tensor in = OpChecks.input(ctx, op, 0);
        Tensor out = OpChecks.output(ctx, op);
        int[] requested = requestedShape(op, ctx);
        if (requested == null) {
            // TensorFlow Lite (2.6.2 and 2.21) reads no shape as its zeroed parameters, a scalar, and refuses
            // every larger input; taking the output's stored shape instead would run a file it refuses.
            if (in.elementCount() != 1) {
                throw OpChecks.error(ctx, op, "states no shape (no shape input, no new_shape option), which means a"
                        + " scalar, but " + in.describe() + " has " + in.elementCount() + " elements");
            }
            requested = new int[0];
        }
        OpChecks.requireShape(ctx, op, out, resolve(ctx, op, in, requested),
                "the requested shape " + Arrays.toString(requested) + " applied to " + in.describe());
        return copy(op, ctx, in, out);
    }

    /**
     * TFLite's rule: a second input that is a 1-D INT32 tensor is the shape; otherwise the options'
     * {@code new_shape}; a lone 0 there means a scalar. Null when the operator states neither.
     */
    private static int[] requestedShape(Operator op, CompileContext ctx) {
        if (op.input(1) >= 0) {
            Tensor shape = ctx.tensor(op.input(1));
            if (shape.rank() == 1 && shape.type() == DataType.INT32) {
                return OpChecks.constantInts(ctx, op, shape, "shape");
            }
        }
        if (op.options() instanceof OpOptions.Reshape(int[] newShape) && newShape != null) {
            return newShape.length == 1 && newShape[0] == 0 ? new int[0] : newShape;
        }
        return null;
    }

    /** Infers a single −1 from the element count; checks that the counts match. */
    private static int[] resolve(CompileContext ctx, Operator op, Tensor in, int[] requested) {
        int[] shape = requested.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) {
                    throw OpChecks.error(ctx, op, "requested shape " + Arrays.toString(requested) + " has more than one -1");
                }
                unknown = i;
            } else if (shape[i] < 0) {
                throw OpChecks.error(ctx, op, "requested shape " + Arrays.toString(requested) + " has a negative dimension");
            } else {
                known *= shape[i];
            }
        }
        int count = in.elementCount();
        if (unknown >= 0) {
            if (known == 0 || count % known != 0) {
                throw OpChecks.error(ctx, op, "cannot infer the -1 of " + Arrays.toString(requested) + " from "
                        + count + " elements of " + in.describe());
            }
            shape[unknown] = (int) (count / known);
        } else if (known != count) {
            throw OpChecks.error(ctx, op, "requested shape " + Arrays.toString(requested) + " holds " + known
                    + " elements but " + in.describe() + " has " + count);
        }
        return shape;
    }

    static Step compileSqueeze(Operator op, CompileContext ctx) {
        OpChecks.requireInputCount(ctx, op, 1, 1);
        Tensor in = OpChecks.input(ctx, op, 0);
        Tensor out = OpChecks.output(ctx, op);
        int rank = in.rank();
        boolean[] drop = new boolean[rank];
        int[] dims = op.options() instanceof OpOptions.Squeeze(int[] squeezeDims) ? squeezeDims : new int[0];
        if (dims.length == 0) {
            for (int i = 0; i < rank; i++) {
                drop[i] = in.dim(i) == 1;
            }
        } else {
            for (int d : dims) {
                int a = OpChecks.axis(ctx, op, d, rank, "squeeze dimension");
                if (in.dim(a) != 1) {
                    throw OpChecks.error(ctx, op, "squeeze dimension " + d + " of " + in.describe() + " has size "
                            + in.dim(a) + ", not 1");
                }
                drop[a] = true;
            }
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (!drop[i]) {
                kept.add(in.dim(i));
            }
        }
        OpChecks.requireShape(ctx, op, out, kept.stream().mapToInt(Integer::intValue).toArray(),
                "squeezing " + in.describe() + " on " + (dims.length == 0 ? "all size-1 dims" : Arrays.toString(dims)));
        return copy(op, ctx, in, out);
    }

    private static Step copy(Operator op, CompileContext ctx, Tensor in, Tensor out) {
        OpChecks.requireArenaType(ctx, op, in, "input");
        OpChecks.requireSameType(ctx, op, in, out);
        if (in.elementCount() != out.elementCount()) {
            throw OpChecks.error(ctx, op, "input " + in.describe() + " and output " + out.describe()
                    + " differ in element count");
        }
        return new CopyStep(in.type() == DataType.FLOAT32, ctx.offset(in.index()), ctx.offset(out.index()),
                in.elementCount());
    }
}
