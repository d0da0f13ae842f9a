package dev.sparrow.kernels.f32;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Timing harness (not a test): MobileNet v2's 1×1 expansion + depthwise pairs of SSD MobileNet v2,
 * hand_landmark_lite and pose_detection, run as two kernels over a whole expanded tensor in memory and as
 * {@link PointwiseDepthwise} in L2 bands, in one process. Run like {@link ConvThroughput}.
 */
public final class PointwiseDepthwiseThroughput {

    private record Layer(String name, int inChannels, ConvShape depthwise) {}

    public static void main(String[] args) {
        List<Layer> layers = List.of(
                new Layer("SSD 150²×16→96, 3×3 s2", 16, same(150, 96, 3, 2)),
                new Layer("SSD 75²×24→144, 3×3 s1", 24, same(75, 144, 3, 1)),
                new Layer("SSD 75²×24→144, 3×3 s2", 24, same(75, 144, 3, 2)),
                new Layer("SSD 38²×32→192, 3×3 s1", 32, same(38, 192, 3, 1)),
                new Layer("SSD 19²×64→384, 3×3 s1", 64, same(19, 384, 3, 1)),
                new Layer("hand 112²×16→64, 3×3 s2", 16, same(112, 64, 3, 2)),
                new Layer("hand 56²×16→96, 3×3 s1", 16, same(56, 96, 3, 1)),
                new Layer("hand 56²×16→96, 3×3 s2", 16, same(56, 96, 3, 2)),
                new Layer("pose 56²×24→144, 3×3 s1", 24, same(56, 144, 3, 1)),
                new Layer("pose 14²×112→672, 5×5 s1", 112, same(14, 672, 5, 1)),
                new Layer("pose 14²×112→672, 5×5 s2", 112, same(14, 672, 5, 2)));
        Random r = new Random(5);
        List<Runnable> apart = new ArrayList<>();
        List<Runnable> fused = new ArrayList<>();
        for (Layer layer : layers) {
            ConvShape s = layer.depthwise();
            int k = layer.inChannels();
            float[] in = GemmTest.random(r, s.h() * s.w() * k);
            PackedWeights expand = PackedWeights.fromRowsByOutput(GemmTest.random(r, k * s.c()), k, s.c(),
                    GemmTest.random(r, s.c()));
            float[] w = GemmTest.random(r, s.kh() * s.kw() * s.c());
            float[] bias = GemmTest.random(r, s.c());
            float[] expanded = new float[s.h() * s.w() * s.c()];
            float[] out = new float[s.outputPixels() * s.c()];
            float[] band = new float[PointwiseDepthwise.bandFloats(s)];
            apart.add(() -> {
                Gemm.multiply(in, 0, k, s.h() * s.w(), expand, 0, expand.panels(), expanded, 0, s.c(), 0f, 6f);
                Depthwise.depthwise(expanded, 0, s, w, bias, out, 0, 0, s.oh(), 0f, 6f);
            });
            fused.add(() -> PointwiseDepthwise.pointwiseDepthwise(in, 0, k, expand, 0f, 6f, s, w, bias, out, 0, 0,
                    s.oh(), band, 0f, 6f));
        }
        for (int warm = 0; warm < 200; warm++) {
            apart.forEach(Runnable::run);
            fused.forEach(Runnable::run);
        }
        for (int i = 0; i < layers.size(); i++) {
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
            // A and B alternate, so that a noisy neighbour hits both.
            for (int rep = 0; rep < 30; rep++) {
                best[0] = Math.min(best[0], time(apart.get(i)));
                best[1] = Math.min(best[1], time(fused.get(i)));
            }
            ConvShape s = layers.get(i).depthwise();
            System.out.printf("%-28s band %3d KB  apart %7.1f µs  fused %7.1f µs  %.2f×%n", layers.get(i).name(),
                    PointwiseDepthwise.bandFloats(s) / 256, best[0] * 1e6, best[1] * 1e6, best[0] / best[1]);
        }
    }

    private static double time(Runnable run) {
        long t0 = System.nanoTime();
        for (int k = 0; k < 5; k++) {
            run.run();
        }
        return (System.nanoTime() - t0) / 5e9;
    }

    private static ConvShape same(int size, int c, int k, int stride) {
        return DepthwiseThroughput.same(size, c, k, stride);
    }
}
