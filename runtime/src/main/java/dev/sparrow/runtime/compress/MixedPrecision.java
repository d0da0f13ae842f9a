package dev.sparrow.runtime.compress;

import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Palette;
import dev.sparrow.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Mixed precision ({@code sparrow compress --mixed-precision BUDGET}): each conv, depthwise and fully connected
 * layer keeps float32 weights or gets a codebook ({@link CodebookQuantizer}) of its own size, so that the weight
 * bytes fit {@code BUDGET} × the float32 weight bytes and the layers that move the outputs most keep the most bits.
 *
 * <p>The method, in three steps:
 * <ol>
 * <li><b>Candidates.</b> Per layer: fp32, and the palettes at K = 256 and 64 (8-bit indices; 64 has the
 *     smaller codebook, which matters for small layers), 16 (4-bit) and 4 (2-bit). A palette that would not be
 *     smaller than the float weights is no candidate. A candidate costs the bytes it stores (indices, codebook,
 *     channel scales) — the bytes the report counts.</li>
 * <li><b>Sensitivity, measured.</b> Each layer is palettised <i>alone</i> at each K, the rest of the model float,
 *     and run on a few calibration images (never the held-out ones); its sensitivity at K is the mean over the
 *     outputs of mean (output − float output)² / (largest |float output|)² (so outputs on different scales weigh
 *     the same), averaged over the images. Squared, because independent errors of different layers add as
 *     squares (variances add), which step 3 assumes; on face_detection_short_range at 0.25 the same greedy on
 *     mean |deviation| ended 18 % worse on the held-out images. HAWQ (Dong et al. 2019) ranks layers by Hessian
 *     trace × squared weight perturbation, a second-order estimate of this same loss change; Sparrow has no
 *     backward pass, and the measured deviation at the outputs needs none — it costs one interpreter and a few
 *     runs per candidate.</li>
 * <li><b>Allocation.</b> Taking the layers' squared deviations as additive (HAWQ's assumption too), start from all fp32
 *     and repeatedly make the move — one layer to a smaller candidate — that adds the least deviation per byte
 *     saved, until the weights fit the budget; then spend what is left of the budget on the moves back up that
 *     remove the most deviation per byte added. A greedy answer to the knapsack, not its optimum (HAWQ-V3 solves
 *     an integer program).</li>
 * </ol>
 * The same palettes applied to every layer at one K are the uniform baselines the report compares against.
 */
public final class MixedPrecision {
    /** Codebook sizes tried per layer, from most to fewest bits. */
    static final int[] ENTRIES = {256, 64, 16, 4};
    /** Calibration images the sensitivity is measured on: enough to average out one frame, few enough to stay quick. */
    static final int SENSITIVITY_IMAGES = 4;

    /** One way to store a layer's weights: {@code entries} 0 is float32 (no palette). */
    public record Candidate(int entries, Palette palette, long bytes, double sensitivity) {
        public int bits() {
            return palette == null ? 32 : palette.bits();
        }

        public String label() {
            return entries == 0 ? "fp32" : "K=" + entries;
        }
    }

    /** A layer's weight tensor, its candidates (fp32 first, then by falling bytes) and the one chosen. */
    public record Layer(String weights, List<Candidate> candidates, Candidate chosen) {}

    /** Every layer palettised at one K where it can be: a baseline of uniform precision. */
    public record Uniform(int entries, Model model, long weightBytes) {}

    /**
     * @param floatWeightBytes weights and biases of the weighted layers as float32, as the report counts them
     * @param budgetBytes      the most weight bytes the result may have
     * @param weightBytes      the result's weight bytes
     */
    public record Result(Model model, List<Layer> layers, long floatWeightBytes, long budgetBytes, long weightBytes,
                         int sensitivityImages, double sensitivitySeconds, List<Uniform> uniforms) {}

    private MixedPrecision() {}

