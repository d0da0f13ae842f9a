package dev.sparrow.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VectorModuleTest {

    @Test
    void presentInTheTestJvmAndTheSpeciesComeFromOnePlace() {
        assertEquals(Optional.empty(), VectorModule.missing());
        assertEquals(Species.FLOAT.length(), Species.INT.length(), "ints and floats share the shape");
        assertTrue(Species.BYTE_PER_INT_LANE.length() >= Species.INT.length(), "a byte for every int lane");
        assertTrue(Species.BYTE_PER_INT_LANE.vectorBitSize() == Math.max(64, Species.INT.length() * Byte.SIZE),
                "and no wider than the smallest shape needs");
    }

    @Test
    void aMissingModuleIsOneLineThatSaysHowToAddIt() {
        String message = VectorModule.missing(false).orElseThrow();
        assertTrue(message.contains("--add-modules jdk.incubator.vector"), message);
        assertEquals(1, message.lines().count());
    }
}
