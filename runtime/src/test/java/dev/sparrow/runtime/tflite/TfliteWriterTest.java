package dev.sparrow.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.plan.Fusion;
import dev.sparrow.testsupport.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The writer against the reader: every shared model read, written and read again is the same model. */
class TfliteWriterTest {

    @ParameterizedTest(name = "{0} round-trips")
    @ValueSource(strings = {"person_detect_qdim0.tflite", "mobilenet_v2_quantized_1x3x224x224.tflite",
        "face_detection_short_range.tflite", "pose_detection.tflite", "face_landmark.tflite",
        "hand_landmark_lite.tflite", "selfie_segmentation.tflite", "hand_recrop.tflite"})
    void sharedModelsRoundTrip(String file) throws Exception {
        Model original = TfliteReader.read(SharedData.model(file));
        Model again = TfliteReader.read(TfliteWriter.write(original), file + " (rewritten)");
        assertSameModel(original, again);
        // The same numbers, too: one seeded input through both. Float outputs get the fp32 conformance bound
        // (1e-5 of the tensor's largest value), because Sparrow's fp32 results on selfie_segmentation vary
        // in the last bits from one run to the next (JIT-compiled vs interpreted vector code).
        List<byte[]> inputs = ModelInputs.random(original, 3);
        try (Interpreter a = Interpreter.create(original); Interpreter b = Interpreter.create(again)) {
            for (int i = 0; i < inputs.size(); i++) {
                a.setInputRaw(i, inputs.get(i));
                b.setInputRaw(i, inputs.get(i));
            }
            a.run();
            b.run();
            for (int i = 0; i < a.outputCount(); i++) {
                if (a.outputTensor(i).type() == DataType.FLOAT32) {
                    float[] x = a.outputFloats(i);
                    float[] y = b.outputFloats(i);
                    double bound = 0;
                    for (float v : x) {
                        bound = Math.max(bound, 1e-5 * Math.abs(v));
                    }
                    for (int k = 0; k < x.length; k++) {
                        assertTrue(Math.abs(x[k] - y[k]) <= bound, file + " output " + i + " element " + k);
                    }
                } else {
                    assertArrayEquals(a.outputRaw(i), b.outputRaw(i), file + " output " + i);
                }
            }
        }
    }

