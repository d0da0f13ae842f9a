package dev.sparrow.runtime.tflite;

import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code sparrow model inspect} reports: operator histogram, tensors (type, shape, quantisation,
 * constant bytes, fraction of zeros), live constant bytes and weight sparsity. "Live" constants are those a
 * remaining operator reads or the graph outputs; the sources of folded DENSIFY/DEQUANTIZE operators are not
 * counted, since nothing reads them after loading. Weights are the filters of CONV_2D, DEPTHWISE_CONV_2D,
 * FULLY_CONNECTED and Convolution2DTransposeBias (input 1).
 */
public final class ModelSummary {
    private final Model model;
    private final Map<String, Integer> histogram = new TreeMap<>();
    private final boolean[] live;
    private final boolean[] weight;
    private final Double[] zeroFraction;

    private ModelSummary(Model model) {
        this.model = model;
        int n = model.tensors().size();
        live = new boolean[n];
        weight = new boolean[n];
        zeroFraction = new Double[n];
        for (Operator op : model.operators()) {
            histogram.merge(op.name(), 1, Integer::sum);
            for (int in : op.inputs()) {
                if (in >= 0) {
                    live[in] = true;
                }
            }
            boolean hasFilter = switch (op.op()) {
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> true;
                case CUSTOM -> OptionsReader.TRANSPOSE_CONV_BIAS.equals(op.customCode());
                default -> false;
            };
            if (hasFilter && op.input(1) >= 0 && model.tensor(op.input(1)).isConstant()) {
                weight[op.input(1)] = true;
            }
        }
        for (int out : model.outputs()) {
            live[out] = true;
        }
        for (Tensor t : model.tensors()) {
            if (t.isConstant()) {
                zeroFraction[t.index()] = zeroFraction(t);
            }
        }
    }

    public static ModelSummary of(Model model) {
        return new ModelSummary(model);
    }

    /** Operator name → count, sorted by name. */
    public Map<String, Integer> operatorHistogram() {
        return histogram;
    }

    /** Bytes of the constants the loaded graph reads. */
    public long liveConstantBytes() {
        long bytes = 0;
        for (Tensor t : model.tensors()) {
            if (t.isConstant() && live[t.index()]) {
                bytes += t.storedBytes();
            }
        }
        return bytes;
    }

    /** Fraction of zero elements over all weight tensors, or NaN when the model has none. */
    public double weightSparsity() {
        double zeros = 0;
        long elements = 0;
        for (Tensor t : model.tensors()) {
            if (weight[t.index()] && zeroFraction[t.index()] != null) {
                zeros += zeroFraction[t.index()] * t.elementCount();
                elements += t.elementCount();
            }
        }
        return elements == 0 ? Double.NaN : zeros / elements;
    }

    /** Fraction of zeros in a constant (real value 0, i.e. q = zero point for quantised integers), or null. */
    public Double zeroFraction(int tensorIndex) {
        return zeroFraction[tensorIndex];
    }

    private static Double zeroFraction(Tensor t) {
        int n = t.elementCount();
        boolean numeric = switch (t.type()) {
            case STRING, RESOURCE, VARIANT, INT4, UINT4, INT2, COMPLEX64, COMPLEX128, FLOAT8E4M3FN, FLOAT8E5M2 -> false;
            default -> true;
        };
        if (n == 0 || !numeric) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(t.denseBytes()).order(ByteOrder.LITTLE_ENDIAN);
        Quantization q = t.quantization();
        int channels = q == null ? 1 : q.scales().length;
        int inner = 1;
        if (channels > 1) {
            for (int d = q.quantizedDimension() + 1; d < t.rank(); d++) {
                inner *= t.dim(d);
            }
        }
        long zeros = 0;
        for (int i = 0; i < n; i++) {
            long zero = q == null ? 0 : q.zeroPoints()[channels == 1 ? 0 : (i / inner) % channels];
            boolean isZero = switch (t.type()) {
                case FLOAT32 -> b.getFloat(4 * i) == 0f;
                case FLOAT16, BFLOAT16 -> (b.getShort(2 * i) & 0x7FFF) == 0;
                case FLOAT64 -> b.getDouble(8 * i) == 0d;
                case INT8 -> b.get(i) == zero;
                case UINT8 -> (b.get(i) & 0xFF) == zero;
                case INT16 -> b.getShort(2 * i) == zero;
                case UINT16 -> (b.getShort(2 * i) & 0xFFFF) == zero;
                case INT32 -> b.getInt(4 * i) == zero;
                case UINT32 -> (b.getInt(4 * i) & 0xFFFF_FFFFL) == zero;
                case INT64, UINT64 -> b.getLong(8 * i) == zero;
                default -> b.get(i) == 0; // BOOL, the only numeric type left
            };
            if (isZero) {
                zeros++;
            }
        }
        return (double) zeros / n;
    }

