package dev.sparrow.runtime.compress;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Magnitude pruning without retraining, layer by layer: in every 1×1 CONV_2D and FULLY_CONNECTED weight
 * matrix (output channels × input channels) the blocks with the smallest L1 norm are set to zero until the
 * layer reaches the target sparsity. The first convolution stays dense, as in Fast Sparse ConvNets (Elsen et
 * al., 2020), whose sparse inference the 1×1 layers are for; depthwise and k×k convolutions are left alone.
 * The zeros stay in place in a dense tensor, which every TensorFlow Lite runs.
 */
public final class MagnitudePruning {

    /** Block shape in the weight matrix: rows are output channels, columns input channels. */
    public enum Block {
        B1X1(1, 1), B1X4(1, 4), B4X1(4, 1);

        public final int rows;
        public final int columns;

        Block(int rows, int columns) {
            this.rows = rows;
            this.columns = columns;
        }

        /** "1x1", "1x4" or "4x1". */
        public static Block parse(String text) {
            for (Block b : values()) {
                if (b.label().equals(text.toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new IllegalArgumentException("--block " + text + " is not one of 1x1, 1x4, 4x1");
        }

        public String label() {
            return rows + "x" + columns;
        }
    }

    /** Target sparsity (fraction of weights set to zero) and block shape. */
    public record Target(double sparsity, Block block) {
        public Target {
            if (!(sparsity >= 0 && sparsity < 1)) {
                throw new IllegalArgumentException("--prune " + sparsity + " must be a sparsity in [0, 1)");
            }
        }
    }

    private MagnitudePruning() {}

    /** The model with the weights of its prunable layers pruned; other tensors are shared with {@code model}. */
    public static Model prune(Model model, Target target) {
        List<Tensor> tensors = new ArrayList<>(model.tensors());
        boolean firstConv = true;
        for (Operator op : model.operators()) {
            boolean conv = op.op() == BuiltinOp.CONV_2D;
            if (conv && firstConv) {
                firstConv = false;
                continue;
            }
            if (!(conv || op.op() == BuiltinOp.FULLY_CONNECTED) || op.input(1) < 0) {
                continue;
            }
            Tensor w = tensors.get(op.input(1));
            boolean pointwise = conv ? w.rank() == 4 && w.dim(1) == 1 && w.dim(2) == 1 : w.rank() == 2;
            if (!pointwise || !w.isConstant() || w.type() != DataType.FLOAT32) {
                continue;
            }
            int rows = w.dim(0);
            float[] values = w.floats();
            pruneMatrix(values, rows, values.length / rows, target);
            ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(values);
            tensors.set(w.index(), new Tensor(w.index(), w.name(), w.type(), w.shape(), w.quantization(), data.array(),
                    w.storedSparse()));
        }
        return new Model(model.source(), model.version(), model.description(), List.copyOf(tensors), model.operators(),
                model.inputs(), model.outputs());
    }

    /**
     * Zeroes the round(sparsity × blocks) blocks of smallest L1 norm of a row-major rows × columns matrix;
     * blocks at the right or bottom edge may be partial. Equal norms go in index order, so the result is
     * deterministic.
     */
    static void pruneMatrix(float[] w, int rows, int columns, Target target) {
        int br = target.block().rows, bc = target.block().columns;
        int blockRows = (rows + br - 1) / br, blockColumns = (columns + bc - 1) / bc;
        int blocks = blockRows * blockColumns;
        double[] norm = new double[blocks];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                norm[(r / br) * blockColumns + c / bc] += Math.abs(w[r * columns + c]);
            }
        }
        Integer[] order = new Integer[blocks];
        for (int i = 0; i < blocks; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(norm[a], norm[b]));
        int prune = (int) Math.round(target.sparsity() * blocks);
        boolean[] zero = new boolean[blocks];
        for (int i = 0; i < prune; i++) {
            zero[order[i]] = true;
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                if (zero[(r / br) * blockColumns + c / bc]) {
                    w[r * columns + c] = 0f;
                }
            }
        }
    }
}
