package dev.sparrow.runtime.tflite;

import static dev.sparrow.runtime.tflite.TestModel.FLOAT16;
import static dev.sparrow.runtime.tflite.TestModel.FLOAT32;
import static dev.sparrow.runtime.tflite.TestModel.INT8;
import static dev.sparrow.runtime.tflite.TestModel.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Padding;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.FlatBufferBuilder.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The reader on hand-built FlatBuffers: schema rules, folding, and rejection of malformed input. */
class TfliteReaderTest {
    private static final int ADD = 0, CONV_2D = 3, DEQUANTIZE = 6, RELU = 19, DENSIFY = 124, WHILE = 119;

    private static Model read(byte[] bytes) {
        return TfliteReader.read(bytes, "test.tflite");
    }

    private static ModelException rejects(byte[] bytes, String... fragments) {
        ModelException e = assertThrows(ModelException.class, () -> read(bytes));
        assertTrue(e.getMessage().startsWith("test.tflite: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
        return e;
    }

    /** A chain x → op → y for each code, all float [1, 4]. */
    private static TestModel chain(int... codeIndices) {
        TestModel m = new TestModel();
        m.activation("t0", FLOAT32, 1, 4);
        for (int i = 0; i < codeIndices.length; i++) {
            m.activation("t" + (i + 1), FLOAT32, 1, 4);
            m.operator(codeIndices[i], ints(i), ints(i + 1));
        }
        return m;
    }

    @Test
    void builtinCodeIsTheMaximumOfTheOldAndNewField() {
        TestModel m = new TestModel();
        int oldStyle = m.code(new Table().int8(0, RELU));
        int large = m.code(new Table().int8(0, 127).int32(3, 150));
        int newOnly = m.code(new Table().int8(0, 0).int32(3, RELU));
        int empty = m.code(new Table());
        int unknown = m.code(new Table().int8(0, 127).int32(3, 201));
        m.activation("t0", FLOAT32, 1, 4);
        int[] codes = {oldStyle, large, newOnly, empty, unknown};
        for (int i = 0; i < codes.length; i++) {
            m.activation("t" + (i + 1), FLOAT32, 1, 4);
            m.operator(codes[i], ints(i), ints(i + 1));
        }
        Model model = read(m.build(ints(0), ints(codes.length)));
        assertEquals(BuiltinOp.RELU, model.operators().get(0).op());
        assertEquals(BuiltinOp.GELU, model.operators().get(1).op());
        assertEquals(BuiltinOp.RELU, model.operators().get(2).op());
        assertEquals(BuiltinOp.ADD, model.operators().get(3).op());
        assertEquals(BuiltinOp.CUSTOM, model.operators().get(4).op());
        assertEquals("builtin code 201", model.operators().get(4).customCode());
        assertEquals(new OpOptions.Arithmetic(Activation.NONE), model.operators().get(3).options());
    }

    private static TestModel conv(Table options, int tag) {
        TestModel m = new TestModel();
        int code = m.code(CONV_2D);
        m.activation("x", FLOAT32, 1, 5, 5, 2);
        m.floatConstant("w", new float[3 * 3 * 3 * 2], 3, 3, 3, 2);
        m.activation("y", FLOAT32, 1, 2, 2, 3);
        Table op = m.operator(code, ints(0, 1, -1), ints(2));
        if (options != null) {
            op.int8(3, tag).child(4, options);
        }
        return m;
    }

    @Test
    void shortVtableFieldsTakeSchemaDefaults() {
        Table options = new Table().int8(0, 1).int32(1, 2).int32(2, 3).int8(3, 3);
        Model model = read(conv(options, 1).build(ints(0), ints(2)));
        assertEquals(new OpOptions.Conv2D(Padding.VALID, 2, 3, Activation.RELU6, 1, 1),
                model.operators().get(0).options());
        assertArrayEquals(new int[] {0, 1, -1}, model.operators().get(0).inputs());
    }

    @Test
    void convolutionWithoutOptionsOrWithAMismatchedUnionIsRejected() {
        rejects(conv(null, 0).build(ints(0), ints(2)), "operator 0 (CONV_2D)", "builtin options are missing");
        Table pool = new Table().int8(0, 0).int32(1, 1).int32(2, 1).int32(3, 1).int32(4, 1);
        rejects(conv(pool, 5).build(ints(0), ints(2)), "operator 0 (CONV_2D)", "union tag 5, expected 1");
        Table zeroStride = new Table().int8(0, 0).int32(1, 0).int32(2, 1);
        rejects(conv(zeroStride, 1).build(ints(0), ints(2)), "stride_w is 0");
    }

    @Test
    void mismatchedUnionTagOnAnActivationOnlyOptionIsTreatedAsAbsent() {
        TestModel m = new TestModel();
        int add = m.code(ADD);
        m.activation("a", FLOAT32, 4);
        m.activation("b", FLOAT32, 4);
        m.activation("c", FLOAT32, 4);
        m.operator(add, ints(0, 0), ints(1)).int8(3, 1).child(4, new Table().int8(0, 1));
        m.operator(add, ints(1, 1), ints(2)).int8(3, 11).child(4, new Table().int8(0, 1));
        Model model = read(m.build(ints(0), ints(2)));
        assertEquals(new OpOptions.Arithmetic(Activation.NONE), model.operators().get(0).options());
        assertEquals(new OpOptions.Arithmetic(Activation.RELU), model.operators().get(1).options());
    }

    @Test
    void bufferZeroAndEmptyBuffersAreNotConstants() {
        TestModel m = new TestModel();
        m.buffers.set(0, new Table().bytes(0, (byte) 1, (byte) 2, (byte) 3, (byte) 4));
        int relu = m.code(RELU);
        m.tensor("sentinel", FLOAT32, 0, 1);
        m.tensor("empty", FLOAT32, m.buffer(new byte[0]), 1);
        m.floatConstant("constant", new float[] {2.5f}, 1);
        m.activation("y", FLOAT32, 1);
        m.operator(relu, ints(0), ints(3));
        Model model = read(m.build(ints(0, 1), ints(3, 2)));
        assertFalse(model.tensor(0).isConstant());
        assertFalse(model.tensor(1).isConstant());
        assertArrayEquals(new float[] {2.5f}, model.tensor(2).floats());
    }

    /** Buffer.offset/size point at bytes after the FlatBuffer, as > 2 GB models do. */
    @Test
    void buffersStoredAfterTheFlatBufferAreRead() {
        byte[] payload = TestModel.floatBytes(1.25f, -3f);
        byte[] first = externalModel(1 << 20, payload.length);
        int offset = (first.length + 15) & ~15;
        byte[] flat = externalModel(offset, payload.length);
        assertEquals(first.length, flat.length);
        byte[] file = Arrays.copyOf(flat, offset + payload.length);
        System.arraycopy(payload, 0, file, offset, payload.length);
        Model model = read(file);
        assertArrayEquals(new float[] {1.25f, -3f}, model.tensor(1).floats());
        rejects(Arrays.copyOf(file, file.length - 1), "buffer 1", "outside the file");
    }

    private static byte[] externalModel(long offset, long size) {
        TestModel m = new TestModel();
        int add = m.code(ADD);
        m.activation("x", FLOAT32, 2);
        m.tensor("w", FLOAT32, m.buffer(new Table().int64(1, offset).int64(2, size)), 2);
        m.activation("y", FLOAT32, 2);
        m.operator(add, ints(0, 1), ints(2));
        return m.build(ints(0), ints(2));
    }

    private static Table uint8Vector(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return new Table().bytes(0, bytes);
    }

    /** The spec's 1×4 block example (§6): DENSIFY is evaluated at load and the operator disappears. */
    @Test
    void densifyOfABlockSparseConstantIsFoldedAtLoad() {
        TestModel m = new TestModel();
        int densify = m.code(DENSIFY);
        int add = m.code(ADD);
        Table sparsity = new Table().ints(0, 0, 1, 2).ints(1, 1).tables(2,
                new Table().int8(0, 0).int32(1, 2),
                new Table().int8(0, 1).int8(2, 3).child(3, uint8Vector(0, 1, 2)).int8(4, 3).child(5, uint8Vector(1, 0)),
                new Table().int8(0, 0).int32(1, 4));
        m.tensor("sparse", FLOAT32, m.buffer(TestModel.floatBytes(1, 2, 0, 3, 4, 0, 0, 5)), 2, 8).child(6, sparsity);
        m.activation("dense", FLOAT32, 2, 8);
        m.activation("x", FLOAT32, 2, 8);
        m.activation("y", FLOAT32, 2, 8);
        m.operator(densify, ints(0), ints(1));
        m.operator(add, ints(2, 1), ints(3));
        Model model = read(m.build(ints(2), ints(3)));
        assertEquals(1, model.operators().size());
        assertEquals(0, model.operators().get(0).index());
        assertEquals(1, model.operators().get(0).fileIndex());
        Tensor dense = model.tensor(1);
        assertTrue(dense.storedSparse());
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 3, 4, 0, 0, 5, 0, 0, 0, 0}, dense.floats());
        assertTrue(model.tensor(0).storedSparse());
    }

