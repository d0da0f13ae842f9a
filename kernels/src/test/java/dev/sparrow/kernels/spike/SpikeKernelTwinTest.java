package dev.sparrow.kernels.spike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Vector kernels against their scalar twins on random sizes with odd tails; all are exact (same float order). */
class SpikeKernelTwinTest {
    private static final int[] SIZES = {1, 3, 7, 15, 16, 17, 31, 33, 63, 65, 127, 400, 401};
    private static final LifParameters EXCITATORY = new LifParameters(0.001f, -65f, -65f, 0f, -100f, 0.9f, 0.8f, 50, 500);

    @Test
    void lifStepMatchesScalarOverManySteps() {
        SplittableRandom rnd = new SplittableRandom(11);
        int totalSpikes = 0;
        for (int n : SIZES) {
            float[] v = new float[n], ge = new float[n], gi = new float[n], thr = new float[n], last = new float[n];
            for (int k = 0; k < n; k++) {
                v[k] = -65f + (float) rnd.nextDouble(-5, 30);
                thr[k] = -52f + (float) rnd.nextDouble(0, 25);
                last[k] = rnd.nextInt(4) == 0 ? -1e6f : -rnd.nextInt(600);
            }
            float[] v2 = v.clone(), ge2 = ge.clone(), gi2 = gi.clone(), last2 = last.clone();
            int[] s1 = new int[n], s2 = new int[n];
            for (int t = 0; t < 300; t++) {
                for (int k = 0; k < n; k++) {
                    float add = rnd.nextInt(3) == 0 ? (float) rnd.nextDouble(0, 2) : 0f;
                    float inh = rnd.nextInt(20) == 0 ? 17f : 0f;
                    ge[k] += add;
                    ge2[k] += add;
                    gi[k] += inh;
                    gi2[k] += inh;
                }
                int c1 = LifStep.step(EXCITATORY, v, ge, gi, thr, last, n, t, s1);
                int c2 = LifStep.stepScalar(EXCITATORY, v2, ge2, gi2, thr, last2, n, t, s2);
                assertEquals(c2, c1, "spike count at step " + t + " n=" + n);
                for (int k = 0; k < c1; k++) {
                    assertEquals(s2[k], s1[k], "spike index");
                }
                totalSpikes += c1;
            }
            assertArrayEquals(v2, v, "v n=" + n);
            assertArrayEquals(ge2, ge, "ge n=" + n);
            assertArrayEquals(gi2, gi, "gi n=" + n);
            assertArrayEquals(last2, last, "lastSpike n=" + n);
        }
        assertTrue(totalSpikes > 50, "the random drive must make neurons fire, got " + totalSpikes);
    }

    @Test
    void laneScatterMatchesScalarAndThePerLaneScatter() {
        SplittableRandom rnd = new SplittableRandom(8);
        int slots = 11;
        for (int lanes : new int[] {1, 3, 4, 16, 17, 33}) {
            for (int width : new int[] {1, 7, 16, 37}) {
                int ringLength = slots * width * lanes;
                int synapses = width * 3;
                int[] laneOffsets = new int[synapses], offsets = new int[synapses];
                float[] laneWeights = new float[synapses * lanes];
                float[][] w = new float[lanes][synapses];
                for (int s = 0; s < synapses; s++) {
                    int d = rnd.nextInt(slots);
                    laneOffsets[s] = (d * width + s % width) * lanes;
                    offsets[s] = d * width + s % width;
                    for (int g = 0; g < lanes; g++) {
                        w[g][s] = (float) rnd.nextDouble();
                        laneWeights[s * lanes + g] = w[g][s];
                    }
                }
                float[] a = new float[ringLength], b = new float[ringLength];
                float[][] perLane = new float[lanes][slots * width];
                for (int spike = 0; spike < 40; spike++) {
                    int row = rnd.nextInt(slots);
                    int from = rnd.nextInt(3) * width;
                    SpikePropagation.scatterAddLanes(a, ringLength, row * width * lanes, laneOffsets, laneWeights,
                            from, width, lanes);
                    SpikePropagation.scatterAddLanesScalar(b, ringLength, row * width * lanes, laneOffsets,
                            laneWeights, from, width, lanes);
                    for (int g = 0; g < lanes; g++) {
                        SpikePropagation.scatterAddScalar(perLane[g], slots * width, row * width, offsets, w[g], from,
                                width, null);
                    }
                }
                assertArrayEquals(b, a, "lane scatter lanes=" + lanes + " width=" + width);
                for (int g = 0; g < lanes; g++) {
                    for (int x = 0; x < slots * width; x++) {
                        assertEquals(perLane[g][x], a[x * lanes + g], "lane " + g + " element " + x);
                    }
                }
            }
        }
    }