    @Test
    void fileIsReplacedAtomically(@TempDir Path dir) throws Exception {
        Model model = TfliteReader.read(SharedData.model("person_detect_qdim0.tflite"));
        Path out = dir.resolve("m.tflite");
        Files.write(out, new byte[] {1, 2, 3});
        TfliteWriter.write(model, out);
        assertSameModel(model, TfliteReader.read(out));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(out), listing.toList(), "no temporary file is left behind");
        }
    }

    /**
     * A new file gets the permissions of any file the user creates, an overwritten one keeps its own, and a temp
     * file of our naming that a killed run left long ago is removed.
     */
    @Test
    void atomicWritesKeepPermissionsAndRemoveStaleTemps(@TempDir Path dir) throws Exception {
        byte[] bytes = {4, 5, 6};
        Path plain = Files.createFile(dir.resolve("plain"));
        Path fresh = dir.resolve("fresh.tflite");
        TfliteWriter.writeAtomically(bytes, fresh);
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(fresh));

        Set<PosixFilePermission> groupReadable = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(fresh, groupReadable);
        Path stale = dir.resolve(".fresh.tflite123456.tmp");
        Files.write(stale, new byte[] {9});
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(TfliteWriter.STALE_TEMP_AGE).minusSeconds(60)));
        Path young = dir.resolve(".fresh.tflite654321.tmp");
        Files.write(young, new byte[] {9});

        TfliteWriter.writeAtomically(bytes, fresh);
        assertEquals(groupReadable, Files.getPosixFilePermissions(fresh));
        assertArrayEquals(bytes, Files.readAllBytes(fresh));
        assertTrue(Files.notExists(stale), "a stale temp file of our naming is removed");
        assertTrue(Files.exists(young), "a young one may belong to a write still running");
    }

    @Test
    void plannerFusionsAreRefused() throws Exception {
        Model fused = Fusion.apply(TfliteReader.read(SharedData.model("face_landmark.tflite")));
        ModelException e = assertThrows(ModelException.class, () -> TfliteWriter.write(fused));
        assertTrue(e.getMessage().contains("no TFLite encoding"), e.getMessage());
    }

    /**
     * pose_detection's 38 sparse 1×1 filters written back in TensorFlow Lite's sparse encoding: the reader
     * densifies them to the same bytes behind the same indices (the sparse originals follow as extra tensors),
     * and the file is smaller than with the zeros in place.
     */
    @Test
    void sparseConstantsRoundTripThroughDensify() throws Exception {
        Model original = TfliteReader.read(SharedData.model("pose_detection.tflite"));
        java.util.Set<Integer> sparse = new java.util.TreeSet<>();
        for (Tensor t : original.tensors()) {
            if (t.storedSparse() && t.type() == DataType.FLOAT32) {
                sparse.add(t.index());
            }
        }
        assertTrue(sparse.size() >= 38, sparse.size() + " sparse float filters");
        byte[] bytes = TfliteWriter.write(original, sparse);
        Model again = TfliteReader.read(bytes, "pose_detection (rewritten sparse)");
        int n = original.tensors().size();
        assertEquals(n + sparse.size(), again.tensors().size(), "one sparse constant per densified tensor");
        Model trimmed = new Model(again.source(), again.version(), again.description(), again.tensors().subList(0, n),
                again.operators(), again.inputs(), again.outputs());
        assertSameModel(original, trimmed);
        for (int i : sparse) {
            assertTrue(again.tensor(i).storedSparse(), again.tensor(i).describe());
        }
        int dense = TfliteWriter.write(original).length;
        assertTrue(bytes.length < dense, bytes.length + " bytes sparse vs " + dense + " dense");
    }

    @Test
    void onlyConstantsCanBeStoredSparse() throws Exception {
        Model model = TfliteReader.read(SharedData.model("face_detection_short_range.tflite"));
        ModelException e = assertThrows(ModelException.class,
                () -> TfliteWriter.write(model, java.util.Set.of(model.inputs()[0])));
        assertTrue(e.getMessage().contains("cannot be stored sparse"), e.getMessage());
    }

    /** A record's components as a comparable list (arrays by content), since records compare arrays by identity. */
    private static List<Object> components(Record r) throws ReflectiveOperationException {
        List<Object> values = new java.util.ArrayList<>();
        values.add(r.getClass());
        for (var c : r.getClass().getRecordComponents()) {
            Object v = c.getAccessor().invoke(r);
            values.add(v instanceof int[] ints ? java.util.Arrays.toString(ints) : v);
        }
        return values;
    }

    static void assertSameModel(Model expected, Model actual) throws ReflectiveOperationException {
        assertEquals(expected.tensors().size(), actual.tensors().size(), "tensor count");
        for (int i = 0; i < expected.tensors().size(); i++) {
            Tensor e = expected.tensor(i);
            Tensor a = actual.tensor(i);
            assertEquals(e.name(), a.name());
            assertEquals(e.type(), a.type(), e.describe());
            assertArrayEquals(e.shape(), a.shape(), e.describe());
            assertEquals(e.quantization(), a.quantization(), e.describe());
            assertArrayEquals(e.data(), a.data(), e.describe());
        }
        assertArrayEquals(expected.inputs(), actual.inputs());
        assertArrayEquals(expected.outputs(), actual.outputs());
        assertEquals(expected.operators().size(), actual.operators().size(), "operator count");
        for (int i = 0; i < expected.operators().size(); i++) {
            Operator e = expected.operators().get(i);
            Operator a = actual.operators().get(i);
            assertEquals(e.op(), a.op(), e.describe());
            assertEquals(e.customCode(), a.customCode(), e.describe());
            assertArrayEquals(e.inputs(), a.inputs(), e.describe());
            assertArrayEquals(e.outputs(), a.outputs(), e.describe());
            assertEquals(components((Record) e.options()), components((Record) a.options()), e.describe());
            assertArrayEquals(e.customOptions(), a.customOptions(), e.describe());
        }
    }
}
