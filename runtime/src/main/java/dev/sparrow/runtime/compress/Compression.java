package dev.sparrow.runtime.compress;

import dev.sparrow.kernels.f32.PackedIndices;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.CodebookFile;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.runtime.tflite.TfliteWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code sparrow compress}: checks every option, prunes a float model ({@link MagnitudePruning}) and/or
 * calibrates it on the user's images and quantises it to int8 ({@link Int8Quantizer}) — pruning first, so
 * the zeros stay zeros in int8 — or palettises its weights ({@link CodebookQuantizer}) or chooses each
 * layer's precision under a size budget ({@link MixedPrecision}), then measures what that cost on held-out images and in latency, and only then writes the file atomically: a standard
 * {@code .tflite}, or with codebooks a Sparrow codebook file ({@link CodebookFile}). Nothing is written when
 * anything fails.
 */
public final class Compression {
    /** Runs before timing, so that both models are JIT-compiled (as {@code sparrow bench model}'s default). */
    private static final int WARMUP_RUNS = 20;
    private static final int TIMED_RUNS = 21;
    /**
     * Fewest zeros, as a fraction, for which a weight tensor is stored in TensorFlow Lite's sparse encoding:
     * the converter's threshold ({@code kMinSparsityLevel} in dense_to_sparse.cc); below it the index vectors
     * would cost about what the zeros save.
     */
    private static final double MIN_SPARSE_FRACTION = 0.3;

    /**
     * @param images  folder of images; the last {@code heldOut} in name order measure the deviation, the
     *                others calibrate int8 or measure mixed precision's sensitivities (without either,
     *                {@code heldOut} may be all of them)
     * @param pruning null for no pruning
     * @param int8    whether to quantise to int8
     * @param int8Io  with {@code int8}: whether the input and outputs become int8 (no QUANTIZE at the input, no
     *                DEQUANTIZE at the outputs)
     * @param sparseEncoding with {@code pruning} and without {@code int8}: whether weights that are at least
     *                {@link #MIN_SPARSE_FRACTION} zeros are written in TensorFlow Lite's sparse encoding (behind a
     *                DENSIFY) instead of with the zeros in place
     * @param codebook K, codebook entries per layer (2 to 256), or 0 for no codebook
     * @param mixedPrecision budget of the weight bytes as a fraction of their float32 bytes, in (0, 1], for
     *                {@link MixedPrecision}; 0 for none
     */
    public record Options(Path images, InputNormalization normalization, int heldOut, MagnitudePruning.Target pruning,
                          boolean int8, ActivationRanges.Clipping clipping, boolean int8Io, boolean sparseEncoding,
                          int codebook, double mixedPrecision) {
        public Options {
            if (codebook != 0 && (codebook < 2 || codebook > 256)) {
                throw new IllegalArgumentException("--codebook " + codebook + " must be between 2 and 256 entries");
            }
            if (mixedPrecision != 0 && !(mixedPrecision > 0 && mixedPrecision <= 1)) {
                throw new IllegalArgumentException("--mixed-precision " + mixedPrecision
                        + " must be a fraction of the float32 weight bytes in (0, 1]");
            }
        }

        /** Options without mixed precision. */
        public Options(Path images, InputNormalization normalization, int heldOut, MagnitudePruning.Target pruning,
                       boolean int8, ActivationRanges.Clipping clipping, boolean int8Io, boolean sparseEncoding,
                       int codebook) {
            this(images, normalization, heldOut, pruning, int8, clipping, int8Io, sparseEncoding, codebook, 0);
        }

        /** Options without a codebook. */
        public Options(Path images, InputNormalization normalization, int heldOut, MagnitudePruning.Target pruning,
                       boolean int8, ActivationRanges.Clipping clipping, boolean int8Io, boolean sparseEncoding) {
            this(images, normalization, heldOut, pruning, int8, clipping, int8Io, sparseEncoding, 0);
        }
    }

    private Compression() {}