    @Test
    void inconsistentSparsityIsRejected() {
        TestModel m = new TestModel();
        Table sparsity = new Table().ints(0, 0, 1, 2).ints(1, 1).tables(2,
                new Table().int8(0, 0).int32(1, 2),
                new Table().int8(0, 1).int8(2, 3).child(3, uint8Vector(0, 1, 3)).int8(4, 3).child(5, uint8Vector(1, 0)),
                new Table().int8(0, 0).int32(1, 4));
        m.tensor("sparse", FLOAT32, m.buffer(TestModel.floatBytes(1, 2, 0, 3, 4, 0, 0, 5)), 2, 8).child(6, sparsity);
        rejects(m.build(ints(), ints(0)), "tensor 0 'sparse'", "segments end at 3 but there are 2 indices");
    }

    @Test
    void dequantizeOfHalfAndPerChannelInt8ConstantsIsFolded() {
        TestModel m = new TestModel();
        int dequantize = m.code(DEQUANTIZE);
        int add = m.code(ADD);
        m.tensor("half", FLOAT16, m.buffer(TestModel.halfBytes(1.5f, -2f, 65504f)), 3);
        m.activation("half_f32", FLOAT32, 3);
        m.tensor("q", INT8, m.buffer(new byte[] {2, -4, 6, 1, 3, -1}), 2, 3)
                .child(4, new Table().floats(2, 0.5f, 2f).longs(3, 0, 1).int32(6, 0));
        m.activation("q_f32", FLOAT32, 2, 3);
        m.activation("x", FLOAT32, 2, 3);
        m.activation("y", FLOAT32, 2, 3);
        m.operator(dequantize, ints(0), ints(1));
        m.operator(dequantize, ints(2), ints(3));
        m.operator(add, ints(4, 3), ints(5));
        Model model = read(m.build(ints(4), ints(5, 1)));
        assertEquals(1, model.operators().size());
        assertArrayEquals(new float[] {1.5f, -2f, 65504f}, model.tensor(1).floats());
        assertArrayEquals(new float[] {1, -2, 3, 0, 4, -4}, model.tensor(3).floats());
        assertFalse(model.tensor(3).storedSparse());
    }

