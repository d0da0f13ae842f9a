package dev.sparrow.runtime.compress;

import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration: the range of every float activation of a model over a set of inputs, and the clipping of
 * each range chosen to minimise the expected int8 quantisation error.
 *
 * <p>Two passes through Sparrow's fp32 interpreter, with every activation made a graph output so it is
 * kept (and no fusion hides it): the first finds each tensor's min and max, the second fills a
 * {@value #BINS}-bin histogram over [min(min, 0), max(max, 0)] (the range must hold real 0, which
 * asymmetric int8 represents exactly). Then, per tensor, candidate ranges {@code α·[lo, hi]} for α from 1
 * down to {@value #SMALLEST_FRACTION} are scored by the histogram's expected squared error — values inside
 * cost the rounding noise step²/12, values outside cost their distance to the clip — and the best kept.
 * α = 1 is plain min/max; a smaller α trades clipped outliers for finer steps (MSE-optimal clipping).
 */
public final class ActivationRanges {
    private static final int BINS = 2048;
    private static final double SMALLEST_FRACTION = 0.2;
    private static final double FRACTION_STEP = 0.01;

    /** How a tensor's range is chosen: plain min/max, or min/max and MSE-optimal clipping, whichever is better. */
    public enum Clipping { MINMAX, MSE }

    /** A calibrated range; {@code fraction} is the α of the chosen clip (1 = the observed min/max). */
    public record Range(float min, float max, float observedMin, float observedMax, double fraction) {
        public boolean clipped() {
            return fraction < 1;
        }
    }

    private ActivationRanges() {}

    /**
     * Ranges of every non-constant FLOAT32 tensor of {@code model} (graph inputs included, from the inputs
     * themselves) over {@code inputs} (one float array per run, for a one-input model).
     */
    public static Map<Integer, Range> calibrate(Model model, List<float[]> inputs, Clipping clipping) {
        int input = model.inputs()[0];
        List<Integer> watched = new ArrayList<>();
        for (Tensor t : model.tensors()) {
            if (!t.isConstant() && t.type() == DataType.FLOAT32 && t.index() != input) {
                watched.add(t.index());
            }
        }
        int[] outputs = watched.stream().mapToInt(Integer::intValue).toArray();
        Model probe = new Model(model.source(), model.version(), model.description(), model.tensors(),
                model.operators(), model.inputs(), outputs);
        int n = outputs.length + 1;
        float[] min = new float[n];
        float[] max = new float[n];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        long[][] histogram = new long[n][];
        try (Interpreter it = Interpreter.create(probe)) {
            for (int pass = 0; pass < 2; pass++) {
                for (float[] x : inputs) {
                    it.setInput(0, x);
                    it.run();
                    for (int k = 0; k < n; k++) {
                        float[] v = k == outputs.length ? x : it.outputFloats(k);
                        if (pass == 0) {
                            for (float f : v) {
                                min[k] = Math.min(min[k], f);
                                max[k] = Math.max(max[k], f);
                            }
                        } else {
                            fill(histogram, k, v, lo(min[k]), hi(min[k], max[k]));
                        }
                    }
                }
            }
        }
        Map<Integer, Range> ranges = new HashMap<>();
        for (int k = 0; k < n; k++) {
            int tensor = k == outputs.length ? input : outputs[k];
            ranges.put(tensor, choose(histogram[k], min[k], max[k], clipping));
        }
        return ranges;
    }

    private static float lo(float min) {
        return Math.min(min, 0f);
    }

    /** The upper end, kept above the lower one so that a constant-zero tensor still gets a positive scale. */
    private static float hi(float min, float max) {
        float lo = lo(min);
        float hi = Math.max(max, 0f);
        return hi - lo > 1e-6f ? hi : lo + 1e-6f;
    }

    private static void fill(long[][] histogram, int k, float[] values, float lo, float hi) {
        if (histogram[k] == null) {
            histogram[k] = new long[BINS];
        }
        double perBin = BINS / ((double) hi - lo);
        long[] h = histogram[k];
        for (float v : values) {
            int bin = (int) ((v - lo) * perBin);
            h[Math.max(0, Math.min(BINS - 1, bin))]++;
        }
    }

    private static Range choose(long[] histogram, float min, float max, Clipping clipping) {
        float lo = lo(min), hi = hi(min, max);
        if (clipping == Clipping.MINMAX) {
            return new Range(lo, hi, min, max, 1);
        }
        double width = ((double) hi - lo) / BINS;
        double bestError = Double.POSITIVE_INFINITY;
        double best = 1;
        // Integer steps so that α = 1 is tried exactly; ties keep the larger α (less clipping).
        for (int step = 0; 1 - step * FRACTION_STEP >= SMALLEST_FRACTION - 1e-9; step++) {
            double a = 1 - step * FRACTION_STEP;
            double clipLo = a * lo, clipHi = a * hi;
            double quantStep = (clipHi - clipLo) / 255;
            double noise = quantStep * quantStep / 12;
            double error = 0;
            for (int b = 0; b < BINS; b++) {
                if (histogram[b] == 0) {
                    continue;
                }
                double x = lo + (b + 0.5) * width;
                double e = x < clipLo ? (x - clipLo) * (x - clipLo) : x > clipHi ? (x - clipHi) * (x - clipHi) : noise;
                error += histogram[b] * e;
            }
            if (error < bestError) {
                bestError = error;
                best = a;
            }
        }
        return new Range((float) (best * lo), (float) (best * hi), min, max, best);
    }
}
