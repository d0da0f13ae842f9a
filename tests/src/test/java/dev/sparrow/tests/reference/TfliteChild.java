package dev.sparrow.tests.reference;

import dev.sparrow.runtime.reference.ReferenceKind;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TensorFlow Lite 2.6.2 on many numbered models, in a child JVM. A model can crash TensorFlow Lite's native
 * code or make it allocate without end; in a child that ends the child, not the test. The child runs models
 * {@code N.tflite} in the order given and writes {@code N.KIND.result} after each, so when it dies the first
 * model without a result is the one that killed it; {@link #runAll} records that model as crashed (or hung)
 * and starts a new child after it.
 */
public final class TfliteChild {
    /**
     * The child's address space: enough for the JVM and the unmutated models, so that a mutant asking for
     * gigabytes fails to allocate (a refusal) instead of taking the machine's memory from other builds.
     */
    private static final long ADDRESS_SPACE_KB = 4L << 20;
    /** A model that makes no progress for this long hangs TensorFlow Lite: its child is killed. */
    private static final long HANG_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final String READY = "ready";
    private static final int MESSAGE_CHARS = 400;

    private TfliteChild() {
    }

    /** What TensorFlow Lite did with one model. */
    record Verdict(Kind kind, String message, List<String> types, List<byte[]> outputs) {
        enum Kind {
            /** Ran to the end: {@code types} and {@code outputs} hold its outputs. */
            RAN,
            /** Refused with an error, while loading, preparing or invoking. */
            REFUSED,
            /** Loaded, but its inputs are not the ones Sparrow read from the same file ({@code message} says how). */
            INPUTS_DIFFER,
            /** Its native code ended the process. */
            CRASHED,
            /** Made no progress for {@link #HANG_NANOS}. */
            HUNG
        }

        /** True when TensorFlow Lite did not run the model, whatever the reason. */
        boolean refused() {
            return kind != Kind.RAN && kind != Kind.INPUTS_DIFFER;
        }

        private static Verdict of(Kind kind, String message) {
            String line = message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
            return new Verdict(kind, line.length() > MESSAGE_CHARS ? line.substring(0, MESSAGE_CHARS) + "…" : line,
                    List.of(), List.of());
        }

        private void write(Path dir, int model, ReferenceKind reference) throws IOException {
            Path part = dir.resolve(model + "." + reference + ".result.part");
            try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(part))) {
                out.writeUTF(kind.name());
                out.writeUTF(message);
                out.writeInt(outputs.size());
                for (int o = 0; o < outputs.size(); o++) {
                    out.writeUTF(types.get(o));
                    out.writeInt(outputs.get(o).length);
                    out.write(outputs.get(o));
                }
            }
            // A child killed while writing leaves a .part, never a result that reads as complete.
            Files.move(part, result(dir, model, reference), StandardCopyOption.ATOMIC_MOVE);
        }

        private static Verdict read(Path dir, int model, ReferenceKind reference) throws IOException {
            try (DataInputStream in = new DataInputStream(Files.newInputStream(result(dir, model, reference)))) {
                Kind kind = Kind.valueOf(in.readUTF());
                String message = in.readUTF();
                int count = in.readInt();
                List<String> types = new ArrayList<>();
                List<byte[]> outputs = new ArrayList<>();
                for (int o = 0; o < count; o++) {
                    types.add(in.readUTF());
                    outputs.add(in.readNBytes(in.readInt()));
                }
                return new Verdict(kind, message, types, outputs);
            }
        }
    }

    /** Where model {@code model} of a folder is written for the child. */
    static Path model(Path dir, int model) {
        return dir.resolve(model + ".tflite");
    }

    /**
     * Gives the child the inputs Sparrow ran {@code model} with, so that both run the same bytes. Models
     * without inputs (Sparrow refused them) run on zeros: the question there is only whether TFLite runs.
     */
    static void writeInputs(Path dir, int model, List<byte[]> inputs) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(model + ".in")))) {
            out.writeInt(inputs.size());
            for (byte[] input : inputs) {
                out.writeInt(input.length);
                out.write(input);
            }
        }
    }

    private static List<byte[]> readInputs(Path dir, int model) throws IOException {
        Path file = dir.resolve(model + ".in");
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            List<byte[]> inputs = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                inputs.add(in.readNBytes(in.readInt()));
            }
            return inputs;
        }
    }

    private static Path result(Path dir, int model, ReferenceKind kind) {
        return dir.resolve(model + "." + kind + ".result");
    }

    /**
     * Runs {@code models} of {@code dir} through TensorFlow Lite's {@code kind} in as few child JVMs as their
     * crashes allow, and returns what happened to each, in the same order.
     */
    static Verdict[] runAll(Path dir, int[] models, ReferenceKind kind) throws IOException, InterruptedException {
        Verdict[] verdicts = new Verdict[models.length];
        int next = 0;
        while (next < models.length) {
            Files.deleteIfExists(dir.resolve(READY));
            Path log = dir.resolve("child.log");
            Process child = start(dir, kind, models, next, log);
            long lastProgress = System.nanoTime();
            boolean hung = false;
            while (!child.waitFor(100, TimeUnit.MILLISECONDS)) {
                int done = firstWithoutResult(dir, models, next, kind);
                if (done > next) {
                    next = done;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > HANG_NANOS) {
                    child.destroyForcibly().waitFor();
                    hung = true;
                    break;
                }
            }
            if (!Files.exists(dir.resolve(READY))) {
                throw new IllegalStateException("the TensorFlow Lite child did not start (exit " + child.exitValue()
                        + "): " + Files.readString(log));
            }
            next = firstWithoutResult(dir, models, next, kind);
            if (next < models.length) {
                String why = hung ? "no progress for " + TimeUnit.NANOSECONDS.toSeconds(HANG_NANOS) + " s"
                        : "the child JVM ended with exit code " + child.exitValue();
                verdicts[next] = Verdict.of(hung ? Verdict.Kind.HUNG : Verdict.Kind.CRASHED, why);
                next++;
            }
        }
        for (int m = 0; m < models.length; m++) {
            if (verdicts[m] == null) {
                verdicts[m] = Verdict.read(dir, models[m], kind);
            }
        }
        return verdicts;
    }

    /** The position in {@code models}, from {@code from} on, of the first model without a result. */
    private static int firstWithoutResult(Path dir, int[] models, int from, ReferenceKind kind) {
        int m = from;
        while (m < models.length && Files.exists(result(dir, models[m], kind))) {
            m++;
        }
        return m;
    }

    private static Process start(Path dir, ReferenceKind kind, int[] models, int from, Path log) throws IOException {
        // ulimit through a shell that then becomes the JVM (exec), so the limit applies to the child alone.
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -v " + ADDRESS_SPACE_KB
                + " && ulimit -c 0 && exec \"$@\"",
                "sh", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=64m",
                "-XX:CompressedClassSpaceSize=64m", "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-XX:-CreateCoredumpOnCrash", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), TfliteChild.class.getName(), dir.toString(), kind.name()));
        for (int m = from; m < models.length; m++) {
            command.add(Integer.toString(models[m]));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        // glibc reserves 64 MB of address space per thread arena; two keep the limit for TFLite's tensors.
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        return builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** The child: {@code DIR KIND MODEL...}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        ReferenceKind kind = ReferenceKind.valueOf(args[1]);
        TfliteReferences tflite = new TfliteReferences();
        if (!tflite.available().contains(kind)) {
            System.err.println(TfliteReferences.describe());
            System.exit(2);
        }
        Files.writeString(dir.resolve(READY), TfliteReferences.describe());
        for (int a = 2; a < args.length; a++) {
            int model = Integer.parseInt(args[a]);
            run(tflite, kind, dir, model).write(dir, model, kind);
        }
    }

    private static Verdict run(TfliteReferences tflite, ReferenceKind kind, Path dir, int model) throws IOException {
        List<byte[]> inputs = readInputs(dir, model);
        try (TypedRunner runner = tflite.open(model(dir, model), kind, 1)) {
            if (inputs == null) {
                inputs = new ArrayList<>();
                for (int i = 0; i < runner.inputCount(); i++) {
                    inputs.add(new byte[runner.inputBytes(i)]);
                }
            }
            List<String> theirs = new ArrayList<>();
            List<String> ours = new ArrayList<>();
            for (int i = 0; i < Math.max(inputs.size(), runner.inputCount()); i++) {
                theirs.add(i < runner.inputCount() ? runner.inputType(i) + " " + runner.inputBytes(i) + " bytes" : "none");
                ours.add(i < inputs.size() ? inputs.get(i).length + " bytes" : "none");
            }
            for (int i = 0; i < theirs.size(); i++) {
                if (i >= inputs.size() || i >= runner.inputCount() || inputs.get(i).length != runner.inputBytes(i)) {
                    return Verdict.of(Verdict.Kind.INPUTS_DIFFER, "TensorFlow Lite's inputs " + theirs
                            + ", Sparrow's " + ours);
                }
                runner.setInput(i, inputs.get(i));
            }
            runner.invoke();
            List<String> types = new ArrayList<>();
            List<byte[]> outputs = new ArrayList<>();
            for (int o = 0; o < runner.outputCount(); o++) {
                types.add(runner.outputType(o));
                outputs.add(runner.output(o));
            }
            return new Verdict(Verdict.Kind.RAN, "", types, outputs);
        } catch (Exception refused) {
            return Verdict.of(Verdict.Kind.REFUSED, refused.toString());
        }
    }
}