    /**
     * @throws IllegalArgumentException for invalid options or inputs (one line, before anything is written)
     * @throws IOException              when reading or writing fails
     */
    public static CompressionReport run(Path input, Path output, Options options) throws IOException {
        // --- everything that can be wrong with the request, before any work ---
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new IllegalArgumentException("input model " + input + " is not a readable file");
        }
        Path outDir = output.toAbsolutePath().getParent();
        if (outDir == null || !Files.isDirectory(outDir) || !Files.isWritable(outDir)) {
            throw new IllegalArgumentException("output folder " + outDir + " does not exist or is not writable");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException("output " + output + " is the input model; choose another file");
        }
        boolean mixed = options.mixedPrecision() != 0;
        if (!options.int8() && options.pruning() == null && options.codebook() == 0 && !mixed) {
            throw new IllegalArgumentException("nothing to do: give --int8, --codebook K, --mixed-precision BUDGET and/or --prune S");
        }
        if (mixed && (options.int8() || options.codebook() != 0)) {
            throw new IllegalArgumentException("--mixed-precision chooses each layer's weights itself; give it without --int8"
                    + " or --codebook K");
        }
        if (options.int8() && options.codebook() != 0) {
            throw new IllegalArgumentException("--int8 and --codebook K are alternatives for the weights; give one");
        }
        if (options.sparseEncoding() && (options.pruning() == null || options.int8())) {
            throw new IllegalArgumentException("--sparse-encoding stores pruned float weights: give --prune S, without --int8"
                    + " (TensorFlow Lite's XNNPACK only takes float sparse weights)");
        }
        if (options.sparseEncoding() && (options.codebook() != 0 || mixed)) {
            throw new IllegalArgumentException("--sparse-encoding stores float weights in a .tflite; codebook weights go"
                    + " to a Sparrow codebook file: give one or the other");
        }
        if (options.int8Io() && !options.int8()) {
            throw new IllegalArgumentException("--int8-io makes the input and outputs of an int8 model int8; give --int8 too");
        }
        List<Path> images = CalibrationImages.list(options.images());
        // Mixed precision measures each layer's sensitivity on calibration images, so it needs some as int8 does.
        boolean calibrates = options.int8() || mixed;
        if (calibrates && images.size() < 2) {
            throw new IllegalArgumentException("calibration folder " + options.images() + " holds " + images.size()
                    + " image; at least 2 are needed (one to calibrate, one held out to measure the deviation)");
        }
        int mostHeldOut = calibrates ? images.size() - 1 : images.size();
        if (options.heldOut() < 1 || options.heldOut() > mostHeldOut) {
            throw new IllegalArgumentException("--holdout " + options.heldOut() + " must be between 1 and " + mostHeldOut
                    + " for " + images.size() + " images");
        }
        Model original = TfliteReader.read(input);
        requireFloatImageModel(original, input);

        Tensor in = original.input(0);
        List<float[]> pixels = new ArrayList<>();
        for (Path p : images) {
            pixels.add(CalibrationImages.load(p, in.dim(1), in.dim(2), in.dim(3), options.normalization()));
        }
        int calibrationCount = images.size() - options.heldOut();
        List<float[]> calibration = pixels.subList(0, calibrationCount);
        List<float[]> heldOut = pixels.subList(calibrationCount, pixels.size());

        // --- prune, calibrate and quantise ---
        Model pruned = options.pruning() == null ? original : MagnitudePruning.prune(original, options.pruning());
        Model result = UnusedTensors.drop(pruned, pruned.description());
        Model layersOf = pruned;
        List<String> notes = new ArrayList<>();
        Map<Integer, ActivationRanges.Range> ranges = Map.of();
        if (options.codebook() != 0) {
            CodebookQuantizer.Result palettised = CodebookQuantizer.quantize(pruned, options.codebook());
            result = UnusedTensors.drop(palettised.model(), pruned.description());
            notes.addAll(palettised.floatLayers());
        }
        MixedPrecision.Result chosen = null;
        if (mixed) {
            chosen = MixedPrecision.choose(pruned, calibration, options.mixedPrecision());
            result = UnusedTensors.drop(chosen.model(), pruned.description());
            notes.addAll(CodebookQuantizer.customLayers(pruned));
        }
        boolean codebookFile = options.codebook() != 0 || mixed;
        if (options.int8()) {
            Model lowered = TransposeConvLowering.apply(pruned);
            ranges = ActivationRanges.calibrate(lowered, calibration, options.clipping());
            Int8Quantizer.Result quantized = Int8Quantizer.quantize(lowered, ranges, options.int8Io());
            result = quantized.model();
            layersOf = lowered;
            notes.addAll(quantized.floatOperators());
            if (lowered != pruned) {
                notes.add(0, "Convolution2DTransposeBias (kernel = stride) rewritten as CONV_2D 1x1 + DEPTH_TO_SPACE,"
                        + " which stock TensorFlow Lite runs");
            }
        }
        Set<Integer> sparse = options.sparseEncoding() ? sparseWeights(result) : Set.of();
        if (!sparse.isEmpty()) {
            notes.add(sparse.size() + " weight tensors stored in TensorFlow Lite's sparse encoding: their \"bytes out\""
                    + " count the stored values; the CSR indices are in the file size");
        }
        byte[] bytes = codebookFile ? CodebookFile.write(result) : TfliteWriter.write(result, sparse);
        // Measure the file as it will be read back, so the numbers describe what is written.
        Model written = TfliteReader.read(bytes, output.toString());

