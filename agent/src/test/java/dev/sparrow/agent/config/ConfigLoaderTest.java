package dev.sparrow.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static final String MINIMAL = """
            robot_id: r1
            source: {type: folder, path: frames}
            recognizer: {network: places.snn}
            """;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("sparrow.yaml"), yaml);
    }

    private String error(String yaml) throws IOException {
        Path file = write(yaml);
        return assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(file)).getMessage();
    }

    @Test
    void theShippedExampleIsValid() throws IOException {
        AgentConfig c = ConfigLoader.load(Path.of("sparrow.example.yaml"));
        assertEquals("rover-7", c.robotId());
        assertEquals(AgentConfig.SourceType.raw, c.source().type());
        assertEquals(Path.of("-"), c.source().path());
        assertEquals(AgentConfig.RawFormat.yuv420, c.source().format());
        assertEquals(640, c.source().width());
        assertEquals(0x48, c.gpio().i2cAddress());
        assertEquals(115_200, c.firmware().baud());
        assertEquals(Path.of("sparrow.example.yaml").toAbsolutePath().getParent().resolve("ca.crt"), c.mqtt().caFile());
        assertEquals(Path.of("/var/lib/sparrow/outbox"), c.outbox().dir());
    }

    @Test
    void defaultsAndRelativePaths() throws IOException {
        AgentConfig c = ConfigLoader.load(write(MINIMAL));
        assertEquals(dir.resolve("frames"), c.source().path());
        assertEquals(dir.resolve("places.snn"), c.recognizer().network());
        assertEquals(dir.resolve("outbox"), c.outbox().dir());
        assertEquals(5.0, c.source().rate());
        assertEquals(4, c.recognizer().sequence());
        assertNull(c.mqtt().uri(), "no uri: the embedded broker");
        assertEquals(64, c.outbox().maxMb());
        assertNull(c.gpio());
        assertNull(c.firmware());
    }

    @Test
    void aModelAloneIsEnoughAndNeitherIsAnError() throws IOException {
        AgentConfig c = ConfigLoader.load(write(MINIMAL.replace("recognizer: {network: places.snn}", "model: {file: m.tflite}")));
        assertNull(c.recognizer());
        assertEquals(dir.resolve("m.tflite"), c.model().file());
        assertEquals(1, c.model().threads());
        assertTrue(error(MINIMAL.replace("recognizer: {network: places.snn}\n", ""))
                .contains("key 'recognizer': missing: a place recogniser"));
        assertTrue(error(MINIMAL + "model: {file: m.tflite, input_range: wide}\n")
                .contains("key 'model.input_range': 'wide' is not one of [unit, symmetric]"));
    }

    @Test
    void unknownKeyIsNamedWithItsPath() throws IOException {
        String m = error(MINIMAL + "mqtt: {uri: tcp://127.0.0.1:1883, pasword_file: p}\n");
        assertTrue(m.contains("unknown key 'mqtt.pasword_file'"), m);
        assertTrue(m.contains("password_file"), "lists the known keys: " + m);
    }

    @Test
    void badValuesAreNamedWithTheirPathAndWhy() throws IOException {
        assertTrue(error(MINIMAL.replace("path: frames", "path: frames, rate: 500"))
                .contains("key 'source.rate': 500.0 outside 0.1..60"));
        assertTrue(error(MINIMAL.replace("type: folder", "type: webcam"))
                .contains("key 'source.type': 'webcam' is not one of [folder, raw]"));
        assertTrue(error(MINIMAL.replace("robot_id: r1", "robot_id: 'r1/#'"))
                .contains("key 'robot_id': 'r1/#' must be 1-64 letters"));
        assertTrue(error(MINIMAL + "mqtt: {uri: 'ssl://broker:8883'}\n")
                .contains("key 'mqtt.ca_file': missing"));
        assertTrue(error(MINIMAL + "mqtt: {uri: 'mqtt://broker'}\n").contains("key 'mqtt.uri'"));
        assertTrue(error(MINIMAL.replace("type: folder, path: frames", "type: raw, path: '-', width: 640"))
                .contains("key 'source.height': missing"));
        assertTrue(error(MINIMAL + "gpio: {led_pin: 40}\n").contains("key 'gpio.led_pin': 40 is not a BCM GPIO pin"));
        assertTrue(error(MINIMAL + "recognizer: {network: a.snn}\n").contains("recognizer"), "duplicate key");
        assertTrue(error(MINIMAL.replace("robot_id: r1\n", "")).contains("robot_id"));
    }

    @Test
    void notYamlAndMissingFile() throws IOException {
        String notYaml = error("robot_id: 'unterminated\nsource: x\n");
        assertTrue(notYaml.contains("not valid YAML at line"), notYaml);
        String m = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.load(dir.resolve("absent.yaml"))).getMessage();
        assertTrue(m.endsWith("absent.yaml: no such configuration file"), m);
    }
}
