package dev.sparrow.runtime.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Padding;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** int8 I/O where the graph's last operator has no int8 form: its float output is quantised at the end. */
class Int8QuantizerTest {

    /** input [1, 4, 4, 3] → CONV_2D 1×1 to 2 channels (int8) → RELU_N1_TO_1 (stays float) → output. */
    private static Model convThenFloatActivation() {
        SplittableRandom r = new SplittableRandom(3);
        float[] weights = new float[2 * 3];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (r.nextDouble() - 0.5);
        }
        List<Tensor> tensors = List.of(
                new Tensor(0, "image", DataType.FLOAT32, new int[] {1, 4, 4, 3}, null, null, false),
                new Tensor(1, "w", DataType.FLOAT32, new int[] {2, 1, 1, 3}, null, floatBytes(weights), false),
                new Tensor(2, "b", DataType.FLOAT32, new int[] {2}, null, floatBytes(new float[] {0.1f, -0.2f}), false),
                new Tensor(3, "conv", DataType.FLOAT32, new int[] {1, 4, 4, 2}, null, null, false),
                new Tensor(4, "clamped", DataType.FLOAT32, new int[] {1, 4, 4, 2}, null, null, false));
        List<Operator> ops = List.of(
                new Operator(0, 0, BuiltinOp.CONV_2D, null, new int[] {0, 1, 2}, new int[] {3},
                        new OpOptions.Conv2D(Padding.VALID, 1, 1, Activation.NONE, 1, 1), null),
                new Operator(1, 1, BuiltinOp.RELU_N1_TO_1, null, new int[] {3}, new int[] {4}, OpOptions.None.INSTANCE, null));
        return new Model("test", 3, "conv then RELU_N1_TO_1", tensors, ops, new int[] {0}, new int[] {4});
    }

    @Test
    void int8IoQuantisesAFloatOutputAndTakesAnInt8Input() {
        Model model = convThenFloatActivation();
        List<float[]> images = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(5);
        for (int k = 0; k < 4; k++) {
            float[] x = new float[48];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (2 * r.nextDouble() - 1);
            }
            images.add(x);
        }
        Map<Integer, ActivationRanges.Range> ranges = ActivationRanges.calibrate(model, images,
                ActivationRanges.Clipping.MINMAX);
        Model floatIo = Int8Quantizer.quantize(model, ranges, false).model();
        Int8Quantizer.Result result = Int8Quantizer.quantize(model, ranges, true);
        Model int8Io = result.model();

        Tensor in = int8Io.input(0);
        Tensor out = int8Io.output(0);
        assertEquals(DataType.INT8, in.type());
        assertEquals(DataType.INT8, out.type());
        Operator last = int8Io.operators().get(int8Io.operators().size() - 1);
        assertEquals(BuiltinOp.QUANTIZE, last.op(), "the float output is quantised at the end");
        assertEquals(1, result.floatOperators().size(), result.floatOperators().toString());

        // The int8-I/O output, dequantised, is the float-I/O output rounded to the output's step.
        Quantization qIn = in.quantization();
        Quantization qOut = out.quantization();
        try (Interpreter a = Interpreter.create(floatIo); Interpreter b = Interpreter.create(int8Io)) {
            for (float[] x : images) {
                byte[] q = new byte[x.length];
                for (int i = 0; i < q.length; i++) {
                    q[i] = qIn.quantizeInt8(x[i]);
                }
                a.setInput(0, x);
                b.setInput(0, q);
                a.run();
                b.run();
                float[] expected = a.outputFloats(0);
                byte[] actual = b.outputBytes(0);
                for (int i = 0; i < expected.length; i++) {
                    double d = Math.abs(qOut.dequantize(actual[i]) - expected[i]);
                    assertTrue(d <= 0.5001 * qOut.scale(), "element " + i + ": " + expected[i] + " vs "
                            + qOut.dequantize(actual[i]));
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
