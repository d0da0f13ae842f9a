package dev.sparrow.kernels.f32;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Timing harness (not a test): GFLOP/s of the depthwise kernel on layer shapes of the MediaPipe models
 * (hand_landmark_lite, pose_detection, face_landmark and the detectors). Run like {@link ConvThroughput}.
 */
public final class DepthwiseThroughput {

    public static void main(String[] args) {
        List<ConvShape> shapes = List.of(
                // hand_landmark_lite, pose_detection, face_landmark (SAME padding)
                same(112, 24, 3, 1), same(112, 24, 3, 2), same(112, 64, 3, 2), same(96, 16, 3, 1),
                same(64, 24, 3, 1), same(56, 48, 3, 1), same(56, 96, 3, 1), same(56, 144, 3, 1),
                same(28, 96, 3, 1), same(56, 24, 3, 2), same(56, 96, 5, 2), same(28, 144, 5, 1),
                same(28, 240, 5, 1), same(14, 384, 5, 1), same(14, 672, 5, 1), same(7, 672, 5, 1),
                same(14, 672, 5, 2), same(7, 1152, 5, 1),
                // the detectors: VALID after an explicit PAD, and the PAD folded in (zeros as skipped taps)
                new ConvShape(1, 98, 98, 32, 3, 3, 1, 1, 1, 1, 0, 0, 96, 96, 32),
                new ConvShape(1, 50, 50, 64, 3, 3, 1, 1, 1, 1, 0, 0, 48, 48, 64),
                new ConvShape(1, 97, 97, 32, 3, 3, 2, 2, 1, 1, 0, 0, 48, 48, 32),
                new ConvShape(1, 28, 28, 128, 5, 5, 1, 1, 1, 1, 2, 2, 28, 28, 128),
                new ConvShape(1, 98, 98, 8, 3, 3, 1, 1, 1, 1, 0, 0, 96, 96, 8),
                new ConvShape(1, 96, 96, 32, 3, 3, 1, 1, 1, 1, 1, 1, 96, 96, 32),
                new ConvShape(1, 96, 96, 8, 3, 3, 1, 1, 1, 1, 1, 1, 96, 96, 8),
                new ConvShape(1, 48, 48, 64, 3, 3, 1, 1, 1, 1, 1, 1, 48, 48, 64),
                new ConvShape(1, 96, 96, 32, 3, 3, 2, 2, 1, 1, 0, 0, 48, 48, 32));
        Random r = new Random(4);
        List<Runnable> runs = new ArrayList<>();
        for (ConvShape s : shapes) {
            float[] in = GemmTest.random(r, s.n() * s.h() * s.w() * s.c());
            float[] w = GemmTest.random(r, s.kh() * s.kw() * s.c());
            float[] bias = GemmTest.random(r, s.c());
            float[] out = new float[s.outputPixels() * s.c()];
            runs.add(() -> Depthwise.depthwise(in, 0, s, w, bias, out, 0, 0, s.outputRows(), 0f, 6f));
        }
        // Every shape runs before any is timed, as in a model, so that the JIT compiles all paths first.
        for (int warm = 0; warm < 300; warm++) {
            runs.forEach(Runnable::run);
        }
        for (int i = 0; i < shapes.size(); i++) {
            ConvShape s = shapes.get(i);
            Runnable run = runs.get(i);
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 25; rep++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < 10; k++) {
                    run.run();
                }
                best = Math.min(best, (System.nanoTime() - t0) / 10e9);
            }
            double flops = 2.0 * s.outputPixels() * s.c() * s.kh() * s.kw();
            System.out.printf("%3d²→%-3d c%-4d %dx%d s%d pad%d  %8.1f µs  %6.1f GFLOP/s%n", s.h(), s.oh(), s.c(), s.kh(),
                    s.kw(), s.strideH(), s.padTop(), best * 1e6, flops / best / 1e9);
        }
    }

    /** A square {@code size²} plane with SAME padding, as TFLite computes it. */
    static ConvShape same(int size, int c, int k, int stride) {
        int o = (size + stride - 1) / stride;
        int pad = Math.max(0, (o - 1) * stride + k - size) / 2;
        return new ConvShape(1, size, size, c, k, k, stride, stride, 1, 1, pad, pad, o, o, c);
    }
}
