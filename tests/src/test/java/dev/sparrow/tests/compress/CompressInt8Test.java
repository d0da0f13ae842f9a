package dev.sparrow.tests.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.compress.ActivationRanges;
import dev.sparrow.runtime.compress.CalibrationImages;
import dev.sparrow.runtime.compress.Compression;
import dev.sparrow.runtime.compress.CompressionReport;
import dev.sparrow.runtime.compress.InputNormalization;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceProvider;
import dev.sparrow.runtime.reference.ReferenceRunner;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code sparrow compress --int8} (float and int8 I/O) on the shared MediaPipe models, calibrated on real images
 * (the corridor place-recognition query set): TensorFlow Lite 2.6.2 and 2.21 load and run every result, Sparrow
 * computes the same bits as 2.6.2's built-in kernels and as 2.21 + XNNPACK on held-out images and on random input, the weights shrink to int8, and the
 * deviation from the float model is measured and finite.
 */
class CompressInt8Test {
    private static final int IMAGES = 10;
    private static final int HELD_OUT = 3;

    @TempDir
    static Path dir;
    static Path calibration;

    @BeforeAll
    static void copyImages() throws Exception {
        calibration = CorridorImages.copy(dir, "calibration", IMAGES);
    }

    private static ReferenceProvider reference() {
        return References.find().orElseThrow(() -> new AssertionError(References.unavailableMessage()));
    }

    /**
     * Size bound: int8 weights are a quarter of fp32, plus what every quantised file carries beside them —
     * int32 biases and a scale per output channel for weights and biases. face_detection_short_range is
     * small (101 k parameters, 4.5 k of them biases), so those take it to 0.38 of its fp32 size; the larger
     * models stay under 0.3.
     */
    @ParameterizedTest(name = "{0} ({1}) -> int8: TFLite 2.6.2 and 2.21 run it, Sparrow is bit-exact")
    @CsvSource({
        "face_detection_short_range.tflite, MINUS_ONE_TO_ONE, 0.40",
        "face_landmark.tflite, ZERO_TO_ONE, 0.30",
        "pose_detection.tflite, MINUS_ONE_TO_ONE, 0.30",
        "selfie_segmentation.tflite, ZERO_TO_ONE, 0.40"
    })
    void int8ModelRunsInTfliteAndSparrowMatchesIt(String file, InputNormalization normalization, double maxRatio)
            throws Exception {
        Path out = dir.resolve(file.replace(".tflite", "_int8.tflite"));
        CompressionReport report = compress(file, normalization, out, false);

        Model int8 = TfliteReader.read(out);
        assertEquals(DataType.FLOAT32, int8.input(0).type(), "float input, quantised inside");
        for (int o : int8.outputs()) {
            assertEquals(DataType.FLOAT32, int8.tensor(o).type(), "float outputs, dequantised inside");
        }
        assertRunsInt8Inside(int8);
        assertTfliteAgrees(file, out, int8, testInputs(int8, normalization));

        assertTrue(report.sizeRatio() <= maxRatio, file + ": " + report.outputFileBytes() + " bytes is "
                + report.sizeRatio() + " of the fp32 model's " + report.float32FileBytes());
        assertEquals(4 * report.parameters(), report.bytesBefore());
        for (CompressionReport.OutputDeviation d : report.deviations()) {
            assertTrue(Double.isFinite(d.maxAbs()) && Double.isFinite(d.meanAbs()) && d.meanAbs() <= d.maxAbs(),
                    file + ": " + d);
        }
        assertEquals(IMAGES - HELD_OUT, report.calibrationImages());
        assertTrue(report.originalMs() > 0 && report.compressedMs() > 0);
    }

    /**
     * {@code --int8-io}: the input and every output are int8 tensors of the graph itself (no QUANTIZE reads the
     * input, no DEQUANTIZE writes an output), as the converter's {@code inference_input_type = int8} makes them;
     * TensorFlow Lite runs the file and Sparrow matches it bit for bit on quantised images and random bytes.
     */
    @ParameterizedTest(name = "{0} ({1}) -> int8 with int8 I/O: TFLite 2.6.2 and 2.21 run it, Sparrow is bit-exact")
    @CsvSource({
        "face_detection_short_range.tflite, MINUS_ONE_TO_ONE",
        "face_landmark.tflite, ZERO_TO_ONE",
        "pose_detection.tflite, MINUS_ONE_TO_ONE",
        "selfie_segmentation.tflite, ZERO_TO_ONE"
    })
    void int8IoModelRunsInTfliteAndSparrowMatchesIt(String file, InputNormalization normalization) throws Exception {
        Path out = dir.resolve(file.replace(".tflite", "_int8io.tflite"));
        CompressionReport report = compress(file, normalization, out, true);

        Model int8 = TfliteReader.read(out);
        assertEquals(DataType.INT8, int8.input(0).type(), "int8 input");
        for (int o : int8.outputs()) {
            assertEquals(DataType.INT8, int8.tensor(o).type(), "int8 output " + int8.tensor(o).describe());
        }
        for (Operator op : int8.operators()) {
            assertTrue(op.op() != BuiltinOp.QUANTIZE || op.input(0) != int8.inputs()[0], "no QUANTIZE of the input");
            for (int o : int8.outputs()) {
                assertTrue(op.op() != BuiltinOp.DEQUANTIZE || op.output(0) != o, "no DEQUANTIZE into an output");
            }
        }
        assertRunsInt8Inside(int8);
        assertTfliteAgrees(file, out, int8, testInputs(int8, normalization));
        for (CompressionReport.OutputDeviation d : report.deviations()) {
            assertTrue(Double.isFinite(d.maxAbs()) && d.meanAbs() <= d.maxAbs(), file + ": " + d);
        }
    }

