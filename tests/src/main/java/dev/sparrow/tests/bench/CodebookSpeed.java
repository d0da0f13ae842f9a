package dev.sparrow.tests.bench;

import dev.sparrow.runtime.check.ModelInputs;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.tflite.TfliteReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Codebook decoding against fp32 in Sparrow, in one process on one thread: the float model and its
 * codebook file run on the same random input in alternating rounds, so both see the same load on a shared
 * machine; prints the median of each and the median of the per-round ratios (codebook / fp32), which
 * cancels load that drifts slower than a round. Run with
 * {@code SPARROW_MAIN=dev.sparrow.tests.bench.CodebookSpeed ./sparrow ROUNDS FLOAT.tflite CODEBOOK.sparrow [...pairs]}.
 */
public final class CodebookSpeed {
    private static final int WARMUP_ROUNDS = 50;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        System.out.println("| model | codebook file | fp32 ms | codebook ms | median of round ratios |");
        System.out.println("|---|---|---|---|---|");
        for (int i = 1; i + 1 < args.length; i += 2) {
            Model fp32 = TfliteReader.read(Path.of(args[i]));
            Model codebook = TfliteReader.read(Path.of(args[i + 1]));
            double[] a = new double[rounds];
            double[] b = new double[rounds];
            double[] ratio = new double[rounds];
            try (Interpreter x = Interpreter.create(fp32); Interpreter y = Interpreter.create(codebook)) {
                x.setInputRaw(0, ModelInputs.random(fp32, 1).get(0));
                y.setInputRaw(0, ModelInputs.random(codebook, 1).get(0));
                for (int r = 0; r < WARMUP_ROUNDS; r++) {
                    x.run();
                    y.run();
                }
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    x.run();
                    long t1 = System.nanoTime();
                    y.run();
                    long t2 = System.nanoTime();
                    a[r] = (t1 - t0) / 1e6;
                    b[r] = (t2 - t1) / 1e6;
                    ratio[r] = b[r] / a[r];
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f |%n", Path.of(args[i]).getFileName(),
                    Path.of(args[i + 1]).getFileName(), median(a), median(b), median(ratio));
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
