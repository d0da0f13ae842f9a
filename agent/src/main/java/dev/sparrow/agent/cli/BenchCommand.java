package dev.sparrow.agent.cli;

import dev.sparrow.runtime.check.ModelBench;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceProvider;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.runtime.tflite.TfliteReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sparrow bench model}: Sparrow against TensorFlow Lite, medians in one process. */
@Command(name = "bench", description = "Benchmarks.", subcommands = {BenchCommand.ModelBenchCommand.class})
final class BenchCommand {

    @Command(name = "model", description = "Median latency of one model: Sparrow vs TensorFlow Lite (2.21 + XNNPACK, and built-in kernels).")
    static final class ModelBenchCommand extends Verb {
        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--against", description = "${COMPLETION-CANDIDATES}: time TensorFlow Lite in the same process")
        Against against;

        @Option(names = "--reference-model", paramLabel = "FILE", description = "a TFLite-loadable twin of FILE for the reference side")
        Path referenceModel;

        @Option(names = "--threads", defaultValue = "1")
        int threads;

        @Option(names = "--warmup", defaultValue = "20")
        int warmup;

        @Option(names = "--rounds", defaultValue = "50")
        int rounds;

        @Option(names = "--int8", defaultValue = "TFLITE")
        Int8Mode int8Mode;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ReferenceProvider provider = null;
            if (against != null) {
                provider = References.find().orElseThrow(() -> new IllegalStateException(References.unavailableMessage()));
            }
            Model model = TfliteReader.read(file);
            ModelBench.Result r = ModelBench.run(model, referenceModel != null ? referenceModel : file, provider,
                    List.of(ReferenceKind.TFLITE_2_21_XNNPACK, ReferenceKind.TFLITE_2_6_BUILTIN), threads, warmup, rounds, int8Mode);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", file.getFileName().toString());
            out.put("threads", threads);
            out.put("species", FloatVector.SPECIES_PREFERRED.toString());
            out.put("sparrow_ms_median", r.sparrowMs());
            Double xnnpack = r.medianMs().get(ReferenceKind.TFLITE_2_21_XNNPACK.name());
            Double builtin = r.medianMs().get(ReferenceKind.TFLITE_2_6_BUILTIN.name());
            out.put("tflite_ms_median", xnnpack);
            out.put("tflite_builtin_ms_median", builtin);
            out.put("speedup", xnnpack == null ? null : xnnpack / r.sparrowMs());
            out.put("speedup_vs_builtin", builtin == null ? null : builtin / r.sparrowMs());
            out.put("arena_bytes", r.arenaBytes());
            if (!r.skipped().isEmpty()) {
                out.put("skipped", r.skipped());
            }
            if (json) {
                out().println(Json.write(out));
            } else {
                out.forEach((k, v) -> out().printf("%-26s %s%n", k, v));
            }
            return 0;
        }
    }
}