    @Test
    void byteLaneScatterMatchesScalarAndTheFloatLaneScatter() {
        SplittableRandom rnd = new SplittableRandom(12);
        int slots = 11;
        for (int lanes : new int[] {1, 5, 16, 17, 32, 40}) {
            for (int width : new int[] {1, 9, 16, 37}) {
                int ringLength = slots * width * lanes;
                int synapses = width * 3;
                int[] offsets = new int[synapses];
                byte[] q = new byte[synapses * lanes];
                float[] asFloat = new float[synapses * lanes];
                for (int s = 0; s < synapses; s++) {
                    offsets[s] = (rnd.nextInt(slots) * width + s % width) * lanes;
                }
                for (int x = 0; x < q.length; x++) {
                    q[x] = (byte) rnd.nextInt(-128, 128);
                    asFloat[x] = q[x];
                }
                float[] a = new float[ringLength], b = new float[ringLength], c = new float[ringLength];
                for (int spike = 0; spike < 40; spike++) {
                    int base = rnd.nextInt(slots) * width * lanes;
                    int from = rnd.nextInt(3) * width;
                    SpikePropagation.scatterAddLanesBytes(a, ringLength, base, offsets, q, from, width, lanes);
                    SpikePropagation.scatterAddLanesBytesScalar(b, ringLength, base, offsets, q, from, width, lanes);
                    SpikePropagation.scatterAddLanesScalar(c, ringLength, base, offsets, asFloat, from, width, lanes);
                }
                assertArrayEquals(b, a, "byte lane scatter lanes=" + lanes + " width=" + width);
                assertArrayEquals(c, a, "byte vs float lane scatter lanes=" + lanes + " width=" + width);
            }
        }
    }

    @Test
    void scatterMatchesScalarWithWrap() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int width : SIZES) {
            int slots = 13;
            int ringLength = slots * width;
            int synapses = width * 3;
            int[] offsets = new int[synapses];
            float[] w = new float[synapses];
            byte[] delays = new byte[synapses];
            for (int s = 0; s < synapses; s++) {
                int d = rnd.nextInt(slots);
                delays[s] = (byte) d;
                offsets[s] = d * width + (s % width);
                w[s] = (float) rnd.nextDouble();
            }
            float[] a = new float[ringLength], b = new float[ringLength], c = new float[ringLength];
            int[] scratch = new int[64];
            for (int spike = 0; spike < 40; spike++) {
                int base = rnd.nextInt(slots) * width;
                int from = rnd.nextInt(3) * width;
                SpikePropagation.scatterAdd(a, ringLength, base, offsets, w, from, width, scratch);
                SpikePropagation.scatterAddScalar(b, ringLength, base, offsets, w, from, width, scratch);
                SpikePropagation.scatterAddBytes(c, ringLength, base, delays, w, from, width);
            }
            assertArrayEquals(b, a, "scatter width=" + width);
            assertArrayEquals(b, c, "byte-delay scatter width=" + width);
        }
    }

    @Test
    void appendRangeMatchesScalarAndStaysInsideItsSlack() {
        SplittableRandom rnd = new SplittableRandom(5);
        int slack = SpikePropagation.appendSlack();
        int[] a = new int[4096 + slack], b = new int[4096 + slack];
        int at = 0;
        for (int run = 0; run < 300 && at < 4000; run++) {
            int count = run < SIZES.length ? SIZES[run] % 40 : rnd.nextInt(20);
            int first = rnd.nextInt(100_000);
            SpikePropagation.appendRange(a, at, first, count);
            SpikePropagation.appendRangeScalar(b, at, first, count);
            for (int c = 0; c < count; c++) {
                assertEquals(first + c, a[at + c], "run " + run + " element " + c);
            }
            at += count;
        }
        for (int k = 0; k < at; k++) {
            assertEquals(b[k], a[k], "appended element " + k);
        }
        int[] marked = new int[64 + slack];
        java.util.Arrays.fill(marked, -1);
        SpikePropagation.appendRange(marked, 10, 7, 5);
        for (int k = 0; k < 10; k++) {
            assertEquals(-1, marked[k], "nothing written before the run");
        }
        for (int k = 15 + slack; k < marked.length; k++) {
            assertEquals(-1, marked[k], "nothing written past the slack");
        }
    }

    @Test
    void drainMatchesScalar() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int width : SIZES) {
            float[] ring = new float[width * 3];
            float[] scale = new float[width];
            float[] ge = new float[width];
            for (int k = 0; k < ring.length; k++) {
                ring[k] = (float) rnd.nextDouble(0, 100);
            }
            for (int k = 0; k < width; k++) {
                scale[k] = (float) rnd.nextDouble(0, 0.01);
                ge[k] = (float) rnd.nextDouble();
            }
            float[] ring2 = ring.clone(), ge2 = ge.clone();
            SpikePropagation.drain(ring, width, ge, width);
            SpikePropagation.drainScalar(ring2, width, ge2, width);
            SpikePropagation.drainScaled(ring, 2 * width, scale, ge, width);
            SpikePropagation.drainScaledScalar(ring2, 2 * width, scale, ge2, width);
            assertArrayEquals(ge2, ge);
            assertArrayEquals(ring2, ring);
            for (int k = width; k < 3 * width; k++) {
                assertEquals(0f, ring[k]);
            }
        }
    }

    @Test
    void columnNormalisationMatchesScalar() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int cols : SIZES) {
            int rows = 1 + rnd.nextInt(50);
            float[] w = new float[rows * cols];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) rnd.nextDouble();
            }
            float[] w2 = w.clone();
            float[] s1 = new float[cols], s2 = new float[cols];
            ColumnNormalisation.columnSums(w, rows, cols, s1);
            ColumnNormalisation.columnSumsScalar(w2, rows, cols, s2);
            assertArrayEquals(s2, s1);
            float[] factors = new float[cols];
            for (int j = 0; j < cols; j++) {
                factors[j] = 78f / s1[j];
            }
            ColumnNormalisation.scaleColumns(w, rows, cols, factors);
            ColumnNormalisation.scaleColumnsScalar(w2, rows, cols, factors);
            assertArrayEquals(w2, w);
        }
    }
}
