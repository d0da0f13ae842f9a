package dev.sparrow.agent.config;

import dev.sparrow.agent.pipeline.FrameModel;
import dev.sparrow.agent.telemetry.Topics;
import java.nio.file.Path;

/**
 * The agent's configuration ({@code sparrow run --config FILE}, YAML; see {@code agent/sparrow.example.yaml}).
 * Keys are snake_case; relative paths are relative to the configuration file's folder. Each record checks its
 * own values and names the offending key; {@link ConfigLoader} adds the path of the section.
 *
 * @param recognizer place recognition (an SNN network or ensemble); optional when there is a model
 * @param model      a TensorFlow Lite model run on every frame; optional when there is a recogniser
 * @param gpio       status LED, pause button and I2C sensor; absent on a robot without them
 * @param firmware   the serial link to the robot's microcontroller; absent without one
 */
public record AgentConfig(String robotId, Source source, Recognizer recognizer, Model model, Mqtt mqtt,
                          Outbox outbox, Double metricsIntervalS, Gpio gpio, Firmware firmware) {
    public AgentConfig {
        if (robotId == null) {
            throw new ConfigValueException("robot_id", "missing (letters, digits, '-' or '_')");
        }
        if (!Topics.validRobotId(robotId)) {
            throw new ConfigValueException("robot_id", "'" + robotId + "' must be 1-64 letters, digits, '-' or '_'");
        }
        if (source == null) {
            throw new ConfigValueException("source", "missing: where frames come from (type: folder or raw)");
        }
        if (recognizer == null && model == null) {
            throw new ConfigValueException("recognizer", "missing: a place recogniser (network: FILE.snn), a model "
                    + "(model: {file: FILE.tflite}), or both");
        }
        mqtt = mqtt != null ? mqtt : new Mqtt(null, null, null, null, null, null, null);
        outbox = outbox != null ? outbox : new Outbox(null, null);
        metricsIntervalS = metricsIntervalS != null ? metricsIntervalS : 5.0;
        if (!(metricsIntervalS >= 0.1 && metricsIntervalS <= 3600)) {
            throw new ConfigValueException("metrics_interval_s", metricsIntervalS + " outside 0.1..3600 seconds");
        }
    }

    /** Where frames come from. */
    public enum SourceType { folder, raw }

    /** Pixel layout of raw frames. */
    public enum RawFormat { grey, yuv420 }

    /**
     * @param path   the image folder ({@code folder}), or the file or named pipe of raw frames ({@code raw};
     *               {@code -} for standard input)
     * @param rate   frames per second taken from the source
     * @param loop   replay the folder from the start when it ends
     */
    public record Source(SourceType type, Path path, Double rate, Boolean loop, Integer width, Integer height,
                         RawFormat format) {
        public Source {
            if (type == null) {
                throw new ConfigValueException("type", "missing: folder or raw");
            }
            if (path == null) {
                throw new ConfigValueException("path", "missing");
            }
            rate = rate != null ? rate : 5.0;
            if (!(rate >= 0.1 && rate <= 60)) {
                throw new ConfigValueException("rate", rate + " outside 0.1..60 frames per second");
            }
            loop = loop != null && loop;
            if (type == SourceType.raw) {
                if (width == null || height == null) {
                    throw new ConfigValueException(width == null ? "width" : "height", "missing: raw frames need their size");
                }
                if (width < 1 || height < 1 || (long) width * height > 40_000_000L) {
                    throw new ConfigValueException("width", width + "x" + height + " is not a frame size (1..40 megapixels)");
                }
                format = format != null ? format : RawFormat.yuv420;
            } else if (width != null || height != null || format != null) {
                throw new ConfigValueException(width != null ? "width" : height != null ? "height" : "format",
                        "only for type: raw (a folder's images carry their size)");
            }
        }
    }

    /**
     * @param network  a file written by {@code sparrow snn train} (network or ensemble)
     * @param sequence sequence-matching length L (1 = frame by frame)
     */
    public record Recognizer(Path network, Integer sequence) {
        public Recognizer {
            if (network == null) {
                throw new ConfigValueException("network", "missing: the .snn file");
            }
            sequence = sequence != null ? sequence : 4;
            if (sequence < 1 || sequence > 100) {
                throw new ConfigValueException("sequence", sequence + " outside 1..100");
            }
        }
    }

    /**
     * @param file       a {@code .tflite} file with one image input [1, height, width, 1 or 3]
     * @param threads    threads for one inference
     * @param inputRange what a float input expects: {@code unit} (0..1) or {@code symmetric} (-1..1)
     */
    public record Model(Path file, Integer threads, FrameModel.InputRange inputRange) {
        public Model {
            if (file == null) {
                throw new ConfigValueException("file", "missing: the .tflite file");
            }
            threads = threads != null ? threads : 1;
            if (threads < 1 || threads > Runtime.getRuntime().availableProcessors()) {
                throw new ConfigValueException("threads", threads + " outside 1.." + Runtime.getRuntime().availableProcessors()
                        + " (this machine's processors)");
            }
            inputRange = inputRange != null ? inputRange : FrameModel.InputRange.unit;
        }
    }

    /**
     * @param uri          {@code tcp://host:port} or {@code ssl://host:port}; absent: an embedded broker on 127.0.0.1
     * @param caFile       PEM CA certificate(s) the broker's certificate must chain to (ssl:// only; the host
     *                     name is verified too)
     * @param passwordFile a file whose first line is the password; or {@code password_env}, the name of an
     *                     environment variable holding it. The password itself is never in the configuration.
     */
    public record Mqtt(String uri, String clientId, Path caFile, String username, Path passwordFile,
                       String passwordEnv, Integer keepaliveS) {
        public Mqtt {
            if (uri != null && !uri.startsWith("tcp://") && !uri.startsWith("ssl://")) {
                throw new ConfigValueException("uri", "'" + uri + "' must start with tcp:// or ssl://");
            }
            if (uri != null && uri.startsWith("ssl://") && caFile == null) {
                throw new ConfigValueException("ca_file", "missing: ssl:// needs the CA that signed the broker's certificate");
            }
            if (uri != null && uri.startsWith("tcp://") && caFile != null) {
                throw new ConfigValueException("ca_file", "set, but the uri is tcp:// (use ssl://)");
            }
            if (passwordFile != null && passwordEnv != null) {
                throw new ConfigValueException("password_file", "give password_file or password_env, not both");
            }
            if ((passwordFile != null || passwordEnv != null) && username == null) {
                throw new ConfigValueException("username", "missing: a password needs a username");
            }
            if (clientId != null && (clientId.isEmpty() || clientId.length() > 64)) {
                throw new ConfigValueException("client_id", "must be 1-64 characters");
            }
            keepaliveS = keepaliveS != null ? keepaliveS : 30;
            if (keepaliveS < 5 || keepaliveS > 3600) {
                throw new ConfigValueException("keepalive_s", keepaliveS + " outside 5..3600 seconds");
            }
        }
    }

    /**
     * @param dir   where place events wait for the broker (default: {@code outbox/} beside the configuration)
     * @param maxMb bound of the outbox in MiB; metrics are dropped first, place events never
     */
    public record Outbox(Path dir, Integer maxMb) {
        public Outbox {
            maxMb = maxMb != null ? maxMb : 64;
            if (maxMb < 1 || maxMb > 1 << 20) {
                throw new ConfigValueException("max_mb", maxMb + " outside 1..1048576");
            }
        }
    }

    /**
     * BCM pin numbers; each part is optional.
     *
     * @param mock use Pi4J's mock platform (for a bench without a board)
     */
    public record Gpio(Integer ledPin, Integer buttonPin, Integer i2cBus, Integer i2cAddress, Boolean mock) {
        public Gpio {
            for (Integer pin : new Integer[] {ledPin, buttonPin}) {
                if (pin != null && (pin < 0 || pin > 27)) {
                    throw new ConfigValueException(pin.equals(ledPin) ? "led_pin" : "button_pin",
                            pin + " is not a BCM GPIO pin (0..27)");
                }
            }
            if ((i2cBus == null) != (i2cAddress == null)) {
                throw new ConfigValueException(i2cBus == null ? "i2c_bus" : "i2c_address", "missing: give both i2c_bus and i2c_address");
            }
            if (i2cAddress != null && (i2cAddress < 0x03 || i2cAddress > 0x77)) {
                throw new ConfigValueException("i2c_address", i2cAddress + " is not a 7-bit I2C address (0x03..0x77)");
            }
            mock = mock != null && mock;
        }
    }

    /** The serial port of the robot's microcontroller. */
    public record Firmware(String port, Integer baud) {
        public Firmware {
            if (port == null) {
                throw new ConfigValueException("port", "missing: e.g. /dev/ttyACM0");
            }
            baud = baud != null ? baud : 115_200;
            if (baud < 1200 || baud > 4_000_000) {
                throw new ConfigValueException("baud", baud + " outside 1200..4000000");
            }
        }
    }
}
