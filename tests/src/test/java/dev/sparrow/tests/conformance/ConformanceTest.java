package dev.sparrow.tests.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.check.ConformanceCheck;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.reference.ReferenceKind;
import dev.sparrow.runtime.reference.ReferenceProvider;
import dev.sparrow.runtime.reference.References;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shared model that TensorFlow Lite can run, through Sparrow and through TFLite 2.6.2's built-in
 * kernels on the same seeded inputs: int8 bit-exact, fp32 within max(1e-5, 10 × XNNPACK's own distance).
 */
class ConformanceTest {

    private static ReferenceProvider reference() {
        return References.find().orElseThrow(() -> new AssertionError(References.unavailableMessage()));
    }

    @ParameterizedTest(name = "{0} is bit-exact (reference file {1})")
    @CsvSource({
        "person_detect.tflite, person_detect_qdim0.tflite",
        "person_detect_qdim0.tflite, person_detect_qdim0.tflite",
        "mobilenet_v2_quantized_1x3x224x224.tflite, mobilenet_v2_quantized_1x3x224x224.tflite"
    })
    void int8ModelsAreBitExact(String file, String referenceFile) throws Exception {
        Path path = SharedData.model(file);
        Model model = TfliteReader.read(path);
        for (long seed : new long[] {1, 2, 3}) {
            ConformanceCheck.Result r = ConformanceCheck.run(model, path, SharedData.model(referenceFile), reference(),
                    Int8Mode.TFLITE, seed);
            assertEquals(r.elements(), r.exact(), () -> file + " seed " + seed + ": " + r);
        }
    }

    @ParameterizedTest(name = "{0} within fp32 tolerance")
    @ValueSource(strings = {
        "face_detection_short_range.tflite",
        "face_detection_full_range.tflite",
        "face_detection_full_range_sparse.tflite",
        "pose_detection.tflite",
        "face_landmark.tflite",
        "hand_landmark_lite.tflite",
        "palm_detection_lite.tflite",
        "pose_landmark_lite.tflite",
        "hand_recrop.tflite",
        "object_detection_ssd_mobilenetv2_oidv4_fp16.tflite"
    })
    void floatModelsMatchWithinTolerance(String file) throws Exception {
        Path path = SharedData.model(file);
        ConformanceCheck.Result r = ConformanceCheck.run(TfliteReader.read(path), path, path, reference(), Int8Mode.TFLITE, 42);
        assertTrue(r.conforms(), () -> file + ": " + r);
    }

    @ParameterizedTest(name = "{0} gives the same answer on two threads")
    @ValueSource(strings = {"face_detection_full_range_sparse.tflite", "mobilenet_v2_quantized_1x3x224x224.tflite",
        "palm_detection_lite.tflite"})
    void twoThreadsConformToo(String file) throws Exception {
        Path path = SharedData.model(file);
        Model model = TfliteReader.read(path);
        ConformanceCheck.Result r = ConformanceCheck.run(model, path, path, reference(), Int8Mode.TFLITE,
                ConformanceCheck.defaultReference(Int8Mode.TFLITE), 2, 7);
        assertTrue(r.conforms(), () -> file + " on 2 threads: " + r);
    }

    /**
     * TFLite 2.6.2 refuses MediaPipe's custom transpose convolution; only 2.21's XNNPACK delegate provides
     * it, so there is no built-in reference and no measured XNNPACK distance for this model. The bound is
     * the XNNPACK-vs-built-in distance measured on the other segmentation output in the shared models
     * (pose_landmark_lite: 2.5e-4 to 4.6e-4), and most elements must agree to the bit, which a wrong
     * operator could not achieve (measured: 5.5e-5, 86 % bit-identical).
     */
    @Test
    void selfieSegmentationMatchesXnnpack() throws Exception {
        Path path = SharedData.model("selfie_segmentation.tflite");
        ConformanceCheck.Result r = ConformanceCheck.run(TfliteReader.read(path), path, path, reference(), Int8Mode.TFLITE,
                ReferenceKind.TFLITE_2_21_XNNPACK, 1, 42);
        assertTrue(r.maxRelDiff() <= 2.5e-4 && r.exact() >= r.elements() / 2,
                () -> "selfie_segmentation vs TFLite 2.21 + XNNPACK: " + r);
    }
}
