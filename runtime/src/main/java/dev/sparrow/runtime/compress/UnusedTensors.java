package dev.sparrow.runtime.compress;

import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Drops the tensors no operator reads or writes and that are not graph inputs or outputs, and renumbers the
 * rest. The reader keeps the fp16 or sparse sources of the constants it folded at load; nothing refers to
 * them afterwards, and a file written from the model should not carry them.
 */
final class UnusedTensors {
    private UnusedTensors() {}

    static Model drop(Model model, String description) {
        int n = model.tensors().size();
        boolean[] used = new boolean[n];
        for (Operator op : model.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0) {
                    used[t] = true;
                }
            }
            for (int t : op.outputs()) {
                used[t] = true;
            }
        }
        for (int t : model.inputs()) {
            used[t] = true;
        }
        for (int t : model.outputs()) {
            used[t] = true;
        }
        int[] newIndex = new int[n];
        List<Tensor> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            newIndex[i] = used[i] ? kept.size() : -1;
            if (used[i]) {
                Tensor t = model.tensor(i);
                kept.add(new Tensor(kept.size(), t.name(), t.type(), t.shape(), t.quantization(), t.data(), t.storedSparse(),
                        t.palette()));
            }
        }
        List<Operator> ops = new ArrayList<>();
        for (Operator op : model.operators()) {
            ops.add(new Operator(op.index(), op.fileIndex(), op.op(), op.customCode(), remap(op.inputs(), newIndex),
                    remap(op.outputs(), newIndex), op.options(), op.customOptions()));
        }
        return new Model(model.source(), model.version(), description, List.copyOf(kept), List.copyOf(ops),
                remap(model.inputs(), newIndex), remap(model.outputs(), newIndex));
    }

    private static int[] remap(int[] indices, int[] newIndex) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = indices[i] < 0 ? -1 : newIndex[indices[i]];
        }
        return out;
    }
}
