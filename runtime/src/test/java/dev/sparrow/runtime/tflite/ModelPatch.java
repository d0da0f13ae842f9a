package dev.sparrow.runtime.tflite;

import dev.sparrow.runtime.model.DataType;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

/**
 * Malformed models made by patching the bytes of a real shared model in place, located through the same
 * validating reader the runtime uses (schema slots: Model.subgraphs 2; SubGraph.tensors 0; Tensor.shape 0,
 * type 1). Patching keeps every offset valid, so only the patched value is wrong.
 */
public final class ModelPatch {
    private static final int MODEL_SUBGRAPHS = 2;
    private static final int SUBGRAPH_TENSORS = 0;
    private static final int TENSOR_SHAPE = 0;
    private static final int TENSOR_TYPE = 1;
    private static final int TENSOR_BUFFER = 2;
    private static final int TENSOR_NAME = 3;
    private static final int SUBGRAPH_OPERATORS = 3;
    private static final int OPERATOR_OPTIONS_TYPE = 3;

    private final byte[] bytes;
    private final FlatBuffer fb;
    private final FlatBuffer.Vector tensors;
    private final FlatBuffer.Vector operators;

    private ModelPatch(byte[] bytes) {
        this.bytes = bytes;
        this.fb = new FlatBuffer(MemorySegment.ofArray(bytes), "patch");
        FlatBuffer.Table model = fb.table(fb.follow(0, "root"), "model");
        FlatBuffer.Table subgraph = model.vector(MODEL_SUBGRAPHS, 4, "subgraphs").table(0, "subgraph 0");
        this.tensors = subgraph.vector(SUBGRAPH_TENSORS, 4, "tensors");
        this.operators = subgraph.vector(SUBGRAPH_OPERATORS, 4, "operators");
    }

    /** A patchable copy of a model in the shared folder. */
    public static ModelPatch of(String sharedModel) throws IOException {
        return new ModelPatch(Files.readAllBytes(SharedData.model(sharedModel)));
    }

    public int tensorCount() {
        return tensors.count;
    }

    /** Sets one dimension of a tensor's shape (the shape vector must be stored). */
    public ModelPatch dim(int tensor, int axis, int value) {
        FlatBuffer.Vector shape = tensors.table(tensor, "tensor").vector(TENSOR_SHAPE, 4, "shape");
        if (axis >= shape.count) {
            throw new IllegalArgumentException("tensor " + tensor + " has rank " + shape.count);
        }
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) shape.start + 4 * axis, value);
        return this;
    }

    /** Byte offset of a tensor's first dimension in the file. */
    public long shapeOffset(int tensor) {
        return tensors.table(tensor, "tensor").vector(TENSOR_SHAPE, 4, "shape").start;
    }

    /**
     * Sets the length of a tensor's shape vector: a larger rank reads the bytes after the shape as further
     * dimensions, as a corrupt length in a real file would.
     */
    public ModelPatch rank(int tensor, int rank) {
        FlatBuffer.Vector shape = tensors.table(tensor, "tensor").vector(TENSOR_SHAPE, 4, "shape");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) shape.start - 4, rank);
        return this;
    }

    /** Sets the length stored before a tensor's name: a longer one runs past the name's NUL byte. */
    public ModelPatch nameLength(int tensor, int length) {
        FlatBuffer.Vector name = tensors.table(tensor, "tensor").vector(TENSOR_NAME, 1, "name");
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) name.start - 4, length);
        return this;
    }

    /** Points a tensor at another buffer (the buffer field must be stored, i.e. not buffer 0). */
    public ModelPatch buffer(int tensor, int buffer) {
        long field = tensors.table(tensor, "tensor").field(TENSOR_BUFFER);
        if (field == 0) {
            throw new IllegalArgumentException("tensor " + tensor + " stores no buffer index to patch");
        }
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) field, buffer);
        return this;
    }

    /** Whether a tensor stores a buffer index (constants do; activations usually leave it at 0). */
    public boolean hasBuffer(int tensor) {
        return tensors.table(tensor, "tensor").field(TENSOR_BUFFER) != 0;
    }

    /** The rank stored for a tensor (0 when it stores no shape). */
    public int rank(int tensor) {
        FlatBuffer.Vector shape = tensors.table(tensor, "tensor").vector(TENSOR_SHAPE, 4, "shape");
        return shape == null ? 0 : shape.count;
    }

    public int operatorCount() {
        return operators.count;
    }

    /** Sets a tensor's type (the type field must be stored, i.e. not the default FLOAT32). */
    public ModelPatch type(int tensor, DataType type) {
        long field = tensors.table(tensor, "tensor").field(TENSOR_TYPE);
        if (field == 0) {
            throw new IllegalArgumentException("tensor " + tensor + " stores no type field to patch");
        }
        bytes[(int) field] = (byte) type.code;
        return this;
    }

    /**
     * Sets the type tag of an operator's builtin options union (the field must be stored, i.e. the
     * operator has options).
     */
    public ModelPatch optionsType(int operator, int tag) {
        long field = operators.table(operator, "operator").field(OPERATOR_OPTIONS_TYPE);
        if (field == 0) {
            throw new IllegalArgumentException("operator " + operator + " stores no options type to patch");
        }
        bytes[(int) field] = (byte) tag;
        return this;
    }

    public byte[] bytes() {
        return bytes.clone();
    }
}
