package dev.sparrow.runtime.compress;

import dev.sparrow.kernels.f32.PackedIndices;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Palette;
import dev.sparrow.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Codebook (palettised) weights: the float weights of every CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED
 * are divided by their output channel's largest |weight| and the normalised values of the layer clustered
 * by k-means into K values (Deep Compression's weight sharing, Han et al. 2016); each weight becomes the
 * index of its cluster, each channel keeps its scale. Why one codebook per layer over per-channel-normalised
 * weights rather than raw per-layer or per-group codebooks: folded batch normalisation leaves output
 * channels (depthwise ones above all) on scales orders of magnitude apart, which one raw codebook crushes
 * and a codebook per group of channels pays for with K floats per group; a scale costs one float per
 * channel. Measured in BENCHMARKS.md ("Codebook"), see also runtime/CODEBOOK-FORMAT.md.
 *
 * <p>The k-means is one-dimensional, so it runs on the sorted weights: k-means++ seeding (Arthur and
 * Vassilvitskii, 2007) from a fixed seed per layer, then Lloyd iterations in which a cluster is a run of the
 * sorted weights between midpoints of neighbouring centroids, until no weight changes cluster. The result
 * is deterministic. A layer with fewer distinct normalised values than K gets one entry per value; a layer whose
 * codebook and indices would not be smaller than its float weights stays float.
 */
public final class CodebookQuantizer {
    /** Seed of every layer's k-means++ draw (mixed with the tensor index). */
    private static final long SEED = 12;
    private static final int MAX_ITERATIONS = 100;

    /** The model with palettised weights, and what stayed float and why. */
    public record Result(Model model, List<String> floatLayers) {}

    private CodebookQuantizer() {}

    /** @param entries K, 2 to 256 */
    public static Result quantize(Model model, int entries) {
        PackedIndices.bitsFor(entries);
        List<Tensor> tensors = new ArrayList<>(model.tensors());
        List<String> floatLayers = customLayers(model);
        for (Operator op : palettisableLayers(model)) {
            Tensor w = model.tensor(op.input(1));
            Palette palette = palettise(op, w, entries);
            if (palette == null) {
                floatLayers.add(w.name() + " keeps float weights: " + w.elementCount() + " weights are fewer than a codebook"
                        + " of " + Math.min(entries, w.elementCount()) + " saves");
                continue;
            }
            tensors.set(w.index(), withPalette(w, palette));
        }
        return new Result(withTensors(model, tensors), floatLayers);
    }

    /** A note for each custom operator with constant weights: they stay float. */
    static List<String> customLayers(Model model) {
        List<String> notes = new ArrayList<>();
        for (Operator op : model.operators()) {
            if (op.op() == BuiltinOp.CUSTOM && op.input(1) >= 0 && model.tensor(op.input(1)).isConstant()) {
                notes.add(op.describe() + " (" + op.customCode() + ") keeps float weights: its kernel has no codebook path");
            }
        }
        return notes;
    }

    /**
     * The CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED operators whose weights are constant float32, in
     * graph order, one per weight tensor (the first that reads it).
     */
    static List<Operator> palettisableLayers(Model model) {
        List<Operator> layers = new ArrayList<>();
        boolean[] seen = new boolean[model.tensors().size()];
        for (Operator op : model.operators()) {
            boolean weighted = op.op() == BuiltinOp.CONV_2D || op.op() == BuiltinOp.DEPTHWISE_CONV_2D
                    || op.op() == BuiltinOp.FULLY_CONNECTED;
            if (!weighted || op.input(1) < 0 || seen[op.input(1)]) {
                continue;
            }
            Tensor w = model.tensor(op.input(1));
            if (w.isConstant() && w.type() == DataType.FLOAT32) {
                seen[w.index()] = true;
                layers.add(op);
            }
        }
        return layers;
    }

    /**
     * The palette of {@code op}'s weights {@code w} at K = {@code entries}, scaled per output channel, or null
     * when the codebook and indices would not be smaller than the float weights.
     */
    static Palette palettise(Operator op, Tensor w, int entries) {
        // Output channels: the first dimension of conv and FC weights, the last of a depthwise filter.
        int axis = op.op() == BuiltinOp.DEPTHWISE_CONV_2D ? w.rank() - 1 : 0;
        int stride = 1;
        for (int d = axis + 1; d < w.rank(); d++) {
            stride *= w.dim(d);
        }
        Palette palette = palettise(w.floats(), w.dim(axis), stride, entries, SEED ^ w.index());
        return palette.bytes() < 4L * w.elementCount() ? palette : null;
    }

    static Tensor withPalette(Tensor w, Palette palette) {
        return new Tensor(w.index(), w.name(), w.type(), w.shape(), w.quantization(), null, false, palette);
    }

    static Model withTensors(Model model, List<Tensor> tensors) {
        return new Model(model.source(), model.version(), model.description(), List.copyOf(tensors), model.operators(),
                model.inputs(), model.outputs());
    }

    /**
     * Scales per channel (value {@code e} is in channel {@code (e / stride) mod channels}) and k-means of the
     * normalised values into at most {@code entries} clusters (fewer when there are fewer distinct values).
     */
    public static Palette palettise(float[] values, int channels, int stride, int entries, long seed) {
        float[] scales = new float[channels];
        for (int e = 0; e < values.length; e++) {
            int c = e / stride % channels;
            scales[c] = Math.max(scales[c], Math.abs(values[e]));
        }
        float[] normalised = new float[values.length];
        for (int e = 0; e < values.length; e++) {
            float scale = scales[e / stride % channels];
            normalised[e] = scale == 0 ? 0 : values[e] / scale;
        }
        // Zeros keep an entry of exactly 0: pruned layers (pose_detection ships 70 % zeros) would otherwise
        // get a centre near zero, bringing every pruned weight back to life.
        int nonzero = 0;
        for (float v : normalised) {
            nonzero += v != 0f ? 1 : 0;
        }
        float[] sorted = new float[nonzero];
        int at = 0;
        for (float v : normalised) {
            if (v != 0f) {
                sorted[at++] = v;
            }
        }
        Arrays.sort(sorted);
        boolean zeros = nonzero < values.length;
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            distinct += i == 0 || sorted[i] != sorted[i - 1] ? 1 : 0;
        }
        int k = Math.min(entries - (zeros ? 1 : 0), distinct);
        float[] centroids = k == 0 ? new float[0] : lloyd(sorted, seeds(sorted, k, new SplittableRandom(seed)));
        if (zeros) {
            centroids = withZero(centroids);
        }
        if (centroids.length == 1) {
            // A palette has at least two entries; the copy is never the nearest (ties go to the lower index).
            centroids = new float[] {centroids[0], centroids[0]};
        }
        int[] indices = new int[values.length];
        for (int e = 0; e < values.length; e++) {
            indices[e] = nearest(centroids, normalised[e]);
        }
        int bits = PackedIndices.bitsFor(centroids.length);
        return new Palette(centroids, scales, stride, bits, PackedIndices.pack(indices, bits));
    }

    /** The ascending centres with an entry 0 in its place. */
    private static float[] withZero(float[] centroids) {
        float[] out = new float[centroids.length + 1];
        int at = 0;
        while (at < centroids.length && centroids[at] < 0f) {
            at++;
        }
        System.arraycopy(centroids, 0, out, 0, at);
        System.arraycopy(centroids, at, out, at + 1, centroids.length - at);
        return out;
    }

    /**
     * k-means++: the first centre uniformly, each next one with probability proportional to the squared
     * distance to the nearest centre so far ({@code k} is at most the number of distinct values).
     */
    private static double[] seeds(float[] sorted, int k, SplittableRandom random) {
        int n = sorted.length;
        double[] centres = new double[k];
        double[] d2 = new double[n];
        centres[0] = sorted[random.nextInt(n)];
        for (int i = 0; i < n; i++) {
            d2[i] = square(sorted[i] - centres[0]);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double d : d2) {
                total += d;
            }
            double target = random.nextDouble() * total;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                target -= d2[i];
                if (target < 0) {
                    pick = i;
                    break;
                }
            }
            centres[c] = sorted[pick];
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], square(sorted[i] - centres[c]));
            }
        }
        Arrays.sort(centres);
        return centres;
    }

    /** Lloyd iterations over sorted values with sorted centres; an empty cluster keeps its centre. */
    private static float[] lloyd(float[] sorted, double[] centres) {
        int k = centres.length;
        int[] starts = new int[k];
        Arrays.fill(starts, -1);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            boolean changed = false;
            int i = 0;
            for (int c = 0; c < k; c++) {
                // Values up to the midpoint with the next centre belong to this one.
                double bound = c + 1 < k ? (centres[c] + centres[c + 1]) / 2 : Double.POSITIVE_INFINITY;
                int start = i;
                double sum = 0;
                while (i < sorted.length && sorted[i] <= bound) {
                    sum += sorted[i++];
                }
                changed |= starts[c] != start;
                starts[c] = start;
                if (i > start) {
                    centres[c] = sum / (i - start);
                }
            }
            if (!changed) {
                break;
            }
            Arrays.sort(centres);
        }
        float[] codebook = new float[k];
        for (int c = 0; c < k; c++) {
            codebook[c] = (float) centres[c];
        }
        return codebook;
    }

    private static double square(double x) {
        return x * x;
    }

    /** Index of the centroid nearest to {@code v} in the ascending codebook; ties go to the lower index. */
    private static int nearest(float[] centroids, float v) {
        int lo = 0, hi = centroids.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (centroids[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo > 0 && Math.abs((double) v - centroids[lo - 1]) <= Math.abs((double) centroids[lo] - v)) {
            lo--;
        }
        return lo;
    }
}