        List<CompressionReport.OutputDeviation> deviations = deviations(original, written, heldOut);
        double[] ms = latencies(original, written, heldOut.get(0));
        long clipped = ranges.values().stream().filter(ActivationRanges.Range::clipped).count();
        String method = (options.pruning() == null ? "" : String.format(java.util.Locale.ROOT, "prune %.2f (%s blocks, 1x1 conv"
                + " and FC, first conv dense)%s", options.pruning().sparsity(), options.pruning().block().label(),
                options.int8() || codebookFile ? " + " : "")) + (options.int8() ? "int8" : "")
                + (options.int8Io() ? " (int8 input and outputs)" : "")
                + (options.sparseEncoding() ? " (weights >= 30% zeros in TFLite's sparse encoding)" : "")
                + (options.codebook() != 0 ? "codebook K=" + options.codebook() + " (k-means per layer, k-means++ seeding,"
                + " fixed seed; Sparrow codebook file)" : "")
                + (mixed ? "mixed precision " + options.mixedPrecision() + " (per layer fp32 or codebook K=256/64/16/4 by"
                + " measured sensitivity, each layer palettised alone; greedy by deviation per byte saved, HAWQ-style"
                + " ranking; Sparrow codebook file)" : "");
        String clipping = !options.int8() ? "none" : options.clipping() == ActivationRanges.Clipping.MSE
                ? "MSE-optimal clipping (min/max where that is best)" : "min/max";
        CompressionReport report = new CompressionReport(input.getFileName().toString(), output.toString(), method,
                options.normalization().range, clipping, calibrates ? calibrationCount : 0, heldOut.size(), ranges.size(),
                (int) clipped, layers(layersOf, written), Files.size(input),
                TfliteWriter.write(UnusedTensors.drop(original, original.description())).length, bytes.length, deviations,
                ms[0], ms[1], notes, chosen == null ? null : mixedPrecisionSummary(options.mixedPrecision(), chosen,
                CompressionReport.relativeDeviation(deviations), original, heldOut));
        TfliteWriter.writeAtomically(bytes, output);
        return report;
    }

    /** The choice per layer, and the uniform baselines' deviation on the same held-out images. */
    private static CompressionReport.MixedPrecisionSummary mixedPrecisionSummary(double budget, MixedPrecision.Result chosen,
            double deviation, Model original, List<float[]> heldOut) {
        List<CompressionReport.LayerChoice> layers = new ArrayList<>();
        int measured = 0;
        for (MixedPrecision.Layer l : chosen.layers()) {
            Map<String, Double> sensitivity = new LinkedHashMap<>();
            for (MixedPrecision.Candidate c : l.candidates()) {
                sensitivity.put(c.label(), c.sensitivity());
                measured += c.palette() != null ? 1 : 0;
            }
            layers.add(new CompressionReport.LayerChoice(l.weights(), l.chosen().label(), l.chosen().bits(), sensitivity));
        }
        List<CompressionReport.UniformBaseline> uniforms = new ArrayList<>();
        for (MixedPrecision.Uniform u : chosen.uniforms()) {
            uniforms.add(new CompressionReport.UniformBaseline(u.entries(), PackedIndices.bitsFor(u.entries()),
                    u.weightBytes(), CompressionReport.relativeDeviation(deviations(original, u.model(), heldOut))));
        }
        return new CompressionReport.MixedPrecisionSummary(budget, chosen.floatWeightBytes(), chosen.budgetBytes(),
                chosen.weightBytes(), chosen.sensitivityImages(), measured, chosen.sensitivitySeconds(), layers, deviation,
                uniforms);
    }

    private static void requireFloatImageModel(Model model, Path file) {
        for (Tensor t : model.tensors()) {
            if (t.type() == DataType.INT8 || t.type() == DataType.UINT8 || t.type() == DataType.INT16) {
                throw new IllegalArgumentException(file + " is already quantised (" + t.describe()
                        + "); compress takes a float model");
            }
            if (t.palette() != null) {
                throw new IllegalArgumentException(file + " is already palettised (" + t.describe() + " has a codebook of "
                        + t.palette().entries() + "); compress takes a float model");
            }
        }
        if (model.inputs().length != 1 || model.input(0).type() != DataType.FLOAT32 || model.input(0).rank() != 4
                || model.input(0).dim(0) != 1 || (model.input(0).dim(3) != 1 && model.input(0).dim(3) != 3)) {
            throw new IllegalArgumentException(file + ": compress measures models with one float image input [1, H, W, 1 or 3]; this one has "
                    + Arrays.toString(Arrays.stream(model.inputs()).mapToObj(i -> model.tensor(i).describe()).toArray()));
        }
    }

    /** The float weights of CONV_2D and FULLY_CONNECTED worth storing sparse: some values, but enough zeros. */
    private static Set<Integer> sparseWeights(Model model) {
        Set<Integer> sparse = new TreeSet<>();
        for (Operator op : model.operators()) {
            if ((op.op() != BuiltinOp.CONV_2D && op.op() != BuiltinOp.FULLY_CONNECTED) || op.input(1) < 0) {
                continue;
            }
            Tensor w = model.tensor(op.input(1));
            if (w.isConstant() && w.type() == DataType.FLOAT32) {
                long zeros = zeros(w);
                if (zeros < w.elementCount() && zeros >= MIN_SPARSE_FRACTION * w.elementCount()) {
                    sparse.add(w.index());
                }
            }
        }
        return sparse;
    }

    /** Weighted layers of the (lowered) float model, matched by weight name in the compressed one. */
    private static List<CompressionReport.Layer> layers(Model floatModel, Model compressed) {
        List<CompressionReport.Layer> layers = new ArrayList<>();
        for (Operator op : floatModel.operators()) {
            boolean weighted = op.op() == BuiltinOp.CONV_2D || op.op() == BuiltinOp.DEPTHWISE_CONV_2D
                    || op.op() == BuiltinOp.FULLY_CONNECTED || op.op() == BuiltinOp.CUSTOM;
            if (!weighted || op.input(1) < 0 || !floatModel.tensor(op.input(1)).isConstant()) {
                continue;
            }
            Tensor w = floatModel.tensor(op.input(1));
            Tensor b = op.input(2) >= 0 ? floatModel.tensor(op.input(2)) : null;
            long params = w.elementCount() + (b == null ? 0 : b.elementCount());
            Tensor wOut = byName(compressed, w.name());
            Tensor bOut = b == null ? null : byName(compressed, b.name());
            long after = bytes(wOut) + (bOut == null ? 0 : bytes(bOut));
            String bitsAfter = wOut.type() == DataType.INT8 ? (b == null ? "8" : "8/32")
                    : wOut.palette() != null ? wOut.palette().bits() + (b == null ? "" : "/32") : "32";
            layers.add(new CompressionReport.Layer(w.name(), op.name(), params, w.elementCount(), zeros(wOut), "32",
                    bitsAfter, 4 * params, after));
        }
        return layers;
    }

    /** How many of a weight tensor's values are exactly zero. */
    private static long zeros(Tensor w) {
        long zeros = 0;
        if (w.type() == DataType.FLOAT32) {
            for (float v : w.floats()) {
                zeros += v == 0f ? 1 : 0;
            }
        } else {
            for (byte v : w.data()) {
                zeros += v == 0 ? 1 : 0;
            }
        }
        return zeros;
    }

    private static Tensor byName(Model model, String name) {
        for (Tensor t : model.tensors()) {
            if (t.isConstant() && t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("constant " + name + " missing from the compressed model");
    }

    /** Bytes of a weight or bias in the file: all its values, or only the non-zero ones when stored sparse. */
    private static long bytes(Tensor t) {
        if (t.storedSparse()) {
            return (t.elementCount() - zeros(t)) * t.type().bytes;
        }
        return t.storedBytes();
    }

    private static List<CompressionReport.OutputDeviation> deviations(Model original, Model compressed, List<float[]> images) {
        int outputs = original.outputs().length;
        double[] max = new double[outputs];
        double[] sum = new double[outputs];
        double[] range = new double[outputs];
        int[] agree = new int[outputs];
        try (Interpreter a = Interpreter.create(original); Interpreter b = Interpreter.create(compressed)) {
            for (float[] x : images) {
                a.setInput(0, x);
                setImage(b, x);
                a.run();
                b.run();
                for (int o = 0; o < outputs; o++) {
                    float[] u = a.outputFloats(o);
                    float[] v = outputValues(b, o);
                    for (int k = 0; k < u.length; k++) {
                        double d = Math.abs((double) u[k] - v[k]);
                        range[o] = Math.max(range[o], Math.abs(u[k]));
                        max[o] = Math.max(max[o], d);
                        sum[o] += d;
                    }
                    if (hasTopScore(original.output(o)) && argmax(u) == argmax(v)) {
                        agree[o]++;
                    }
                }
            }
        }
        List<CompressionReport.OutputDeviation> result = new ArrayList<>();
        for (int o = 0; o < outputs; o++) {
            Tensor t = original.output(o);
            long n = (long) t.elementCount() * images.size();
            result.add(new CompressionReport.OutputDeviation(t.name(), t.elementCount(), max[o], sum[o] / n, range[o],
                    hasTopScore(t) ? (double) agree[o] / images.size() : Double.NaN));
        }
        return result;
    }

    /** Sets the image as the model's input: as it is, or quantised as the float model's QUANTIZE would (int8 I/O). */
    private static void setImage(Interpreter interpreter, float[] pixels) {
        Tensor in = interpreter.inputTensor(0);
        if (in.type() != DataType.INT8) {
            interpreter.setInput(0, pixels);
            return;
        }
        byte[] q = new byte[pixels.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = in.quantization().quantizeInt8(pixels[i]);
        }
        interpreter.setInput(0, q);
    }

    /** An output as real values: as it is, or dequantised (int8 I/O). */
    private static float[] outputValues(Interpreter interpreter, int o) {
        Tensor t = interpreter.outputTensor(o);
        if (t.type() != DataType.INT8) {
            return interpreter.outputFloats(o);
        }
        byte[] q = interpreter.outputBytes(o);
        float[] v = new float[q.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.quantization().dequantize(q[i]);
        }
        return v;
    }

    /**
     * Whether the index of an output's largest value names an answer: a classifier's scores [1, classes] or a
     * detector's anchor scores [1, anchors, 1]. Box regressors, landmarks and masks have no such index.
     */
    private static boolean hasTopScore(Tensor t) {
        return t.elementCount() > 1 && (t.rank() == 2 || (t.rank() == 3 && t.dim(2) == 1));
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Median milliseconds of one inference, original then compressed, alternating so both see the same machine. */
    private static double[] latencies(Model original, Model compressed, float[] input) {
        try (Interpreter a = Interpreter.create(original); Interpreter b = Interpreter.create(compressed)) {
            a.setInput(0, input);
            setImage(b, input);
            for (int i = 0; i < WARMUP_RUNS; i++) {
                a.run();
                b.run();
            }
            double[] ta = new double[TIMED_RUNS];
            double[] tb = new double[TIMED_RUNS];
            for (int i = 0; i < TIMED_RUNS; i++) {
                long t0 = System.nanoTime();
                a.run();
                long t1 = System.nanoTime();
                b.run();
                long t2 = System.nanoTime();
                ta[i] = (t1 - t0) / 1e6;
                tb[i] = (t2 - t1) / 1e6;
            }
            Arrays.sort(ta);
            Arrays.sort(tb);
            return new double[] {ta[TIMED_RUNS / 2], tb[TIMED_RUNS / 2]};
        }
    }
}
