package dev.sparrow.kernels.f32;

import java.util.Random;

/**
 * Timing harness (not a test): useful GFLOP/s of the CHW SpMM ({@code 2 · nonzeros · pixels} per call) on the
 * 1×1 layer shapes of the sparse MediaPipe models. Run like {@link ConvThroughput}
 * ({@code dev.sparrow.kernels.f32.SpmmThroughput}); BENCHMARKS.md sets the numbers against the core's peak
 * as {@code KernelReport} measures it (the clock in {@code /proc/cpuinfo} is not the boost clock).
 */
public final class SpmmThroughput {

    public static void main(String[] args) {
        System.out.printf("species %s%n", Gemm.F);
        int[][] layers = {{128, 128, 56 * 56}, {96, 24, 56 * 56}, {32, 128, 24 * 24}, {192, 48, 144}, {112, 672, 196},
                {1152, 192, 49}, {24, 144, 112 * 112}};
        Random r = new Random(6);
        for (int pass = 0; pass < 2; pass++) {
            for (int[] layer : layers) {
                for (double zeros : new double[] {0.7, 0.8, 0.9}) {
                    measure(r, layer[0], layer[1], layer[2], zeros, pass == 1);
                }
            }
        }
    }

    static void measure(Random r, int k, int n, int pixels, double zeros, boolean print) {
        float[] dense = SparsePointwiseTest.sparse(r, k * n, zeros);
        SparsePointwise.Weights w = SparsePointwise.encode(dense, k, n, GemmTest.random(r, n), pixels);
        float[] in = GemmTest.random(r, k * pixels);
        float[] out = new float[n * pixels];
        double best = SparseBreakEven.best(() -> SparsePointwise.spmm(w, in, 0, out, 0, pixels, 0, pixels, 0f, 6f));
        double gflops = 2.0 * w.nonzeroCount() * pixels / best / 1e9;
        if (print) {
            System.out.printf("%5d->%-4d %6d px  zeros %.2f  %8.1f µs  %6.1f GFLOP/s%n", k, n, pixels, zeros,
                    best * 1e6, gflops);
        }
    }
}
