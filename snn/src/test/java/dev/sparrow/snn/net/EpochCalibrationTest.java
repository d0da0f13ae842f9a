package dev.sparrow.snn.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration may pick the epoch count: snapshots during one training, the best on the calibration queries. */
class EpochCalibrationTest {
    private static final SnnConfig CFG = new SnnConfig(10, 10, 24, 3, 4, 11L, SimulationMode.FAST, 2);
    private static final int PLACES = 9;
    private static final SyntheticPlaces DATA = new SyntheticPlaces(PLACES, 100, 20, 8);
    private static final int[] PLACE_OF = SyntheticPlaces.cycle(PLACES, 18);
    private static final float[][] IMAGES = DATA.observeAll(PLACE_OF, 9);
    private static final int[] CAL_PLACE = SyntheticPlaces.cycle(PLACES, 9);
    private static final float[][] CAL = DATA.observeAll(CAL_PLACE, 10);

    @Test
    void candidatesAreTheMultiplesOfTheStepThenTheEpochs() {
        assertArrayEquals(new int[] {10, 20, 30, 40, 50, 60}, ModularNetwork.epochCandidates(60, 10));
        assertArrayEquals(new int[] {10, 20, 25}, ModularNetwork.epochCandidates(25, 10));
        assertArrayEquals(new int[] {20}, ModularNetwork.epochCandidates(20, 0));
        assertArrayEquals(new int[] {5}, ModularNetwork.epochCandidates(5, 10));
    }

    /**
     * A snapshot has the weights and thresholds of a run that stops there, and the last snapshot is that run's
     * module exactly (assignment included): snapshots do not disturb the training that follows them.
     */
    @Test
    void snapshotsAreTheModulesOfShorterRuns() {
        int[] images = {0, 3, 9, 12};
        int[] places = {0, 3};
        byte[] delays = TrainingState.randomDelays(100 * 24, new java.util.SplittableRandom(5));
        SnnModule[] both = train(new int[] {2, 4}, images, places, delays);
        SnnModule[] two = train(new int[] {2}, images, places, delays);
        SnnModule[] four = train(new int[] {4}, images, places, delays);
        assertArrayEquals(two[0].weights, both[0].weights, "weights after 2 epochs");
        assertArrayEquals(two[0].theta, both[0].theta, "thresholds after 2 epochs");
        assertArrayEquals(four[0].weights, both[1].weights, "weights after 4 epochs");
        assertArrayEquals(four[0].theta, both[1].theta, "thresholds after 4 epochs");
        assertArrayEquals(four[0].assignment, both[1].assignment, "assignment after 4 epochs");
        assertNotEquals(java.util.Arrays.toString(both[0].weights), java.util.Arrays.toString(both[1].weights),
                "two more epochs change the weights");
    }

    private static SnnModule[] train(int[] checkpoints, int[] images, int[] places, byte[] delays) {
        ModuleSimulator sim = ModuleSimulator.create(CFG.mode(), CFG.inputs(), CFG.neuronsPerModule());
        return ModuleTrainer.train(CFG, 1, sim, delays, IMAGES, images, PLACE_OF, places, checkpoints, () -> { });
    }

    @Test
    void theBestCandidateIsKeptWithItsEpochsAndThreshold(@TempDir Path dir) throws IOException {
        ModularNetwork net = ModularNetwork.train(CFG, IMAGES, PLACE_OF, CAL, CAL_PLACE, 2, null);
        List<ModularNetwork.Calibration> candidates = net.calibrations();
        assertEquals(List.of(2, 4), candidates.stream().map(ModularNetwork.Calibration::epochs).toList());
        ModularNetwork.Calibration best = candidates.get(0);
        for (ModularNetwork.Calibration c : candidates) {
            assertEquals(CAL.length, c.queries());
            if (c.recognised() > best.recognised()) {
                best = c;
            }
        }
        assertTrue(best.recognised() > 0, "the calibration queries must be recognisable, got " + candidates);
        assertEquals(best.epochs(), net.config().epochs(), "the kept network has the winner's epochs");
        assertEquals(best.hyperactiveThreshold(), net.hyperactiveThreshold());

        ModularNetwork plain = ModularNetwork.train(CFG.withEpochs(4), IMAGES, PLACE_OF, CAL, CAL_PLACE, null);
        assertEquals(candidates.get(1), plain.calibrations().get(0),
                "the last candidate calibrates like a plain run with its epochs");
        if (best.epochs() == 4) {
            assertArrayEquals(plain.scores(CAL), net.scores(CAL));
        }

        Path file = dir.resolve("calibrated.snn");
        net.save(file);
        ModularNetwork loaded = ModularNetwork.load(file);
        assertEquals(best.epochs(), loaded.config().epochs(), "the file keeps the chosen epochs");
        assertEquals(List.of(), loaded.calibrations(), "a loaded network keeps only the outcome");
    }

    @Test
    void withoutCalibrationQueriesTheEpochsAreKept() {
        ModularNetwork net = ModularNetwork.train(CFG, IMAGES, PLACE_OF, null, null, 2, null);
        assertEquals(4, net.config().epochs());
        assertEquals(List.of(new ModularNetwork.Calibration(4, 0, 0, 0)), net.calibrations());
    }
}
