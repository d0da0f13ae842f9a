package dev.sparrow.runtime.exec.q8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.OpOptions;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The runs of a step split into parts: together exactly the runs of the whole, no output value twice. */
class BroadcastTest {
    private static final Operator OP = new Operator(0, 0, BuiltinOp.ADD, null, new int[] {0, 1}, new int[] {2},
            new OpOptions.None(), null);

    @Test
    void partsCoverEveryOutputValueOnceWithTheWholeStepsOperands() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(4);
            int[] out = new int[rank], a = new int[rank], b = new int[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = 1 + r.nextInt(d == 0 || r.nextInt(4) > 0 ? 6 : 120);
                a[d] = r.nextInt(3) == 0 ? 1 : out[d];
                b[d] = r.nextInt(3) == 0 ? 1 : out[d];
                if (a[d] == 1 && b[d] == 1) {
                    a[d] = out[d]; // at least one operand has the output's extent
                }
            }
            Broadcast bc = Broadcast.of(OP, tensor(0, a), tensor(1, b), tensor(2, out));
            int n = Tensor.elementCount(out);
            int[] whole = operandsPerOutput(bc, n, 0, 1);
            int parts = 1 + r.nextInt(4);
            int[] split = new int[2 * n];
            int[] seen = new int[n];
            for (int p = 0; p < parts; p++) {
                int[] part = operandsPerOutput(bc, n, p, parts);
                for (int i = 0; i < n; i++) {
                    if (part[2 * i] >= 0) {
                        seen[i]++;
                        split[2 * i] = part[2 * i];
                        split[2 * i + 1] = part[2 * i + 1];
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen[i], "output " + i + " of " + Arrays.toString(out) + " in " + parts + " parts");
            }
            assertEquals(Arrays.toString(whole), Arrays.toString(split), "trial " + trial);
        }
    }

    @Test
    void aSingleRunIsSplitOnCacheLines() {
        Broadcast bc = Broadcast.of(OP, tensor(0, new int[] {1, 100, 30}), tensor(1, new int[] {1, 100, 30}),
                tensor(2, new int[] {1, 100, 30}));
        List<Integer> starts = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            bc.forEachRun(0, 0, 0, p, 3, (ai, as, bi, bs, yi, n) -> starts.add(yi));
        }
        assertEquals(List.of(0, 960, 1984), starts);
        assertTrue(starts.stream().allMatch(s -> s % 64 == 0));
    }

    /** For each output index, the a and b offsets a part's runs pair with it, or −1 where the part has none. */
    private static int[] operandsPerOutput(Broadcast bc, int n, int part, int parts) {
        int[] offsets = new int[2 * n];
        Arrays.fill(offsets, -1);
        bc.forEachRun(0, 0, 0, part, parts, (ai, as, bi, bs, yi, count) -> {
            for (int k = 0; k < count; k++) {
                offsets[2 * (yi + k)] = ai + k * as;
                offsets[2 * (yi + k) + 1] = bi + k * bs;
            }
        });
        return offsets;
    }

    private static Tensor tensor(int index, int[] shape) {
        return new Tensor(index, "t" + index, DataType.INT8, shape, null, null, false);
    }
}
