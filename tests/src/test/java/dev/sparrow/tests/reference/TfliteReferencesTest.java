package dev.sparrow.tests.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceProvider;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TfliteReferencesTest {

    private static final TfliteReferences PROVIDER = new TfliteReferences();

    @BeforeAll
    static void nativeLibrariesLoadHere() {
        boolean linuxX64 = System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64");
        if (linuxX64) {
            assertEquals(EnumSet.allOf(ReferenceKind.class), PROVIDER.available(), TfliteReferences.describe());
        } else {
            assumeTrue(false, "TensorFlow Lite reference tests need x86-64 Linux: " + TfliteReferences.describe());
        }
    }

    @Test
    void serviceLoaderFindsTheProvider() {
        ReferenceProvider found = References.find().orElseThrow(() -> new AssertionError(References.unavailableMessage()));
        assertInstanceOf(TfliteReferences.class, found);
        assertEquals(PROVIDER.available(), found.available());
    }

    @ParameterizedTest
    @EnumSource(ReferenceKind.class)
    void faceDetectorRunsWithRightSizesAndRepeatably(ReferenceKind kind) throws Exception {
        Path model = SharedData.model("face_detection_short_range.tflite");
        try (TypedRunner runner = PROVIDER.open(model, kind, 1)) {
            assertEquals(1, runner.inputCount());
            assertEquals("float32", runner.inputType(0));
            assertEquals(128 * 128 * 3 * Float.BYTES, runner.inputBytes(0));
            assertEquals(2, runner.outputCount());
            assertRepeatableAndInputSensitive(runner);
            // 896 anchors: 16 box and keypoint regressors each, and one score.
            assertEquals(896 * 16 * Float.BYTES, runner.output(0).length);
            assertEquals(896 * Float.BYTES, runner.output(1).length);
            for (byte[] output : OutputDistance.outputs(runner)) {
                assertTrue(Arrays.stream(OutputDistance.values("float32", output)).allMatch(Double::isFinite));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReferenceKind.class)
    void int8PersonDetectorRunsWithRightSizesAndRepeatably(ReferenceKind kind) throws Exception {
        Path model = SharedData.model("person_detect_qdim0.tflite");
        try (TypedRunner runner = PROVIDER.open(model, kind, 1)) {
            assertEquals(1, runner.inputCount());
            assertEquals("int8", runner.inputType(0));
            assertEquals(96 * 96, runner.inputBytes(0));
            assertEquals(1, runner.outputCount());
            assertEquals("int8", runner.outputType(0));
            assertRepeatableAndInputSensitive(runner);
            assertEquals(2, runner.output(0).length);
        }
    }

    /** Same input twice gives the same bytes; two other inputs do not give identical outputs. */
    private static void assertRepeatableAndInputSensitive(TypedRunner runner) {
        ReferenceInputs.setAll(runner, 1);
        runner.invoke();
        byte[][] first = OutputDistance.outputs(runner);
        runner.invoke();
        byte[][] again = OutputDistance.outputs(runner);
        for (int o = 0; o < first.length; o++) {
            assertArrayEquals(first[o], again[o], "output " + o + " changed between two invokes on one input");
        }
        boolean anyDiffers = false;
        for (long seed = 2; seed < 6 && !anyDiffers; seed++) {
            ReferenceInputs.setAll(runner, seed);
            runner.invoke();
            byte[][] other = OutputDistance.outputs(runner);
            for (int o = 0; o < first.length; o++) {
                anyDiffers |= !Arrays.equals(first[o], other[o]);
            }
        }
        assertTrue(anyDiffers, "outputs ignore the input");
        ReferenceInputs.setAll(runner, 1);
        runner.invoke();
        for (int o = 0; o < first.length; o++) {
            assertArrayEquals(first[o], runner.output(o), "output " + o + " is not a function of the input alone");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReferenceKind.class, names = {"TFLITE_2_6_BUILTIN", "TFLITE_2_6_XNNPACK"})
    void originalPersonDetectIsRefusedWithTensorFlowLitesReason(ReferenceKind kind) {
        Path model = SharedData.model("person_detect.tflite");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(model, kind, 1));
        assertTrue(refused.getMessage().contains(model.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("quantized_dimension must be in range [0, 1). Was 3."),
                refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = ReferenceKind.class, names = {"TFLITE_2_21_BUILTIN", "TFLITE_2_21_XNNPACK"})
    void originalPersonDetectIsRefusedBy221Too(ReferenceKind kind) {
        Path model = SharedData.model("person_detect.tflite");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(model, kind, 1));
        assertTrue(refused.getMessage().contains(model.toString()), refused.getMessage());
        assertTrue(refused.getMessage().startsWith(kind.label() + " refused"), refused.getMessage());
        // 2.21 prints its reason natively; it is caught and carried in the message.
        assertTrue(refused.getMessage().contains("quantized_dimension must be in range [0, 1). Was 3. [14×]"),
                refused.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = ReferenceKind.class, names = {"TFLITE_2_6_BUILTIN", "TFLITE_2_6_XNNPACK"})
    void selfieSegmentationsCustomOpIsNamedIn26(ReferenceKind kind) {
        Path model = SharedData.model("selfie_segmentation.tflite");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(model, kind, 1));
        assertTrue(refused.getMessage().contains("unresolved custom op: Convolution2DTransposeBias"), refused.getMessage());
        assertTrue(refused.getMessage().contains(model.toString()), refused.getMessage());
    }

    @Test
    void selfieSegmentationRunsOnlyWhere221sXnnpackSuppliesTheCustomOp() throws Exception {
        Path model = SharedData.model("selfie_segmentation.tflite");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PROVIDER.open(model, ReferenceKind.TFLITE_2_21_BUILTIN, 1));
        assertTrue(refused.getMessage().contains("preparing the operators failed: Encountered unresolved custom op:"
                + " Convolution2DTransposeBias."), refused.getMessage());
        // XNNPACK's delegate implements MediaPipe's Convolution2DTransposeBias itself, so 2.21 + XNNPACK runs it.
        try (TypedRunner runner = PROVIDER.open(model, ReferenceKind.TFLITE_2_21_XNNPACK, 1)) {
            ReferenceInputs.setAll(runner, 1);
            runner.invoke();
            assertEquals(256 * 256 * Float.BYTES, runner.output(0).length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"face_detection_full_range.tflite", "face_detection_full_range_sparse.tflite",
        "pose_detection.tflite", "face_landmark.tflite", "hand_landmark_lite.tflite", "palm_detection_lite.tflite",
        "pose_landmark_lite.tflite", "hand_recrop.tflite", "object_detection_ssd_mobilenetv2_oidv4_fp16.tflite"})
    void mediaPipeModelsRunOnTheConformanceReference(String file) throws Exception {
        try (TypedRunner runner = PROVIDER.open(SharedData.model(file), ReferenceKind.TFLITE_2_6_BUILTIN, 1)) {
            ReferenceInputs.setAll(runner, 1);
            runner.invoke();
            for (int o = 0; o < runner.outputCount(); o++) {
                double[] values = OutputDistance.values(runner.outputType(o), runner.output(o));
                assertTrue(values.length > 0 && Arrays.stream(values).allMatch(Double::isFinite), file + " output " + o);
            }
        }
    }

    @Test
    void xnnpackDiffersFromBuiltinKernelsOnlySlightly() throws Exception {
        Path model = SharedData.model("face_detection_short_range.tflite");
        byte[][] builtin = run(model, ReferenceKind.TFLITE_2_6_BUILTIN);
        byte[][] xnnpack26 = run(model, ReferenceKind.TFLITE_2_6_XNNPACK);
        byte[][] xnnpack221 = run(model, ReferenceKind.TFLITE_2_21_XNNPACK);
        byte[][] builtin221 = run(model, ReferenceKind.TFLITE_2_21_BUILTIN);
        try (TypedRunner types = PROVIDER.open(model, ReferenceKind.TFLITE_2_6_BUILTIN, 1)) {
            double rel26 = OutputDistance.maxRelDiff(types, xnnpack26, builtin);
            double rel221 = OutputDistance.maxRelDiff(types, xnnpack221, builtin);
            double builtinVersions = OutputDistance.maxRelDiff(types, builtin221, builtin);
            System.out.printf("face_detection_short_range xnnpack_rel_diff: 2.6 XNNPACK %.3g, 2.21 XNNPACK %.3g;"
                    + " 2.21 built-in vs 2.6 built-in %.3g%n", rel26, rel221, builtinVersions);
            // Another summation order moves fp32 results, but by float rounding, not by a wrong kernel.
            assertTrue(rel26 > 0 && rel26 < 1e-5, "2.6 XNNPACK vs built-in: " + rel26);
            assertTrue(rel221 > 0 && rel221 < 1e-5, "2.21 XNNPACK vs 2.6 built-in: " + rel221);
            assertTrue(builtinVersions < 1e-5, "2.21 built-in vs 2.6 built-in: " + builtinVersions);
        }
    }

    private static byte[][] run(Path model, ReferenceKind kind) throws Exception {
        try (TypedRunner runner = PROVIDER.open(model, kind, 1)) {
            ReferenceInputs.setAll(runner, 7);
            runner.invoke();
            return OutputDistance.outputs(runner);
        }
    }

    @ParameterizedTest
    @EnumSource(ReferenceKind.class)
    void modelsOnWhichTensorFlowLiteAbortsAreRefusedBeforeItSeesThem(ReferenceKind kind) {
        Path model = SharedData.model("blockwise_quantized.tflite");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(model, kind, 1));
        assertTrue(refused.getMessage().contains("tensor 2 of subgraph 0 is blockwise-quantised and feeds operator 0"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains(model.toString()), refused.getMessage());
    }

    @Test
    void blockwiseFullyConnectedWeightsRunOn221Only() throws Exception {
        Path model = SharedData.model("qwen_fc_blockwise_quantized.tflite");
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(model, ReferenceKind.TFLITE_2_6_BUILTIN, 1));
        assertTrue(refused.getMessage().contains("predates blockwise quantisation"), refused.getMessage());
        try (TypedRunner runner = PROVIDER.open(model, ReferenceKind.TFLITE_2_21_BUILTIN, 1)) {
            ReferenceInputs.setAll(runner, 1);
            runner.invoke();
            assertTrue(runner.output(0).length > 0);
        }
    }

    @ParameterizedTest
    @EnumSource(ReferenceKind.class)
    void filesThatAreNoFlatbufferAreRefusedCleanly(ReferenceKind kind, @TempDir Path folder) throws Exception {
        Path garbage = folder.resolve("garbage.tflite");
        byte[] bytes = new byte[4096];
        new SplittableRandom(3).nextBytes(bytes);
        Files.write(garbage, bytes);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(garbage, kind, 1));
        assertTrue(refused.getMessage().contains(garbage.toString()), refused.getMessage());
        Path truncated = folder.resolve("truncated.tflite");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(SharedData.model("person_detect_qdim0.tflite")), 3000));
        refused = assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(truncated, kind, 1));
        assertTrue(refused.getMessage().contains(truncated.toString()), refused.getMessage());
    }

    @Test
    void badArgumentsAreNamed() throws Exception {
        Path model = SharedData.model("person_detect_qdim0.tflite");
        IllegalArgumentException threads =
                assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(model, ReferenceKind.TFLITE_2_6_BUILTIN, 0));
        assertTrue(threads.getMessage().contains("threads"), threads.getMessage());
        Path missing = model.resolveSibling("no_such_model.tflite");
        IllegalArgumentException notFound =
                assertThrows(IllegalArgumentException.class, () -> PROVIDER.open(missing, ReferenceKind.TFLITE_2_21_XNNPACK, 1));
        assertTrue(notFound.getMessage().contains(missing.toString()), notFound.getMessage());
        for (ReferenceKind kind : ReferenceKind.values()) {
            try (TypedRunner runner = PROVIDER.open(model, kind, 1)) {
                IllegalArgumentException length =
                        assertThrows(IllegalArgumentException.class, () -> runner.setInput(0, new byte[5]));
                assertEquals("input 0 needs 9216 bytes, got 5 bytes", length.getMessage());
                IllegalArgumentException index =
                        assertThrows(IllegalArgumentException.class, () -> runner.output(1));
                assertEquals("output index 1 out of range: the model has 1 output", index.getMessage());
            }
        }
    }
}
