package dev.sparrow.kernels.f32;

import java.util.Random;

/**
 * Timing harness (not a test): GFLOP/s of the dense convolution on large layers against this core's peak.
 * Run: {@code java --add-modules jdk.incubator.vector -cp kernels/target/classes:kernels/target/test-classes
 * dev.sparrow.kernels.f32.ConvThroughput [peakFlopPerCycle]} (64 for Zen 5 AVX-512, 32 for AVX2).
 */
public final class ConvThroughput {

    public static void main(String[] args) throws Exception {
        double flopPerCycle = args.length > 0 ? Double.parseDouble(args[0]) : 64;
        double ghz = cpuGhz();
        System.out.printf("species %s, clock %.2f GHz, peak %.1f GFLOP/s per core%n",
                Gemm.F, ghz, ghz * flopPerCycle);
        Random r = new Random(3);
        measure(r, "56x56x128->128 1x1", new ConvShape(1, 56, 56, 128, 1, 1, 1, 1, 1, 1, 0, 0, 56, 56, 128), ghz * flopPerCycle);
        measure(r, "56x56x128->128 3x3", new ConvShape(1, 56, 56, 128, 3, 3, 1, 1, 1, 1, 1, 1, 56, 56, 128), ghz * flopPerCycle);
        measure(r, "28x28x256->256 1x1", new ConvShape(1, 28, 28, 256, 1, 1, 1, 1, 1, 1, 0, 0, 28, 28, 256), ghz * flopPerCycle);
        measure(r, "96x96x32->8 1x1", new ConvShape(1, 96, 96, 32, 1, 1, 1, 1, 1, 1, 0, 0, 96, 96, 8), ghz * flopPerCycle);
        measure(r, "48x48x64->16 1x1", new ConvShape(1, 48, 48, 64, 1, 1, 1, 1, 1, 1, 0, 0, 48, 48, 16), ghz * flopPerCycle);
        // MediaPipe's pointwise layers with few input or output channels
        measure(r, "112x112x16->64 1x1", new ConvShape(1, 112, 112, 16, 1, 1, 1, 1, 1, 1, 0, 0, 112, 112, 64), ghz * flopPerCycle);
        measure(r, "96x96x16->16 1x1", new ConvShape(1, 96, 96, 16, 1, 1, 1, 1, 1, 1, 0, 0, 96, 96, 16), ghz * flopPerCycle);
        measure(r, "64x64x24->24 1x1", new ConvShape(1, 64, 64, 24, 1, 1, 1, 1, 1, 1, 0, 0, 64, 64, 24), ghz * flopPerCycle);
        measure(r, "14x14x1152->192 1x1", new ConvShape(1, 14, 14, 1152, 1, 1, 1, 1, 1, 1, 0, 0, 14, 14, 192), ghz * flopPerCycle);
        // odd counts of vectors at 16 lanes: one-vector panels
        measure(r, "14x14x672->112 1x1", new ConvShape(1, 14, 14, 672, 1, 1, 1, 1, 1, 1, 0, 0, 14, 14, 112), ghz * flopPerCycle);
        measure(r, "56x56x24->144 1x1", new ConvShape(1, 56, 56, 24, 1, 1, 1, 1, 1, 1, 0, 0, 56, 56, 144), ghz * flopPerCycle);
        measure(r, "128x128x3->24 5x5 s2", new ConvShape(1, 128, 128, 3, 5, 5, 2, 2, 1, 1, 1, 1, 64, 64, 24), ghz * flopPerCycle);
        measure(r, "192x192x3->32 3x3 s2", new ConvShape(1, 192, 192, 3, 3, 3, 2, 2, 1, 1, 0, 0, 96, 96, 32), ghz * flopPerCycle);
    }

    static double cpuGhz() throws Exception {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("cpu MHz")) {
                return Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) / 1000;
            }
        }
        throw new IllegalStateException("no 'cpu MHz' in /proc/cpuinfo");
    }

    static void measure(Random r, String name, ConvShape s, double peak) {
        int k = s.kh() * s.kw() * s.c();
        float[] in = GemmTest.random(r, s.n() * s.h() * s.w() * s.c());
        PackedWeights w = PackedWeights.fromRowsByOutput(GemmTest.random(r, s.oc() * k), k, s.oc(), GemmTest.random(r, s.oc()));
        float[] out = new float[s.outputPixels() * s.oc()];
        float[] scratch = new float[Conv2d.scratchFloats(s)];
        double best = Double.MAX_VALUE;
        // at least 60 runs and half a second, so small layers reach C2 before the best run is taken
        long end = System.nanoTime() + 500_000_000L;
        for (int rep = 0; rep < 60 || System.nanoTime() < end; rep++) {
            long t0 = System.nanoTime();
            Conv2d.conv(in, 0, s, w, out, 0, 0, s.outputPixels(), scratch, 0f, 6f);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        double gflops = 2.0 * s.denseMacs() / best / 1e9;
        System.out.printf("%-22s best %8.3f ms  %6.1f GFLOP/s  %4.0f%% of peak%n", name, best * 1e3, gflops, 100 * gflops / peak);
    }
}
