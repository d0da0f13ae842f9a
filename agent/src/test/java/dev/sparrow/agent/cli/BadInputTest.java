package dev.sparrow.agent.cli;

import static dev.sparrow.agent.cli.CliRun.sparrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.testsupport.SharedData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong files, folders and options given to the CLI: each ends in exit 2 and one line on stderr that names
 * the file or option, never in a stack trace, an OutOfMemoryError or a hang. Every file is made here.
 */
class BadInputTest {
    /**
     * A corridor-layout data set of {@code places} random 32×24 grey images per traverse; query q matches places
     * q − 1 .. q + 1, the usual tolerance window.
     */
    private static Path corridor(Path dir, int places) throws IOException {
        return corridor(dir, places, 7, 32);
    }

    /**
     * The same layout with {@code width}×24 images drawn from {@code seed}: another route. Its images need
     * another size too, as photographs of another route would have: random pixels do not compress, so
     * images of one size have one file size, and a route is fingerprinted by its file names and sizes.
     */
    private static Path corridor(Path dir, int places, long seed, int width) throws IOException {
        Files.createDirectories(dir.resolve("reference"));
        Files.createDirectories(dir.resolve("query"));
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("query_index,query_file,matching_reference_indices\n");
        for (int i = 0; i < places; i++) {
            String name = String.format(Locale.ROOT, "%07d.png", i);
            for (String folder : new String[] {"reference", "query"}) {
                BufferedImage image = new BufferedImage(width, 24, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 24; y++) {
                    for (int x = 0; x < width; x++) {
                        image.getRaster().setSample(x, y, 0, random.nextInt(256));
                    }
                }
                ImageIO.write(image, "png", dir.resolve(folder).resolve(name).toFile());
            }
            csv.append(i).append(',').append(name).append(',').append(Math.max(0, i - 1)).append(';').append(i);
            if (i + 1 < places) {
                csv.append(';').append(i + 1);
            }
            csv.append('\n');
        }
        Files.writeString(dir.resolve("ground_truth.csv"), csv);
        return dir;
    }

    @Test
    void anImageDeclaringTooManyPixelsIsRefusedByNameNotDecoded(@TempDir Path dir) throws IOException {
        Path data = corridor(dir.resolve("route"), 12);
        Path huge = data.resolve("reference").resolve("0000005.png");
        ByteBuffer png = ByteBuffer.wrap(Files.readAllBytes(huge));
        int ihdrData = 16; // after the 8-byte signature, the chunk length and "IHDR"
        png.putInt(ihdrData, 46_000).putInt(ihdrData + 4, 46_000);
        CRC32 crc = new CRC32();
        crc.update(png.array(), ihdrData - 4, 4 + 13);
        png.putInt(ihdrData + 13, (int) crc.getValue());
        Files.write(huge, png.array());

        CliRun train = sparrow("snn", "train", "--data", data.toString(), "--places", "12", "--out",
                dir.resolve("route.snn").toString());
        assertEquals(SparrowCli.BAD_INPUT, train.code());
        assertEquals("sparrow train: " + huge + ": header declares 46000x46000 = 2116000000 pixels, over the limit of"
                + " 40000000", train.line());
    }

    @Test
    void modelRunInputIsCheckedBeforeItIsRead(@TempDir Path dir) throws Exception {
        String model = SharedData.model("hand_recrop.tflite").toString();
        Path wrongSize = dir.resolve("short.raw");
        Files.write(wrongSize, new byte[10]);
        CliRun shortFile = sparrow("model", "run", model, "--input", wrongSize.toString());
        assertEquals(SparrowCli.BAD_INPUT, shortFile.code());
        assertTrue(shortFile.line().startsWith("sparrow run: --input " + wrongSize + " has 10 bytes; input tensor 0 "),
                shortFile.err());

        Path fifo = dir.resolve("camera.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        for (String notAFile : new String[] {fifo.toString(), "/dev/zero", dir.toString()}) {
            CliRun run = sparrow("model", "run", model, "--input", notAFile);
            assertEquals(SparrowCli.BAD_INPUT, run.code(), notAFile);
            assertEquals("sparrow run: --input " + notAFile + " is not a regular file (a directory, FIFO or device);"
                    + " give a file of raw tensor bytes", run.line());
        }
        CliRun missing = sparrow("model", "run", model, "--input", dir.resolve("nope.raw").toString());
        assertEquals("sparrow run: --input " + dir.resolve("nope.raw") + " does not exist", missing.line());
    }

