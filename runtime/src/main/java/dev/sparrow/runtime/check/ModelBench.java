package dev.sparrow.runtime.check;

import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceProvider;
import dev.sparrow.runtime.reference.ReferenceRunner;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times Sparrow against TensorFlow Lite in one process, alternating rounds so that machine noise (other
 * tenants, frequency changes) hits every contender alike; reports medians after warm-up.
 */
public final class ModelBench {
    private static final long JIT_WARMUP_MIN_NANOS = 3_000_000_000L;
    private static final long JIT_WARMUP_MAX_NANOS = 60_000_000_000L;
    /** The JIT counts as settled once it has compiled nothing for this long while Sparrow kept running. */
    private static final long JIT_QUIET_NANOS = 1_000_000_000L;

    /**
     * Medians in milliseconds by contender name ("sparrow", and each reference kind that ran); with a profile,
     * Sparrow's steps in execution order.
     */
    public record Result(String model, int threads, Map<String, Double> medianMs, long arenaBytes, Map<String, String> skipped,
                         double jitSettledS, List<StepTime> profile) {

        public double sparrowMs() {
            return medianMs.get("sparrow");
        }
    }

    /**
     * One step of Sparrow's plan: its operator, the shapes of its first input and output, and the median of its
     * wall time over the profiled rounds.
     */
    public record StepTime(String operator, String input, String output, double medianMs) {}

    private ModelBench() {}

    public static Result run(Model model, Path referenceFile, ReferenceProvider provider, List<ReferenceKind> kinds,
                             int threads, int warmup, int rounds, Int8Mode int8Mode) throws Exception {
        return run(model, referenceFile, provider, kinds, threads, warmup, rounds, int8Mode, false);
    }

    public static Result run(Model model, Path referenceFile, ReferenceProvider provider, List<ReferenceKind> kinds,
                             int threads, int warmup, int rounds, Int8Mode int8Mode, boolean profile) throws Exception {
        List<byte[]> inputs = ModelInputs.random(model, 1);
        Map<String, String> skipped = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<Runnable> contenders = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Interpreter it = Interpreter.create(model, new Interpreter.Options(threads, int8Mode));
            resources.add(it);
            for (int i = 0; i < inputs.size(); i++) {
                it.setInputRaw(i, inputs.get(i));
            }
            names.add("sparrow");
            contenders.add(it::run);
            if (provider != null) {
                for (ReferenceKind kind : kinds) {
                    if (!provider.available().contains(kind)) {
                        skipped.put(kind.name(), "not available on this platform");
                        continue;
                    }
                    try {
                        ReferenceRunner r = provider.open(referenceFile, kind, threads);
                        resources.add(r);
                        for (int i = 0; i < inputs.size(); i++) {
                            r.setInput(i, inputs.get(i));
                        }
                        names.add(kind.name());
                        contenders.add(() -> {
                            try {
                                r.invoke();
                            } catch (Exception e) {
                                throw new IllegalStateException(kind + " failed: " + e.getMessage(), e);
                            }
                        });
                    } catch (Exception e) {
                        skipped.put(kind.name(), String.valueOf(e.getMessage()));
                    }
                }
            }
            double[][] times = new double[contenders.size()][rounds];
            // Sparrow is Java: its kernels reach C2 only after thousands of calls, and on a small or busy machine
            // the one C2 thread may need many seconds for the queue of vector kernels; rounds timed before it is
            // through measure a mix of C1 and C2 code that differs from launch to launch. So Sparrow warms up
            // alone until the JIT has been quiet for a while (at least a few seconds; bounded). TensorFlow Lite
            // is native and needs only the shared warm-up rounds.
            double jitSettledS = warmUntilJitSettles(it);
            for (int w = 0; w < warmup; w++) {
                contenders.forEach(Runnable::run);
            }
            for (int round = 0; round < rounds; round++) {
                for (int c = 0; c < contenders.size(); c++) {
                    long t0 = System.nanoTime();
                    contenders.get(c).run();
                    times[c][round] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Map<String, Double> medians = new LinkedHashMap<>();
            for (int c = 0; c < contenders.size(); c++) {
                medians.put(names.get(c), median(times[c]));
            }
            return new Result(model.source(), threads, medians, it.arenaBytes(), skipped, jitSettledS,
                    profile ? profile(it, rounds) : List.of());
        } finally {
            for (AutoCloseable r : resources) {
                r.close();
            }
        }
    }

    /**
     * Runs Sparrow until the JIT has compiled nothing for {@link #JIT_QUIET_NANOS}, but at least
     * {@link #JIT_WARMUP_MIN_NANOS} and at most {@link #JIT_WARMUP_MAX_NANOS}; returns the seconds it took. Where
     * the JVM does not report compilation time, the minimum applies.
     */
    private static double warmUntilJitSettles(Interpreter it) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long lastCompileMs = measurable ? jit.getTotalCompilationTime() : 0;
        long quietSince = start;
        while (true) {
            it.run();
            long now = System.nanoTime();
            if (measurable) {
                long compileMs = jit.getTotalCompilationTime();
                if (compileMs != lastCompileMs) {
                    lastCompileMs = compileMs;
                    quietSince = now;
                }
            }
            boolean settled = !measurable || now - quietSince >= JIT_QUIET_NANOS;
            if ((now - start >= JIT_WARMUP_MIN_NANOS && settled) || now - start >= JIT_WARMUP_MAX_NANOS) {
                return (now - start) / 1e9;
            }
        }
    }

    /**
     * Times each step over {@code rounds} further runs, after the timed rounds so that the clock reads between
     * steps do not touch the medians above.
     */
    private static List<StepTime> profile(Interpreter it, int rounds) {
        List<Operator> operators = it.stepOperators();
        double[][] ms = new double[operators.size()][rounds];
        long[] nanos = new long[operators.size()];
        for (int round = 0; round < rounds; round++) {
            Arrays.fill(nanos, 0);
            it.runProfiled(nanos);
            for (int s = 0; s < nanos.length; s++) {
                ms[s][round] = nanos[s] / 1e6;
            }
        }
        List<StepTime> steps = new ArrayList<>();
        for (int s = 0; s < operators.size(); s++) {
            Operator op = operators.get(s);
            steps.add(new StepTime(op.describe(), Tensor.formatShape(it.model().tensors().get(op.input(0)).shape()),
                    Tensor.formatShape(it.model().tensors().get(op.output(0)).shape()), median(ms[s])));
        }
        return steps;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
