package dev.sparrow.agent.pipeline;

import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One output tensor in a few numbers: what {@code sparrow model run} prints and what the agent publishes per
 * frame (a classifier's answer is its argmax; a detector's best anchor is the argmax of its scores).
 * Quantised outputs are summarised in real values (scale × (q − zero point)).
 */
public record OutputSummary(String name, String type, int[] shape, int elements, double min, double max, double mean,
                            int argmax) {

    /** Output {@code i} of the interpreter's last run. */
    public static OutputSummary of(Interpreter it, int i) {
        Tensor t = it.outputTensor(i);
        double[] v = realValues(it, i, t);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int argmax = 0;
        for (int k = 0; k < v.length; k++) {
            min = Math.min(min, v[k]);
            if (v[k] > max) {
                max = v[k];
                argmax = k;
            }
            sum += v[k];
        }
        return new OutputSummary(t.name(), t.type().name(), t.shape(), v.length, min, max,
                v.length == 0 ? 0 : sum / v.length, argmax);
    }

    private static double[] realValues(Interpreter it, int i, Tensor t) {
        if (t.type() == DataType.FLOAT32) {
            float[] f = it.outputFloats(i);
            double[] v = new double[f.length];
            for (int k = 0; k < f.length; k++) {
                v[k] = f[k];
            }
            return v;
        }
        byte[] b = it.outputBytes(i);
        Quantization q = t.quantization();
        double scale = q != null && !q.perChannel() ? q.scale() : 1;
        int zeroPoint = q != null && !q.perChannel() ? q.zeroPoint() : 0;
        double[] v = new double[b.length];
        for (int k = 0; k < b.length; k++) {
            int raw = t.type() == DataType.UINT8 ? b[k] & 0xFF : b[k];
            v[k] = scale * (raw - zeroPoint);
        }
        return v;
    }

    /** As JSON fields (the shape as a list). */
    public Map<String, Object> toMap() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", name);
        o.put("type", type);
        o.put("shape", Arrays.stream(shape).boxed().toList());
        o.put("elements", elements);
        o.put("min", min);
        o.put("max", max);
        o.put("mean", mean);
        o.put("argmax", argmax);
        return o;
    }
}
