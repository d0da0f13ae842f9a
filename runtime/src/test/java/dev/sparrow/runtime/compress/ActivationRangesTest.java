package dev.sparrow.runtime.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Calibrated ranges of a one-operator model (RELU) on chosen inputs. */
class ActivationRangesTest {

    private static Model relu(int n) {
        List<Tensor> tensors = List.of(new Tensor(0, "x", DataType.FLOAT32, new int[] {1, n}, null, null, false),
                new Tensor(1, "y", DataType.FLOAT32, new int[] {1, n}, null, null, false));
        List<Operator> ops = List.of(new Operator(0, 0, BuiltinOp.RELU, null, new int[] {0}, new int[] {1},
                OpOptions.None.INSTANCE, null));
        return new Model("relu", 3, "", tensors, ops, new int[] {0}, new int[] {1});
    }

    @Test
    void uniformValuesKeepTheirMinMax() {
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = -1f + 2f * i / (x.length - 1);
        }
        Map<Integer, ActivationRanges.Range> r = ActivationRanges.calibrate(relu(x.length), List.of(x),
                ActivationRanges.Clipping.MSE);
        assertEquals(1.0, r.get(0).fraction(), "clipping a uniform range only adds error");
        assertEquals(-1f, r.get(0).min());
        assertEquals(1f, r.get(0).max());
        assertEquals(0f, r.get(1).min(), "RELU output: the range starts at real 0");
    }

    @Test
    void aRareOutlierIsClippedUnderMseButNotUnderMinMax() {
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        x[17] = 60f;
        List<float[]> inputs = new ArrayList<>(List.of(x));
        ActivationRanges.Range mse = ActivationRanges.calibrate(relu(x.length), inputs, ActivationRanges.Clipping.MSE).get(0);
        ActivationRanges.Range minMax = ActivationRanges.calibrate(relu(x.length), inputs, ActivationRanges.Clipping.MINMAX).get(0);
        assertEquals(60f, minMax.max());
        assertTrue(mse.clipped() && mse.max() < 60f, "MSE gives up the outlier: " + mse);
        assertEquals(60f, mse.observedMax(), "the observed maximum is still reported");
    }
}
