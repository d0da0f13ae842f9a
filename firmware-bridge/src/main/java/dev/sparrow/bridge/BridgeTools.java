package dev.sparrow.bridge;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/** Library calls behind the {@code sparrow bridge} CLI verbs: send one test PLACE, monitor traffic. */
public final class BridgeTools {
    /**
     * Failed opens, with no frame ever written, after which a one-shot tool gives up on a port. The link's
     * backoff (50 + 100 + 200 ms) has then outlasted a driver still closing the port asynchronously, so the
     * port is wrong or unusable rather than busy.
     */
    static final int OPEN_FAILURES_BEFORE_GIVING_UP = 4;
    private static final Duration POLL = Duration.ofMillis(50);

    private BridgeTools() {
    }

    /**
     * What a test send found.
     *
     * @param peer      the firmware's HELLO summarised, when the handshake succeeded
     * @param delivery  the PLACE's outcome, when the handshake succeeded
     * @param portError why the port could not be opened (jSerialComm's error code and location), when it never was
     */
    public record TestSendResult(boolean connected, String peer, Delivery delivery, String portError) {
        public String describe(String port) {
            if (portError != null) {
                return portError;
            }
            if (!connected) {
                return "no firmware answered on " + port;
            }
            return "firmware on " + port + ": " + peer + "; PLACE " + delivery.status() + " seq=" + delivery.seq()
                    + " attempts=" + delivery.attempts() + " round trip " + delivery.roundTrip().toNanos() / 1000 + " µs";
        }
    }

    /**
     * Opens the port, waits up to {@code handshakeTimeout} for the firmware's HELLO, sends one PLACE and
     * waits for its ACK (bounded by the link's retries). Gives up early on a port that cannot be opened.
     */
    public static TestSendResult sendTestPlace(LinkConfig config, long placeId, float score, Duration handshakeTimeout)
            throws InterruptedException {
        try (FirmwareLink link = new FirmwareLink(config)) {
            link.start();
            if (!awaitConnected(link, handshakeTimeout)) {
                return new TestSendResult(false, null, null, portNeverOpened(link) ? link.lastPortError().orElseThrow() : null);
            }
            String peer = link.peer().map(h -> h.softwareVersion() + " protocol " + h.protocolVersion()
                    + " max payload " + h.maxPayload()).orElseThrow();
            try {
                return new TestSendResult(true, peer, link.sendPlace(placeId, score, Instant.now()).get(), null);
            } catch (ExecutionException e) {
                throw new IllegalStateException("send on " + config.portPath() + " failed: " + e.getCause(), e.getCause());
            }
        }
    }

    /**
     * What a monitor run saw.
     *
     * @param portError why the port could not be opened (jSerialComm's error code and location), when it never was
     */
    public record MonitorResult(LinkCounters counters, String portError) {
    }

    /**
     * Runs a link for {@code duration}, handing {@code traffic} every frame sent, received or rejected and
     * {@code states} every change of link state. Stops early on a port that cannot be opened.
     */
    public static MonitorResult monitor(LinkConfig config, Duration duration, Consumer<TrafficEvent> traffic,
                                        Consumer<LinkState> states) throws InterruptedException {
        try (FirmwareLink link = new FirmwareLink(config)) {
            link.addTrafficListener(traffic);
            link.addStateListener(states);
            link.start();
            long deadline = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() - deadline < 0) {
                if (portNeverOpened(link)) {
                    link.stop();
                    return new MonitorResult(link.counters(), link.lastPortError().orElseThrow());
                }
                Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
            link.stop(); // before counting, so the counters include everything the listeners were handed
            return new MonitorResult(link.counters(), null);
        }
    }

    private static boolean awaitConnected(FirmwareLink link, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (link.awaitState(LinkState.CONNECTED, POLL)) {
                return true;
            }
            if (portNeverOpened(link)) {
                return false;
            }
        }
        return link.state() == LinkState.CONNECTED;
    }

    private static boolean portNeverOpened(FirmwareLink link) {
        LinkCounters counters = link.counters();
        return counters.portOpenFailures() >= OPEN_FAILURES_BEFORE_GIVING_UP && counters.framesSent() == 0;
    }
}
