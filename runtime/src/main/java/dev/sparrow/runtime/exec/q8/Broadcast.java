package dev.sparrow.runtime.exec.q8;

import static dev.sparrow.runtime.exec.q8.Q8Support.fail;

import dev.sparrow.runtime.exec.Step;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import java.util.Arrays;

/**
 * NumPy broadcasting of two operands onto an output, walked as runs along the innermost axis in which each
 * operand either advances (step 1) or repeats one element (step 0). Same-shaped operands are one run.
 */
final class Broadcast {
    /** Consumer of one run: operand offsets and steps, output offset and run length. */
    @FunctionalInterface
    interface Run {
        void accept(int aOff, int aStep, int bOff, int bStep, int outOff, int n);
    }

    private final int[] shape;
    private final int[] aStrides;
    private final int[] bStrides;

    private Broadcast(int[] shape, int[] aStrides, int[] bStrides) {
        this.shape = shape;
        this.aStrides = aStrides;
        this.bStrides = bStrides;
    }

    static Broadcast of(Operator op, Tensor a, Tensor b, Tensor out) {
        int rank = Math.max(a.rank(), b.rank());
        int[] shape = new int[rank];
        int[] as = strides(a.shape(), rank), bs = strides(b.shape(), rank);
        for (int i = 0; i < rank; i++) {
            int da = dim(a.shape(), rank, i), db = dim(b.shape(), rank, i);
            if (da != db && da != 1 && db != 1) {
                throw fail(op, b, "cannot be broadcast against " + a.describe());
            }
            shape[i] = Math.max(da, db);
            if (da == 1 && shape[i] != 1) {
                as[i] = 0;
            }
            if (db == 1 && shape[i] != 1) {
                bs[i] = 0;
            }
        }
        if (Tensor.elementCount(shape) != out.elementCount()) {
            throw fail(op, out, "does not have the broadcast shape " + Arrays.toString(shape));
        }
        if (Arrays.equals(a.shape(), b.shape())) {
            int n = out.elementCount();
            return new Broadcast(new int[] {n}, new int[] {1}, new int[] {1});
        }
        return new Broadcast(shape, as, bs);
    }

    private static int dim(int[] s, int rank, int i) {
        int j = i - (rank - s.length);
        return j < 0 ? 1 : s[j];
    }

    private static int[] strides(int[] s, int rank) {
        int[] st = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            st[i] = stride;
            stride *= dim(s, rank, i);
        }
        return st;
    }

    /**
     * The runs of part {@code part} of {@code parts}: whole runs of the outer loop, or for a single run (same
     * shapes) a slice of it starting on a cache line.
     */
    void forEachRun(int aOff, int bOff, int outOff, int part, int parts, Run run) {
        int rank = shape.length;
        int inner = shape[rank - 1];
        int aStep = aStrides[rank - 1], bStep = bStrides[rank - 1];
        int outer = Tensor.elementCount(shape) / Math.max(inner, 1);
        if (outer == 1) {
            int from = Q8Support.lineStart(inner, part, parts), to = Q8Support.lineStart(inner, part + 1, parts);
            if (to > from) {
                run.accept(aOff + from * aStep, aStep, bOff + from * bStep, bStep, outOff + from, to - from);
            }
            return;
        }
        int o0 = Step.rangeStart(outer, part, parts), o1 = Step.rangeStart(outer, part + 1, parts);
        int[] idx = new int[rank];
        for (int d = rank - 2, rest = o0; d >= 0; d--) {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        for (int o = o0; o < o1; o++) {
            int ai = aOff, bi = bOff;
            for (int d = 0; d < rank - 1; d++) {
                ai += idx[d] * aStrides[d];
                bi += idx[d] * bStrides[d];
            }
            run.accept(ai, aStep, bi, bStep, outOff + o * inner, inner);
            for (int d = rank - 2; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }
}
