package dev.sparrow.snn.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.snn.data.SplitData;
import dev.sparrow.snn.net.Ensemble;
import dev.sparrow.snn.net.ModularNetwork;
import dev.sparrow.snn.net.ProgressListener;
import dev.sparrow.snn.net.SimulationMode;
import dev.sparrow.snn.net.SnnConfig;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The spiking network on real data (Nordland, winter queries against summer references, every 5th sample):
 * 100 places in 4 modules of 25, trained on the references, calibrated on the queries of the first 18 places,
 * evaluated on the queries of the other 82 only. Nothing here is tuned on those test queries: the settings are
 * the reference's except for fewer epochs — 10, the smallest count the reference's calibration tries (it
 * steps by 10 up to 60) — which keeps the class at a few minutes on two cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnnRealDataTest {
    private static final String NORDLAND = "nordland-summer-winter-64x32";
    private static final int PLACES = 100;
    private static final int EVERY = 5;
    private static final int EPOCHS = 10;
    private static final int MEMBERS = 3;

    private SplitData data;
    private final List<float[][]> memberScores = new ArrayList<>();
    private SnnConfig config;

    @BeforeAll
    void trainEnsemble() throws IOException {
        data = SplitData.load(SharedData.vpr(NORDLAND), PLACES, EVERY);
        config = SnnConfig.defaults().withEpochs(EPOCHS).withPlacesPerModule(25);
        Ensemble ensemble = Ensemble.train(config, MEMBERS, data.references(), data.placeOfReference(),
                data.calibrationQueries(), data.calibrationPlaces(), ProgressListener.NONE);
        for (ModularNetwork member : ensemble.members()) {
            memberScores.add(data.testColumns(member.scores(data.testQueries())));
        }
    }

    private double recallAt1(float[][] scores) {
        return Recall.atN(scores, data.testMatches(), 1);
    }

    @Test
    void singleNetworkBeatsRandomAndKeepsUpWithSad() {
        float[][] snn = memberScores.getFirst();
        double random = RandomBaseline.expectedRecallAt(data.testMatches(), data.split().testPlaces(), 1);
        double sad = recallAt1(SadBaseline.scores(data.testQueries(), data.testReferences()));
        double r1 = recallAt1(snn);
        assertTrue(r1 >= 5 * random, "SNN R@1 " + r1 + " < 5 x random " + random);
        assertTrue(r1 >= 0.5 * sad, "SNN R@1 " + r1 + " < 0.5 x SAD R@1 " + sad);
    }

    @Test
    void ensembleIsAtLeastTheMeanOfItsMembers() {
        double mean = memberScores.stream().mapToDouble(this::recallAt1).average().orElseThrow();
        double ensemble = recallAt1(ScoreMatrices.sum(memberScores));
        assertTrue(ensemble >= mean, "ensemble R@1 " + ensemble + " < members' mean " + mean);
    }

    @Test
    void sequenceMatchingRaisesRecall() {
        float[][] snn = memberScores.getFirst();
        double single = recallAt1(snn);
        double seq = recallAt1(SequenceMatcher.apply(snn, 4));
        assertTrue(seq > single, "R@1 with L=4 " + seq + " not above L=1 " + single);
    }

    @Test
    void sameSeedSameNetwork() {
        // One module of 25 places is enough to show that training and querying repeat exactly.
        SplitData small = smallSplit();
        SnnConfig cfg = config.withEpochs(2);
        float[][] a = train(small, cfg).scores(small.testQueries());
        float[][] b = train(small, cfg.withThreads(1)).scores(small.testQueries());
        assertArrayEquals(a, b);
    }

    @Test
    void fastModeAgreesWithReferenceMode() {
        SplitData small = smallSplit();
        // 100 neurons instead of 400 keep the clock-driven reference simulator under a minute; both modes share it.
        SnnConfig cfg = config.withEpochs(1).withNeuronsPerModule(100);
        float[][] fast = small.testColumns(train(small, cfg.withMode(SimulationMode.FAST)).scores(small.testQueries()));
        float[][] reference = small.testColumns(
                train(small, cfg.withMode(SimulationMode.REFERENCE)).scores(small.testQueries()));
        int same = 0;
        for (int q = 0; q < fast.length; q++) {
            if (argmax(fast[q]) == argmax(reference[q])) {
                same++;
            }
        }
        assertTrue(same >= 0.95 * fast.length, same + " of " + fast.length + " top-1 decisions agree");
        assertEquals(recallAt1(small, reference), recallAt1(small, fast), 0.01);
    }

    private SplitData smallSplit() {
        try {
            return SplitData.load(SharedData.vpr(NORDLAND), 25, EVERY);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static ModularNetwork train(SplitData d, SnnConfig cfg) {
        return ModularNetwork.train(cfg, d.references(), d.placeOfReference(), d.calibrationQueries(),
                d.calibrationPlaces(), ProgressListener.NONE);
    }

    private static double recallAt1(SplitData d, float[][] scores) {
        return Recall.atN(scores, d.testMatches(), 1);
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
