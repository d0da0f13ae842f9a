package dev.sparrow.runtime.tflite;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Padding;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.FlatBufferBuilder.Table;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Writes a {@link Model} as a standard {@code .tflite} file (schema version 3, identifier {@code TFL3}) that
 * TensorFlow Lite and {@link TfliteReader} load: one subgraph, every constant in its own buffer (buffer 0
 * is the empty sentinel), builtin options in the slots of reference/tflite-format.md §4, and operator
 * versions chosen as TensorFlow Lite's converter chooses them ({@code tools/versioning/op_version.cc}),
 * because an interpreter refuses an operator whose version it does not register.
 *
 * <p>Graph-fusion options ({@link OpOptions.FusedConv2D} and the like) exist only inside Sparrow's planner
 * and have no TFLite encoding; a model carrying them is refused.
 */
public final class TfliteWriter {
    private static final int SCHEMA_VERSION = 3;
    /** {@code BuiltinOptions} union tags (1 + position in the schema's union list). */
    private static final int CONV_2D = 1, DEPTHWISE_CONV_2D = 2, POOL_2D = 5, FULLY_CONNECTED = 8, SOFTMAX = 9,
            CONCATENATION = 10, ADD = 11, RESIZE_BILINEAR = 15, RESHAPE = 17, MUL = 21, REDUCER = 27, SUB = 28,
            DIV = 29, SQUEEZE = 30, STRIDED_SLICE = 32, DEPTH_TO_SPACE = 94;
    /** Largest code the deprecated int8 field holds; larger codes store 127 there (schema_conversion_utils.cc). */
    private static final int PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

    private record Code(BuiltinOp op, String custom, int version) {}

    private TfliteWriter() {}

    /** The model as {@code .tflite} bytes, every constant dense. */
    public static byte[] write(Model model) {
        return write(model, Set.of());
    }

    /**
     * The model as {@code .tflite} bytes, the constants {@code sparseConstants} (tensor indices) in TensorFlow
     * Lite's own sparse encoding as MediaPipe's sparse models store their 1×1 filters: every dimension DENSE
     * but the last, which is SPARSE_CSR (row segments, column indices as uint8, uint16 or int32 by size), no
     * blocks, only the non-zero values in the buffer. Each such tensor keeps its index as the output of a
     * DENSIFY operator placed first in the graph, whose input is a new sparse constant appended to the tensor
     * list: operators that cannot read sparse weights (CONV_2D and most others) read the dense result, as in
     * the files TensorFlow's converter writes with {@code EXPERIMENTAL_SPARSITY}. "Zero" means all bytes zero,
     * so the dense tensor TensorFlow Lite rebuilds is bit for bit the original one. A model with palettised
     * tensors goes to {@link CodebookFile#write} instead.
     */
    public static byte[] write(Model model, Set<Integer> sparseConstants) {
        for (Tensor t : model.tensors()) {
            if (t.palette() != null) {
                throw new ModelException(model.source() + ": " + t.describe() + " holds a codebook, which .tflite cannot"
                        + " express; write the model as a Sparrow codebook file");
            }
        }
        return writeGraph(model, sparseConstants);
    }

