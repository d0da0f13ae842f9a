package dev.sparrow.agent.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandHandlerTest {
    /** Records what the commands did, as the pipeline would carry them out. */
    static final class Recorder implements AgentControl {
        final List<String> calls = new ArrayList<>();

        @Override
        public void pause() {
            calls.add("pause");
        }

        @Override
        public void resume() {
            calls.add("resume");
        }

        @Override
        public void reload() throws Exception {
            throw new java.io.IOException("places.snn: truncated at byte 1024");
        }

        @Override
        public void setRate(double framesPerSecond) {
            calls.add("rate " + framesPerSecond);
        }
    }

    private final Topics topics = new Topics("r1");
    private final Recorder control = new Recorder();
    private final CommandHandler handler = new CommandHandler(topics, control);

    private CommandHandler.Result send(String name, String payload) {
        return handler.handle(topics.commandPrefix() + name, payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void validCommandsAreCarriedOutAndAnswered() {
        CommandHandler.Result r = send("set-rate", "{\"id\":\"abc\",\"rate\":2.5}");
        assertTrue(r.ok());
        assertEquals("abc", r.payload().get("id"));
        assertTrue(send("pause", "").ok());
        assertTrue(send("resume", "{}").ok());
        assertEquals(List.of("rate 2.5", "pause", "resume"), control.calls);
    }

    @Test
    void everyRefusalSaysWhy() {
        assertEquals("rate 61 out of range 0.1..60 frames per second", send("set-rate", "{\"rate\":61}").reason());
        assertEquals("set-rate needs \"rate\", a number of frames per second", send("set-rate", "{\"rate\":\"fast\"}").reason());
        assertTrue(send("self-destruct", "{}").reason().startsWith("unknown command 'self-destruct'"));
        assertTrue(handler.handle("sparrow/r2/cmd/pause", new byte[0]).reason().startsWith("not a command topic of this robot"));
        assertTrue(control.calls.isEmpty(), "nothing refused was carried out");
    }

    @Test
    void malformedPayloadsAreRefused() throws InterruptedException {
        assertTrue(send("pause", "{not json").reason().startsWith("payload is not JSON"));
        assertTrue(send("pause", "[1,2]").reason().startsWith("payload must be a JSON object"));
        assertEquals("unknown field \"rate\" for pause", send("pause", "{\"rate\":1}").reason());
        assertEquals("payload of 1025 bytes; at most 1024", send("pause", " ".repeat(1025)).reason());
        Thread.sleep(1100); // let the rate limiter refill one token
        assertEquals("reload failed: places.snn: truncated at byte 1024", send("reload", "").reason());
    }

    @Test
    void aFloodIsRateLimited() {
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            if (send("pause", "").ok()) {
                ok++;
            }
        }
        assertEquals(CommandHandler.BURST, ok, "a burst, then one a second");
        CommandHandler.Result limited = send("pause", "");
        assertFalse(limited.ok());
        assertTrue(limited.reason().startsWith("rate limited"));
    }
}
