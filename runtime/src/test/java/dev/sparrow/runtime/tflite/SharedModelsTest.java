package dev.sparrow.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Padding;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every shared model against the operator lists, input shapes and quirks in models/tflite/README.md. */
class SharedModelsTest {

    /** Operators after loading (README lists, minus DEQUANTIZE/DENSIFY, which are folded) and input shape. */
    private record Expected(Set<String> operators, int[] input) {}

    private static final Map<String, Expected> MODELS = Map.ofEntries(
            Map.entry("person_detect.tflite", new Expected(Set.of("AVERAGE_POOL_2D", "CONV_2D",
                    "DEPTHWISE_CONV_2D", "RESHAPE", "SOFTMAX"), new int[] {1, 96, 96, 1})),
            Map.entry("person_detect_qdim0.tflite", new Expected(Set.of("AVERAGE_POOL_2D", "CONV_2D",
                    "DEPTHWISE_CONV_2D", "RESHAPE", "SOFTMAX"), new int[] {1, 96, 96, 1})),
            Map.entry("mobilenet_v2_quantized_1x3x224x224.tflite", new Expected(Set.of("TRANSPOSE", "PAD", "CONV_2D",
                    "DEPTHWISE_CONV_2D", "ADD", "MEAN", "RESHAPE", "FULLY_CONNECTED"), new int[] {1, 3, 224, 224})),
            Map.entry("face_detection_short_range.tflite", new Expected(Set.of("ADD", "CONCATENATION", "CONV_2D",
                    "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "PAD", "RELU", "RESHAPE"), new int[] {1, 128, 128, 3})),
            Map.entry("face_detection_full_range.tflite", new Expected(Set.of("ADD", "CONV_2D", "DEPTHWISE_CONV_2D",
                    "MAX_POOL_2D", "PAD", "RELU", "RESHAPE", "RESIZE_BILINEAR"), new int[] {1, 192, 192, 3})),
            Map.entry("pose_detection.tflite", new Expected(Set.of("ADD", "CONCATENATION", "CONV_2D",
                    "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "PAD", "RESHAPE", "RESIZE_BILINEAR"), new int[] {1, 224, 224, 3})),
            Map.entry("face_landmark.tflite", new Expected(Set.of("ADD", "CONV_2D", "DEPTHWISE_CONV_2D",
                    "MAX_POOL_2D", "PAD", "PRELU"), new int[] {1, 192, 192, 3})),
            Map.entry("hand_landmark_lite.tflite", new Expected(Set.of("ADD", "CONV_2D", "DEPTHWISE_CONV_2D",
                    "FULLY_CONNECTED", "LOGISTIC", "MAX_POOL_2D", "MEAN"), new int[] {1, 224, 224, 3})),
            Map.entry("palm_detection_lite.tflite", new Expected(Set.of("ADD", "CONCATENATION", "CONV_2D",
                    "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "PAD", "PRELU", "RESHAPE", "RESIZE_BILINEAR"),
                    new int[] {1, 192, 192, 3})),
            Map.entry("pose_landmark_lite.tflite", new Expected(Set.of("ADD", "CONV_2D", "DEPTHWISE_CONV_2D",
                    "LOGISTIC", "MAX_POOL_2D", "PAD", "RESHAPE", "RESIZE_BILINEAR"), new int[] {1, 256, 256, 3})),
            Map.entry("hand_recrop.tflite", new Expected(Set.of("ADD", "CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D",
                    "PAD", "PRELU", "STRIDED_SLICE"), new int[] {1, 256, 256, 3})),
            Map.entry("object_detection_ssd_mobilenetv2_oidv4_fp16.tflite", new Expected(Set.of("ADD",
                    "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "RESHAPE"), new int[] {1, 300, 300, 3})));

    private static Set<String> operatorNames(Model model) {
        return model.operators().stream().map(Operator::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyListedModelLoadsWithItsOperatorsAndInputShape() throws IOException {
        for (Map.Entry<String, Expected> e : MODELS.entrySet()) {
            Model model = TfliteReader.read(SharedData.model(e.getKey()));
            assertEquals(new TreeSet<>(e.getValue().operators()), operatorNames(model), e.getKey());
            assertEquals(1, model.inputs().length, e.getKey());
            assertArrayEquals(e.getValue().input(), model.input(0).shape(), e.getKey());
            for (Operator op : model.operators()) {
                for (int out : op.outputs()) {
                    assertFalse(model.tensor(out).isConstant(), e.getKey() + " " + op.describe());
                }
            }
        }
    }

    /** Every file in the folder either loads or fails with a ModelException naming it. */
    @Test
    void everyFileInTheFolderLoadsOrFailsCleanly() throws IOException {
        try (var files = Files.list(SharedData.tfliteModels())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tflite")).sorted().toList()) {
                try {
                    Model model = TfliteReader.read(file);
                    assertTrue(model.operators().size() > 0, file.toString());
                } catch (ModelException ex) {
                    assertTrue(ex.getMessage().startsWith(file.toString() + ": "), ex.getMessage());
                    assertTrue(ex.getMessage().contains("BlockwiseQuantization"), ex.getMessage());
                }
            }
        }
    }

    @Test
    void blockwiseQuantisationIsRejectedNamingTheTensor() {
        Path file = SharedData.model("blockwise_quantized.tflite");
        ModelException e = assertThrows(ModelException.class, () -> TfliteReader.read(file));
        assertTrue(e.getMessage().contains("tensor 2 'quantized_tensor'"), e.getMessage());
    }

    /** 46 (face) and 38 (pose) sparse fp16 weights go through DENSIFY and DEQUANTIZE at load. */
    @Test
    void sparseMediaPipeModelsAreDensifiedAndDequantisedAtLoad() throws IOException {
        Map<String, Integer> sparseWeights = Map.of("face_detection_full_range_sparse.tflite", 46,
                "pose_detection.tflite", 38);
        for (var e : sparseWeights.entrySet()) {
            Model model = TfliteReader.read(SharedData.model(e.getKey()));
            ModelSummary summary = ModelSummary.of(model);
            long liveSparse = model.tensors().stream()
                    .filter(t -> t.storedSparse() && t.type() == DataType.FLOAT32 && isRead(model, t)).count();
            assertEquals((long) e.getValue(), liveSparse, e.getKey());
            assertFalse(operatorNames(model).contains("DENSIFY"));
            assertFalse(operatorNames(model).contains("DEQUANTIZE"));
            for (Tensor t : model.tensors()) {
                if (t.storedSparse() && isRead(model, t)) {
                    assertTrue(summary.zeroFraction(t.index()) > 0.3, t.describe() + " should be mostly zeros");
                }
            }
        }
        Model sparse = TfliteReader.read(SharedData.model("face_detection_full_range_sparse.tflite"));
        assertTrue(operatorNames(sparse).contains("DEPTH_TO_SPACE"));
    }

    private static boolean isRead(Model model, Tensor t) {
        return model.operators().stream().anyMatch(op -> java.util.Arrays.stream(op.inputs()).anyMatch(i -> i == t.index()));
    }

    @Test
    void selfieSegmentationFoldsItsDequantizesAndReadsTheTransposeConvolution() throws IOException {
        Model model = TfliteReader.read(SharedData.model("selfie_segmentation.tflite"));
        int fileOperators = model.operators().getLast().fileIndex() + 1;
        assertEquals(110, fileOperators - model.operators().size(), "DEQUANTIZE operators folded");
        Operator transpose = model.operators().stream()
                .filter(op -> "Convolution2DTransposeBias".equals(op.customCode())).findFirst().orElseThrow();
        assertEquals(BuiltinOp.CUSTOM, transpose.op());
        assertEquals(new OpOptions.TransposeConvBias(Padding.SAME, 2, 2), transpose.options());
        assertArrayEquals(new int[] {1, 2, 2, 16}, model.tensor(transpose.input(1)).shape());
        assertTrue(model.tensor(transpose.input(1)).isConstant());
        assertArrayEquals(new int[] {1, 256, 256, 1}, model.tensor(transpose.output(0)).shape());
    }

    /** person_detect's rank-1 biases claim quantized_dimension 3; read as 0 they equal the patched copy. */
    @Test
    void personDetectLoadsLikeItsPatchedCopy() throws IOException {
        Model original = TfliteReader.read(SharedData.model("person_detect.tflite"));
        Model patched = TfliteReader.read(SharedData.model("person_detect_qdim0.tflite"));
        assertEquals(patched.tensors().size(), original.tensors().size());
        for (int k = 0; k < original.tensors().size(); k++) {
            Tensor a = original.tensor(k);
            Tensor b = patched.tensor(k);
            assertEquals(b.quantization(), a.quantization(), a.describe());
            assertArrayEquals(b.data(), a.data(), a.describe());
        }
        // The copy differs only in the low byte of 14 quantized_dimension fields (3 → 0).
        byte[] x = Files.readAllBytes(SharedData.model("person_detect.tflite"));
        byte[] y = Files.readAllBytes(SharedData.model("person_detect_qdim0.tflite"));
        int differing = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != y[i]) {
                assertEquals(3, x[i]);
                differing++;
            }
        }
        assertEquals(14, differing);
        Tensor stemFilter = original.tensor(original.operators().getFirst().input(1));
        assertTrue(stemFilter.quantization().perChannel());
    }

    /** sparse_tensor.bin: the spec's 4×4 int8 example with 2×2 blocks (§6), shape as in its JSON twin. */
    @Test
    void sparseTensorExampleDensifiesToTheDocumentedMatrix() throws IOException {
        Model model = TfliteReader.read(SharedData.model("sparse_tensor.bin"));
        Tensor t = model.tensor(0);
        String json = Files.readString(SharedData.model("sparse_tensor.json"));
        Matcher shape = Pattern.compile("\"shape\":\\s*\\[\\s*(\\d+),\\s*(\\d+)\\s*]").matcher(json);
        assertTrue(shape.find());
        assertArrayEquals(new int[] {Integer.parseInt(shape.group(1)), Integer.parseInt(shape.group(2))}, t.shape());
        assertEquals(DataType.INT8, t.type());
        assertTrue(t.storedSparse());
        assertArrayEquals(new byte[] {1, 0, 2, 3, 0, 4, 0, 0, 0, 0, 5, 0, 0, 0, 0, 6}, t.bytes());
        assertEquals("FakeOp", model.operators().getFirst().customCode());
    }

    @Test
    void summaryReportsOperatorsAndSparsity() throws IOException {
        Model model = TfliteReader.read(SharedData.model("face_detection_full_range_sparse.tflite"));
        ModelSummary summary = ModelSummary.of(model);
        Map<String, Object> map = summary.toMap();
        assertEquals(model.operators().size(), map.get("operator_count"));
        assertEquals(46L, map.get("stored_sparse_tensors"));
        assertTrue(summary.weightSparsity() > 0 && summary.weightSparsity() < 1);
        assertEquals(2, summary.operatorHistogram().get("DEPTH_TO_SPACE"), "histogram");
        String text = summary.toText();
        assertTrue(text.contains("DEPTH_TO_SPACE×2"), text.substring(0, 300));
        assertTrue(text.contains("(sparse)"));
        int sum = summary.operatorHistogram().values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(model.operators().size(), sum);
        long bytes = model.tensors().stream().filter(Tensor::isConstant).filter(t -> isRead(model, t))
                .mapToLong(t -> t.data().length).sum();
        assertEquals(bytes, summary.liveConstantBytes());
    }
}
