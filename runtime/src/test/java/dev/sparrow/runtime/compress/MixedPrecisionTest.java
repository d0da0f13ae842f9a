package dev.sparrow.runtime.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The greedy allocation of {@link MixedPrecision} on hand-made candidates (bytes and sensitivities). */
class MixedPrecisionTest {
    /** A candidate without a palette: the allocation only reads bytes and sensitivity. */
    private static MixedPrecision.Candidate candidate(int entries, long bytes, double sensitivity) {
        return new MixedPrecision.Candidate(entries, null, bytes, sensitivity);
    }

    @Test
    void movesTheLayerThatCostsLeastDeviationPerByteSaved() {
        List<MixedPrecision.Candidate> robust = List.of(candidate(0, 400, 0), candidate(16, 100, 0.01));
        List<MixedPrecision.Candidate> sensitive = List.of(candidate(0, 400, 0), candidate(16, 100, 0.5));
        assertArrayEquals(new int[] {1, 0}, MixedPrecision.allocate(List.of(robust, sensitive), 500));
        assertArrayEquals(new int[] {0, 1}, MixedPrecision.allocate(List.of(sensitive, robust), 500));
        assertArrayEquals(new int[] {1, 1}, MixedPrecision.allocate(List.of(robust, sensitive), 200), "only both fit");
        assertArrayEquals(new int[] {0, 0}, MixedPrecision.allocate(List.of(robust, sensitive), 800), "all float fits");
    }

    @Test
    void spendsWhatIsLeftOfTheBudgetOnMovingBackUp() {
        // Down: the small layer first (least deviation per byte), then the large one to 8 bits leaves 110 of
        // 420 bytes unused, enough to bring the small layer back to float.
        List<MixedPrecision.Candidate> large = List.of(candidate(0, 1000, 0), candidate(64, 300, 0.001),
                candidate(4, 50, 1));
        List<MixedPrecision.Candidate> small = List.of(candidate(0, 100, 0), candidate(4, 10, 0.0001));
        assertArrayEquals(new int[] {1, 0}, MixedPrecision.allocate(List.of(large, small), 420));
    }
}
