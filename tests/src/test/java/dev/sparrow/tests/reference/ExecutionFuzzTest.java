package dev.sparrow.tests.reference;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.check.ConformanceCheck;
import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.check.OutputComparison;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.tflite.ModelPatch;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates small shared models (a shape's dimension, a tensor's type or buffer index, the options type of an
 * operator, random bytes), then loads, compiles and <em>runs</em> every mutant that loads, in Sparrow and in
 * TensorFlow Lite 2.6.2's built-in kernels. Sparrow must fail with a one-line {@link ModelException} naming
 * the model, or run to the end — never another exception, an {@code Error} or a hang — and where both run,
 * its outputs must equal TensorFlow Lite's (bit-exact for int8, DESIGN.md's fp32 bound otherwise). TensorFlow
 * Lite runs in child JVMs ({@link TfliteChild}): a mutant that crashes its native code counts as refused.
 * Fixed seed.
 */
class ExecutionFuzzTest {
    private static final long SEED = 0xF0_22_E8_EC_01L;
    private static final int CASES = 1000;
    private static final String[] MODELS = {"hand_recrop.tflite", "person_detect_qdim0.tflite",
            "face_detection_short_range.tflite"};
    private static final int[] DIMENSIONS = {0, 1, 2, 3, 7, 64, 1000, 1 << 20};

    /**
     * Where Sparrow refuses a mutant that TensorFlow Lite runs, on purpose: its refusal matches {@code refusal},
     * for the reason given. Any other mutant that only TensorFlow Lite runs fails the test.
     */
    private record Stricter(Pattern refusal, String why) {
    }

    private static final List<Stricter> STRICTER = List.of(
            new Stricter(Pattern.compile("has the wrong shape, expected|has shape \\[[^\\]]*\\], expected \\["
                    + "| and output tensor .* differ in element count|but .* gives \\[[^\\]]*\\]$"
                    + "|\\(output\\) must have rank|has more than 2\\^31 − 1 elements"),
                    "a stored activation shape contradicts its operator: TensorFlow Lite recomputes every activation's"
                    + " shape while preparing and ignores the stored one; Sparrow plans its memory ahead from the"
                    + " stored shapes and refuses a file that contradicts itself"),
            new Stricter(Pattern.compile("builtin options are missing \\(union tag \\d+, expected \\d+\\)"),
                    "a convolution or pool without its options: TensorFlow Lite runs it with zero strides, every"
                    + " output from the same window, which no file can mean"),
            new Stricter(Pattern.compile("\\(weights\\) has a non-zero zero point for channel"),
                    "int8 weights with a zero point: TensorFlow Lite's int8 kernels take weights as symmetric (the"
                    + " int8 specification) and never read it, so they compute something other than the file says"),
            new Stricter(Pattern.compile("DEQUANTIZE\\): input tensor .* has no quantization parameters"),
                    "a DEQUANTIZE input without a scale: TensorFlow Lite reads the scale as 0 and outputs zeros"));

    /** Sparrow's side of one mutant: the refusal, or the outputs. */
    private record SparrowRun(String refusal, List<DataType> types, List<byte[]> outputs) {
        boolean refused() {
            return refusal != null;
        }
    }