    /**
     * @param budget     fraction of the float32 weight bytes, in (0, 1]
     * @param calibration calibration images; up to {@link #SENSITIVITY_IMAGES} of them, evenly spaced, measure
     *                   the sensitivity
     * @throws IllegalArgumentException when even the smallest candidate of every layer does not fit the budget
     */
    public static Result choose(Model model, List<float[]> calibration, double budget) {
        long floatBytes = 0;
        for (Operator op : model.operators()) {
            floatBytes += 4 * weightAndBiasCount(model, op);
        }
        long budgetBytes = (long) Math.floor(budget * floatBytes);

        List<Operator> palettisable = CodebookQuantizer.palettisableLayers(model);
        List<List<Candidate>> unmeasured = new ArrayList<>();
        long fixedBytes = floatBytes;
        long smallest = 0;
        for (Operator op : palettisable) {
            Tensor w = model.tensor(op.input(1));
            List<Candidate> candidates = new ArrayList<>();
            candidates.add(new Candidate(0, null, 4L * w.elementCount(), 0));
            for (int k : ENTRIES) {
                Palette p = CodebookQuantizer.palettise(op, w, k);
                if (p != null && p.bytes() < candidates.getLast().bytes()) {
                    candidates.add(new Candidate(k, p, p.bytes(), Double.NaN));
                }
            }
            unmeasured.add(candidates);
            fixedBytes -= 4L * w.elementCount();
            smallest += candidates.getLast().bytes();
        }
        if (fixedBytes + smallest > budgetBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--mixed-precision %s asks for %,d weight bytes;"
                    + " the smallest codebook of every layer (K=%d) still needs %,d (%.3f of the %,d float32 bytes)",
                    budget, budgetBytes, ENTRIES[ENTRIES.length - 1], fixedBytes + smallest,
                    (double) (fixedBytes + smallest) / floatBytes, floatBytes));
        }

        long t0 = System.nanoTime();
        List<float[]> images = evenlySpaced(calibration, SENSITIVITY_IMAGES);
        List<List<Candidate>> measured = measure(model, palettisable, unmeasured, images);
        double seconds = (System.nanoTime() - t0) / 1e9;

        int[] choice = allocate(measured, budgetBytes - fixedBytes);
        List<Tensor> tensors = new ArrayList<>(model.tensors());
        List<Layer> layers = new ArrayList<>();
        long weightBytes = fixedBytes;
        for (int l = 0; l < palettisable.size(); l++) {
            Tensor w = model.tensor(palettisable.get(l).input(1));
            Candidate chosen = measured.get(l).get(choice[l]);
            if (chosen.palette() != null) {
                tensors.set(w.index(), CodebookQuantizer.withPalette(w, chosen.palette()));
            }
            weightBytes += chosen.bytes();
            layers.add(new Layer(w.name(), measured.get(l), chosen));
        }
        return new Result(CodebookQuantizer.withTensors(model, tensors), layers, floatBytes, budgetBytes, weightBytes,
                images.size(), seconds, uniforms(model, palettisable, measured, fixedBytes));
    }

    /** Weights and bias of an operator the report counts as a layer (conv, depthwise, FC, custom), else 0. */
    private static long weightAndBiasCount(Model model, Operator op) {
        boolean weighted = op.op() == BuiltinOp.CONV_2D || op.op() == BuiltinOp.DEPTHWISE_CONV_2D
                || op.op() == BuiltinOp.FULLY_CONNECTED || op.op() == BuiltinOp.CUSTOM;
        if (!weighted || op.input(1) < 0 || !model.tensor(op.input(1)).isConstant()) {
            return 0;
        }
        return model.tensor(op.input(1)).elementCount() + (op.input(2) >= 0 ? model.tensor(op.input(2)).elementCount() : 0);
    }

    private static List<float[]> evenlySpaced(List<float[]> images, int count) {
        List<float[]> picked = new ArrayList<>();
        int n = Math.min(count, images.size());
        for (int i = 0; i < n; i++) {
            picked.add(images.get(i * images.size() / n));
        }
        return picked;
    }

    /** The candidates with their sensitivity: the relative squared output deviation with only that layer palettised. */
    private static List<List<Candidate>> measure(Model model, List<Operator> layers, List<List<Candidate>> candidates,
                                                 List<float[]> images) {
        List<float[][]> reference = new ArrayList<>();
        int outputs = model.outputs().length;
        double[] range = new double[outputs];
        try (Interpreter floatModel = Interpreter.create(model)) {
            for (float[] x : images) {
                floatModel.setInput(0, x);
                floatModel.run();
                float[][] out = new float[outputs][];
                for (int o = 0; o < outputs; o++) {
                    out[o] = floatModel.outputFloats(o).clone();
                    for (float v : out[o]) {
                        range[o] = Math.max(range[o], Math.abs(v));
                    }
                }
                reference.add(out);
            }
        }
        List<List<Candidate>> measured = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            Tensor w = model.tensor(layers.get(l).input(1));
            List<Candidate> withSensitivity = new ArrayList<>();
            for (Candidate c : candidates.get(l)) {
                if (c.palette() == null) {
                    withSensitivity.add(c);
                    continue;
                }
                List<Tensor> tensors = new ArrayList<>(model.tensors());
                tensors.set(w.index(), CodebookQuantizer.withPalette(w, c.palette()));
                double sum = 0;
                try (Interpreter alone = Interpreter.create(CodebookQuantizer.withTensors(model, tensors))) {
                    for (int i = 0; i < images.size(); i++) {
                        alone.setInput(0, images.get(i));
                        alone.run();
                        for (int o = 0; o < outputs; o++) {
                            double scale = range[o] > 0 ? range[o] : 1;
                            sum += meanSquaredDifference(reference.get(i)[o], alone.outputFloats(o)) / (scale * scale);
                        }
                    }
                }
                withSensitivity.add(new Candidate(c.entries(), c.palette(), c.bytes(), sum / (images.size() * outputs)));
            }
            measured.add(withSensitivity);
        }
        return measured;
    }

    private static double meanSquaredDifference(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            double d = (double) a[k] - b[k];
            sum += d * d;
        }
        return sum / a.length;
    }

    /**
     * The greedy allocation (class comment, step 3): indices into each layer's candidates whose bytes sum to at
     * most {@code budget}, which the caller has checked the smallest candidates fit.
     */
    static int[] allocate(List<List<Candidate>> layers, long budget) {
        int[] choice = new int[layers.size()];
        long total = 0;
        for (List<Candidate> c : layers) {
            total += c.getFirst().bytes();
        }
        while (total > budget) {
            int bestLayer = -1, bestTo = -1;
            double bestRatio = Double.POSITIVE_INFINITY;
            for (int l = 0; l < layers.size(); l++) {
                Candidate now = layers.get(l).get(choice[l]);
                for (int c = choice[l] + 1; c < layers.get(l).size(); c++) {
                    Candidate to = layers.get(l).get(c);
                    double ratio = (to.sensitivity() - now.sensitivity()) / (now.bytes() - to.bytes());
                    if (ratio < bestRatio) {
                        bestRatio = ratio;
                        bestLayer = l;
                        bestTo = c;
                    }
                }
            }
            total -= layers.get(bestLayer).get(choice[bestLayer]).bytes() - layers.get(bestLayer).get(bestTo).bytes();
            choice[bestLayer] = bestTo;
        }
        while (true) {
            int bestLayer = -1, bestTo = -1;
            double bestRatio = 0;
            for (int l = 0; l < layers.size(); l++) {
                Candidate now = layers.get(l).get(choice[l]);
                for (int c = 0; c < choice[l]; c++) {
                    Candidate to = layers.get(l).get(c);
                    double ratio = (now.sensitivity() - to.sensitivity()) / (to.bytes() - now.bytes());
                    if (total + to.bytes() - now.bytes() <= budget && ratio > bestRatio) {
                        bestRatio = ratio;
                        bestLayer = l;
                        bestTo = c;
                    }
                }
            }
            if (bestLayer < 0) {
                return choice;
            }
            total += layers.get(bestLayer).get(bestTo).bytes() - layers.get(bestLayer).get(choice[bestLayer]).bytes();
            choice[bestLayer] = bestTo;
        }
    }

    /** One model per K of {@link #ENTRIES}: every layer at that K where it has a palette of K entries or more. */
    private static List<Uniform> uniforms(Model model, List<Operator> layers, List<List<Candidate>> candidates,
                                          long fixedBytes) {
        List<Uniform> uniforms = new ArrayList<>();
        for (int k : ENTRIES) {
            List<Tensor> tensors = new ArrayList<>(model.tensors());
            long bytes = fixedBytes;
            for (int l = 0; l < layers.size(); l++) {
                // The smallest candidate with at least K entries: a layer with too few distinct weights for K
                // has its palette under a larger K, a layer too small for any palette stays float.
                Candidate at = candidates.get(l).stream().filter(c -> c.entries() == 0 || c.entries() >= k)
                        .reduce((larger, smaller) -> smaller).orElseThrow();
                Tensor w = model.tensor(layers.get(l).input(1));
                if (at.palette() != null) {
                    tensors.set(w.index(), CodebookQuantizer.withPalette(w, at.palette()));
                }
                bytes += at.bytes();
            }
            uniforms.add(new Uniform(k, CodebookQuantizer.withTensors(model, tensors), bytes));
        }
        return uniforms;
    }
}
