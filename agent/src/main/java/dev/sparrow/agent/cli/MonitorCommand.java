package dev.sparrow.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparrow.agent.Json;
import dev.sparrow.agent.config.Passwords;
import dev.sparrow.agent.monitor.FleetView;
import dev.sparrow.agent.telemetry.MqttConnection;
import dev.sparrow.agent.telemetry.TlsTrust;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparrow monitor}: watches a fleet over plain MQTT (any broker or bridged cluster) — a live table of
 * robots, or one JSON line per message with {@code --json}.
 */
@Command(name = "monitor", description = "Watch a fleet: subscribes to sparrow/+/# and keeps a live table of robots "
        + "(status, last place, frames/s, p99 latency, temperature, outbox depth, last seen); --json prints one line "
        + "per message instead. Exits 1 when --count place events did not arrive within --duration.")
final class MonitorCommand extends Verb {
    @Option(names = "--broker", defaultValue = "tcp://127.0.0.1:1883", description = "tcp://HOST:PORT or ssl://HOST:PORT (default ${DEFAULT-VALUE}).")
    String broker;
    @Option(names = "--ca-file", description = "PEM CA the broker's certificate must chain to (ssl://).")
    Path caFile;
    @Option(names = "--username", description = "Broker user name.")
    String username;
    @Option(names = "--password-file", description = "File whose first line is the password.")
    Path passwordFile;
    @Option(names = "--password-env", description = "Environment variable holding the password.")
    String passwordEnv;
    @Option(names = "--topic", defaultValue = "sparrow/+/#", description = "Subscription (default ${DEFAULT-VALUE}).")
    String topic;
    @Option(names = "--json", description = "One JSON object per message: time, robot, kind, payload.")
    boolean json;
    @Option(names = "--count", converter = OptionRanges.Count.class,
            description = "Stop after N place events, distinct by robot and sequence number (at least 1).")
    Integer count;
    @Option(names = "--duration", description = "Stop after this long (e.g. 30s, 5m).")
    Duration duration;
    @Option(names = "--refresh", defaultValue = "1s", description = "Table refresh on a terminal (default 1s; 5s when not a terminal).")
    Duration refresh;

    @Override
    public Integer call() throws Exception {
        if (caFile != null && !broker.startsWith("ssl://")) {
            throw new IllegalArgumentException("--ca-file given, but the broker " + broker + " is not ssl://");
        }
        if (broker.startsWith("ssl://") && caFile == null) {
            throw new IllegalArgumentException("--broker " + broker + " needs --ca-file (the CA that signed the broker's certificate)");
        }
        FleetView fleet = new FleetView(Json.MAPPER);
        StopSignal stop = StopSignal.install();
        Object reached = new Object();
        MqttConnection.Settings settings = new MqttConnection.Settings(broker,
                "sparrow-monitor-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL),
                username, Passwords.read(passwordFile, passwordEnv, "--password-file", "--password-env"), caFile != null ? TlsTrust.trusting(caFile) : null, null, null, 30, 500, 10_000);
        try (MqttConnection connection = new MqttConnection(settings, new MqttConnection.Listener() {
            @Override
            public void connected() {
                err().println("monitor: connected to " + broker + ", subscribed to " + topic);
            }

            @Override
            public void lost(String reason) {
                err().println("monitor: connection lost (" + reason + "); reconnecting");
            }

            @Override
            public void connectFailed(String reason, long retryMillis) {
                err().printf(Locale.ROOT, "monitor: cannot connect to %s: %s; retry in %.1f s%n", broker, reason, retryMillis / 1e3);
            }
        })) {
            connection.subscribe(topic, 1, (t, payload) -> {
                long now = System.currentTimeMillis();
                FleetView.Message m = fleet.accept(t, payload, now);
                if (m != null && json) {
                    ObjectNode line = Json.MAPPER.createObjectNode().put("time", now).put("robot", m.robot()).put("kind", m.kind());
                    if (m.payload() != null) {
                        line.set("payload", m.payload());
                    } else {
                        line.put("payload", m.text());
                    }
                    synchronized (this) {
                        out().println(line);
                        out().flush();
                    }
                }
                if (count != null && fleet.distinctPlaceEvents() >= count) {
                    synchronized (reached) {
                        reached.notifyAll();
                    }
                }
            });
            connection.start();
            watch(fleet, stop, reached);
        }
        if (!json) {
            out().print(fleet.table());
        }
        err().printf(Locale.ROOT, "monitor: %d robots, %d place events, %d distinct by (robot, seq)%n",
                fleet.robotCount(), fleet.placeEvents(), fleet.distinctPlaceEvents());
        return count != null && fleet.distinctPlaceEvents() < count ? SparrowCli.CHECK_FAILED : SparrowCli.DONE;
    }

    private void watch(FleetView fleet, StopSignal stop, Object reached) throws InterruptedException {
        boolean terminal = Progress.isTerminal(1);
        long refreshNanos = terminal ? refresh.toNanos() : Math.max(refresh.toNanos(), 5_000_000_000L);
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        long nextTable = System.nanoTime() + refreshNanos;
        while (!stop.raised() && (count == null || fleet.distinctPlaceEvents() < count)) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            if (!json && now >= nextTable) {
                synchronized (this) {
                    // on a terminal: home the cursor and clear, so the table stays in place
                    out().print((terminal ? "\033[H\033[2J" : "") + fleet.table());
                    out().flush();
                }
                nextTable = now + refreshNanos;
            }
            synchronized (reached) {
                reached.wait(Math.max(1, Math.min(100, (Math.min(end, nextTable) - now) / 1_000_000)));
            }
        }
    }
}
