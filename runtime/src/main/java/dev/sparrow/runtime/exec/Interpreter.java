package dev.sparrow.runtime.exec;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.plan.Fusion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs a {@link Model}: plans one arena for all activations by lifetime, compiles every operator into a
 * {@link Step} once, then executes the steps in order, each split across the configured threads where
 * the step allows it. Not thread-safe: one inference at a time per interpreter.
 */
public final class Interpreter implements AutoCloseable {

    /** @param threads threads for one inference (≥ 1); @param int8Mode which int8 arithmetic to reproduce */
    public record Options(int threads, Int8Mode int8Mode) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }

        public static Options defaults() {
            return new Options(1, Int8Mode.TFLITE);
        }
    }

    private final Model model;
    private final Options options;
    private final List<Step> steps = new ArrayList<>();
    /** The operator each step runs, for profiles. */
    private final List<Operator> stepOperators = new ArrayList<>();
    private final int[] floatOffset;
    private final int[] byteOffset;
    private final long activationBytes;
    private final Arena arena;
    private final ParallelRunner runner;
    /** Ends of the activation regions, in elements; constants are placed after them. */
    private int floatEnd;
    private int byteEnd;

    private Interpreter(Model model, Options options, OpRegistry registry) {
        model = Fusion.apply(model);
        this.model = model;
        this.options = options;
        int tensorCount = model.tensors().size();
        floatOffset = new int[tensorCount];
        byteOffset = new int[tensorCount];
        Arrays.fill(floatOffset, -1);
        Arrays.fill(byteOffset, -1);

        List<OpCompiler> compilers = findCompilers(registry);
        int[] root = aliasRoots();
        activationBytes = planActivations(root);

        Constants constants = new Constants(floatEnd, byteEnd);
        Context ctx = new Context(constants);
        for (int i = 0; i < model.operators().size(); i++) {
            Operator op = model.operators().get(i);
            if (compilers.get(i) != null) {
                steps.add(compile(compilers.get(i), op, ctx));
                stepOperators.add(op);
            }
        }
        int floatElements = (int) ArenaPlanner.align(constants.floatEnd);
        int byteElements = (int) ArenaPlanner.align(constants.byteEnd);
        requireHeapFor(4L * floatElements + byteElements);
        arena = new Arena(floatElements, byteElements);
        constants.copyInto(arena);
        runner = new ParallelRunner(options.threads());
    }

    public static Interpreter create(Model model, Options options, OpRegistry registry) {
        return new Interpreter(model, options, registry);
    }

    public static Interpreter create(Model model, Options options) {
        return new Interpreter(model, options, StandardOps.registry());
    }

    public static Interpreter create(Model model) {
        return create(model, Options.defaults());
    }

    /**
     * Compiles one operator; its refusals name the operator but not always the file, and some checks of
     * operator parameters throw IllegalArgumentException: both become one ModelException naming the model.
     */
    private Step compile(OpCompiler compiler, Operator op, Context ctx) {
        String prefix = model.source() + ": ";
        try {
            return compiler.compile(op, ctx);
        } catch (ModelException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(prefix)) {
                throw e;
            }
            throw new ModelException(prefix + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ModelException(prefix + op.describe() + ": " + e.getMessage(), e);
        }
    }

    /** One compiler per operator; null for reshapes that the planner turns into aliases. */
    private List<OpCompiler> findCompilers(OpRegistry registry) {
        List<OpCompiler> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Operator op : model.operators()) {
            if (op.input(0) < 0) {
                throw new ModelException(model.source() + ": " + op.describe() + " has no first input");
            }
            DataType type = model.tensor(op.input(0)).type();
            OpCompiler c = registry.find(op, type);
            if (c == null) {
                missing.add(op.describe() + " on " + type);
            }
            found.add(c);
        }
        if (!missing.isEmpty()) {
            throw new ModelException(model.source() + ": Sparrow does not support " + String.join(", ", missing));
        }
        return found;
    }

    /**
     * RESHAPE and SQUEEZE of an activation only relabel its shape: the output shares the input's slot,
     * so both must stay alive together. Returns, per tensor, the tensor whose slot it uses.
     */
    private int[] aliasRoots() {
        int[] root = new int[model.tensors().size()];
        for (int i = 0; i < root.length; i++) {
            root[i] = i;
        }
        for (Operator op : model.operators()) {
            if (isAliasableReshape(op)) {
                root[op.output(0)] = root[op.input(0)];
            }
        }
        return root;
    }

    private boolean isAliasableReshape(Operator op) {
        if (op.op() != BuiltinOp.RESHAPE && op.op() != BuiltinOp.SQUEEZE) {
            return false;
        }
        Tensor in = model.tensor(op.input(0));
        Tensor out = model.tensor(op.output(0));
        return !in.isConstant() && in.type() == out.type() && in.elementCount() == out.elementCount()
                && slotKind(in.type()) != null && !isGraphInput(out.index());
    }

    private boolean isGraphInput(int tensor) {
        for (int i : model.inputs()) {
            if (i == tensor) {
                return true;
            }
        }
        return false;
    }

    /** Float tensors live in {@link Arena#f32}, 8-bit ones in {@link Arena#i8}; other types have no slot. */
    private static DataType slotKind(DataType type) {
        return switch (type) {
            case FLOAT32 -> DataType.FLOAT32;
            case INT8, UINT8 -> DataType.INT8;
            default -> null;
        };
    }

    private long planActivations(int[] root) {
        int n = model.tensors().size();
        int last = model.operators().size();
        int[] first = new int[n];
        int[] end = new int[n];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(end, -1);
        for (int t : model.inputs()) {
            touch(root[t], 0, first, end);
        }
        for (int t : model.outputs()) {
            touch(root[t], last, first, end);
        }
        for (Operator op : model.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0) {
                    touch(root[t], op.index(), first, end);
                }
            }
            for (int t : op.outputs()) {
                touch(root[t], op.index(), first, end);
            }
        }
        ArenaPlanner floats = new ArenaPlanner();
        ArenaPlanner bytes = new ArenaPlanner();
        Map<Integer, Integer> request = new HashMap<>();
        for (int t = 0; t < n; t++) {
            Tensor tensor = model.tensor(t);
            DataType kind = slotKind(tensor.type());
            if (root[t] != t || end[t] < 0 || tensor.isConstant() || kind == null) {
                continue;
            }
            ArenaPlanner p = kind == DataType.FLOAT32 ? floats : bytes;
            request.put(t, p.add(tensor.elementCount(), first[t], end[t]));
        }
        int[] floatPlan;
        int[] bytePlan;
        try {
            floatPlan = floats.plan();
            bytePlan = bytes.plan();
        } catch (IllegalStateException e) {
            throw new ModelException(model.source() + ": " + e.getMessage() + "; largest tensors: " + largestTensors());
        }
        for (int t = 0; t < n; t++) {
            Integer id = request.get(root[t]);
            if (id == null) {
                continue;
            }
            if (slotKind(model.tensor(t).type()) == DataType.FLOAT32) {
                floatOffset[t] = floatPlan[id];
            } else {
                byteOffset[t] = bytePlan[id];
            }
        }
        floatEnd = floatPlan[floatPlan.length - 1];
        byteEnd = bytePlan[bytePlan.length - 1];
        return 4L * floatEnd + byteEnd;
    }

    /**
     * Refuses an arena the JVM cannot give before allocating it: a model of a few kilobytes can declare
     * consistent shapes that need gigabytes, and the allocation would end in an OutOfMemoryError.
     */
    private void requireHeapFor(long arenaBytes) {
        Runtime runtime = Runtime.getRuntime();
        long available = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (arenaBytes > available) {
            throw new ModelException(String.format(Locale.ROOT,
                    "%s: the arena needs %,d bytes but the JVM can give %,d more (heap limit %,d bytes, -Xmx);"
                            + " largest tensors: %s",
                    model.source(), arenaBytes, available, runtime.maxMemory(), largestTensors()));
        }
    }

    /** The three largest tensors Sparrow keeps in its arena, for messages about its size. */
    private String largestTensors() {
        return model.tensors().stream()
                .filter(t -> slotKind(t.type()) != null)
                .sorted(Comparator.comparingLong(Interpreter::bytesOf).reversed())
                .limit(3)
                .map(t -> String.format(Locale.ROOT, "%s %,d bytes", t.describe(), bytesOf(t)))
                .collect(Collectors.joining(", "));
    }

    private static long bytesOf(Tensor t) {
        return (long) t.elementCount() * t.type().bytes;
    }

    private static void touch(int t, int step, int[] first, int[] end) {
        first[t] = Math.min(first[t], step);
        end[t] = Math.max(end[t], step);
    }

    /** Constants that steps read as data, copied once into slots after the activations. */
    private final class Constants {
        long floatEnd;
        long byteEnd;
        final List<Tensor> copies = new ArrayList<>();

        Constants(int floatStart, int byteStart) {
            this.floatEnd = floatStart;
            this.byteEnd = byteStart;
        }

        int place(Tensor t) {
            boolean isFloat = slotKind(t.type()) == DataType.FLOAT32;
            long at = ArenaPlanner.align(isFloat ? floatEnd : byteEnd);
            if (at + t.elementCount() > Integer.MAX_VALUE - ArenaPlanner.ALIGNMENT) {
                throw new ModelException(model.source() + ": constants exceed the arena's 2^31 elements at " + t.describe());
            }
            if (isFloat) {
                floatOffset[t.index()] = (int) at;
                floatEnd = at + t.elementCount();
            } else {
                byteOffset[t.index()] = (int) at;
                byteEnd = at + t.elementCount();
            }
            copies.add(t);
            return (int) at;
        }

        void copyInto(Arena a) {
            for (Tensor t : copies) {
                if (t.palette() != null) {
                    // A palettised weight that some operator also reads as an activation.
                    System.arraycopy(t.floats(), 0, a.f32, floatOffset[t.index()], t.elementCount());
                } else if (slotKind(t.type()) == DataType.FLOAT32) {
                    ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                            .get(a.f32, floatOffset[t.index()], t.elementCount());
                } else {
                    System.arraycopy(t.data(), 0, a.i8, byteOffset[t.index()], t.elementCount());
                }
            }
        }
    }

    private final class Context implements CompileContext {
        private final Constants constants;

        Context(Constants constants) {
            this.constants = constants;
        }

        @Override
        public Model model() {
            return model;
        }

        @Override
        public int offset(int tensorIndex) {
            Tensor t = model.tensor(tensorIndex);
            DataType kind = slotKind(t.type());
            if (kind == null) {
                throw new ModelException(model.source() + ": " + t.describe()
                        + " is used as data, but Sparrow keeps only FLOAT32, INT8 and UINT8 tensors in its arena");
            }
            int known = kind == DataType.FLOAT32 ? floatOffset[tensorIndex] : byteOffset[tensorIndex];
            if (known >= 0) {
                return known;
            }
            if (t.isConstant()) {
                return constants.place(t);
            }
            throw new ModelException(model.source() + ": " + t.describe() + " is read but never written");
        }

        @Override
        public Int8Mode int8Mode() {
            return options.int8Mode();
        }

        @Override
        public int threads() {
            return options.threads();
        }
    }

    /** Runs one inference on the inputs set so far. */
    public void run() {
        int threads = options.threads();
        for (Step s : steps) {
            runner.run(s, arena, Math.min(threads, s.maxParts()));
        }
    }

    /**
     * Runs one inference like {@link #run} and adds each step's wall time to {@code stepNanos}, indexed as
     * {@link #stepOperators()}.
     */
    public void runProfiled(long[] stepNanos) {
        int threads = options.threads();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            long t0 = System.nanoTime();
            runner.run(s, arena, Math.min(threads, s.maxParts()));
            stepNanos[i] += System.nanoTime() - t0;
        }
    }

    /** The operators of the compiled steps in execution order (after fusion; reshapes are not steps). */
    public List<Operator> stepOperators() {
        return List.copyOf(stepOperators);
    }

    public Model model() {
        return model;
    }

    /** Bytes of the activation arena (without the persistent constant copies): comparable to TFLite's arena. */
    public long arenaBytes() {
        return activationBytes;
    }

    public int inputCount() {
        return model.inputs().length;
    }

    public int outputCount() {
        return model.outputs().length;
    }

    public Tensor inputTensor(int i) {
        return model.input(i);
    }

    public Tensor outputTensor(int i) {
        return model.output(i);
    }

    public void setInput(int i, float[] values) {
        Tensor t = ioTensor(model.inputs(), i, "input", DataType.FLOAT32, values.length);
        System.arraycopy(values, 0, arena.f32, floatOffset[t.index()], values.length);
    }

    public void setInput(int i, byte[] values) {
        Tensor t = ioTensor(model.inputs(), i, "input", DataType.INT8, values.length);
        System.arraycopy(values, 0, arena.i8, byteOffset[t.index()], values.length);
    }

    /** Sets an input from TFLite's raw little-endian tensor bytes, whatever its type. */
    public void setInputRaw(int i, byte[] raw) {
        Tensor t = model.input(i);
        if (slotKind(t.type()) == DataType.FLOAT32) {
            float[] v = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            setInput(i, v);
        } else {
            setInput(i, raw);
        }
    }

    public float[] outputFloats(int i) {
        Tensor t = ioTensor(model.outputs(), i, "output", DataType.FLOAT32, -1);
        return Arrays.copyOfRange(arena.f32, floatOffset[t.index()], floatOffset[t.index()] + t.elementCount());
    }

    public byte[] outputBytes(int i) {
        Tensor t = ioTensor(model.outputs(), i, "output", DataType.INT8, -1);
        return Arrays.copyOfRange(arena.i8, byteOffset[t.index()], byteOffset[t.index()] + t.elementCount());
    }

    /** An output as TFLite's raw little-endian tensor bytes. */
    public byte[] outputRaw(int i) {
        Tensor t = model.output(i);
        if (slotKind(t.type()) == DataType.FLOAT32) {
            float[] v = outputFloats(i);
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            return b.array();
        }
        return outputBytes(i);
    }

    private Tensor ioTensor(int[] list, int i, String what, DataType kind, int length) {
        if (i < 0 || i >= list.length) {
            throw new IndexOutOfBoundsException(model.source() + " has " + list.length + " " + what + "s, asked for " + what + " " + i);
        }
        Tensor t = model.tensor(list[i]);
        if (slotKind(t.type()) != kind) {
            throw new IllegalArgumentException(model.source() + ": " + what + " " + i + " is " + t.describe()
                    + ", not " + (kind == DataType.FLOAT32 ? "FLOAT32" : "8-bit"));
        }
        if (length >= 0 && length != t.elementCount()) {
            throw new IllegalArgumentException(model.source() + ": " + what + " " + i + " is " + t.describe()
                    + " with " + t.elementCount() + " elements, given " + length);
        }
        return t;
    }

    @Override
    public void close() {
        runner.close();
    }
}
