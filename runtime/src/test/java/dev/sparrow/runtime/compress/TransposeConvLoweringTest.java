package dev.sparrow.runtime.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.tflite.TfliteReader;
import dev.sparrow.testsupport.SharedData;
import org.junit.jupiter.api.Test;

/** selfie_segmentation's transpose convolution, lowered to CONV_2D + DEPTH_TO_SPACE, computes the same mask. */
class TransposeConvLoweringTest {

    @Test
    void loweredSelfieSegmentationMatchesTheCustomOperator() throws Exception {
        Model original = TfliteReader.read(SharedData.model("selfie_segmentation.tflite"));
        Model lowered = TransposeConvLowering.apply(original);
        assertTrue(lowered.operators().stream().noneMatch(op -> op.op() == BuiltinOp.CUSTOM), "no custom operator left");
        assertEquals(original.operators().size() + 1, lowered.operators().size(), "one operator becomes two");
        byte[] input = ModelInputs.random(original, 5).get(0);
        try (Interpreter a = Interpreter.create(original); Interpreter b = Interpreter.create(lowered)) {
            a.setInputRaw(0, input);
            b.setInputRaw(0, input);
            a.run();
            b.run();
            float[] x = a.outputFloats(0);
            float[] y = b.outputFloats(0);
            double worst = 0;
            for (int k = 0; k < x.length; k++) {
                worst = Math.max(worst, Math.abs(x[k] - y[k]));
            }
            // Same products, another summation order: the fp32 conformance bound on a [0, 1] mask.
            assertTrue(worst <= 1e-5, "max |difference| " + worst);
        }
    }

    @Test
    void otherModelsAreLeftAlone() throws Exception {
        Model model = TfliteReader.read(SharedData.model("face_detection_short_range.tflite"));
        assertTrue(TransposeConvLowering.apply(model) == model);
    }
}