    @Test
    void optionsOutOfRangeAreRefusedWhileParsingNamingTheOption() {
        String tooManyThreads = String.valueOf(Runtime.getRuntime().availableProcessors() + 1);
        String[][] cases = {
                {"--sequence", "snn", "eval", "--model", "m.snn", "--data", "d", "--sequence", "0"},
                {"--sequence", "snn", "eval", "--model", "m.snn", "--data", "d", "--sequence", "-1"},
                {"--every", "snn", "eval", "--model", "m.snn", "--data", "d", "--every", "0"},
                {"--prefilter", "snn", "eval", "--model", "m.snn", "--data", "d", "--prefilter", "-2"},
                {"--members", "snn", "train", "--data", "d", "--places", "9", "--out", "o", "--members", "0"},
                {"--members", "snn", "train", "--data", "d", "--places", "9", "--out", "o", "--members", "-3"},
                {"--places", "snn", "train", "--data", "d", "--places", "1", "--out", "o"},
                {"--epochs", "snn", "train", "--data", "d", "--places", "9", "--out", "o", "--epochs", "0"},
                {"--epoch-step", "snn", "train", "--data", "d", "--places", "9", "--out", "o", "--epoch-step", "-10"},
                {"--neurons-per-module", "snn", "train", "--data", "d", "--places", "9", "--out", "o",
                        "--neurons-per-module", "0"},
                {"--threads", "snn", "train", "--data", "d", "--places", "9", "--out", "o", "--threads", "0"},
                {"--threads", "snn", "train", "--data", "d", "--places", "9", "--out", "o", "--threads", tooManyThreads},
                {"--threads", "model", "run", "m.tflite", "--threads", "0"},
                {"--threads", "model", "run", "m.tflite", "--threads", "1000"},
                {"--threads", "model", "check", "m.tflite", "--against", "tflite", "--threads", "0"},
                {"--threads", "bench", "model", "m.tflite", "--threads", tooManyThreads},
                {"--rounds", "bench", "model", "m.tflite", "--rounds", "0"},
                {"--places", "snn", "dataset", "--from", "d", "--out", "o", "--places", "-1"},
                {"--every", "snn", "dataset", "--from", "d", "--out", "o", "--every", "0"},
                {"--places", "demo", "--places", "-5"},
                {"--rate", "demo", "--rate", "0"},
                {"--rate", "demo", "--rate", "61"},
                {"--sequence", "demo", "--sequence", "0"},
                {"--sequence", "demo", "--sequence", "101"},
                {"--port", "demo", "--port", "0"},
                {"--port", "demo", "--port", "65536"},
                {"--duration", "demo", "--duration", "0s"},
                {"--count", "monitor", "--count", "0"},
                {"--count", "monitor", "--count", "-1"},
                {"--refresh", "monitor", "--refresh", "0ms"},
                {"--baud", "bridge", "send", "--port", "/dev/null", "--baud", "0"},
                {"--baud", "bridge", "send", "--port", "/dev/null", "--baud", "-9600"},
                {"--baud", "bridge", "monitor", "--port", "/dev/null", "--baud", "20000000"},
                {"--place", "bridge", "send", "--port", "/dev/null", "--place", "-1"},
                {"--place", "bridge", "send", "--port", "/dev/null", "--place", "4294967296"},
                {"--score", "bridge", "send", "--port", "/dev/null", "--score", "NaN"},
                {"--score", "bridge", "send", "--port", "/dev/null", "--score", "Infinity"},
                {"--timeout", "bridge", "send", "--port", "/dev/null", "--timeout", "0s"},
                {"--prune", "compress", "m.tflite", "-o", "o.tflite", "--prune", "1"},
                {"--prune", "compress", "m.tflite", "-o", "o.tflite", "--prune", "-0.1"},
                {"--holdout", "compress", "m.tflite", "-o", "o.tflite", "--int8", "--holdout", "0"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRun run = sparrow(args);
            String command = String.join(" ", args);
            assertEquals(SparrowCli.BAD_INPUT, run.code(), command);
            String first = run.err().lines().findFirst().orElse("");
            assertTrue(first.contains("Invalid value for option '" + c[0] + "'"), command + " -> " + run.err());
        }
    }

    @Test
    void optionsThatTheDataCannotHonourAreRefusedNotClamped(@TempDir Path dir) throws IOException {
        Path data = corridor(dir.resolve("route"), 12);
        // Two places: every query's window reaches the test place, so nothing is left to calibrate on.
        CliRun two = sparrow("snn", "train", "--data", data.toString(), "--places", "2", "--out", dir.resolve("two.snn").toString());
        assertEquals(SparrowCli.BAD_INPUT, two.code());
        assertEquals("sparrow train: --places 2: no query of " + data + " matches only its 1 calibration place(s);"
                + " use more places", two.line());

        Path model = dir.resolve("route.snn");
        CliRun train = sparrow("snn", "train", "--data", data.toString(), "--places", "12", "--neurons-per-module", "10",
                "--epochs", "1", "--epoch-step", "0", "--threads", "1", "--out", model.toString());
        assertEquals(SparrowCli.DONE, train.code(), train.err());
        CliRun eval = sparrow("snn", "eval", "--model", model.toString(), "--data", data.toString(), "--sequence", "1000");
        assertEquals(SparrowCli.BAD_INPUT, eval.code());
        assertEquals("sparrow eval: --sequence 1000 is longer than the 10 test places of " + data, eval.line());
    }

    @Test
    void messagesNameTheFileAndWhatIsWrongWithIt(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nonexistent.tflite");
        assertEquals("sparrow inspect: model file not found: " + missing,
                sparrow("model", "inspect", missing.toString()).line());
        assertEquals("sparrow run: " + dir + " is a directory, not a .tflite model file",
                sparrow("model", "run", dir.toString()).line());
        assertEquals("sparrow eval: " + dir + " is a directory, not a network file written by 'sparrow snn train'",
                sparrow("snn", "eval", "--model", dir.toString(), "--data", dir.toString()).line());

        Path data = corridor(dir.resolve("route"), 12);
        Path corrupt = data.resolve("query").resolve("0000007.png");
        Files.write(corrupt, java.util.Arrays.copyOf(Files.readAllBytes(corrupt), 60));
        CliRun train = sparrow("snn", "train", "--data", data.toString(), "--places", "12", "--out",
                dir.resolve("route.snn").toString());
        assertEquals(SparrowCli.BAD_INPUT, train.code());
        assertTrue(train.line().startsWith("sparrow train: " + corrupt + ": corrupt or unreadable image: "), train.err());
    }

    @Test
    void anOutputThatCannotBeWrittenFailsBeforeTraining(@TempDir Path dir) throws IOException {
        Path data = corridor(dir.resolve("route"), 12);
        CliRun intoADirectory = sparrow("snn", "train", "--data", data.toString(), "--places", "12", "--out", data.toString());
        assertEquals(SparrowCli.BAD_INPUT, intoADirectory.code());
        assertEquals("sparrow train: " + data + " is a directory; give a file name to write the network to",
                intoADirectory.line());
        Path csv = data.resolve("ground_truth.csv");
        CliRun underAFile = sparrow("snn", "train", "--data", data.toString(), "--places", "12", "--out",
                csv.resolve("route.snn").toString());
        assertEquals("sparrow train: cannot write " + csv.resolve("route.snn") + ": " + csv + " is a file, not a folder",
                underAFile.line());
    }

    @Test
    void plotsThatCannotBeWrittenFailBeforeTheEvaluation(@TempDir Path dir) throws IOException {
        Path data = corridor(dir.resolve("route"), 12);
        Path model = dir.resolve("route.snn");
        CliRun train = sparrow("snn", "train", "--data", data.toString(), "--places", "12", "--neurons-per-module", "10",
                "--epochs", "1", "--epoch-step", "0", "--threads", "1", "--out", model.toString());
        assertEquals(SparrowCli.DONE, train.code(), train.err());

        // --data names no data set: a refusal about the plots shows they were checked before anything was read.
        Path noData = dir.resolve("no-such-route");
        Path csv = data.resolve("ground_truth.csv");
        CliRun underAFile = sparrow("snn", "eval", "--model", model.toString(), "--data", noData.toString(),
                "--plots", csv.toString());
        assertEquals(SparrowCli.BAD_INPUT, underAFile.code());
        assertEquals("sparrow eval: cannot write " + csv.resolve("route-pr.png") + ": " + csv + " is a file, not a folder",
                underAFile.line());

        Path plots = Files.createDirectories(dir.resolve("plots").resolve("route-similarity.png"));
        CliRun ontoADirectory = sparrow("snn", "eval", "--model", model.toString(), "--data", noData.toString(),
                "--plots", plots.getParent().toString());
        assertEquals(SparrowCli.BAD_INPUT, ontoADirectory.code());
        assertEquals("sparrow eval: " + plots + " is a directory; give a file name to write a plot to",
                ontoADirectory.line());
        assertTrue(underAFile.out().isEmpty() && ontoADirectory.out().isEmpty());

        CliRun written = sparrow("snn", "eval", "--model", model.toString(), "--data", data.toString(), "--plots",
                dir.resolve("new").resolve("plots").toString(), "--json");
        assertEquals(SparrowCli.DONE, written.code(), written.err());
        assertTrue(Files.isRegularFile(dir.resolve("new").resolve("plots").resolve("route-pr.png")), written.out());
    }

    /**
     * An Error from a command — which no input is known to cause, so a test-only verb throws it — still ends
     * in one line and exit 2, without a stack trace: a real stack overflow, and assertions with no message and
     * with a message of several lines.
     */
    @Test
    void anErrorFromACommandEndsInOneLineWithoutAStackTrace() {
        record Case(Object command, String line) {
        }
        Case[] cases = {
                new Case(new Recursing(), "sparrow: StackOverflowError (the input asks for more than this JVM can give)"),
                new Case(new Throwing(new AssertionError()), "sparrow: AssertionError"),
                new Case(new Throwing(new AssertionError("tensor 3\nhas no buffer")),
                        "sparrow: AssertionError: tensor 3 has no buffer"),
                new Case(new Throwing(new ExceptionInInitializerError("kernel table")),
                        "sparrow: ExceptionInInitializerError: kernel table"),
        };
        for (Case c : cases) {
            picocli.CommandLine cli = new picocli.CommandLine(new SparrowCli());
            cli.addSubcommand("fail", c.command());
            CliRun run = sparrow(cli, "fail");
            assertEquals(SparrowCli.BAD_INPUT, run.code(), run.err());
            assertEquals(c.line(), run.line());
            assertTrue(run.out().isEmpty(), run.out());
        }
    }

    /** A verb that overflows the stack for real, by unbounded recursion. */
    @picocli.CommandLine.Command(name = "fail")
    static final class Recursing implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            return depth(0);
        }