    private static CompressionReport compress(String file, InputNormalization normalization, Path out, boolean int8Io)
            throws Exception {
        CompressionReport report = Compression.run(SharedData.model(file), out, new Compression.Options(calibration,
                normalization, HELD_OUT, null, true, ActivationRanges.Clipping.MSE, int8Io, false));
        System.out.print(report.toText().lines().filter(l -> !l.matches(".*\\s[\\d,]+\\s+[\\d,]+$") || l.startsWith("total"))
                .reduce("", (a, b) -> a + b + "\n"));
        return report;
    }

    private static void assertRunsInt8Inside(Model int8) {
        long int8Convs = int8.operators().stream().filter(op -> op.op() == BuiltinOp.CONV_2D)
                .filter(op -> int8.tensor(op.input(0)).type() == DataType.INT8).count();
        assertTrue(int8Convs > 0, "convolutions run in int8");
        // face_landmark's 23 PRELUs: int8 like the convolutions around them, no float islands.
        assertEquals(0, int8.operators().stream().filter(op -> op.op() == BuiltinOp.PRELU)
                .filter(op -> int8.tensor(op.input(0)).type() != DataType.INT8).count(), "every PRELU runs in int8");
    }

    /** The held-out images (quantised for an int8 input, as the float model's QUANTIZE would) and one random input. */
    private static List<byte[]> testInputs(Model model, InputNormalization normalization) throws Exception {
        List<byte[]> inputs = new ArrayList<>();
        List<Path> images = CalibrationImages.list(calibration);
        Tensor in = model.input(0);
        for (Path p : images.subList(images.size() - HELD_OUT, images.size())) {
            float[] pixels = CalibrationImages.load(p, in.dim(1), in.dim(2), in.dim(3), normalization);
            if (in.type() == DataType.INT8) {
                byte[] q = new byte[pixels.length];
                for (int i = 0; i < q.length; i++) {
                    q[i] = in.quantization().quantizeInt8(pixels[i]);
                }
                inputs.add(q);
            } else {
                inputs.add(floatBytes(pixels));
            }
        }
        inputs.add(ModelInputs.random(model, 7).get(0));
        return inputs;
    }

    /**
     * TensorFlow Lite 2.6.2's built-in kernels against Sparrow in TFLite mode: every output byte equal. TensorFlow
     * Lite 2.21, built-in and with XNNPACK, must load and run the file and give outputs of the right size, and
     * 2.21 + XNNPACK must equal Sparrow in XNNPACK mode byte for byte.
     */
    private static void assertTfliteAgrees(String file, Path out, Model int8, List<byte[]> inputs) throws Exception {
        assertSame(file, out, int8, inputs, ReferenceKind.TFLITE_2_6_BUILTIN, Int8Mode.TFLITE);
        assertSame(file, out, int8, inputs, ReferenceKind.TFLITE_2_21_XNNPACK, Int8Mode.XNNPACK);
        for (ReferenceKind kind : new ReferenceKind[] {ReferenceKind.TFLITE_2_21_BUILTIN, ReferenceKind.TFLITE_2_21_XNNPACK}) {
            try (ReferenceRunner tflite = reference().open(out, kind, 1)) {
                for (byte[] x : inputs) {
                    tflite.setInput(0, x);
                    tflite.invoke();
                    for (int o = 0; o < int8.outputs().length; o++) {
                        Tensor t = int8.tensor(int8.outputs()[o]);
                        assertEquals(t.elementCount() * t.type().bytes, tflite.output(o).length,
                                file + " output " + o + ", " + kind.label());
                    }
                }
            }
        }
    }

    /** TensorFlow Lite's bytes, and Sparrow's on one thread and on two (element-wise steps split too). */
    private static void assertSame(String file, Path out, Model int8, List<byte[]> inputs, ReferenceKind kind,
                                   Int8Mode mode) throws Exception {
        try (ReferenceRunner tflite = reference().open(out, kind, 1);
             Interpreter one = Interpreter.create(int8, new Interpreter.Options(1, mode));
             Interpreter two = Interpreter.create(int8, new Interpreter.Options(2, mode))) {
            for (byte[] x : inputs) {
                tflite.setInput(0, x);
                tflite.invoke();
                for (Interpreter sparrow : List.of(one, two)) {
                    sparrow.setInputRaw(0, x);
                    sparrow.run();
                    for (int o = 0; o < sparrow.outputCount(); o++) {
                        assertArrayEquals(tflite.output(o), sparrow.outputRaw(o), file + " output " + o + ", "
                                + kind.label() + ", " + (sparrow == one ? "one thread" : "two threads"));
                    }
                }
            }
        }
    }

    private static byte[] floatBytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }
}