    /** The FlatBuffer of {@link #write}; palettised tensors get no buffer (the codebook file carries them). */
    static byte[] writeGraph(Model model, Set<Integer> sparseConstants) {
        Map<Code, Integer> codes = new LinkedHashMap<>();
        List<Table> operators = new ArrayList<>();
        List<Integer> sparse = new ArrayList<>(new TreeSet<>(sparseConstants));
        for (int k = 0; k < sparse.size(); k++) {
            requireSparseEncodable(model, sparse.get(k));
            int index = codes.computeIfAbsent(new Code(BuiltinOp.DENSIFY, null, 1), c -> codes.size());
            operators.add(new Table().int32(0, index).ints(1, model.tensors().size() + k).ints(2, sparse.get(k)));
        }
        for (Operator op : model.operators()) {
            Code code = new Code(op.op(), op.op() == BuiltinOp.CUSTOM ? customCode(model, op) : null,
                    version(model, op));
            int index = codes.computeIfAbsent(code, c -> codes.size());
            Table t = new Table().int32(0, index).ints(1, op.inputs()).ints(2, op.outputs());
            Options options = options(model, op);
            if (options != null) {
                t.int8(3, options.tag).child(4, options.table);
            }
            if (op.customOptions() != null) {
                t.bytes(5, op.customOptions());
            }
            operators.add(t);
        }
        List<Table> buffers = new ArrayList<>(List.of(new Table()));
        List<Table> tensors = new ArrayList<>();
        for (Tensor tensor : model.tensors()) {
            Table t = tensorTable(tensor, tensor.name());
            if (tensor.isConstant() && tensor.palette() == null && !sparseConstants.contains(tensor.index())) {
                t.int32(2, addBuffer(buffers, tensor.data()));
            }
            tensors.add(t);
        }
        for (int index : sparse) {
            Tensor dense = model.tensor(index);
            SparseEncoding encoded = SparseEncoding.of(dense);
            tensors.add(tensorTable(dense, dense.name() + "/sparse").int32(2, addBuffer(buffers, encoded.values))
                    .child(6, encoded.sparsity));
        }
        List<Table> codeTables = new ArrayList<>();
        for (Code c : codes.keySet()) {
            Table t = new Table().int8(0, Math.min(c.op.code, PLACEHOLDER_FOR_GREATER_OP_CODES));
            if (c.custom != null) {
                t.string(1, c.custom);
            }
            codeTables.add(t.int32(2, c.version).int32(3, c.op.code));
        }
        Table subgraph = new Table().tables(0, tensors).ints(1, model.inputs()).ints(2, model.outputs())
                .tables(3, operators).string(4, "main");
        Table root = new Table().int32(0, SCHEMA_VERSION).tables(1, codeTables).tables(2, List.of(subgraph))
                .string(3, model.description() == null ? "" : model.description()).tables(4, buffers);
        return FlatBufferBuilder.finish(root, "TFL3");
    }

    private static Table tensorTable(Tensor tensor, String name) {
        Table t = new Table().ints(0, tensor.shape()).int8(1, tensor.type().code).string(3, name);
        Quantization q = tensor.quantization();
        if (q != null) {
            t.child(4, new Table().floats(2, q.scales()).longs(3, q.zeroPoints()).int32(6, q.quantizedDimension()));
        }
        return t;
    }

    /** Appends a buffer holding {@code data} and returns its index. */
    private static int addBuffer(List<Table> buffers, byte[] data) {
        // Buffer.data is force_align 16 in the schema; TFLite's verifier checks it.
        buffers.add(new Table().child(0, FlatBufferBuilder.bytes(data, 16)));
        return buffers.size() - 1;
    }

    /** DENSIFY (TensorFlow Lite 2.6's densify.cc) takes constant FLOAT32, FLOAT16 or INT8 tensors of rank ≥ 1. */
    private static void requireSparseEncodable(Model model, int index) {
        if (index < 0 || index >= model.tensors().size()) {
            throw new ModelException(model.source() + ": no tensor " + index + " to store sparse");
        }
        Tensor t = model.tensor(index);
        if (!t.isConstant() || t.rank() == 0
                || (t.type() != DataType.FLOAT32 && t.type() != DataType.FLOAT16 && t.type() != DataType.INT8)) {
            throw new ModelException(model.source() + ": " + t.describe()
                    + " cannot be stored sparse: DENSIFY takes a FLOAT32, FLOAT16 or INT8 constant of rank 1 or more");
        }
        for (int out : model.outputs()) {
            if (out == index) {
                throw new ModelException(model.source() + ": " + t.describe() + " is a graph output; it cannot be stored sparse");
            }
        }
    }