        private static int depth(int n) {
            return depth(n + 1) + 1;
        }
    }

    /** A verb that throws the Error it is given. */
    @picocli.CommandLine.Command(name = "fail")
    record Throwing(Error error) implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw error;
        }
    }

    @Test
    void aNetworkEvaluatedOnOtherDataIsRefusedNamingBothSides(@TempDir Path dir) throws IOException {
        Path routeA = corridor(dir.resolve("a"), 24);
        Path routeB = corridor(dir.resolve("b"), 24, 99, 40);
        Path model = dir.resolve("a.snn");
        CliRun train = sparrow("snn", "train", "--data", routeA.toString(), "--places", "12", "--neurons-per-module", "10",
                "--epochs", "1", "--epoch-step", "0", "--threads", "1", "--out", model.toString());
        assertEquals(SparrowCli.DONE, train.code(), train.err());

        CliRun otherRoute = sparrow("snn", "eval", "--model", model.toString(), "--data", routeB.toString(), "--json");
        assertEquals(SparrowCli.BAD_INPUT, otherRoute.code());
        assertTrue(otherRoute.line().matches("sparrow eval: " + Pattern.quote(model + " was trained on " + routeA
                + " (12 places, every 1, references ") + "\\p{XDigit}{16}\\) but --data selects "
                + Pattern.quote(routeB + " (12 places, every 1, references ") + "\\p{XDigit}{16}\\); pass the "
                + "training's --data and --every, or --force to evaluate anyway"), otherRoute.err());

        CliRun otherStride = sparrow("snn", "eval", "--model", model.toString(), "--data", routeA.toString(), "--every", "2");
        assertEquals(SparrowCli.BAD_INPUT, otherStride.code());
        assertTrue(otherStride.line().contains("but --data selects " + routeA + " (12 places, every 2,"), otherStride.err());

        CliRun forced = sparrow("snn", "eval", "--model", model.toString(), "--data", routeB.toString(), "--json", "--force");
        assertEquals(SparrowCli.DONE, forced.code(), forced.err());
        assertTrue(forced.err().contains("; evaluating anyway (--force)"), forced.err());

        CliRun same = sparrow("snn", "eval", "--model", model.toString(), "--data", routeA.toString(), "--json");
        assertEquals(SparrowCli.DONE, same.code(), same.err());

        Path modelB = dir.resolve("b.snn");
        assertEquals(SparrowCli.DONE, sparrow("snn", "train", "--data", routeB.toString(), "--places", "12",
                "--neurons-per-module", "10", "--epochs", "1", "--epoch-step", "0", "--threads", "1",
                "--out", modelB.toString()).code());
        CliRun mixed = sparrow("snn", "eval", "--model", model.toString(), "--model", modelB.toString(),
                "--data", routeA.toString());
        assertEquals(SparrowCli.BAD_INPUT, mixed.code());
        assertTrue(mixed.line().startsWith("sparrow eval: " + modelB + " was trained on " + routeB), mixed.err());
        assertTrue(mixed.line().contains(" but " + model + " on " + routeA), mixed.err());
    }
}
