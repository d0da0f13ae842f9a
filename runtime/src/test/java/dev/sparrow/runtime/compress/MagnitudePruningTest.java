package dev.sparrow.runtime.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import org.junit.jupiter.api.Test;

class MagnitudePruningTest {

    private static MagnitudePruning.Target target(double s, String block) {
        return new MagnitudePruning.Target(s, MagnitudePruning.Block.parse(block));
    }

    @Test
    void smallestBlocksGoFirst() {
        // 2 × 8: blocks of 1×4 have L1 norms 4, 40, 8, 80; pruning half removes the 4 and the 8.
        float[] w = {1, 1, 1, 1, 10, 10, 10, 10,
                     2, 2, 2, 2, 20, 20, 20, 20};
        MagnitudePruning.pruneMatrix(w, 2, 8, target(0.5, "1x4"));
        assertArrayEquals(new float[] {0, 0, 0, 0, 10, 10, 10, 10, 0, 0, 0, 0, 20, 20, 20, 20}, w);
        float[] v = {1, -5, 3, 0.5f};
        MagnitudePruning.pruneMatrix(v, 4, 1, target(0.5, "4x1"));
        assertArrayEquals(new float[] {0, 0, 0, 0}, v, "one block of four rows: round(0.5 × 1) = 1 block");
        float[] u = {1, -5, 3, 0.5f};
        MagnitudePruning.pruneMatrix(u, 1, 4, target(0.5, "1x1"));
        assertArrayEquals(new float[] {0, -5, 3, 0}, u);
    }

    @Test
    void onlyPointwiseConvolutionsAfterTheFirstArePruned() throws Exception {
        Model model = TfliteReader.read(SharedData.model("face_detection_short_range.tflite"));
        Model pruned = MagnitudePruning.prune(model, target(0.7, "1x1"));
        boolean first = true;
        int prunedLayers = 0;
        for (Operator op : model.operators()) {
            if (op.op() != BuiltinOp.CONV_2D && op.op() != BuiltinOp.DEPTHWISE_CONV_2D) {
                continue;
            }
            Tensor before = model.tensor(op.input(1));
            Tensor after = pruned.tensor(op.input(1));
            boolean pointwise = op.op() == BuiltinOp.CONV_2D && before.dim(1) == 1 && before.dim(2) == 1;
            if (op.op() == BuiltinOp.CONV_2D && first) {
                first = false;
                assertArrayEquals(before.data(), after.data(), "the first convolution stays dense");
            } else if (pointwise) {
                long zeros = 0;
                for (float f : after.floats()) {
                    zeros += f == 0 ? 1 : 0;
                }
                assertEquals(0.7, (double) zeros / after.elementCount(), 0.01, before.describe());
                prunedLayers++;
            } else {
                assertArrayEquals(before.data(), after.data(), "depthwise and k×k convolutions are left alone");
            }
        }
        assertTrue(prunedLayers > 10, "pruned " + prunedLayers + " layers");
    }

    @Test
    void invalidTargetsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> target(1.0, "1x1"));
        assertThrows(IllegalArgumentException.class, () -> target(-0.1, "1x1"));
        assertThrows(IllegalArgumentException.class, () -> target(Double.NaN, "1x1"));
        assertThrows(IllegalArgumentException.class, () -> target(0.5, "2x2"));
    }
}
