package dev.sparrow.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparrow.agent.Json;
import dev.sparrow.testsupport.SharedData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The agent's verbs parse their defaults, answer bad input with one line and exit 2, and check a configuration. */
class AgentVerbsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int sparrow(String... args) {
        return SparrowCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void monitorWithItsDefaultsWatchesForTheGivenTimeAndPrintsTheTable() {
        // nothing listens on port 1: the monitor keeps retrying, then prints an empty fleet table
        assertEquals(SparrowCli.DONE, sparrow("monitor", "--broker", "tcp://127.0.0.1:1", "--duration", "300ms"), err.toString());
        assertTrue(out.toString().startsWith("robot"), out.toString());
        assertTrue(out.toString().contains("0 robots, 0 place events (0 distinct)"), out.toString());
    }

    @Test
    void monitorThatMissesItsCountSaysCheckFailed() {
        assertEquals(SparrowCli.CHECK_FAILED, sparrow("monitor", "--broker", "tcp://127.0.0.1:1", "--count", "1",
                "--duration", "200ms", "--json"));
        assertEquals("", out.toString(), "--json prints messages only");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        assertEquals(SparrowCli.BAD_INPUT, sparrow("demo", "--rate", "0"));
        assertEquals("sparrow demo: Invalid value for option '--rate': 0 is outside 0.1..60 frames per second",
                err.toString().lines().findFirst().orElse(""));
        err.getBuffer().setLength(0);
        assertEquals(SparrowCli.BAD_INPUT, sparrow("monitor", "--broker", "ssl://127.0.0.1:8883"));
        assertTrue(err.toString().strip().endsWith("needs --ca-file (the CA that signed the broker's certificate)"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(SparrowCli.BAD_INPUT, sparrow("run", "--config", "no-such.yaml"));
        assertEquals("sparrow run: no-such.yaml: no such configuration file", err.toString().strip());
        err.getBuffer().setLength(0);
        assertEquals(SparrowCli.BAD_INPUT, sparrow("monitor", "--duration", "soon"));
        assertTrue(err.toString().contains("'soon' is not a duration"), err.toString());
    }

    /** Each launch is a fresh JVM running the same benchmark; the summary reports every launch and the spread. */
    @Test
    void benchModelInSeveralLaunchesReportsEachLaunchAndTheSpread() throws Exception {
        String model = SharedData.model("hand_recrop.tflite").toString();
        assertEquals(SparrowCli.DONE, sparrow("bench", "model", model, "--launches", "2", "--warmup", "0", "--rounds", "3",
                "--json"), err.toString());
        JsonNode summary = Json.MAPPER.readTree(out.toString());
        assertEquals(2, summary.get("launches").asInt());
        assertEquals(2, summary.get("runs").size());
        JsonNode sparrowMs = summary.get("sparrow_ms");
        for (JsonNode run : summary.get("runs")) {
            double ms = run.get("sparrow_ms_median").asDouble();
            assertTrue(ms >= sparrowMs.get("min").asDouble() && ms <= sparrowMs.get("max").asDouble(), summary.toString());
        }
        assertEquals(sparrowMs.get("max").asDouble() / sparrowMs.get("min").asDouble(), sparrowMs.get("max_over_min").asDouble(), 1e-9);
    }

    /** Started without the Vector API, the CLI says so in one line before any kernel class loads. */
    @Test
    void aJvmWithoutTheVectorApiIsToldHowToAddIt() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SparrowCli.class.getName(), "model", "inspect",
                SharedData.model("hand_recrop.tflite").toString()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(SparrowCli.BAD_INPUT, child.waitFor(), output);
        assertEquals("sparrow: this JVM was started without the Vector API: add --add-modules jdk.incubator.vector"
                + " (the ./sparrow launcher and the runtime image do), on a JDK 25 or later", output);
    }

    @Test
    void runChecksTheShippedExample() {
        assertEquals(SparrowCli.DONE, sparrow("run", "--config", "sparrow.example.yaml", "--check"), err.toString());
        assertEquals("sparrow.example.yaml: valid configuration for robot 'rover-7'", out.toString().strip());
    }
}
