package dev.sparrow.snn.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.snn.data.SplitData;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modules in lanes must give every module exactly the spike counts of its own simulation. */
class LaneSimulatorTest {
    /** 19 modules of 13 neurons: one full group and one of three modules plus padding lanes. */
    private static final SnnConfig CFG = new SnnConfig(12, 12, 13, 2, 2, 3L, SimulationMode.FAST, 2);

    @Test
    void laneCountsEqualModuleByModuleCounts() {
        int places = 38;
        SyntheticPlaces data = new SyntheticPlaces(places, 144, 20, 9);
        int[] placeOf = SyntheticPlaces.cycle(places, places);
        ModularNetwork net = ModularNetwork.train(CFG, data.observeAll(placeOf, 1), placeOf, null, null, null);
        List<SnnModule> modules = net.moduleList();
        assertEquals(19, modules.size());
        assertTrue(modules.stream().allMatch(m -> m.delays == modules.get(0).delays),
                "the modules of a network share one delay matrix");
        ModuleLanes[] groups = net.laneGroups();
        assertNotNull(groups, "a float network of shared delays runs in lanes");
        assertEquals(2, groups.length);

        LaneSimulator lanes = new LaneSimulator(13);
        FastSimulator single = new FastSimulator(144, 13);
        int[] laneCounts = new int[13 * ModuleLanes.LANES];
        int[] expected = new int[13];
        int spikes = 0;
        float[][] queries = data.observeAll(SyntheticPlaces.cycle(places, 6), 2);
        for (int q = 0; q < queries.length; q++) {
            InputSpikes train = PoissonEncoder.encode(queries[q], 50 + q, VprConstants.PRESENT_STEPS);
            for (ModuleLanes group : groups) {
                lanes.respond(group, train, laneCounts);
                for (int lane = 0; lane < ModuleLanes.LANES; lane++) {
                    int[] got = new int[13];
                    for (int j = 0; j < 13; j++) {
                        got[j] = laneCounts[j * ModuleLanes.LANES + lane];
                    }
                    if (lane >= group.modules) {
                        assertArrayEquals(new int[13], got, "padding lane " + lane + " must stay silent");
                        continue;
                    }
                    single.respond(modules.get(group.firstModule + lane), train, expected);
                    assertArrayEquals(expected, got, "query " + q + ", module " + (group.firstModule + lane));
                    for (int c : got) {
                        spikes += c;
                    }
                }
            }
        }
        assertTrue(spikes > 100, "the queries must make the modules fire, got " + spikes + " spikes");
    }

    /** Real Nordland images through a network large enough for lanes: the same scores as module by module. */
    @Test
    void realImagesScoreTheSameInLanes() throws IOException {
        SplitData data = SplitData.load(SharedData.vpr("nordland-summer-winter-64x32"), 150, 5);
        SnnConfig cfg = SnnConfig.defaults().withEpochs(1).withNeuronsPerModule(100).withThreads(2);
        ModularNetwork net = ModularNetwork.train(cfg, data.references(), data.placeOfReference(),
                data.calibrationQueries(), data.calibrationPlaces(), null);
        assertEquals(6, net.modules());
        assertNotNull(net.laneGroups(), "6 modules of shared delays run in lanes");
        float[][] queries = Arrays.copyOf(data.testQueries(), 30);
        float[][] inLanes = net.scores(queries);
        float[][] byModule = net.scores(queries, net.modules());
        float total = 0;
        for (int q = 0; q < queries.length; q++) {
            assertArrayEquals(byModule[q], inLanes[q], "scores of test query " + q);
            for (float v : inLanes[q]) {
                total += v;
            }
        }
        assertTrue(total > 0, "the real queries must make assigned neurons fire");
    }

    @Test
    void networkScoresAreTheSameWithAndWithoutLanes(@TempDir Path dir) throws IOException {
        int places = 20;
        SyntheticPlaces data = new SyntheticPlaces(places, 144, 20, 4);
        int[] placeOf = SyntheticPlaces.cycle(places, places);
        ModularNetwork trained = ModularNetwork.train(CFG, data.observeAll(placeOf, 1), placeOf, null, null, null);
        trained.save(dir.resolve("net.snn"));
        ModularNetwork net = ModularNetwork.load(dir.resolve("net.snn"));
        List<SnnModule> modules = net.moduleList();
        assertTrue(modules.stream().allMatch(m -> m.delays == modules.get(0).delays),
                "a loaded network keeps one copy of its shared delays");
        float[][] queries = data.observeAll(SyntheticPlaces.cycle(places, 10), 3);
        for (int q = 0; q < queries.length; q++) {
            assertArrayEquals(trained.scores(queries[q]), net.scores(queries[q]), "loaded network, query " + q);
        }
        // a pre-filter that keeps every module simulates module by module
        for (ModularNetwork weights : new ModularNetwork[] {net, net.withInt8Weights()}) {
            assertNotNull(weights.laneGroups(), "int8: " + weights.isInt8());
            float[][] inLanes = weights.scores(queries);
            float[][] byModule = weights.scores(queries, weights.modules());
            for (int q = 0; q < queries.length; q++) {
                assertArrayEquals(byModule[q], inLanes[q], "int8: " + weights.isInt8() + ", scores of query " + q);
            }
        }
    }
}
