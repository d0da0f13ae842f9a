package dev.sparrow.agent.pipeline;

import dev.sparrow.devices.frames.Frame;
import dev.sparrow.runtime.exec.Int8Mode;
import dev.sparrow.runtime.exec.Interpreter;
import dev.sparrow.runtime.model.DataType;
import dev.sparrow.runtime.model.Model;
import dev.sparrow.runtime.model.Quantization;
import dev.sparrow.runtime.model.Tensor;
import dev.sparrow.runtime.tflite.TfliteReader;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A TensorFlow Lite model run on every camera frame (the agent's second branch beside place recognition):
 * the grey frame is resized to the model's image input (bilinear), copied into each of its channels, scaled
 * to the model's {@link InputRange} and, for an int8/uint8 input, quantised with the input tensor's own scale
 * and zero point.
 */
public final class FrameModel implements AutoCloseable {
    /** How a float input expects its pixels. */
    public enum InputRange {
        /** 0..1 (pixel / 255) */
        unit,
        /** -1..1 (pixel / 127.5 - 1), MediaPipe's convention */
        symmetric
    }

    /** What the model made of one frame. */
    public record Inference(List<OutputSummary> outputs, long nanos) {
    }

    private final Path file;
    private final Interpreter interpreter;
    private final Tensor input;
    private final int height;
    private final int width;
    private final int channels;
    private final InputRange range;

    private FrameModel(Path file, Interpreter interpreter, InputRange range) {
        this.file = file;
        this.interpreter = interpreter;
        this.input = interpreter.inputTensor(0);
        this.height = input.dim(1);
        this.width = input.dim(2);
        this.channels = input.dim(3);
        this.range = range;
    }

    /**
     * Loads {@code file}; it must have one image input [1, height, width, 1 or 3] of float32, int8 or uint8.
     *
     * @throws IllegalArgumentException naming the file when its input is not an image
     */
    public static FrameModel load(Path file, int threads, InputRange range) throws IOException {
        Model model = TfliteReader.read(file);
        if (model.inputs().length != 1) {
            throw new IllegalArgumentException(file + ": " + model.inputs().length + " inputs; a frame model takes one image");
        }
        Tensor in = model.input(0);
        int[] s = in.shape();
        boolean image = s.length == 4 && s[0] == 1 && (s[3] == 1 || s[3] == 3)
                && (in.type() == DataType.FLOAT32 || in.type() == DataType.INT8 || in.type() == DataType.UINT8);
        if (!image) {
            throw new IllegalArgumentException(file + ": input " + in.describe()
                    + " is not an image [1, height, width, 1 or 3] of float32, int8 or uint8");
        }
        return new FrameModel(file, Interpreter.create(model, new Interpreter.Options(threads, Int8Mode.TFLITE)), range);
    }

    public Path file() {
        return file;
    }

    /** Runs the model on one frame. Not thread-safe (one interpreter): the pipeline's worker calls it. */
    public Inference infer(Frame frame) {
        long t0 = System.nanoTime();
        byte[] grey = resizedGrey(frame);
        if (input.type() == DataType.FLOAT32) {
            interpreter.setInput(0, floats(grey));
        } else {
            interpreter.setInputRaw(0, quantised(grey)); // one byte per element: raw is the value
        }
        interpreter.run();
        List<OutputSummary> outputs = new ArrayList<>(interpreter.outputCount());
        for (int i = 0; i < interpreter.outputCount(); i++) {
            outputs.add(OutputSummary.of(interpreter, i));
        }
        return new Inference(outputs, System.nanoTime() - t0);
    }

    private byte[] resizedGrey(Frame frame) {
        if (frame.width() == width && frame.height() == height) {
            return frame.pixels();
        }
        BufferedImage source = Pipeline.grey(frame);
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        var g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        byte[] pixels = new byte[width * height];
        scaled.getRaster().getDataElements(0, 0, width, height, pixels);
        return pixels;
    }

    /** A pixel as the real value the model expects. */
    private float real(byte pixel) {
        int p = pixel & 0xFF;
        return range == InputRange.unit ? p / 255f : p / 127.5f - 1f;
    }

    private float[] floats(byte[] grey) {
        float[] values = new float[grey.length * channels];
        for (int p = 0; p < grey.length; p++) {
            float v = real(grey[p]);
            for (int c = 0; c < channels; c++) {
                values[p * channels + c] = v;
            }
        }
        return values;
    }

    private byte[] quantised(byte[] grey) {
        Quantization q = input.quantization();
        float scale = q.scale();
        int zeroPoint = q.zeroPoint();
        boolean signed = input.type() == DataType.INT8;
        byte[] values = new byte[grey.length * channels];
        for (int p = 0; p < grey.length; p++) {
            long v = Math.round(real(grey[p]) / scale) + zeroPoint;
            byte b = (byte) (signed ? Math.clamp(v, -128, 127) : Math.clamp(v, 0, 255));
            for (int c = 0; c < channels; c++) {
                values[p * channels + c] = b;
            }
        }
        return values;
    }

    @Override
    public void close() {
        interpreter.close();
    }
}
