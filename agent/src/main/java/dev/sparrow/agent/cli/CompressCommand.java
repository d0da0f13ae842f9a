package dev.sparrow.agent.cli;

import dev.sparrow.agent.Json;
import dev.sparrow.runtime.compress.ActivationRanges;
import dev.sparrow.runtime.compress.CalibrationImages;
import dev.sparrow.runtime.compress.CompressionReport;
import dev.sparrow.runtime.compress.InputNormalization;
import dev.sparrow.runtime.compress.Compression;
import dev.sparrow.runtime.compress.MagnitudePruning;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sparrow compress IN.tflite -o OUT [--prune S [--block 1x1|1x4|4x1] [--sparse-encoding]]
 * [--int8 [--int8-io] | --codebook K | --mixed-precision BUDGET] --calib DIR}: magnitude pruning and/or post-training
 * int8, codebook weights or a precision per layer under a size budget, of a float model, written as a standard .tflite
 * (float input and outputs unless --int8-io) or, with codebooks, a Sparrow codebook file, with a report of size, sparsity, deviation on held-out images, and latency in Sparrow.
 */
@Command(name = "compress", description = "Compress a float .tflite model: magnitude pruning and/or post-training int8,"
        + " codebook (palettised) weights or mixed precision under a size budget, measured on a folder of images.")
final class CompressCommand extends Verb {
    @Parameters(paramLabel = "IN.tflite", description = "the float model")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "the compressed .tflite to write")
    Path output;

    @Option(names = "--int8", description = "post-training int8: per-channel weights, calibrated per-tensor activations")
    boolean int8;

    @Option(names = "--int8-io", description = "with --int8: int8 input and outputs (no QUANTIZE at the input, no DEQUANTIZE"
            + " at the outputs); the caller quantises with the input's scale and zero point")
    boolean int8Io;

    @Option(names = "--codebook", paramLabel = "K",
            description = "k-means codebook of K = 2..256 values per conv/depthwise/fully connected layer; writes a Sparrow"
                    + " codebook file (runtime/CODEBOOK-FORMAT.md) that Sparrow runs and TensorFlow Lite does not")
    Integer codebook;

    @Option(names = "--mixed-precision", paramLabel = "BUDGET", converter = OptionRanges.Budget.class,
            description = "per layer fp32 or a codebook of K = 256/64/16/4, chosen by each layer's measured output deviation"
                    + " on the calibration images so the weights fit BUDGET (in (0, 1]) x their float32 bytes; writes a"
                    + " Sparrow codebook file and compares with uniform codebooks")
    Double mixedPrecision;

    @Option(names = "--prune", paramLabel = "S", converter = OptionRanges.Sparsity.class,
            description = "magnitude pruning of 1x1 conv and fully connected weights to sparsity S in [0, 1), per layer; first conv dense")
    Double sparsity;

    @Option(names = "--block", defaultValue = "1x1", paramLabel = "1x1|1x4|4x1",
            description = "pruned block: output channels x input channels (default ${DEFAULT-VALUE})")
    String block;

    @Option(names = "--sparse-encoding", description = "with --prune (float): store weights that are at least 30%% zeros in"
            + " TensorFlow Lite's own sparse encoding (CSR, behind DENSIFY) instead of with the zeros in place")
    boolean sparseEncoding;

    @Option(names = "--calib", paramLabel = "DIR",
            description = "folder of images (PNG, JPEG, BMP, GIF): int8 calibrates on them, the held-out ones measure the deviation")
    Path calibration;

    @Option(names = "--normalize", defaultValue = "MINUS_ONE_TO_ONE",
            description = "how pixels map to the model's input: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
    InputNormalization normalization;

    @Option(names = "--holdout", paramLabel = "N", converter = OptionRanges.Count.class,
            description = "images (last in name order) kept out of calibration to measure the deviation"
                    + " (default: a fifth, at least 1, with --int8 or --mixed-precision; all of them without)")
    Integer holdout;

    @Option(names = "--clip", defaultValue = "MSE",
            description = "activation ranges: MSE (min/max or MSE-optimal clipping, per tensor) or MINMAX (default ${DEFAULT-VALUE})")
    ActivationRanges.Clipping clipping;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        MagnitudePruning.Target pruning = sparsity == null ? null
                : new MagnitudePruning.Target(sparsity, MagnitudePruning.Block.parse(block));
        int entries = codebook == null ? 0 : codebook; // its range is Compression.Options' to check
        if (!int8 && pruning == null && entries == 0 && mixedPrecision == null) {
            throw new IllegalArgumentException("nothing to do: give --int8, --codebook K, --mixed-precision BUDGET and/or --prune S");
        }
        if (calibration == null) {
            throw new IllegalArgumentException("compress needs --calib DIR, a folder of images like the model's inputs"
                    + " (to calibrate int8 and to measure the deviation)");
        }
        int images = CalibrationImages.list(calibration).size();
        boolean calibrates = int8 || mixedPrecision != null;
        int heldOut = holdout != null ? holdout : calibrates ? Math.max(1, images / 5) : images;
        CompressionReport report = Compression.run(input, output,
                new Compression.Options(calibration, normalization, heldOut, pruning, int8, clipping, int8Io,
                        sparseEncoding, entries, mixedPrecision == null ? 0 : mixedPrecision));
        if (json) {
            out().println(Json.write(report.toMap()));
        } else {
            out().print(report.toText());
        }
        return SparrowCli.DONE;
    }
}
