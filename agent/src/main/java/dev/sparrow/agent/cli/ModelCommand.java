package dev.sparrow.agent.cli;

import dev.sparrow.agent.Json;
import dev.sparrow.agent.pipeline.OutputSummary;
import dev.sparrow.runtime.check.ConformanceCheck;
import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.check.ReferenceFile;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceProvider;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.runtime.tflite.ModelSummary;
import dev.sparrow.runtime.tflite.TfliteReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sparrow model inspect | run | check}: look into, run, and verify a .tflite model. */
@Command(name = "model", description = "Inspect, run and check .tflite models.",
        subcommands = {ModelCommand.Inspect.class, ModelCommand.Run.class, ModelCommand.Check.class})
final class ModelCommand {

    @Command(name = "inspect", description = "Operators, tensors, sizes, quantisation and sparsity of a model.")
    static final class Inspect extends Verb {
        @Parameters(paramLabel = "FILE", description = "the .tflite file")
        Path file;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ModelSummary summary = ModelSummary.of(TfliteReader.read(file));
            out().println(json ? Json.write(summary.toMap()) : summary.toText());
            return SparrowCli.DONE;
        }
    }

    @Command(name = "run", description = "Run a model once (on --input, or on deterministic random input) and summarise its outputs.")
    static final class Run extends Verb {
        @Parameters(paramLabel = "FILE", description = "the .tflite file")
        Path file;

        @Option(names = "--input", paramLabel = "FILE",
                description = "raw little-endian bytes of the (single) input tensor; default: seeded random input")
        Path input;

        @Option(names = "--threads", defaultValue = "1", converter = OptionRanges.Threads.class,
                description = "threads for one inference, 1 to the processor count (default ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--int8", defaultValue = "TFLITE", description = "int8 arithmetic: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
        Int8Mode int8Mode;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Model model = TfliteReader.read(file);
            List<byte[]> inputs;
            if (input != null) {
                if (model.inputs().length != 1) {
                    throw new IllegalArgumentException(file + " has " + model.inputs().length + " inputs; --input feeds models with one");
                }
                inputs = List.of(readInput(input, model.input(0)));
            } else {
                inputs = ModelInputs.random(model, 42);
            }
            try (Interpreter it = Interpreter.create(model, new Interpreter.Options(threads, int8Mode))) {
                for (int i = 0; i < inputs.size(); i++) {
                    it.setInputRaw(i, inputs.get(i));
                }
                long t0 = System.nanoTime();
                it.run();
                double ms = (System.nanoTime() - t0) / 1e6;
                List<Map<String, Object>> outputs = new ArrayList<>();
                for (int i = 0; i < it.outputCount(); i++) {
                    outputs.add(OutputSummary.of(it, i).toMap());
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("model", file.getFileName().toString());
                result.put("first_run_ms", ms);
                result.put("arena_bytes", it.arenaBytes());
                result.put("outputs", outputs);
                if (json) {
                    out().println(Json.write(result));
                } else {
                    out().printf("%s: first run %.2f ms, arena %,d bytes%n", file.getFileName(), ms, it.arenaBytes());
                    for (Map<String, Object> o : outputs) {
                        out().printf("  %s %s%s  min %s  max %s  mean %s  argmax %s%n", o.get("name"), o.get("type"),
                                o.get("shape"), o.get("min"), o.get("max"), o.get("mean"), o.get("argmax"));
                    }
                }
            }
            return SparrowCli.DONE;
        }

        /**
         * The raw bytes of {@code tensor} from {@code file}, whose size is checked before anything is read: a
         * FIFO or device would block or never end, and a huge file would be read whole into memory.
         */
        private static byte[] readInput(Path file, Tensor tensor) throws IOException {
            if (!Files.exists(file)) {
                throw new IllegalArgumentException("--input " + file + " does not exist");
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--input " + file + " is not a regular file (a directory, FIFO or"
                        + " device); give a file of raw tensor bytes");
            }
            long expected = (long) tensor.elementCount() * tensor.type().bytes;
            long size = Files.size(file);
            if (size != expected) {
                throw new IllegalArgumentException("--input " + file + " has " + size + " bytes; input "
                        + tensor.describe() + " needs " + expected);
            }
            return Files.readAllBytes(file);
        }
    }

    @Command(name = "check", description = "Run the same deterministic inputs through Sparrow and TensorFlow Lite and compare.")
    static final class Check extends Verb {
        @Parameters(paramLabel = "FILE", description = "the .tflite file")
        Path file;

        @Option(names = "--against", required = true, description = "the reference: ${COMPLETION-CANDIDATES}")
        Against against;

        @Option(names = "--reference-model", paramLabel = "FILE",
                description = "a TFLite-loadable twin of FILE for the reference side (e.g. person_detect_qdim0.tflite)")
        Path referenceModel;

        @Option(names = "--int8", defaultValue = "TFLITE",
                description = "TFLITE: bit-exact vs TFLite 2.6.2 built-in kernels; XNNPACK: fp32 requantisation vs TFLite 2.21 + XNNPACK")
        Int8Mode int8Mode;

        @Option(names = "--reference", paramLabel = "KIND",
                description = "which TFLite to compare with: ${COMPLETION-CANDIDATES} (default: TFLITE_2_6_BUILTIN,"
                        + " or TFLITE_2_21_XNNPACK with --int8 XNNPACK)")
        ReferenceKind reference;

        @Option(names = "--seed", defaultValue = "42", description = "seed of the random inputs (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--threads", defaultValue = "1", converter = OptionRanges.Threads.class,
                description = "threads Sparrow runs with, 1 to the processor count (default ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ReferenceProvider provider = References.find()
                    .orElseThrow(() -> new IllegalStateException(References.unavailableMessage()));
            Model model = TfliteReader.read(file);
            ConformanceCheck.Result r;
            try (ReferenceFile twin = ReferenceFile.of(model, file)) {
                r = ConformanceCheck.run(model, file, referenceModel != null ? referenceModel : twin.path(), provider,
                        int8Mode, reference != null ? reference : ConformanceCheck.defaultReference(int8Mode), threads, seed);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", r.model());
            out.put("outputs", r.outputs());
            out.put("elements", r.elements());
            out.put("exact", r.exact());
            out.put("max_abs_diff", r.maxAbsDiff());
            out.put("max_rel_diff", r.maxRelDiff());
            out.put("xnnpack_rel_diff", r.xnnpackRelDiff());
            out.put("reference", r.referenceKind().name());
            out.put("conforms", r.conforms());
            if (json) {
                out().println(Json.write(out));
            } else {
                out().printf("%s vs %s: %d/%d elements exact, max abs diff %.3g, max rel diff %.3g "
                                + "(XNNPACK vs built-in: %.3g) -> %s%n", r.model(), r.referenceKind(), r.exact(), r.elements(),
                        r.maxAbsDiff(), r.maxRelDiff(), r.xnnpackRelDiff(), r.conforms() ? "conforms" : "DOES NOT CONFORM");
            }
            return r.conforms() ? SparrowCli.DONE : SparrowCli.CHECK_FAILED;
        }
    }
}
