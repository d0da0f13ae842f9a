package dev.sparrow.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.Activation;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What the reader refuses and accepts follows TensorFlow Lite's interpreter, on patched shared models. */
class LoadsAsTfliteDoesTest {

    /**
     * A constant whose buffer holds more bytes than its shape needs is refused, as TensorFlow Lite refuses it
     * ({@code required_bytes != bytes}), instead of being cut down to the shape and run on the wrong numbers.
     */
    @Test
    void aBufferLargerThanItsShapeNeedsIsRefused() throws IOException {
        Model model = TfliteReader.read(SharedData.model("hand_recrop.tflite"));
        Tensor weights = model.tensors().stream().filter(t -> t.isConstant() && t.rank() > 0 && t.dim(0) > 1)
                .findFirst().orElseThrow();
        byte[] patched = ModelPatch.of("hand_recrop.tflite").dim(weights.index(), 0, weights.dim(0) - 1).bytes();

        ModelException e = assertThrows(ModelException.class, () -> TfliteReader.read(patched, "hand_recrop.tflite"));
        long needed = (long) weights.elementCount() / weights.dim(0) * (weights.dim(0) - 1) * weights.type().bytes;
        assertTrue(e.getMessage().startsWith("hand_recrop.tflite: subgraph 0 / tensor " + weights.index() + " '"),
                e.getMessage());
        assertTrue(e.getMessage().contains(": buffer "), e.getMessage());
        assertTrue(e.getMessage().contains(" holds " + weights.data().length + " bytes, "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" needs exactly " + needed), e.getMessage());
    }

    /**
     * A string whose stored length runs past its NUL byte (a corrupt length) is refused, as TensorFlow Lite's
     * FlatBuffers verifier refuses it, instead of reading the following bytes as part of a tensor's name.
     */
    @Test
    void aStringWithoutItsNulByteIsRefused() throws IOException {
        int tensor = 140;
        String name = TfliteReader.read(SharedData.model("hand_recrop.tflite")).tensor(tensor).name();
        byte[] patched = ModelPatch.of("hand_recrop.tflite").nameLength(tensor, name.length() + 34).bytes();

        ModelException e = assertThrows(ModelException.class, () -> TfliteReader.read(patched, "hand_recrop.tflite"));
        assertTrue(e.getMessage().startsWith("hand_recrop.tflite: subgraph 0 / tensor " + tensor + " / name: string of "
                + (name.length() + 34) + " bytes is not followed by a NUL byte; its length is corrupt (at byte "),
                e.getMessage());
    }

    /**
     * An ADD whose options union has an unknown type tag loads with default options: TensorFlow Lite 2.6.2
     * and 2.21 both load and run this very model (checked with {@code sparrow model check --against tflite}),
     * because FlatBuffers verifies unknown union members as valid and {@code builtin_options_as_AddOptions()}
     * then gives no options. Operators whose zero options cannot run (convolutions, pools) are refused.
     */
    @Test
    void anUnknownOptionsTypeOnAnOperatorWithOptionalOptionsLoadsWithDefaults() throws IOException {
        int add = 12; // hand_recrop's first ADD
        Model model = TfliteReader.read(ModelPatch.of("hand_recrop.tflite").optionsType(add, 200).bytes(), "patched");
        assertEquals("ADD", model.operators().get(add).name());
        assertEquals(new OpOptions.Arithmetic(Activation.NONE), model.operators().get(add).options());

        int conv = 0;
        ModelException e = assertThrows(ModelException.class, () -> TfliteReader.read(
                ModelPatch.of("hand_recrop.tflite").optionsType(conv, 200).bytes(), "patched"));
        assertTrue(e.getMessage().startsWith("patched: operator 0 (CONV_2D): builtin options are missing (union tag 200"),
                e.getMessage());
    }
}
