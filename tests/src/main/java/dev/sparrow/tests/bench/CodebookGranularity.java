package dev.sparrow.tests.bench;

import dev.sparrow.runtime.compress.CalibrationImages;
import dev.sparrow.runtime.compress.CodebookQuantizer;
import dev.sparrow.runtime.compress.InputNormalization;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.BuiltinOp;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Operator;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.TfliteReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why {@code --codebook} clusters per layer over weights scaled per output channel: the output deviation
 * of four granularities of k-means codebook at one K, on the last images of a folder, next to the bytes
 * their tables (codebooks and scales) add. The weights are replaced by their decoded values in a float
 * model, so the numbers are those of the granularity alone. Run with
 * {@code SPARROW_MAIN=dev.sparrow.tests.bench.CodebookGranularity ./sparrow MODEL K NORMALIZATION IMAGE_DIR [images]}.
 */
public final class CodebookGranularity {
    private static final long SEED = 12;

    private enum Granularity {
        LAYER("one codebook per layer"), LAYER_SCALED("per layer, channels scaled (Sparrow)"),
        GROUPS_OF_8("one codebook per 8 output channels"), CHANNEL("one codebook per output channel");

        final String label;

        Granularity(String label) {
            this.label = label;
        }
    }

    public static void main(String[] args) throws Exception {
        Model model = TfliteReader.read(Path.of(args[0]));
        int entries = Integer.parseInt(args[1]);
        InputNormalization normalization = InputNormalization.valueOf(args[2]);
        List<Path> all = CalibrationImages.list(Path.of(args[3]));
        int count = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        Tensor in = model.input(0);
        List<float[]> images = new ArrayList<>();
        for (Path p : all.subList(all.size() - count, all.size())) {
            images.add(CalibrationImages.load(p, in.dim(1), in.dim(2), in.dim(3), normalization));
        }
        System.out.printf(Locale.ROOT, "%s, K = %d, %d images: mean |dev| per output as %% of its largest |value|%n",
                Path.of(args[0]).getFileName(), entries, count);
        for (Granularity g : Granularity.values()) {
            long[] tableFloats = new long[1];
            Model decoded = decode(model, entries, g, tableFloats);
            System.out.printf(Locale.ROOT, "| %s | %,d |%s%n", g.label, 4 * tableFloats[0], deviation(model, decoded, images));
        }
    }

    /** The model with every conv, depthwise and FC weight replaced by its codebook values at granularity {@code g}. */
    private static Model decode(Model model, int entries, Granularity g, long[] tableFloats) {
        List<Tensor> tensors = new ArrayList<>(model.tensors());
        for (Operator op : model.operators()) {
            boolean depthwise = op.op() == BuiltinOp.DEPTHWISE_CONV_2D;
            if (!(op.op() == BuiltinOp.CONV_2D || depthwise || op.op() == BuiltinOp.FULLY_CONNECTED) || op.input(1) < 0) {
                continue;
            }
            Tensor w = tensors.get(op.input(1));
            if (!w.isConstant() || w.type() != DataType.FLOAT32 || w.palette() != null) {
                continue;
            }
            float[] v = w.floats();
            int channels = depthwise ? w.dim(w.rank() - 1) : w.dim(0);
            int stride = depthwise ? 1 : v.length / channels;
            float[] out = switch (g) {
                case LAYER -> CodebookQuantizer.palettise(v, 1, v.length, entries, SEED).decode(v.length);
                case LAYER_SCALED -> CodebookQuantizer.palettise(v, channels, stride, entries, SEED).decode(v.length);
                case GROUPS_OF_8 -> byGroups(v, channels, stride, 8, entries);
                case CHANNEL -> byGroups(v, channels, stride, 1, entries);
            };
            tableFloats[0] += switch (g) {
                case LAYER -> entries;
                case LAYER_SCALED -> entries + channels;
                case GROUPS_OF_8 -> (long) entries * ((channels + 7) / 8);
                case CHANNEL -> (long) entries * channels;
            };
            ByteBuffer data = ByteBuffer.allocate(4 * out.length).order(ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(out);
            tensors.set(w.index(), new Tensor(w.index(), w.name(), w.type(), w.shape(), null, data.array(), false));
        }
        return new Model(model.source(), model.version(), model.description(), List.copyOf(tensors), model.operators(),
                model.inputs(), model.outputs());
    }

    /** A raw codebook per group of {@code group} channels (channel of value e: (e / stride) mod channels). */
    private static float[] byGroups(float[] v, int channels, int stride, int group, int entries) {
        float[] out = new float[v.length];
        for (int c0 = 0; c0 < channels; c0 += group) {
            int c1 = Math.min(channels, c0 + group);
            List<Integer> members = new ArrayList<>();
            for (int e = 0; e < v.length; e++) {
                int c = e / stride % channels;
                if (c >= c0 && c < c1) {
                    members.add(e);
                }
            }
            float[] sub = new float[members.size()];
            for (int i = 0; i < sub.length; i++) {
                sub[i] = v[members.get(i)];
            }
            float[] decoded = CodebookQuantizer.palettise(sub, 1, sub.length, entries, SEED).decode(sub.length);
            for (int i = 0; i < sub.length; i++) {
                out[members.get(i)] = decoded[i];
            }
        }
        return out;
    }

    private static String deviation(Model original, Model decoded, List<float[]> images) {
        int outputs = original.outputs().length;
        double[] sum = new double[outputs];
        double[] range = new double[outputs];
        long[] n = new long[outputs];
        try (Interpreter a = Interpreter.create(original); Interpreter b = Interpreter.create(decoded)) {
            for (float[] x : images) {
                a.setInput(0, x);
                b.setInput(0, x);
                a.run();
                b.run();
                for (int o = 0; o < outputs; o++) {
                    float[] u = a.outputFloats(o);
                    float[] v = b.outputFloats(o);
                    for (int k = 0; k < u.length; k++) {
                        sum[o] += Math.abs((double) u[k] - v[k]);
                        range[o] = Math.max(range[o], Math.abs(u[k]));
                        n[o]++;
                    }
                }
            }
        }
        StringBuilder s = new StringBuilder();
        for (int o = 0; o < outputs; o++) {
            s.append(String.format(Locale.ROOT, " %.3f %% |", 100 * sum[o] / n[o] / range[o]));
        }
        return s.toString();
    }
}