    @Test
    void unknownEnumsAreRejectedNamingTheTensorOrOperator() {
        TestModel badType = chain(0);
        badType.codes.add(new Table().int32(3, RELU));
        badType.tensors.get(1).int8(1, 23);
        rejects(badType.build(ints(0), ints(1)), "tensor 1 't1'", "unknown tensor type 23");

        TestModel badActivation = chain(0);
        badActivation.codes.add(new Table().int32(3, ADD));
        badActivation.operators.getFirst().int8(3, 11).child(4, new Table().int8(0, 9));
        rejects(badActivation.build(ints(0), ints(1)), "operator 0 (ADD)", "unknown fused activation 9");

        rejects(conv(new Table().int8(0, 2).int32(1, 1).int32(2, 1), 1).build(ints(0), ints(2)),
                "operator 0 (CONV_2D)", "unknown padding 2");
    }

    @Test
    void headerAndSchemaLevelProblemsAreRejected() {
        TestModel m = chain(0);
        m.codes.add(new Table().int32(3, RELU));
        m.version = 2;
        rejects(m.build(ints(0), ints(1)), "schema version 2");
        m.version = 3;
        m.identifier = "TFL2";
        rejects(m.build(ints(0), ints(1)), "file identifier", "TFL2");
        rejects(new byte[8], "smaller than the 12 bytes");
        rejects(FlatBufferBuilder.finish(new Table().int32(0, 3).tables(4, new Table()), "TFL3"), "no subgraphs");
    }

    @Test
    void extraSubgraphsAreIgnoredUnlessAnOperatorMayCallThem() {
        TestModel plain = chain(0);
        plain.codes.add(new Table().int32(3, RELU));
        plain.extraSubgraphs.add(new Table());
        assertEquals(1, read(plain.build(ints(0), ints(1))).operators().size());

        TestModel loop = chain(0);
        loop.codes.add(new Table().int8(0, 119).int32(3, WHILE));
        loop.extraSubgraphs.add(new Table());
        rejects(loop.build(ints(0), ints(1)), "operator 0 (builtin code 119)", "only subgraph 0 is loaded");
    }

