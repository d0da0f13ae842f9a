package dev.sparrow.runtime.tflite;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparrow.runtime.model.ModelException;
import dev.sparrow.testsupport.SharedData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mutates the shared models (bit flips, byte overwrites, truncation, huge vector lengths, offsets turned
 * into 0, self-references, loops or values past the end) and requires every case to load or to fail with a
 * {@link ModelException} — never another exception, an OutOfMemoryError or a hang. Fixed seed.
 */
class ReaderFuzzTest {
    private static final long SEED = 0x5EED_5A22_0A11L;
    private static final int CASES = 4000;
    /** Smaller files first: the fuzzer spends its time on structure, not on copying weights. */
    private static final String[] MODELS = {"sparse_tensor.bin", "simple_quantized_ops.tflite", "matmul_quant.tflite",
            "MTKEXT_CONV_2D.tflite", "blockwise_quantized.tflite", "hand_recrop.tflite", "person_detect.tflite",
            "face_detection_short_range.tflite", "selfie_segmentation.tflite",
            "face_detection_full_range_sparse.tflite"};
    private static final int[] SPECIAL_WORDS = {0, 1, 2, 3, 4, -1, -4, 0x7FFF_FFFF, 0x8000_0000, 0x4000_0000,
            0xFFFF, 0x1_0000, 0x7FFF_FFF8};

    private record Seed(String name, byte[] bytes, int[] offsetWords) {}

    @Test
    void mutatedModelsLoadOrFailWithModelException() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String name : MODELS) {
            byte[] bytes = Files.readAllBytes(SharedData.model(name));
            seeds.add(new Seed(name, bytes, offsetLikeWords(bytes)));
        }
        int[] outcomes = new int[2];
        List<String> failures = new ArrayList<>();
        long[] slowest = {0};
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            SplittableRandom random = new SplittableRandom(SEED);
            for (int c = 0; c < CASES; c++) {
                // Bias towards the small files, but give every file its share.
                Seed seed = seeds.get(c % 3 == 0 ? random.nextInt(seeds.size()) : random.nextInt(seeds.size() - 1));
                byte[] bytes = seed.bytes().clone();
                StringBuilder what = new StringBuilder();
                bytes = mutate(bytes, seed.offsetWords(), random, what);
                long t0 = System.nanoTime();
                try {
                    TfliteReader.read(bytes, seed.name());
                    outcomes[0]++;
                } catch (ModelException e) {
                    outcomes[1]++;
                    if (!e.getMessage().startsWith(seed.name() + ": ") && failures.size() < 20) {
                        failures.add("case " + c + " " + seed.name() + " " + what + ": message does not start with"
                                + " the source: " + e.getMessage());
                    }
                } catch (Throwable t) {
                    if (failures.size() < 20) {
                        failures.add("case " + c + " " + seed.name() + " " + what + ": " + t);
                    }
                }
                slowest[0] = Math.max(slowest[0], System.nanoTime() - t0);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzz: %d cases in %.1f s: %d loaded, %d ModelException, %d other; slowest case %.1f ms%n",
                CASES, seconds, outcomes[0], outcomes[1], failures.size(), slowest[0] / 1e6);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(outcomes[1] > CASES / 4, "mutations should mostly break the files: " + Arrays.toString(outcomes));
    }

    /**
     * Every prefix of the small files fails cleanly or, when only trailing padding is cut, still loads;
     * prefixes that cut into the first half of the file always fail.
     */
    @Test
    void everyTruncationOfTheSmallFilesFailsCleanly() throws IOException {
        for (String name : new String[] {"sparse_tensor.bin", "simple_quantized_ops.tflite", "MTKEXT_CONV_2D.tflite"}) {
            byte[] bytes = Files.readAllBytes(SharedData.model(name));
            for (int length = 0; length < bytes.length; length++) {
                byte[] prefix = Arrays.copyOf(bytes, length);
                if (length < bytes.length / 2) {
                    assertThrows(ModelException.class, () -> TfliteReader.read(prefix, name), name + " cut to " + length);
                } else {
                    try {
                        TfliteReader.read(prefix, name);
                    } catch (ModelException expected) {
                        assertTrue(expected.getMessage().startsWith(name + ": "), expected.getMessage());
                    }
                }
            }
            TfliteReader.read(bytes, name);
        }
    }

    /** Aligned words whose value would be a forward offset inside the file: mostly real uoffsets and lengths. */
    private static int[] offsetLikeWords(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> positions = new ArrayList<>();
        for (int p = 0; p + 4 <= bytes.length; p += 4) {
            int v = b.getInt(p);
            if (v > 0 && v < bytes.length - p && v < 1 << 20) {
                positions.add(p);
            }
        }
        return positions.stream().mapToInt(Integer::intValue).toArray();
    }

    private static byte[] mutate(byte[] bytes, int[] words, SplittableRandom random, StringBuilder what) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int kind = random.nextInt(8);
        int word = words.length == 0 ? 0 : words[random.nextInt(words.length)];
        switch (kind) {
            case 0 -> {
                int flips = 1 + random.nextInt(16);
                what.append("flip ").append(flips).append(" bits");
                for (int i = 0; i < flips; i++) {
                    int p = random.nextInt(bytes.length);
                    bytes[p] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                what.append("flip bits of the word at ").append(word);
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                    bytes[word + random.nextInt(4)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> {
                int length = random.nextInt(4) == 0 ? random.nextInt(64) : random.nextInt(bytes.length);
                what.append("truncate to ").append(length);
                return Arrays.copyOf(bytes, length);
            }
            case 3 -> {
                int v = SPECIAL_WORDS[random.nextInt(SPECIAL_WORDS.length)];
                what.append("word at ").append(word).append(" := ").append(Integer.toUnsignedString(v));
                b.putInt(word, v);
            }
            case 4 -> {
                int target = words.length == 0 ? 0 : words[random.nextInt(words.length)];
                // An offset that points back to itself or to another offset field: a would-be cycle.
                int v = random.nextBoolean() ? 0 : target - word;
                what.append("word at ").append(word).append(" points to ").append(word + v);
                b.putInt(word, v);
            }
            case 5 -> {
                int v = random.nextBoolean() ? 0x4000_0000 : b.getInt(word) * (2 + random.nextInt(1000));
                what.append("word at ").append(word).append(" scaled to ").append(Integer.toUnsignedString(v));
                b.putInt(word, v);
            }
            case 6 -> {
                int n = 1 + random.nextInt(32);
                int p = random.nextInt(bytes.length);
                what.append("overwrite ").append(n).append(" bytes at ").append(p);
                for (int i = 0; i < n && p + i < bytes.length; i++) {
                    bytes[p + i] = (byte) random.nextInt(256);
                }
            }
            default -> {
                int p = word + 2 * random.nextInt(2);
                int v = new int[] {0, 1, 2, 3, 0xFFFF, 0x8000, 5}[random.nextInt(7)];
                what.append("u16 at ").append(p).append(" := ").append(v);
                b.putShort(p, (short) v);
            }
        }
        return bytes;
    }
}
