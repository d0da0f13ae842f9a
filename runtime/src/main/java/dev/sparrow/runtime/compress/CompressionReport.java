package dev.sparrow.runtime.compress;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a compression cost and saved: per weighted layer and in total, parameters, bits and bytes before and
 * after; file sizes; the output deviation from the original model on held-out images (images not used to
 * calibrate); the latency of both models in Sparrow, measured in the same run; and the operators that
 * stayed float.
 *
 * @param float32FileBytes the model with every weight as float32, as Sparrow writes it: the fp32 baseline
 *                         (MediaPipe files store fp16 weights, so the file on disk is smaller than that)
 * @param mixedPrecision   what {@code --mixed-precision} chose and what uniform precision gives; null without it
 */
public record CompressionReport(String model, String output, String method, String normalization, String clipping,
                                int calibrationImages, int heldOutImages, int calibratedTensors, int clippedTensors,
                                List<Layer> layers, long originalFileBytes, long float32FileBytes, long outputFileBytes,
                                List<OutputDeviation> deviations, double originalMs, double compressedMs,
                                List<String> notes, MixedPrecisionSummary mixedPrecision) {

    /**
     * One operator with weights: parameters (weights + bias), how many of them are weights and how many of
     * those are zero after compression, and their storage before and after.
     */
    public record Layer(String name, String operator, long parameters, long weights, long zeroWeights, String bitsBefore,
                        String bitsAfter, long bytesBefore, long bytesAfter) {
        public double sparsity() {
            return (double) zeroWeights / weights;
        }
    }

    /**
     * Deviation of one output tensor from the original over the held-out images: largest and mean absolute
     * difference, the largest |value| of the original output (the scale those differences are on), and how
     * often the index of the largest value (top-1 class, top-scoring anchor) agrees — NaN for outputs that
     * are not scores (boxes, landmarks, masks).
     */
    public record OutputDeviation(String name, long elements, double maxAbs, double meanAbs, double originalMaxAbs,
                                  double argmaxAgreement) {}

    /**
     * Mixed precision's choice ({@link MixedPrecision} explains the method) against uniform precision.
     *
     * @param floatWeightBytes  weights and biases of the layers as float32; the budget is a fraction of it
     * @param candidatesMeasured layer-and-codebook pairs whose sensitivity was measured, each in an interpreter of its own
     * @param deviation         {@link #relativeDeviation} of the result on the held-out images
     * @param uniforms          every layer at one K, measured on the same held-out images
     */
    public record MixedPrecisionSummary(double budget, long floatWeightBytes, long budgetBytes, long weightBytes,
                                        int sensitivityImages, int candidatesMeasured, double sensitivitySeconds,
                                        List<LayerChoice> layers, double deviation, List<UniformBaseline> uniforms) {}

    /**
     * A layer's chosen storage ("fp32" or "K=16") and index bits, and its measured sensitivity per candidate:
     * the outputs' mean squared deviation over their squared range with only this layer palettised.
     */
    public record LayerChoice(String name, String chosen, int bits, Map<String, Double> sensitivity) {}

    /** Every layer palettised at K ({@code bits}-bit indices): its weight bytes and held-out relative deviation. */
    public record UniformBaseline(int entries, int bits, long weightBytes, double deviation) {}

    /**
     * One number for a deviation: per output, mean |deviation| over the float output's largest |value|, averaged
     * over the outputs — so a box regressor on ±160 and a mask on ±1 weigh the same.
     */
    public static double relativeDeviation(List<OutputDeviation> deviations) {
        double sum = 0;
        for (OutputDeviation d : deviations) {
            sum += d.meanAbs() / (d.originalMaxAbs() > 0 ? d.originalMaxAbs() : 1);
        }
        return sum / deviations.size();
    }

    public long parameters() {
        return layers.stream().mapToLong(Layer::parameters).sum();
    }

    /** Zero weights over all weights of the layers (biases not counted). */
    public double sparsity() {
        long weights = layers.stream().mapToLong(Layer::weights).sum();
        return weights == 0 ? 0 : (double) layers.stream().mapToLong(Layer::zeroWeights).sum() / weights;
    }

    public long bytesBefore() {
        return layers.stream().mapToLong(Layer::bytesBefore).sum();
    }

    public long bytesAfter() {
        return layers.stream().mapToLong(Layer::bytesAfter).sum();
    }

    /** Output file size over the fp32 baseline's. */
    public double sizeRatio() {
        return (double) outputFileBytes / float32FileBytes;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("output", output);
        m.put("method", method);
        m.put("input_normalization", normalization);
        m.put("clipping", clipping);
        m.put("calibration_images", calibrationImages);
        m.put("held_out_images", heldOutImages);
        m.put("calibrated_tensors", calibratedTensors);
        m.put("clipped_tensors", clippedTensors);
        m.put("parameters", parameters());
        m.put("weight_sparsity", sparsity());
        m.put("weight_bytes_before", bytesBefore());
        m.put("weight_bytes_after", bytesAfter());
        m.put("original_file_bytes", originalFileBytes);
        m.put("float32_file_bytes", float32FileBytes);
        m.put("output_file_bytes", outputFileBytes);
        m.put("size_ratio_vs_float32", sizeRatio());
        m.put("size_ratio_vs_original_file", (double) outputFileBytes / originalFileBytes);
        List<Map<String, Object>> outs = new ArrayList<>();
        for (OutputDeviation d : deviations) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", d.name());
            o.put("elements", d.elements());
            o.put("max_abs_deviation", d.maxAbs());
            o.put("mean_abs_deviation", d.meanAbs());
            o.put("original_max_abs", d.originalMaxAbs());
            o.put("top_score_agreement", d.argmaxAgreement());
            outs.add(o);
        }
        m.put("deviation", outs);
        m.put("original_ms_median", originalMs);
        m.put("compressed_ms_median", compressedMs);
        m.put("speedup", originalMs / compressedMs);
        List<Map<String, Object>> ls = new ArrayList<>();
        for (Layer l : layers) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", l.name());
            o.put("operator", l.operator());
            o.put("parameters", l.parameters());
            o.put("sparsity", l.sparsity());
            o.put("bits_before", l.bitsBefore());
            o.put("bits_after", l.bitsAfter());
            o.put("bytes_before", l.bytesBefore());
            o.put("bytes_after", l.bytesAfter());
            ls.add(o);
        }
        m.put("layers", ls);
        if (mixedPrecision != null) {
            m.put("mixed_precision", mixedPrecisionMap());
        }
        m.put("notes", notes);
        return m;
    }

    private Map<String, Object> mixedPrecisionMap() {
        MixedPrecisionSummary mp = mixedPrecision;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("budget", mp.budget());
        m.put("float32_weight_bytes", mp.floatWeightBytes());
        m.put("budget_bytes", mp.budgetBytes());
        m.put("weight_bytes", mp.weightBytes());
        m.put("sensitivity_images", mp.sensitivityImages());
        m.put("candidates_measured", mp.candidatesMeasured());
        m.put("sensitivity_seconds", mp.sensitivitySeconds());
        m.put("relative_deviation", mp.deviation());
        List<Map<String, Object>> uniforms = new ArrayList<>();
        for (UniformBaseline u : mp.uniforms()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("entries", u.entries());
            o.put("bits", u.bits());
            o.put("weight_bytes", u.weightBytes());
            o.put("relative_deviation", u.deviation());
            uniforms.add(o);
        }
        m.put("uniform", uniforms);
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerChoice l : mp.layers()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", l.name());
            o.put("chosen", l.chosen());
            o.put("bits", l.bits());
            o.put("sensitivity", l.sensitivity());
            layers.add(o);
        }
        m.put("layers", layers);
        return m;
    }

    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%s -> %s (%s; input %s; %d calibration images, %d held out; "
                        + "%d of %d activation ranges clipped by %s)%n", model, output, method, normalization,
                calibrationImages, heldOutImages, clippedTensors, calibratedTensors, clipping));
        s.append(String.format(Locale.ROOT, "%-44s %-18s %10s %8s %5s %8s %12s %12s%n", "layer", "operator", "params",
                "sparsity", "bits", "bits out", "bytes", "bytes out"));
        for (Layer l : layers) {
            s.append(String.format(Locale.ROOT, "%-44s %-18s %,10d %7.1f%% %5s %8s %,12d %,12d%n", shorten(l.name()),
                    l.operator(), l.parameters(), 100 * l.sparsity(), l.bitsBefore(), l.bitsAfter(), l.bytesBefore(),
                    l.bytesAfter()));
        }
        s.append(String.format(Locale.ROOT, "%-44s %-18s %,10d %7.1f%% %5s %8s %,12d %,12d%n", "total", "", parameters(),
                100 * sparsity(), "", "", bytesBefore(), bytesAfter()));
        s.append(String.format(Locale.ROOT, "file: %,d bytes (fp32 baseline %,d, original file %,d): %.3f x fp32, %.3f x original%n",
                outputFileBytes, float32FileBytes, originalFileBytes, sizeRatio(), (double) outputFileBytes / originalFileBytes));
        for (OutputDeviation d : deviations) {
            s.append(String.format(Locale.ROOT, "output %s (%,d values, original within ±%.4g): max |dev| %.4g, mean |dev| %.4g%s%n",
                    d.name(), d.elements(), d.originalMaxAbs(), d.maxAbs(), d.meanAbs(), Double.isNaN(d.argmaxAgreement()) ? ""
                            : String.format(Locale.ROOT, ", top score agrees on %.0f %% of images", 100 * d.argmaxAgreement())));
        }
        s.append(String.format(Locale.ROOT, "latency in Sparrow (median, 1 thread): original %.2f ms, compressed %.2f ms (%.2fx)%n",
                originalMs, compressedMs, originalMs / compressedMs));
        if (mixedPrecision != null) {
            appendMixedPrecision(s);
        }
        for (String n : notes) {
            s.append("note: ").append(n).append(System.lineSeparator());
        }
        return s.toString();
    }

    private void appendMixedPrecision(StringBuilder s) {
        MixedPrecisionSummary mp = mixedPrecision;
        Map<Integer, Integer> layersAtBits = new TreeMap<>(Comparator.reverseOrder());
        for (LayerChoice l : mp.layers()) {
            layersAtBits.merge(l.bits(), 1, Integer::sum);
        }
        s.append(String.format(Locale.ROOT, "mixed precision: budget %s x %,d float32 weight bytes = %,d; chosen %,d bytes"
                        + " (%.3f), layers per bits %s%n", mp.budget(), mp.floatWeightBytes(), mp.budgetBytes(),
                mp.weightBytes(), (double) mp.weightBytes() / mp.floatWeightBytes(), layersAtBits));
        s.append(String.format(Locale.ROOT, "sensitivity: %d layer codebooks each palettised alone, mean squared deviation"
                + " / squared output range on %d calibration images, in %.1f s%n", mp.candidatesMeasured(), mp.sensitivityImages(),
                mp.sensitivitySeconds()));
        s.append(String.format(Locale.ROOT, "held-out deviation (mean |dev| / float output's max |value|, mean over outputs):"
                + " mixed %.4f %% at %,d weight bytes", 100 * mp.deviation(), mp.weightBytes()));
        for (UniformBaseline u : mp.uniforms()) {
            s.append(String.format(Locale.ROOT, "; uniform K=%d (%d-bit) %.4f %% at %,d", u.entries(), u.bits(),
                    100 * u.deviation(), u.weightBytes()));
        }
        s.append(System.lineSeparator());
    }

    private static String shorten(String name) {
        return name.length() <= 44 ? name : "…" + name.substring(name.length() - 43);
    }
}