    @Test
    void readingATensorBeforeItIsWrittenIsRejected() {
        TestModel m = new TestModel();
        int relu = m.code(RELU);
        m.activation("x", FLOAT32, 4);
        m.activation("a", FLOAT32, 4);
        m.activation("b", FLOAT32, 4);
        m.operator(relu, ints(1), ints(2));
        m.operator(relu, ints(0), ints(1));
        rejects(m.build(ints(0), ints(2)), "operator 0 (RELU) reads tensor 1 'a'", "before any operator writes it");
    }

    @Test
    void vectorLengthsAreCheckedBeforeAllocating() {
        TestModel m = chain(0);
        m.codes.add(new Table().int32(3, RELU));
        m.tensors.get(1).ints(0, 123456789);
        byte[] bytes = m.build(ints(0), ints(1));
        int marker = indexOfInt(bytes, 123456789);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(marker - 4, 1 << 30);
        rejects(bytes, "tensor 1 / shape", "vector claims 1073741824 elements of 4 bytes");
    }

    @Test
    void aliasingOneTableMillionsOfTimesStopsAtTheWorkBudget() {
        Table wide = new Table().ints(0, new int[4000]).int8(1, FLOAT32).string(3, "alias");
        Table subgraph = new Table().tables(0, java.util.Collections.nCopies(100_000, wide));
        byte[] bytes = FlatBufferBuilder.finish(new Table().int32(0, 3).tables(2, subgraph).tables(4, new Table()), "TFL3");
        long start = System.nanoTime();
        rejects(bytes, "alias");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "the budget must stop the walk early");
    }

    @Test
    void transposeConvBiasOptionsComeFromTheCStructInCustomOptions() {
        byte[] valid = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(2).putInt(3).putInt(1).array();
        assertEquals(new OpOptions.TransposeConvBias(Padding.VALID, 3, 1),
                read(transposeConv(valid)).operators().get(0).options());
        byte[] unknown = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(2).putInt(2).array();
        rejects(transposeConv(unknown), "operator 0 (Convolution2DTransposeBias)", "unknown padding 0");
        rejects(transposeConv(new byte[8]), "needs 12 bytes");
    }

    private static byte[] transposeConv(byte[] options) {
        TestModel m = new TestModel();
        int code = m.customCode("Convolution2DTransposeBias");
        m.activation("x", FLOAT32, 1, 4, 4, 2);
        m.floatConstant("w", new float[2 * 2 * 2], 1, 2, 2, 2);
        m.floatConstant("b", new float[1], 1);
        m.activation("y", FLOAT32, 1, 8, 8, 1);
        m.operator(code, ints(0, 1, 2), ints(3)).bytes(5, options);
        return m.build(ints(0), ints(3));
    }

    @Test
    void perChannelScalesMustMatchTheirDimension() {
        TestModel m = chain(0);
        m.codes.add(new Table().int32(3, RELU));
        m.tensors.get(0).int8(1, INT8).child(4, new Table().floats(2, 1f, 1f, 1f).longs(3, 0, 0, 0).int32(6, 1));
        rejects(m.build(ints(0), ints(1)), "tensor 0 't0'", "3 per-channel scales do not match dimension 1");
        TestModel missingZeroPoints = chain(0);
        missingZeroPoints.codes.add(new Table().int32(3, RELU));
        missingZeroPoints.tensors.get(0).child(4, new Table().floats(2, 1f));
        rejects(missingZeroPoints.build(ints(0), ints(1)), "1 scales and 0 zero points");
    }

    @Test
    void rankOnePerChannelTensorWithAnOutOfRangeDimensionIsReadAsDimensionZero() {
        TestModel m = chain(0);
        m.codes.add(new Table().int32(3, RELU));
        m.tensors.get(0).ints(0, 4).int8(1, INT8)
                .child(4, new Table().floats(2, 1f, 2f, 3f, 4f).longs(3, 0, 0, 0, 0).int32(6, 3));
        Model model = read(m.build(ints(0), ints(1)));
        assertEquals(0, model.tensor(0).quantization().quantizedDimension());
        assertEquals(DataType.INT8, model.tensor(0).type());
        assertNull(model.tensor(1).quantization());
    }

    private static int indexOfInt(byte[] bytes, int value) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (b.getInt(i) == value) {
                return i;
            }
        }
        throw new AssertionError("marker not found");
    }
}
