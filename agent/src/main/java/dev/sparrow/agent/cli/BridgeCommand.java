package dev.sparrow.agent.cli;

import dev.sparrow.agent.Json;
import dev.sparrow.bridge.BridgeTools;
import dev.sparrow.bridge.Delivery;
import dev.sparrow.bridge.LinkConfig;
import dev.sparrow.bridge.LinkState;
import dev.sparrow.bridge.SerialPorts;
import dev.sparrow.bridge.TrafficEvent;
import dev.sparrow.bridge.codec.Frame;
import dev.sparrow.bridge.codec.Message;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sparrow bridge list | send | monitor}: talk to the robot's firmware over a serial port. */
@Command(name = "bridge", description = "Talk to the robot's firmware over a serial port (firmware-bridge/PROTOCOL.md).",
        subcommands = {BridgeCommand.ListPorts.class, BridgeCommand.Send.class, BridgeCommand.Monitor.class})
final class BridgeCommand {

    /** The port options of the verbs that open one. */
    static final class PortOptions {
        @Option(names = "--port", required = true, paramLabel = "PATH",
                description = "serial device, e.g. /dev/ttyACM0, or a pseudo-terminal by its path")
        String path;

        @Option(names = "--baud", defaultValue = "115200", converter = OptionRanges.Baud.class,
                description = "line speed, 50 to 12000000 (default ${DEFAULT-VALUE})")
        int baud;

        LinkConfig config() {
            return LinkConfig.of(path, baud);
        }
    }

    @Command(name = "list", description = "Serial ports the system reports, one per line: path and description.")
    static final class ListPorts extends Verb {
        @Override
        public Integer call() {
            List<SerialPorts.PortInfo> ports = SerialPorts.list();
            for (SerialPorts.PortInfo port : ports) {
                out().printf("%-24s %s%n", port.path(), port.description());
            }
            // jSerialComm only lists device nodes under /dev; on stderr, so stdout stays one port per line.
            err().println((ports.isEmpty() ? "no serial ports found; " : "")
                    + "pseudo-terminals (/dev/pts/N, socat links) are not listed: pass them to --port by path");
            return SparrowCli.DONE;
        }
    }

    @Command(name = "send", description = "Handshake with the firmware, send one PLACE and report its ACK round trip. "
            + "Exit 1 if no firmware answers or the PLACE is not acknowledged, 2 if the port cannot be opened.")
    static final class Send extends Verb {
        @Mixin
        PortOptions port;

        @Option(names = "--place", defaultValue = "0", paramLabel = "ID", converter = OptionRanges.PlaceId.class, description = "place id, 0..4294967295 (default ${DEFAULT-VALUE})")
        long place;

        @Option(names = "--score", defaultValue = "0", paramLabel = "S", converter = OptionRanges.FiniteScore.class,
                description = "recognition score, a finite number (default ${DEFAULT-VALUE})")
        float score;

        @Option(names = "--timeout", defaultValue = "5s", paramLabel = "DURATION",
                description = "how long to wait for the firmware's HELLO, e.g. 500ms, 5s (default ${DEFAULT-VALUE})")
        Duration timeout;

        @Option(names = "--json", description = "print one JSON object")
        boolean json;

        @Override
        public Integer call() throws Exception {
            BridgeTools.TestSendResult result = BridgeTools.sendTestPlace(port.config(), place, score, timeout);
            if (result.portError() != null) {
                err().println("sparrow bridge send: " + result.portError());
                return SparrowCli.BAD_INPUT;
            }
            Delivery delivery = result.delivery();
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("port", port.path);
                out.put("connected", result.connected());
                out.put("firmware", result.peer());
                out.put("status", delivery != null ? delivery.status().name() : null);
                out.put("seq", delivery != null ? delivery.seq() : null);
                out.put("attempts", delivery != null ? delivery.attempts() : null);
                out.put("round_trip_us", delivery != null && delivery.status() == Delivery.Status.ACKED
                        ? delivery.roundTrip().toNanos() / 1000 : null);
                out().println(Json.write(out));
            } else if (result.connected()) {
                out().println(result.describe(port.path));
            }
            if (!result.connected()) {
                err().println("sparrow bridge send: no firmware answered on " + port.path + " within " + timeout.toMillis()
                        + " ms (is it running, at " + port.baud + " baud?)");
                return SparrowCli.CHECK_FAILED;
            }
            return delivery.status() == Delivery.Status.ACKED ? SparrowCli.DONE : SparrowCli.CHECK_FAILED;
        }
    }

    @Command(name = "monitor", description = "Run the link for a while and print every frame sent, received or rejected, "
            + "decoded, one line each, and each link state change; then the link's counters. "
            + "Exit 2 if the port cannot be opened.")
    static final class Monitor extends Verb {
        @Mixin
        PortOptions port;

        @Option(names = "--duration", defaultValue = "10s", paramLabel = "DURATION",
                description = "how long to listen, e.g. 2s, 1m (default ${DEFAULT-VALUE})")
        Duration duration;

        @Option(names = "--json", description = "one JSON object per line: frames, state changes, then {\"counters\":{...}}")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = out();
            // Both listeners run on the link's one event thread, so lines keep the order things happened in.
            // CLOSED is the monitor's own stop, not news from the link: the counters line marks the end.
            BridgeTools.MonitorResult result = BridgeTools.monitor(port.config(), duration,
                    event -> out.println(json ? Json.write(frame(event)) : event.format()),
                    state -> {
                        if (state != LinkState.CLOSED) {
                            out.println(json ? Json.write(state(state)) : Instant.now() + " STATE " + name(state));
                        }
                    });
            if (result.portError() != null) {
                err().println("sparrow bridge monitor: " + result.portError());
                return SparrowCli.BAD_INPUT;
            }
            Map<String, Object> counters = result.counters().values();
            out.println(json ? Json.write(Map.of("counters", counters)) : "counters " + counters.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
            return SparrowCli.DONE;
        }

        private static Map<String, Object> frame(TrafficEvent event) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", event.time().toString());
            line.put("direction", event.direction().name().toLowerCase(Locale.ROOT));
            Frame frame = event.frame();
            if (frame == null) {
                line.put("rejected", event.error());
                return line;
            }
            line.put("type", frame.messageType() != null ? frame.messageType().name() : Integer.toString(frame.type()));
            line.put("reliable", frame.reliable());
            line.put("seq", frame.seq());
            try {
                Message message = Message.decode(frame);
                line.put("fields", message != null ? message.values() : Map.of("payload_bytes", frame.payload().length));
            } catch (Message.MalformedPayloadException e) {
                line.put("malformed", e.getMessage());
            }
            return line;
        }

        private static Map<String, Object> state(LinkState state) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.now().toString());
            line.put("state", name(state));
            return line;
        }

        private static String name(LinkState state) {
            return state.name().toLowerCase(Locale.ROOT);
        }
    }
}