    private Map<String, Object> tensorMap(Tensor t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", t.index());
        m.put("name", t.name());
        m.put("type", t.type());
        m.put("shape", t.shape());
        m.put("quantization", quantizationMap(t.quantization()));
        if (t.isConstant()) {
            m.put("constant_bytes", t.storedBytes());
            m.put("live", live[t.index()]);
            m.put("weight", weight[t.index()]);
            m.put("stored_sparse", t.storedSparse());
            m.put("zero_fraction", zeroFraction[t.index()]);
        }
        return m;
    }

    private static Map<String, Object> quantizationMap(Quantization q) {
        if (q == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (q.perChannel()) {
            m.put("quantized_dimension", q.quantizedDimension());
        }
        m.put("scale", q.scales());
        m.put("zero_point", q.zeroPoints());
        return m;
    }

    /** The summary as nested maps and lists, ready for {@link dev.sparrow.runtime.json.Json#write}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.source());
        m.put("version", model.version());
        m.put("description", model.description());
        m.put("inputs", Arrays.stream(model.inputs()).mapToObj(i -> tensorMap(model.tensor(i))).toList());
        m.put("outputs", Arrays.stream(model.outputs()).mapToObj(i -> tensorMap(model.tensor(i))).toList());
        m.put("operator_count", model.operators().size());
        m.put("operators", histogram);
        long constants = model.tensors().stream().filter(t -> t.isConstant() && live[t.index()]).count();
        m.put("constant_tensors", constants);
        m.put("constant_bytes", liveConstantBytes());
        m.put("stored_sparse_tensors", model.tensors().stream().filter(t -> t.storedSparse() && live[t.index()]).count());
        m.put("weight_sparsity", weightSparsity());
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (Tensor t : model.tensors()) {
            tensors.add(tensorMap(t));
        }
        m.put("tensors", tensors);
        return m;
    }

    /** Human-readable report: header, histogram, then one line per tensor the graph uses. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append("model ").append(model.source()).append(" (schema ").append(model.version());
        if (!model.description().isEmpty()) {
            s.append(", \"").append(model.description()).append('"');
        }
        s.append(")\n");
        for (int i : model.inputs()) {
            s.append("input   ").append(model.tensor(i)).append('\n');
        }
        for (int i : model.outputs()) {
            s.append("output  ").append(model.tensor(i)).append('\n');
        }
        s.append("operators ").append(model.operators().size()).append(':');
        histogram.forEach((name, count) -> s.append(' ').append(name).append('×').append(count));
        s.append('\n');
        long sparse = model.tensors().stream().filter(t -> t.storedSparse() && live[t.index()]).count();
        double sparsity = weightSparsity();
        s.append(String.format(Locale.ROOT, "constants %,d bytes, %d stored sparse, weight sparsity %s%n",
                liveConstantBytes(), sparse, Double.isNaN(sparsity) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * sparsity)));
        s.append(String.format(Locale.ROOT, "%5s  %-8s %-20s %-36s %10s %6s  %s%n",
                "index", "type", "shape", "quantization", "bytes", "zeros", "name"));
        for (Tensor t : model.tensors()) {
            if (t.isConstant() && !live[t.index()]) {
                continue;
            }
            Double zeros = zeroFraction[t.index()];
            s.append(String.format(Locale.ROOT, "%5d  %-8s %-20s %-36s %10s %6s  %s%s%n", t.index(), t.type(),
                    Arrays.toString(t.shape()).replace(" ", ""),
                    t.quantization() == null ? "-" : t.quantization().toString(),
                    t.isConstant() ? String.valueOf(t.storedBytes()) : "-",
                    zeros == null ? "-" : String.format(Locale.ROOT, "%.2f", zeros),
                    t.name(), t.storedSparse() ? " (sparse)" : ""));
        }
        return s.toString();
    }
}
