package dev.sparrow.bridge;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** Library calls behind the {@code sparrow bridge} CLI verbs: send one test frame, monitor traffic. */
public final class BridgeTools {
    private BridgeTools() {
    }

    /** What a test send found: the handshake's peer, and the PLACE delivery if the handshake succeeded. */
    public record TestSendResult(boolean connected, String peer, Delivery delivery, String portError) {
        public String describe(String port) {
            if (!connected) {
                return "no firmware answered on " + port + (portError == null ? "" : " (" + portError + ")");
            }
            return "firmware on " + port + ": " + peer + "; PLACE " + delivery.status() + " seq=" + delivery.seq()
                    + " attempts=" + delivery.attempts() + " round trip " + delivery.roundTrip().toNanos() / 1000 + " µs";
        }
    }

    /** Opens the port, handshakes and sends one PLACE (id 0, score 0) and waits for its ACK. */
    public static TestSendResult sendTestPlace(LinkConfig config, Duration timeout) throws InterruptedException {
        try (FirmwareLink link = new FirmwareLink(config)) {
            link.start();
            if (!link.awaitState(LinkState.CONNECTED, timeout)) {
                return new TestSendResult(false, null, null, link.lastPortError().orElse(null));
            }
            String peer = link.peer().map(h -> h.softwareVersion() + " protocol " + h.protocolVersion()
                    + " max payload " + h.maxPayload()).orElse("?");
            try {
                Delivery delivery = link.sendPlace(0, 0f, Instant.now()).get();
                return new TestSendResult(true, peer, delivery, null);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("send on " + config.portPath() + " failed", e.getCause());
            }
        }
    }

    /**
     * Runs a link for {@code duration} and hands {@code lines} one formatted line per frame sent,
     * received or rejected, then one line of counters.
     */
    public static void monitor(LinkConfig config, Duration duration, Consumer<String> lines) throws InterruptedException {
        try (FirmwareLink link = new FirmwareLink(config)) {
            link.addTrafficListener(event -> lines.accept(event.format()));
            link.addStateListener(state -> lines.accept(Instant.now() + " STATE " + state));
            link.start();
            Thread.sleep(duration.toMillis());
            link.stop();
            lines.accept("counters " + link.counters());
        }
    }
}