    /** A tensor's non-zero values in row-major order and the SparsityParameters table that places them. */
    private record SparseEncoding(byte[] values, Table sparsity) {
        /** {@code SparseIndexVector} union tags and {@code DimensionType} values of the schema. */
        private static final int INT32_VECTOR = 1, UINT16_VECTOR = 2, UINT8_VECTOR = 3, DENSE = 0, SPARSE_CSR = 1;

        static SparseEncoding of(Tensor t) {
            int rank = t.rank();
            int columns = t.dim(rank - 1);
            int rows = t.elementCount() / Math.max(columns, 1);
            int width = t.type().bytes;
            byte[] data = t.data();
            int[] segments = new int[rows + 1];
            int[] indices = new int[t.elementCount()];
            java.io.ByteArrayOutputStream values = new java.io.ByteArrayOutputStream();
            int stored = 0;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    int at = (r * columns + c) * width;
                    if (!allZero(data, at, width)) {
                        indices[stored++] = c;
                        values.write(data, at, width);
                    }
                }
                segments[r + 1] = stored;
            }
            if (stored == 0) {
                // An empty buffer would make the sparse tensor a non-constant, which DENSIFY refuses.
                throw new ModelException(t.describe() + " is all zeros; store it dense");
            }
            List<Table> levels = new ArrayList<>();
            for (int d = 0; d < rank - 1; d++) {
                levels.add(new Table().int8(0, DENSE).int32(1, t.dim(d)));
            }
            levels.add(new Table().int8(0, SPARSE_CSR).int8(2, indexTag(stored)).child(3, indexVector(segments, stored))
                    .int8(4, indexTag(columns - 1)).child(5, indexVector(Arrays.copyOf(indices, stored), columns - 1)));
            int[] traversal = new int[rank];
            for (int d = 0; d < rank; d++) {
                traversal[d] = d;
            }
            return new SparseEncoding(values.toByteArray(), new Table().ints(0, traversal).tables(2, levels));
        }

        private static boolean allZero(byte[] data, int at, int width) {
            for (int i = 0; i < width; i++) {
                if (data[at + i] != 0) {
                    return false;
                }
            }
            return true;
        }

        /** The narrowest index vector that holds values up to {@code largest}. */
        private static int indexTag(int largest) {
            return largest <= 0xFF ? UINT8_VECTOR : largest <= 0xFFFF ? UINT16_VECTOR : INT32_VECTOR;
        }

        /** An Int32Vector, Uint16Vector or Uint8Vector table (its one slot: values) for values up to {@code largest}. */
        private static Table indexVector(int[] values, int largest) {
            int width = switch (indexTag(largest)) {
                case UINT8_VECTOR -> 1;
                case UINT16_VECTOR -> 2;
                default -> 4;
            };
            ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                switch (width) {
                    case 1 -> b.put((byte) v);
                    case 2 -> b.putShort((short) v);
                    default -> b.putInt(v);
                }
            }
            return new Table().child(0, new FlatBufferBuilder.ScalarVector(width, values.length, b.array(), width));
        }
    }

    /**
     * Writes the model to {@code file} atomically: a temporary file in the same directory is written and
     * forced to disk, then renamed over the target, so a crash leaves either the old file or the new one.
     */
    public static void write(Model model, Path file) throws IOException {
        writeAtomically(write(model), file);
    }

    /**
     * Replaces {@code file} by {@code bytes}: temporary file {@code .NAME<digits>.tmp}, fsync, rename (DESIGN.md,
     * "Files Sparrow writes"). A new file gets the default permissions like any file the user creates (not the
     * 0600 of {@code Files.createTempFile}); an overwritten one keeps its own. Temp files of that naming left by a
     * killed run more than {@link #STALE_TEMP_AGE} ago are removed.
     */
    public static void writeAtomically(byte[] bytes, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        removeStaleTemps(dir, target.getFileName().toString());
        Path temp = dir.resolve("." + target.getFileName() + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            if (Files.exists(target)) {
                try {
                    Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
                } catch (UnsupportedOperationException notPosix) {
                    // A file system without POSIX permissions has no mode to keep.
                }
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A temp file younger than this may belong to a write still running in another process. */
    static final Duration STALE_TEMP_AGE = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static void removeStaleTemps(Path dir, String name) throws IOException {
        Pattern ours = Pattern.compile(Pattern.quote("." + name) + "\\d+\\.tmp");
        FileTime staleBefore = FileTime.from(Instant.now().minus(STALE_TEMP_AGE));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> ours.matcher(p.getFileName().toString()).matches())) {
            for (Path temp : entries) {
                if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(temp).compareTo(staleBefore) < 0) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private static String customCode(Model model, Operator op) {
        if (op.customCode() == null || op.customCode().startsWith("builtin code ")) {
            throw new ModelException(model.source() + ": " + op.describe()
                    + " is a builtin operator Sparrow does not know, so it cannot be written back");
        }
        return op.customCode();
    }

    private record Options(int tag, Table table) {}

    private static Options options(Model model, Operator op) {
        return switch (op.options()) {
            case OpOptions.None n -> null;
            case OpOptions.Conv2D c -> new Options(CONV_2D, new Table().int8(0, padding(c.padding()))
                    .int32(1, c.strideW()).int32(2, c.strideH()).int8(3, c.activation().ordinal())
                    .int32(4, c.dilationW()).int32(5, c.dilationH()));
            case OpOptions.DepthwiseConv2D d -> new Options(DEPTHWISE_CONV_2D, new Table().int8(0, padding(d.padding()))
                    .int32(1, d.strideW()).int32(2, d.strideH()).int32(3, d.depthMultiplier())
                    .int8(4, d.activation().ordinal()).int32(5, d.dilationW()).int32(6, d.dilationH()));
            case OpOptions.Pool2D p -> new Options(POOL_2D, new Table().int8(0, padding(p.padding()))
                    .int32(1, p.strideW()).int32(2, p.strideH()).int32(3, p.filterW()).int32(4, p.filterH())
                    .int8(5, p.activation().ordinal()));
            case OpOptions.FullyConnected f -> new Options(FULLY_CONNECTED, new Table()
                    .int8(0, f.activation().ordinal()).int8(1, 0).bool(2, f.keepNumDims()));
            case OpOptions.Arithmetic a -> new Options(switch (op.op()) {
                case ADD -> ADD;
                case SUB -> SUB;
                case MUL -> MUL;
                case DIV -> DIV;
                default -> throw unwritable(model, op);
            }, new Table().int8(0, a.activation().ordinal()));
            case OpOptions.Concatenation c -> new Options(CONCATENATION, new Table().int32(0, c.axis())
                    .int8(1, c.activation().ordinal()));
            case OpOptions.Reshape r -> r.newShape() == null ? null
                    : new Options(RESHAPE, new Table().ints(0, r.newShape()));
            case OpOptions.Softmax s -> new Options(SOFTMAX, new Table().float32(0, s.beta()));
            case OpOptions.ResizeBilinear r -> new Options(RESIZE_BILINEAR, new Table().bool(2, r.alignCorners())
                    .bool(3, r.halfPixelCenters()));
            case OpOptions.Reducer r -> new Options(REDUCER, new Table().bool(0, r.keepDims()));
            case OpOptions.DepthToSpace d -> new Options(DEPTH_TO_SPACE, new Table().int32(0, d.blockSize()));
            case OpOptions.StridedSlice s -> new Options(STRIDED_SLICE, new Table().int32(0, s.beginMask())
                    .int32(1, s.endMask()).int32(2, s.ellipsisMask()).int32(3, s.newAxisMask())
                    .int32(4, s.shrinkAxisMask()).bool(5, s.offset()));
            case OpOptions.Squeeze s -> new Options(SQUEEZE, new Table().ints(0, s.squeezeDims()));
            // MediaPipe's transpose convolution keeps its options in custom_options, written as they were read.
            case OpOptions.TransposeConvBias t -> null;
            case OpOptions.FusedConv2D f -> throw unwritable(model, op);
            case OpOptions.PaddedDepthwiseConv2D p -> throw unwritable(model, op);
            case OpOptions.PreluConv2D p -> throw unwritable(model, op);
            case OpOptions.ExpandedDepthwiseConv2D e -> throw unwritable(model, op);
        };
    }

    private static ModelException unwritable(Model model, Operator op) {
        return new ModelException(model.source() + ": " + op.describe() + " carries " + op.options()
                + ", which has no TFLite encoding (a planner-internal fusion); write the model before planning");
    }

    private static int padding(Padding p) {
        return p == Padding.SAME ? 0 : 1;
    }

    /**
     * The operator version TensorFlow Lite's converter records ({@code GetBuiltinOperatorVersion}): int8
     * kernels were added as version 2 of most operators, 3 of CONV_2D and DEPTHWISE_CONV_2D (per-channel),
     * 4 of FULLY_CONNECTED; some options need a later version whatever the type.
     */
    static int version(Model model, Operator op) {
        DataType in = op.input(0) >= 0 ? model.tensor(op.input(0)).type() : DataType.FLOAT32;
        boolean int8 = in == DataType.INT8;
        return switch (op.op()) {
            case CONV_2D -> int8 ? 3 : 1;
            case DEPTHWISE_CONV_2D -> {
                if (int8) {
                    yield 3;
                }
                yield op.options() instanceof OpOptions.DepthwiseConv2D d && (d.dilationW() != 1 || d.dilationH() != 1)
                        ? 2 : 1;
            }
            case FULLY_CONNECTED -> {
                if (op.inputs().length == 2) {  // no bias input at all
                    yield 6;
                }
                boolean keepNumDims = op.options() instanceof OpOptions.FullyConnected f && f.keepNumDims();
                yield keepNumDims ? 5 : int8 ? 4 : 1;
            }
            case MUL -> {
                if (!int8) {
                    yield 1;
                }
                // Version 3 is the int8 kernel that accepts a rescale s1·s2/s_out ≥ 1.
                if (model.tensor(op.input(0)).quantization() == null || model.tensor(op.input(1)).quantization() == null
                        || model.tensor(op.output(0)).quantization() == null) {
                    yield 2;
                }
                float s1 = model.tensor(op.input(0)).quantization().scale();
                float s2 = model.tensor(op.input(1)).quantization().scale();
                float so = model.tensor(op.output(0)).quantization().scale();
                yield s1 * s2 / so >= 1.0f ? 3 : 2;
            }
            case RESIZE_BILINEAR -> op.options() instanceof OpOptions.ResizeBilinear r && r.halfPixelCenters() ? 3
                    : int8 ? 2 : 1;
            case STRIDED_SLICE -> {
                if (op.options() instanceof OpOptions.StridedSlice s) {
                    if (s.offset()) {
                        yield 8;
                    }
                    if (s.ellipsisMask() != 0 || s.newAxisMask() != 0) {
                        yield 6;
                    }
                }
                yield model.tensor(op.input(0)).rank() > 4 ? 4 : int8 ? 2 : 1;
            }
            case TRANSPOSE -> model.tensor(op.input(0)).rank() > 4 ? 4 : int8 ? 2 : 1;
            case PAD, PADV2 -> model.tensor(op.input(0)).rank() > 4 ? 4 : int8 ? 2 : 1;
            case ADD, SUB, AVERAGE_POOL_2D, MAX_POOL_2D, CONCATENATION, LOGISTIC, TANH, SOFTMAX, MEAN, RELU, RELU6,
                 DEPTH_TO_SPACE, DEQUANTIZE -> int8 ? 2 : 1;
            default -> 1;
        };
    }
}