    @Test
    void mutantsRunOrFailInOneLineAndAgreeWithTensorFlowLite(@TempDir Path dir) throws Exception {
        SparrowRun[] sparrow = new SparrowRun[CASES];
        String[] mutations = new String[CASES];
        String[] sources = new String[CASES];
        String[] seedModels = new String[CASES];
        Set<String> int8Models = new HashSet<>();
        for (String name : MODELS) {
            Model model = TfliteReader.read(SharedData.model(name));
            if (Arrays.stream(model.outputs()).anyMatch(o -> model.tensor(o).type() == DataType.INT8)) {
                int8Models.add(name);
            }
        }
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            SplittableRandom random = new SplittableRandom(SEED);
            for (int c = 0; c < CASES; c++) {
                String name = MODELS[random.nextInt(MODELS.length)];
                StringBuilder what = new StringBuilder();
                byte[] mutant = mutate(name, random, what);
                mutations[c] = what.toString();
                seedModels[c] = name;
                sources[c] = name + " case " + c;
                Files.write(TfliteChild.model(dir, c), mutant);
                sparrow[c] = runSparrow(dir, c, mutant, sources[c], failures);
            }
        });
        long sparrowDone = System.nanoTime();
        TfliteChild.Verdict[] tflite = TfliteChild.runAll(dir, IntStream.range(0, CASES).toArray(),
                ReferenceKind.TFLITE_2_6_BUILTIN);

        int bothRefused = 0;
        int bothRanEqual = 0;
        int onlySparrowRan = 0;
        int onlyTfliteRan = 0;
        int tfliteCrashed = 0;
        Map<String, Integer> stricter = new LinkedHashMap<>();
        List<Integer> beyondFloatBound = new ArrayList<>();
        for (int c = 0; c < CASES; c++) {
            SparrowRun ours = sparrow[c];
            TfliteChild.Verdict theirs = tflite[c];
            String head = sources[c] + " (" + mutations[c] + "): ";
            if (theirs.kind() == TfliteChild.Verdict.Kind.INPUTS_DIFFER) {
                failures.add(head + "Sparrow and TensorFlow Lite read different inputs from it: " + theirs.message());
            } else if (ours.refused() && theirs.refused()) {
                bothRefused++;
                if (theirs.kind() != TfliteChild.Verdict.Kind.REFUSED) {
                    tfliteCrashed++;
                }
            } else if (ours.refused()) {
                onlyTfliteRan++;
                Stricter why = STRICTER.stream().filter(x -> x.refusal().matcher(ours.refusal()).find())
                        .findFirst().orElse(null);
                if (why == null) {
                    failures.add(head + "Sparrow refused what TensorFlow Lite runs: " + ours.refusal());
                } else {
                    stricter.merge(why.why(), 1, Integer::sum);
                }
            } else if (theirs.refused()) {
                onlySparrowRan++;
                failures.add(head + "Sparrow ran what TensorFlow Lite refuses (" + theirs.kind() + "): "
                        + theirs.message());
            } else if (mismatch(ours, theirs) instanceof String mismatch) {
                failures.add(head + mismatch);
            } else {
                ConformanceCheck.Result result = measure(ours, theirs.outputs(), sources[c],
                        int8Models.contains(seedModels[c]), Double.NaN);
                if (result.conforms()) {
                    bothRanEqual++;
                } else if (result.quantized()) {
                    failures.add(head + "outputs differ from TensorFlow Lite's: " + result);
                } else {
                    beyondFloatBound.add(c);
                }
            }
        }
        // DESIGN.md's fp32 bound scales with TensorFlow Lite's own XNNPACK-to-built-in distance on the same
        // inputs; a mutated weight can make it large. Measured only where the 1e-5 floor is not met.
        int[] yardstickCases = beyondFloatBound.stream().mapToInt(Integer::intValue).toArray();
        TfliteChild.Verdict[] xnnpack = TfliteChild.runAll(dir, yardstickCases, ReferenceKind.TFLITE_2_6_XNNPACK);
        for (int k = 0; k < yardstickCases.length; k++) {
            int c = yardstickCases[k];
            double xnnpackRelDiff = Double.NaN;
            if (xnnpack[k].kind() == TfliteChild.Verdict.Kind.RAN && mismatch(sparrow[c], xnnpack[k]) == null) {
                xnnpackRelDiff = measure(new SparrowRun(null, sparrow[c].types(), xnnpack[k].outputs()),
                        tflite[c].outputs(), sources[c], false, Double.NaN).maxRelDiff();
            }
            ConformanceCheck.Result result = measure(sparrow[c], tflite[c].outputs(), sources[c], false, xnnpackRelDiff);
            if (result.conforms()) {
                bothRanEqual++;
            } else {
                failures.add(sources[c] + " (" + mutations[c] + "): outputs differ from TensorFlow Lite's: " + result);
            }
        }
        System.out.printf(Locale.ROOT, "execution fuzz: %d mutants: %d refused by both (%d of them crashed or hung"
                        + " TensorFlow Lite), %d run by both and equal (%d needing XNNPACK's yardstick), %d run by Sparrow"
                        + " only, %d run by TensorFlow Lite only, %d failures; Sparrow %.1f s, TensorFlow Lite %.1f s%n",
                CASES, bothRefused, tfliteCrashed, bothRanEqual, yardstickCases.length, onlySparrowRan, onlyTfliteRan,
                failures.size(), (sparrowDone - start) / 1e9, (System.nanoTime() - sparrowDone) / 1e9);
        stricter.forEach((why, count) -> System.out.printf(Locale.ROOT, "  refused by Sparrow only, %d: %s%n", count, why));
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
        assertTrue(bothRanEqual > CASES / 10 && bothRefused > CASES / 10,
                "the mutants should both run and fail: " + bothRanEqual + " ran, " + bothRefused + " refused");
    }

    /** Loads, compiles and runs one mutant in Sparrow, on one or two threads; anything but a one-line refusal fails. */
    private static SparrowRun runSparrow(Path dir, int c, byte[] mutant, String source, List<String> failures)
            throws IOException {
        Model model;
        try {
            model = TfliteReader.read(mutant, source);
        } catch (ModelException refused) {
            return refusal(refused, source, failures);
        } catch (Throwable t) {
            failures.add(source + ": loading threw " + t);
            return new SparrowRun(t.toString(), List.of(), List.of());
        }
        try (Interpreter it = Interpreter.create(model, new Interpreter.Options(1 + c % 2, Int8Mode.TFLITE))) {
            List<byte[]> inputs = ModelInputs.random(model, c);
            TfliteChild.writeInputs(dir, c, inputs);
            for (int i = 0; i < inputs.size(); i++) {
                it.setInputRaw(i, inputs.get(i));
            }
            it.run();
            List<DataType> types = new ArrayList<>();
            List<byte[]> outputs = new ArrayList<>();
            for (int o = 0; o < it.outputCount(); o++) {
                types.add(model.output(o).type());
                outputs.add(it.outputRaw(o));
            }
            return new SparrowRun(null, types, outputs);
        } catch (ModelException refused) {
            return refusal(refused, source, failures);
        } catch (Throwable t) {
            failures.add(source + ": running threw " + t);
            return new SparrowRun(t.toString(), List.of(), List.of());
        }
    }

    private static SparrowRun refusal(ModelException refused, String source, List<String> failures) {
        String message = refused.getMessage();
        if (!message.startsWith(source + ": ") || message.contains("\n")) {
            failures.add(source + ": not one line naming the model: " + message);
        }
        return new SparrowRun(message, List.of(), List.of());
    }

    /** How Sparrow's outputs differ from TensorFlow Lite's in count, types or sizes; null when they agree. */
    private static String mismatch(SparrowRun ours, TfliteChild.Verdict theirs) {
        List<String> ourTypes = ours.types().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).toList();
        if (!ourTypes.equals(theirs.types())) {
            return "outputs " + ourTypes + " in Sparrow, " + theirs.types() + " in TensorFlow Lite";
        }
        for (int o = 0; o < ours.outputs().size(); o++) {
            if (ours.outputs().get(o).length != theirs.outputs().get(o).length) {
                return "output " + o + " has " + ours.outputs().get(o).length + " bytes in Sparrow, "
                        + theirs.outputs().get(o).length + " in TensorFlow Lite";
            }
        }
        return null;
    }

    /**
     * Sparrow's outputs against TensorFlow Lite's built-in kernels' as {@link ConformanceCheck.Result#conforms()}
     * judges them: every element exact for int8 models and for outputs that are not float32, DESIGN.md's fp32
     * bound otherwise.
     */
    private static ConformanceCheck.Result measure(SparrowRun ours, List<byte[]> expected, String source,
                                                   boolean int8Model, double xnnpackRelDiff) {
        OutputComparison comparison = new OutputComparison();
        boolean exactOnly = int8Model;
        for (int o = 0; o < ours.outputs().size(); o++) {
            comparison.add(ours.types().get(o), ours.outputs().get(o), expected.get(o));
            exactOnly |= ours.types().get(o) != DataType.FLOAT32;
        }
        return new ConformanceCheck.Result(source, ours.outputs().size(), comparison.elements, comparison.exact,
                comparison.maxAbsDiff, comparison.maxRelDiff, xnnpackRelDiff, exactOnly,
                ReferenceKind.TFLITE_2_6_BUILTIN);
    }

    private static byte[] mutate(String name, SplittableRandom random, StringBuilder what) throws IOException {
        ModelPatch patch = ModelPatch.of(name);
        byte[] original = patch.bytes();
        int tensor = random.nextInt(patch.tensorCount());
        switch (random.nextInt(5)) {
            case 0 -> {
                if (patch.rank(tensor) == 0) {
                    what.append("no change");
                    return original;
                }
                int axis = random.nextInt(patch.rank(tensor));
                int value = DIMENSIONS[random.nextInt(DIMENSIONS.length)];
                what.append("tensor ").append(tensor).append(" dim ").append(axis).append(" := ").append(value);
                return patch.dim(tensor, axis, value).bytes();
            }
            case 1 -> {
                DataType type = DataType.values()[random.nextInt(DataType.values().length)];
                what.append("tensor ").append(tensor).append(" type := ").append(type);
                try {
                    return patch.type(tensor, type).bytes();
                } catch (IllegalArgumentException storesNoType) {
                    return original;
                }
            }
            case 2 -> {
                if (!patch.hasBuffer(tensor)) {
                    what.append("no change");
                    return original;
                }
                int buffer = random.nextInt(64);
                what.append("tensor ").append(tensor).append(" buffer := ").append(buffer);
                return patch.buffer(tensor, buffer).bytes();
            }
            case 3 -> {
                int operator = random.nextInt(patch.operatorCount());
                int tag = random.nextInt(256);
                what.append("operator ").append(operator).append(" options type := ").append(tag);
                try {
                    return patch.optionsType(operator, tag).bytes();
                } catch (IllegalArgumentException storesNoOptions) {
                    return original;
                }
            }
            default -> {
                byte[] bytes = original.clone();
                int n = 1 + random.nextInt(8);
                what.append(n).append(" random bytes");
                for (int i = 0; i < n; i++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                return bytes;
            }
        }
    }
}
