package dev.sparrow.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparrow.agent.Json;
import dev.sparrow.kernels.Species;
import dev.sparrow.runtime.check.ModelBench;
import dev.sparrow.runtime.check.ReferenceFile;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceProvider;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.runtime.tflite.TfliteReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

        @Option(names = "--threads", defaultValue = "1", converter = OptionRanges.Threads.class)
        int threads;

        @Option(names = "--warmup", defaultValue = "20", converter = OptionRanges.CountOrZero.class)
        int warmup;

        @Option(names = "--rounds", defaultValue = "50", converter = OptionRanges.Count.class)
        int rounds;

        @Option(names = "--int8", defaultValue = "TFLITE")
        Int8Mode int8Mode;

        @Option(names = "--profile", description = "also time each of Sparrow's steps (median per step, in plan order)")
        boolean profile;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Option(names = "--launches", paramLabel = "N", converter = OptionRanges.Count.class,
                description = "run the benchmark in N fresh JVMs, one after another, and report each launch and the spread")
        Integer launches;

        @Override
        public Integer call() throws Exception {
            if (launches != null) {
                return launchAll();
            }
            ReferenceProvider provider = null;
            if (against != null) {
                provider = References.find().orElseThrow(() -> new IllegalStateException(References.unavailableMessage()));
            }
            Model model = TfliteReader.read(file);
            ModelBench.Result r;
            try (ReferenceFile twin = ReferenceFile.of(model, file)) {
                r = ModelBench.run(model, referenceModel != null ? referenceModel : twin.path(), provider,
                        List.of(ReferenceKind.TFLITE_2_21_XNNPACK, ReferenceKind.TFLITE_2_6_BUILTIN), threads, warmup, rounds,
                        int8Mode, profile);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", file.getFileName().toString());
            out.put("threads", threads);
            out.put("species", Species.describe());
            out.put("sparrow_ms_median", r.sparrowMs());
            Double xnnpack = r.medianMs().get(ReferenceKind.TFLITE_2_21_XNNPACK.name());
            Double builtin = r.medianMs().get(ReferenceKind.TFLITE_2_6_BUILTIN.name());
            out.put("tflite_ms_median", xnnpack);
            out.put("tflite_builtin_ms_median", builtin);
            out.put("speedup", xnnpack == null ? null : xnnpack / r.sparrowMs());
            out.put("speedup_vs_builtin", builtin == null ? null : builtin / r.sparrowMs());
            out.put("arena_bytes", r.arenaBytes());
            out.put("jit_settled_s", r.jitSettledS());
            if (!r.skipped().isEmpty()) {
                out.put("skipped", r.skipped());
            }
            if (profile) {
                out.put("profile", r.profile());
            }
            if (json) {
                out().println(Json.write(out));
            } else {
                out.forEach((k, v) -> {
                    if (!k.equals("profile")) {
                        out().printf("%-26s %s%n", k, v);
                    }
                });
                if (profile) {
                    printProfile(r.profile(), r.sparrowMs());
                }
            }
            return SparrowCli.DONE;
        }

        /**
         * Runs this same benchmark, without {@code --launches}, in {@code launches} fresh JVMs with this JVM's
         * options and class path: what a robot gets from one service start to the next is a new JIT's decisions,
         * which one process's rounds cannot show.
         */
        private int launchAll() throws Exception {
            // the whole command line, from "bench" on (picocli keeps the original arguments of the top command)
            List<String> childArgs = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
            for (int i = 0; i < childArgs.size(); i++) {
                if (childArgs.get(i).equals("--launches")) {
                    childArgs.subList(i, i + 2).clear();
                    break;
                }
                if (childArgs.get(i).startsWith("--launches=")) {
                    childArgs.remove(i);
                    break;
                }
            }
            childArgs.remove("--json");
            childArgs.remove("--profile");
            childArgs.add("--json");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), SparrowCli.class.getName()));
            command.addAll(childArgs);

            List<JsonNode> runs = new ArrayList<>();
            for (int launch = 1; launch <= launches; launch++) {
                Path errors = Files.createTempFile("sparrow-bench-launch", ".err");
                try {
                    Process child = new ProcessBuilder(command).redirectError(errors.toFile()).start();
                    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    int exit = child.waitFor();
                    if (exit != 0) {
                        err().println("sparrow: launch " + launch + " of " + launches + " exited with " + exit + ": "
                                + lastLine(Files.readString(errors)));
                        return exit;
                    }
                    JsonNode run = Json.MAPPER.readTree(output);
                    runs.add(run);
                    if (!json) {
                        out().printf("launch %2d  sparrow %8.3f ms%s%n", launch, run.get("sparrow_ms_median").asDouble(),
                                run.path("tflite_ms_median").isNumber()
                                        ? String.format("  tflite %8.3f ms  speedup %.3f", run.get("tflite_ms_median").asDouble(),
                                                run.get("speedup").asDouble())
                                        : "");
                        out().flush();
                    }
                } finally {
                    Files.deleteIfExists(errors);
                }
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("model", file.getFileName().toString());
            summary.put("threads", threads);
            summary.put("launches", runs.size());
            summary.put("sparrow_ms", spread(runs, "sparrow_ms_median"));
            if (runs.getFirst().path("tflite_ms_median").isNumber()) {
                summary.put("tflite_ms", spread(runs, "tflite_ms_median"));
                summary.put("speedup", spread(runs, "speedup"));
            }
            summary.put("runs", runs);
            if (json) {
                out().println(Json.write(summary));
            } else {
                summary.forEach((k, v) -> {
                    if (v instanceof Map<?, ?> m) {
                        out().printf("%-12s min %.3f  median %.3f  max %.3f  (slowest %.1f %% above fastest)%n", k, m.get("min"),
                                m.get("median"), m.get("max"), 100 * ((double) m.get("max_over_min") - 1));
                    } else if (!k.equals("runs")) {
                        out().printf("%-12s %s%n", k, v);
                    }
                });
            }
            return SparrowCli.DONE;
        }

        /** Fastest, median and slowest of one field over the launches, and how far the slowest is above the fastest. */
        private static Map<String, Object> spread(List<JsonNode> runs, String field) {
            double[] v = runs.stream().mapToDouble(r -> r.get(field).asDouble()).sorted().toArray();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("min", v[0]);
            s.put("median", v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
            s.put("max", v[v.length - 1]);
            s.put("max_over_min", v[v.length - 1] / v[0]);
            return s;
        }

        private static String lastLine(String text) {
            String[] lines = text.strip().split("\n");
            return lines[lines.length - 1];
        }

        private void printProfile(List<ModelBench.StepTime> steps, double totalMs) {
            out().printf("%nstep                                      input               output               ms      share%n");
            for (ModelBench.StepTime s : steps) {
                out().printf("%-40s  %-18s  %-18s  %7.4f  %5.1f %%%n", s.operator(), s.input(), s.output(), s.medianMs(),
                        100 * s.medianMs() / totalMs);
            }
        }
    }
}
