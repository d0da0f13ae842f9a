package dev.sparrow.runtime.tflite;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Palette;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a TFLite file into the {@link Model} IR: subgraph 0 only, every offset and length bounds-checked,
 * sparse constants densified, DENSIFY and constant DEQUANTIZE operators evaluated at load and removed.
 *
 * <p>Unknown tensor types, paddings and activations are rejected; operators whose builtin code Sparrow does
 * not know are kept (the planner names them) as {@link BuiltinOp#CUSTOM} with the custom code
 * {@code "builtin code N"}, because the IR has no field for a raw code. Extra subgraphs are ignored unless
 * an operator of subgraph 0 may refer to them (CALL, IF, WHILE, CALL_ONCE, or any StableHLO-era
 * {@code builtin_options_2}), which is rejected.
 */
public final class TfliteReader {
    private static final int SCHEMA_VERSION = 3;
    private static final int CODE_CALL = 31, CODE_IF = 118, CODE_WHILE = 119, CODE_CALL_ONCE = 129;
    private static final String[] QUANTIZATION_DETAILS = {"NONE", "CustomQuantization", "BlockwiseQuantization",
            "MultiAxisQuantization"};

    private final FlatBuffer fb;
    private final String source;
    private final PaletteSource palettes;
    /** Bytes that load-time densify and dequantize may allocate; sparse data can legitimately expand. */
    private long produceLeft;
    private FlatBuffer.Vector buffers;

    private record Code(int builtin, String custom) {}

    /**
     * The palettes of tensors whose values a FlatBuffer embedded in a codebook file leaves out
     * ({@link CodebookFile}); a tensor without one keeps its own buffer.
     */
    interface PaletteSource {
        /** @return the tensor's palette, or null; throws when the entry does not fit the declared tensor */
        Palette palette(int tensorIndex, DataType type, int elements, String where);

        /** Called once every tensor has been asked for; throws when a palette names no tensor of the graph. */
        void requireAllClaimed(int tensorCount);

        PaletteSource NONE = new PaletteSource() {
            @Override
            public Palette palette(int tensorIndex, DataType type, int elements, String where) {
                return null;
            }

            @Override
            public void requireAllClaimed(int tensorCount) {}
        };
    }

    private TfliteReader(MemorySegment bytes, String source, PaletteSource palettes) {
        this.fb = new FlatBuffer(bytes, source);
        this.source = source;
        this.palettes = palettes;
        this.produceLeft = 64 * fb.length + (1 << 20);
    }

    /**
     * Reads a file — a .tflite or a Sparrow codebook file ({@link CodebookFile}, told apart by its magic);
     * files are mapped, so buffers stored after the FlatBuffer (> 2 GB layout) are reachable.
     */
    public static Model read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("model file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            // Mapping a directory fails with "No such device", and a FIFO or device has no size to map.
            throw new IOException(file + " is " + (Files.isDirectory(file) ? "a directory" : "not a regular file (a FIFO or device)")
                    + ", not a .tflite model file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return read(bytes, file.toString());
        }
    }

    /** Reads a .tflite or a Sparrow codebook file held in memory; {@code sourceName} names it in messages. */
    public static Model read(byte[] bytes, String sourceName) {
        return read(MemorySegment.ofArray(bytes), sourceName);
    }

    /** The one place where a model file's format is told apart. */
    private static Model read(MemorySegment bytes, String sourceName) {
        if (CodebookFile.hasMagic(bytes)) {
            return CodebookFile.read(bytes, sourceName);
        }
        return new TfliteReader(bytes, sourceName, PaletteSource.NONE).load();
    }

    /** Reads the FlatBuffer embedded in a codebook file, its palettised tensors supplied by {@code palettes}. */
    static Model readEmbedded(MemorySegment flatBuffer, String sourceName, PaletteSource palettes) {
        return new TfliteReader(flatBuffer, sourceName, palettes).load();
    }

    private ModelException error(String message) {
        return fb.error(message);
    }

    private Model load() {
        if (fb.length < 12) {
            throw error("file is " + fb.length + " bytes, smaller than the 12 bytes of the smallest FlatBuffer");
        }
        byte[] identifier = fb.copy(4, 4, "header");
        if (!Arrays.equals(identifier, "TFL3".getBytes(StandardCharsets.US_ASCII))) {
            throw error("file identifier at bytes 4..7 is " + printable(identifier) + ", expected \"TFL3\" (not a TFLite model,"
                    + " nor a Sparrow codebook file, which starts \"SPCB\")");
        }
        FlatBuffer.Table model = fb.table(fb.follow(0, "header"), "model");
        long version = model.u32(0, 0);
        if (version != SCHEMA_VERSION) {
            throw error("schema version " + version + ", only version " + SCHEMA_VERSION + " is supported");
        }
        String description = model.string(3, "description");
        buffers = model.vector(4, 4, "buffers");
        if (buffers == null || buffers.count == 0) {
            throw error("model has no buffers (buffer 0, the empty sentinel, must exist)");
        }
        FlatBuffer.Vector subgraphs = model.vector(2, 4, "subgraphs");
        if (subgraphs == null || subgraphs.count == 0) {
            throw error("model has no subgraphs");
        }
        Code[] codes = operatorCodes(model.vector(1, 4, "operator_codes"));
        checkMetadata(model);

        FlatBuffer.Table graph = subgraphs.table(0, "subgraph 0");
        FlatBuffer.Vector tensorTables = graph.vector(0, 4, "tensors");
        int tensorCount = tensorTables == null ? 0 : tensorTables.count;
        Tensor[] tensors = new Tensor[tensorCount];
        boolean[] variable = new boolean[tensorCount];
        for (int k = 0; k < tensorCount; k++) {
            FlatBuffer.Table t = tensorTables.table(k, "subgraph 0 / tensor " + k);
            variable[k] = t.bool(5, false);
            tensors[k] = tensor(k, t, variable[k]);
        }
        palettes.requireAllClaimed(tensorCount);
        int[] inputs = tensorList(graph.vector(1, 4, "inputs"), tensorCount, "graph input");
        int[] outputs = tensorList(graph.vector(2, 4, "outputs"), tensorCount, "graph output");
        checkSignatures(model, subgraphs.count, tensorCount);

        FlatBuffer.Vector operatorTables = graph.vector(3, 4, "operators");
        int operatorCount = operatorTables == null ? 0 : operatorTables.count;
        List<Operator> operators = new ArrayList<>();
        for (int i = 0; i < operatorCount; i++) {
            FlatBuffer.Table o = operatorTables.table(i, "subgraph 0 / operator " + i);
            Operator op = operator(i, o, codes, tensorCount, subgraphs.count);
            if (!fold(op, tensors)) {
                operators.add(new Operator(operators.size(), op.fileIndex(), op.op(), op.customCode(), op.inputs(),
                        op.outputs(), op.options(), op.customOptions()));
            }
        }
        checkDataflow(tensors, variable, inputs, outputs, operators);
        return new Model(source, (int) version, description == null ? "" : description, List.of(tensors),
                List.copyOf(operators), inputs, outputs);
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : bytes) {
            s.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF));
        }
        return s.append('"').toString();
    }

    private Code[] operatorCodes(FlatBuffer.Vector vector) {
        int n = vector == null ? 0 : vector.count;
        Code[] codes = new Code[n];
        for (int i = 0; i < n; i++) {
            FlatBuffer.Table c = vector.table(i, "operator_codes[" + i + "]");
            // Old writers only set the int8 field; new ones store 127 there for codes ≥ 127 (schema_utils.cc).
            int code = Math.max(c.i8(0, 0), c.i32(3, 0));
            if (code < 0) {
                throw error("operator_codes[" + i + "]: builtin code " + code + " is negative");
            }
            codes[i] = new Code(code, c.string(1, "custom_code"));
        }
        return codes;
    }

    private void checkMetadata(FlatBuffer.Table model) {
        FlatBuffer.Vector oldMetadata = model.vector(5, 4, "metadata_buffer");
        if (oldMetadata != null) {
            for (int index : oldMetadata.ints()) {
                if (index < 0 || index >= buffers.count) {
                    throw error("metadata_buffer names buffer " + index + " of " + buffers.count);
                }
            }
        }
        FlatBuffer.Vector metadata = model.vector(6, 4, "metadata");
        for (int i = 0; metadata != null && i < metadata.count; i++) {
            long buffer = metadata.table(i, "metadata[" + i + "]").u32(1, 0);
            if (buffer >= buffers.count) {
                throw error("metadata[" + i + "] names buffer " + buffer + " of " + buffers.count);
            }
        }
    }

    private void checkSignatures(FlatBuffer.Table model, int subgraphCount, int tensorCount) {
        FlatBuffer.Vector signatures = model.vector(7, 4, "signature_defs");
        for (int i = 0; signatures != null && i < signatures.count; i++) {
            String where = "signature_defs[" + i + "]";
            FlatBuffer.Table s = signatures.table(i, where);
            long subgraph = s.u32(4, 0);
            if (subgraph >= subgraphCount) {
                throw error(where + " names subgraph " + subgraph + " of " + subgraphCount);
            }
            if (subgraph != 0) {
                continue;
            }
            for (int slot = 0; slot < 2; slot++) {
                FlatBuffer.Vector maps = s.vector(slot, 4, slot == 0 ? "inputs" : "outputs");
                for (int m = 0; maps != null && m < maps.count; m++) {
                    long tensor = maps.table(m, where + " tensor map " + m).u32(1, 0);
                    if (tensor >= tensorCount) {
                        throw error(where + " maps to tensor " + tensor + " of " + tensorCount);
                    }
                }
            }
        }
    }

    private int[] tensorList(FlatBuffer.Vector vector, int tensorCount, String what) {
        int[] indices = vector == null ? new int[0] : vector.ints();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= tensorCount) {
                throw error("subgraph 0: " + what + " " + i + " is tensor " + indices[i] + " of " + tensorCount);
            }
        }
        return indices;
    }

    // ---------------------------------------------------------------------------------------------- tensors

    private Tensor tensor(int index, FlatBuffer.Table t, boolean variable) {
        String name = t.string(3, "name");
        if (name == null) {
            name = "";
        }
        String where = "subgraph 0 / tensor " + index + " '" + name + "'";
        FlatBuffer.Vector shapeVector = t.vector(0, 4, "shape");
        int[] shape = shapeVector == null ? new int[0] : shapeVector.ints();
        long elements = 1;
        for (int d : shape) {
            if (d < 0) {
                throw error(where + ": shape " + Tensor.formatShape(shape) + " has a negative dimension");
            }
            elements *= d;
            if (elements > Integer.MAX_VALUE) {
                throw error(where + ": shape " + Tensor.formatShape(shape) + " has more than 2^31 − 1 elements");
            }
        }
        int typeCode = t.i8(1, 0);
        DataType type = DataType.ofCode(typeCode);
        if (type == null) {
            throw error(where + ": unknown tensor type " + typeCode + " (0.." + (DataType.values().length - 1) + " are defined)");
        }
        long bufferIndex = t.u32(2, 0);
        if (bufferIndex >= buffers.count) {
            throw error(where + ": buffer index " + bufferIndex + " is out of range (" + buffers.count + " buffers)");
        }
        long externalBuffer = t.u32(10, 0);
        if (externalBuffer != 0) {
            throw error(where + ": refers to external buffer " + externalBuffer
                    + "; ExternalBuffer tables are not supported (Buffer.offset/size is)");
        }
        Quantization quantization = quantization(t.table(4, "quantization"), shape, where);
        FlatBuffer.Table sparsity = t.table(6, "sparsity");
        byte[] raw = bufferBytes((int) bufferIndex, where);
        Palette palette = palettes.palette(index, type, (int) elements, where);
        if (palette != null) {
            if (raw != null || sparsity != null || variable) {
                throw error(where + ": has a codebook and also " + (raw != null ? "data in buffer " + bufferIndex
                        : sparsity != null ? "sparsity parameters" : "the variable flag"));
            }
            return new Tensor(index, name, type, shape, quantization, null, false, palette);
        }
        if (raw == null) {
            if (sparsity != null) {
                throw error(where + ": has sparsity parameters but no data; only constants may be sparse");
            }
            return new Tensor(index, name, type, shape, quantization, null, false);
        }
        if (variable) {
            throw error(where + ": is a variable but has constant data in buffer " + bufferIndex);
        }
        if (sparsity != null) {
            return new Tensor(index, name, type, shape, quantization, densify(sparsity, type, shape, raw, where), true);
        }
        long required = requiredBytes(type, elements);
        // TensorFlow Lite refuses both a short and a long buffer (required_bytes != bytes): a longer one means
        // the shape or the buffer index is wrong, and cutting it down would run on the wrong numbers.
        if (required >= 0 && raw.length != required) {
            throw error(where + ": buffer " + bufferIndex + " holds " + raw.length + " bytes, " + type + shape(shape)
                    + " needs exactly " + required);
        }
        return new Tensor(index, name, type, shape, quantization, raw, false);
    }

    private static String shape(int[] shape) {
        return Tensor.formatShape(shape);
    }

    /** Bytes a dense constant needs, or −1 for types without a fixed size (strings, resources, variants). */
    private static long requiredBytes(DataType type, long elements) {
        return switch (type) {
            case INT4, UINT4 -> (elements + 1) / 2;
            case INT2 -> (elements + 3) / 4;
            case STRING, RESOURCE, VARIANT -> -1;
            default -> elements * type.bytes;
        };
    }

    /** A buffer's bytes, or null when it holds none (buffer 0 is the empty sentinel and never data). */
    private byte[] bufferBytes(int index, String tensor) {
        if (index == 0) {
            return null;
        }
        String where = tensor + " / buffer " + index;
        FlatBuffer.Table b = buffers.table(index, where);
        FlatBuffer.Vector data = b.vector(0, 1, "data");
        if (data != null && data.count > 0) {
            return data.bytes();
        }
        long offset = b.u64(1, 0);
        if (offset == 0 || offset == 1) {
            return null;
        }
        long size = b.u64(2, 0);
        if (offset < 0 || size < 0 || offset > fb.length - size) {
            throw error(where + ": external data at offset " + Long.toUnsignedString(offset) + " size "
                    + Long.toUnsignedString(size) + " lies outside the file (" + fb.length + " bytes)");
        }
        return size == 0 ? null : fb.copy(offset, size, where);
    }

    private Quantization quantization(FlatBuffer.Table q, int[] shape, String where) {
        if (q == null) {
            return null;
        }
        int details = q.u8(4, 0);
        if (details != 0) {
            String kind = details < QUANTIZATION_DETAILS.length ? QUANTIZATION_DETAILS[details] : "tag " + details;
            throw error(where + ": quantization details " + kind + " are not supported");
        }
        FlatBuffer.Vector scaleVector = q.vector(2, 4, "scale");
        if (scaleVector == null || scaleVector.count == 0) {
            return null;
        }
        FlatBuffer.Vector zeroPointVector = q.vector(3, 8, "zero_point");
        if (zeroPointVector == null || zeroPointVector.count != scaleVector.count) {
            throw error(where + ": quantization has " + scaleVector.count + " scales and "
                    + (zeroPointVector == null ? 0 : zeroPointVector.count) + " zero points");
        }
        int count = scaleVector.count;
        int dimension = q.i32(6, 0);
        if (dimension < 0) {
            throw error(where + ": quantized_dimension " + dimension + " is negative");
        }
        if (count == 1) {
            dimension = dimension < shape.length ? dimension : 0;
        } else if (dimension >= shape.length || shape[dimension] != count) {
            // person_detect's rank-1 biases say dimension 3: unambiguous when the count matches the length.
            if (shape.length == 1 && shape[0] == count) {
                dimension = 0;
            } else {
                throw error(where + ": " + count + " per-channel scales do not match dimension " + dimension
                        + " of shape " + shape(shape));
            }
        }
        return new Quantization(scaleVector.floats(), zeroPointVector.longs(), dimension);
    }

    private byte[] densify(FlatBuffer.Table sparsity, DataType type, int[] shape, byte[] values, String where) {
        if (type.bytes == 0) {
            throw error(where + ": sparse " + type + " constants are not supported");
        }
        FlatBuffer.Vector order = sparsity.vector(0, 4, "traversal_order");
        FlatBuffer.Vector blockMapVector = sparsity.vector(1, 4, "block_map");
        FlatBuffer.Vector metadata = sparsity.vector(2, 4, "dim_metadata");
        int[] traversal = order == null ? new int[0] : order.ints();
        int[] blockMap = blockMapVector == null ? new int[0] : blockMapVector.ints();
        int levelCount = metadata == null ? 0 : metadata.count;
        if (levelCount > Densifier.MAX_LEVELS) {
            throw error(where + ": sparsity has " + levelCount + " levels, more than " + Densifier.MAX_LEVELS);
        }
        Densifier.Level[] levels = new Densifier.Level[levelCount];
        for (int l = 0; l < levelCount; l++) {
            FlatBuffer.Table m = metadata.table(l, where + " / dim_metadata[" + l + "]");
            int format = m.i8(0, 0);
            switch (format) {
                case 0 -> levels[l] = new Densifier.Level(false, m.i32(1, 0), null, null);
                case 1 -> levels[l] = new Densifier.Level(true, 0, indexVector(m, 2, "array_segments", where),
                        indexVector(m, 4, "array_indices", where));
                default -> throw error(where + ": dim_metadata[" + l + "] has unknown format " + format
                        + " (0 DENSE, 1 SPARSE_CSR)");
            }
        }
        Densifier densifier = new Densifier(source + ": " + where, shape, traversal, blockMap, levels);
        long stored = (long) densifier.storedValues() * type.bytes;
        if (values.length < stored) {
            throw error(where + ": sparse data holds " + values.length + " bytes, the sparsity needs " + stored);
        }
        byte[] dense = allocate((long) Tensor.elementCount(shape) * type.bytes, where);
        densifier.densify(values, type.bytes, dense);
        return dense;
    }

    /** A SparseIndexVector union (Int32Vector 1, Uint16Vector 2, Uint8Vector 3) as non-negative ints. */
    private int[] indexVector(FlatBuffer.Table m, int typeSlot, String name, String where) {
        int tag = m.u8(typeSlot, 0);
        int elementSize = switch (tag) {
            case 1 -> 4;
            case 2 -> 2;
            case 3 -> 1;
            default -> throw error(where + ": " + name + " has union tag " + tag
                    + ", expected Int32Vector (1), Uint16Vector (2) or Uint8Vector (3)");
        };
        FlatBuffer.Table vector = m.table(typeSlot + 1, name);
        FlatBuffer.Vector values = vector == null ? null : vector.vector(0, elementSize, "values");
        if (values == null) {
            throw error(where + ": " + name + " is missing");
        }
        return values.unsigned();
    }

    private byte[] allocate(long bytes, String where) {
        produceLeft -= bytes;
        if (produceLeft < 0 || bytes > Integer.MAX_VALUE - 8) {
            throw error(where + ": load-time densify/dequantize would allocate more than 64× the file size ("
                    + bytes + " bytes for this tensor); refusing it");
        }
        return new byte[(int) bytes];
    }

    // -------------------------------------------------------------------------------------------- operators

    private Operator operator(int index, FlatBuffer.Table o, Code[] codes, int tensorCount, int subgraphCount) {
        long opcodeIndex = o.u32(0, 0);
        if (opcodeIndex >= codes.length) {
            throw error("subgraph 0 / operator " + index + ": opcode index " + opcodeIndex + " is out of range ("
                    + codes.length + " operator codes)");
        }
        Code code = codes[(int) opcodeIndex];
        BuiltinOp op = BuiltinOp.ofCode(code.builtin);
        String customCode = null;
        if (op == BuiltinOp.CUSTOM) {
            customCode = code.custom == null ? "" : code.custom;
        } else if (op == null) {
            op = BuiltinOp.CUSTOM;
            customCode = "builtin code " + code.builtin;
        }
        String where = source + ": operator " + index + " (" + (op == BuiltinOp.CUSTOM ? customCode : op.name()) + ")";
        if (subgraphCount > 1 && (code.builtin == CODE_CALL || code.builtin == CODE_IF || code.builtin == CODE_WHILE
                || code.builtin == CODE_CALL_ONCE || o.u8(11, 0) != 0)) {
            throw new ModelException(where + ": may refer to another of the model's " + subgraphCount
                    + " subgraphs; only subgraph 0 is loaded");
        }
        FlatBuffer.Vector inputVector = o.vector(1, 4, "inputs");
        FlatBuffer.Vector outputVector = o.vector(2, 4, "outputs");
        int[] inputs = inputVector == null ? new int[0] : inputVector.ints();
        int[] outputs = outputVector == null ? new int[0] : outputVector.ints();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] < -1 || inputs[i] >= tensorCount) {
                throw new ModelException(where + ": input " + i + " is tensor " + inputs[i] + " of " + tensorCount);
            }
        }
        for (int i = 0; i < outputs.length; i++) {
            if (outputs[i] < 0 || outputs[i] >= tensorCount) {
                throw new ModelException(where + ": output " + i + " is tensor " + outputs[i] + " of " + tensorCount);
            }
        }
        byte[] customOptions = customOptions(o, "subgraph 0 / operator " + index);
        OpOptions options = OptionsReader.read(o, op, customCode, customOptions, where);
        return new Operator(index, index, op, customCode, inputs, outputs, options, customOptions);
    }

    private byte[] customOptions(FlatBuffer.Table o, String where) {
        long largeOffset = o.u64(9, 0);
        if (largeOffset != 0 && largeOffset != 1) {
            long size = o.u64(10, 0);
            if (largeOffset < 0 || size < 0 || largeOffset > fb.length - size) {
                throw error(where + ": large custom options at offset " + Long.toUnsignedString(largeOffset)
                        + " size " + Long.toUnsignedString(size) + " lie outside the file (" + fb.length + " bytes)");
            }
            return fb.copy(largeOffset, size, where + " / large custom options");
        }
        FlatBuffer.Vector bytes = o.vector(5, 1, "custom_options");
        return bytes == null ? null : bytes.bytes();
    }

    // ---------------------------------------------------------------------------------------------- folding

    /**
     * Evaluates DENSIFY of a (densified) constant and DEQUANTIZE of a constant: the output tensor becomes a
     * constant and the operator disappears, as XNNPACK and TFLite do once at preparation.
     *
     * @return true when the operator was folded
     */
    private boolean fold(Operator op, Tensor[] tensors) {
        if ((op.op() != BuiltinOp.DENSIFY && op.op() != BuiltinOp.DEQUANTIZE)
                || op.inputs().length != 1 || op.outputs().length != 1 || op.input(0) < 0) {
            return false;
        }
        Tensor in = tensors[op.input(0)];
        Tensor out = tensors[op.output(0)];
        if (!in.isConstant()) {
            return false;
        }
        String where = source + ": " + op.describe();
        if (out.isConstant()) {
            throw new ModelException(where + ": writes into constant " + out.describe());
        }
        if (out.elementCount() != in.elementCount()) {
            throw new ModelException(where + ": input " + in.describe() + " and output " + out.describe()
                    + " differ in element count");
        }
        if (op.op() == BuiltinOp.DENSIFY) {
            if (out.type() != in.type()) {
                throw new ModelException(where + ": output " + out.describe() + " has another type than input "
                        + in.describe());
            }
            tensors[out.index()] = withData(out, in.data(), true);
            return true;
        }
        if (in.type() != DataType.FLOAT16 && in.type() != DataType.INT8 && in.type() != DataType.UINT8
                && in.type() != DataType.INT16) {
            return false;
        }
        if (out.type() != DataType.FLOAT32) {
            throw new ModelException(where + ": output " + out.describe() + " must be FLOAT32");
        }
        if (in.type() != DataType.FLOAT16 && in.quantization() == null) {
            throw new ModelException(where + ": input " + in.describe() + " has no quantization parameters");
        }
        tensors[out.index()] = withData(out, dequantize(in, where), in.storedSparse());
        return true;
    }

    private static Tensor withData(Tensor t, byte[] data, boolean storedSparse) {
        return new Tensor(t.index(), t.name(), t.type(), t.shape(), t.quantization(), data, storedSparse);
    }

    private byte[] dequantize(Tensor in, String where) {
        int n = in.elementCount();
        byte[] out = allocate(4L * n, where);
        ByteBuffer src = ByteBuffer.wrap(in.data()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dst = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        if (in.type() == DataType.FLOAT16) {
            for (int i = 0; i < n; i++) {
                dst.putFloat(4 * i, Float.float16ToFloat(src.getShort(2 * i)));
            }
            return out;
        }
        Quantization q = in.quantization();
        int channels = q.scales().length;
        int inner = 1;
        if (channels > 1) {
            for (int d = q.quantizedDimension() + 1; d < in.rank(); d++) {
                inner *= in.dim(d);
            }
        }
        for (int i = 0; i < n; i++) {
            int c = channels == 1 ? 0 : (i / inner) % channels;
            int v = switch (in.type()) {
                case INT8 -> src.get(i);
                case UINT8 -> src.get(i) & 0xFF;
                default -> src.getShort(2 * i);
            };
            dst.putFloat(4 * i, (float) (q.scales()[c] * (double) (v - q.zeroPoints()[c])));
        }
        return out;
    }

    // ----------------------------------------------------------------------------------------------- checks

    /**
     * Every operator input must be a constant, a graph input, a variable or the output of an earlier
     * operator; no tensor is written twice, and no operator writes a constant.
     */
    private void checkDataflow(Tensor[] tensors, boolean[] variable, int[] inputs, int[] outputs,
                               List<Operator> operators) {
        boolean[] available = new boolean[tensors.length];
        boolean[] produced = new boolean[tensors.length];
        for (int k = 0; k < tensors.length; k++) {
            available[k] = tensors[k].isConstant() || variable[k];
        }
        for (int k : inputs) {
            available[k] = true;
        }
        for (Operator op : operators) {
            for (int in : op.inputs()) {
                if (in >= 0 && !available[in]) {
                    throw new ModelException(source + ": " + op.describe() + " reads " + tensors[in].describe()
                            + " before any operator writes it");
                }
            }
            for (int out : op.outputs()) {
                if (tensors[out].isConstant()) {
                    throw new ModelException(source + ": " + op.describe() + " writes into constant "
                            + tensors[out].describe());
                }
                if (produced[out]) {
                    throw new ModelException(source + ": " + op.describe() + " writes " + tensors[out].describe()
                            + ", which an earlier operator already wrote");
                }
                produced[out] = true;
                available[out] = true;
            }
        }
        for (int k : outputs) {
            if (!available[k]) {
                throw new ModelException(source + ": graph output " + tensors[k].describe()
                        + " is neither an input, a constant nor written by any operator");
            }
        }
    }
}
