package dev.sparrow.runtime.tflite;

import dev.sparrow.runtime.tflite.FlatBufferBuilder.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Assembles a one-subgraph TFLite model from tables, for reader tests (buffer 0 is the empty sentinel). */
final class TestModel {
    static final int FLOAT32 = 0, FLOAT16 = 1, INT8 = 9;

    final List<Table> codes = new ArrayList<>();
    final List<Table> tensors = new ArrayList<>();
    final List<Table> operators = new ArrayList<>();
    final List<Table> buffers = new ArrayList<>(List.of(new Table()));
    final List<Table> extraSubgraphs = new ArrayList<>();
    int version = 3;
    String identifier = "TFL3";

    /** Adds an operator code with only the builtin_code field (a new-style writer). */
    int code(int builtin) {
        return code(new Table().int8(0, Math.min(builtin, 127)).int32(3, builtin));
    }

    int code(Table code) {
        codes.add(code);
        return codes.size() - 1;
    }

    int customCode(String name) {
        return code(new Table().int8(0, 32).string(1, name).int32(3, 32));
    }

    int buffer(byte[] data) {
        buffers.add(new Table().bytes(0, data));
        return buffers.size() - 1;
    }

    int buffer(Table buffer) {
        buffers.add(buffer);
        return buffers.size() - 1;
    }

    Table tensor(String name, int type, int buffer, int... shape) {
        Table t = new Table().ints(0, shape).int8(1, type).int32(2, buffer).string(3, name);
        tensors.add(t);
        return t;
    }

    /** Adds a constant float32 tensor and returns its index. */
    int floatConstant(String name, float[] values, int... shape) {
        tensor(name, FLOAT32, buffer(floatBytes(values)), shape);
        return tensors.size() - 1;
    }

    /** Adds an activation tensor (no data) and returns its index. */
    int activation(String name, int type, int... shape) {
        tensor(name, type, 0, shape);
        return tensors.size() - 1;
    }

    Table operator(int code, int[] inputs, int[] outputs) {
        Table op = new Table().int32(0, code).ints(1, inputs).ints(2, outputs);
        operators.add(op);
        return op;
    }

    Table subgraph(int[] inputs, int[] outputs) {
        return new Table().tables(0, tensors.toArray(Table[]::new)).ints(1, inputs).ints(2, outputs)
                .tables(3, operators.toArray(Table[]::new)).string(4, "main");
    }

    Table root(int[] inputs, int[] outputs) {
        List<Table> subgraphs = new ArrayList<>();
        subgraphs.add(subgraph(inputs, outputs));
        subgraphs.addAll(extraSubgraphs);
        return new Table().int32(0, version).tables(1, codes.toArray(Table[]::new))
                .tables(2, subgraphs.toArray(Table[]::new)).string(3, "test model")
                .tables(4, buffers.toArray(Table[]::new));
    }

    byte[] build(int[] inputs, int[] outputs) {
        return FlatBufferBuilder.finish(root(inputs, outputs), identifier);
    }

    static byte[] floatBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] halfBytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Float.floatToFloat16(v));
        }
        return b.array();
    }

    static int[] ints(int... v) {
        return v;
    }
}
