package dev.sparrow.agent.cli;

import dev.sparrow.agent.Agent;
import dev.sparrow.agent.config.AgentConfig;
import dev.sparrow.agent.demo.DemoRoute;
import dev.sparrow.agent.pipeline.FrameResult;
import dev.sparrow.agent.pipeline.PipelineMetrics;
import dev.sparrow.agent.pipeline.ResultSink;
import dev.sparrow.agent.telemetry.CommandHandler;
import dev.sparrow.devices.frames.ImageFolderSource;
import dev.sparrow.snn.PlaceRecognizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparrow demo}: the agent with nothing to configure. An embedded broker, a route replayed as a camera,
 * a recogniser trained on the route's reference images, one line per frame, everything published over MQTT.
 */
@Command(name = "demo",
        description = {"The robot agent with no configuration: starts an embedded MQTT broker on 127.0.0.1 (port "
                + "1883 or the next free one), replays a route's query images as a camera through a place "
                + "recogniser trained on its reference images (trained on first use, then cached), prints one line "
                + "per frame and publishes status, place events and metrics under sparrow/<robot>/.",
                "Watch from another terminal: mosquitto_sub -p PORT -t 'sparrow/#' -v   or   sparrow monitor --broker tcp://127.0.0.1:PORT"})
final class DemoCommand extends Verb {
    @Option(names = "--data", description = "Route in the corridor layout (reference/, query/, ground truth) or "
            + "Nordland's (default: $SPARROW_SHARED/data/vpr/corridor, else ../shared/data/vpr/corridor beside the clone).")
    Path data;
    @Option(names = "--places", defaultValue = "0", converter = OptionRanges.CountOrZero.class, description = "Use the route's first N places (default: all).")
    int places;
    @Option(names = "--model", description = "A recogniser written by 'sparrow snn train' for this route (skips training).")
    Path model;
    @Option(names = "--rate", defaultValue = "5", converter = OptionRanges.FrameRate.class, description = "Camera frames per second (default ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--sequence", defaultValue = "4", converter = OptionRanges.SequenceLength.class, description = "Sequence-matching length L (default ${DEFAULT-VALUE}).")
    int sequence;
    @Option(names = "--loop", description = "Replay the route again and again (until Ctrl-C or --duration).")
    boolean loop;
    @Option(names = "--duration", description = "Stop after this long (e.g. 30s, 5m; default: one pass of the route).")
    Duration duration;
    @Option(names = "--port", defaultValue = "1883", converter = OptionRanges.Port.class, description = "Preferred port of the embedded broker (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--robot-id", defaultValue = "demo", description = "The robot's id in topics (default ${DEFAULT-VALUE}).")
    String robotId;
    @Option(names = "--cache", description = "Where the trained recogniser is kept (default: $XDG_CACHE_HOME/sparrow or ~/.cache/sparrow).")
    Path cache;

    @Override
    public Integer call() throws Exception {
        StopSignal stop = StopSignal.install();
        DemoRoute route = DemoRoute.open(routeFolder(), places);
        Path network = model != null ? model
                : route.trainedNetwork(cacheFolder(), Progress.on(err()), err()::println);
        Path outbox = Files.createTempDirectory("sparrow-demo-outbox");
        AgentConfig config = new AgentConfig(robotId,
                new AgentConfig.Source(AgentConfig.SourceType.folder, route.dataset().root(), rate, loop, null, null, null),
                new AgentConfig.Recognizer(network, sequence), null, null, new AgentConfig.Outbox(outbox, 16), null, null, null);
        ConsoleLine console = new ConsoleLine(route);
        err().printf(Locale.ROOT, "demo: robot '%s' replays %d frames of %s at %.1f frames/s%s%n", robotId,
                route.frames().size(), route.dataset().root(), rate, loop ? ", looping" : "");
        // the source may deliver at the highest rate a command can set; the pipeline paces it at the current one
        Agent agent = Agent.start(config, ImageFolderSource.of(route.frames(), CommandHandler.MAX_RATE, loop), List.of(console),
                port, err()::println);
        try {
            waitForEnd(agent, stop);
        } finally {
            agent.close();
            deleteTree(outbox);
        }
        long[] latencies = console.latencies();
        err().printf(Locale.ROOT, "demo: %d frames, %d places right (%.0f%% within the ground truth's tolerance), "
                        + "%d frames dropped, latency p50 %.1f ms p99 %.1f ms, %d messages published%s%n",
                latencies.length, console.right.get(),
                latencies.length == 0 ? 0.0 : 100.0 * console.right.get() / latencies.length,
                agent.pipeline().metrics().droppedTotal(), PipelineMetrics.percentileMs(latencies, 0.50),
                PipelineMetrics.percentileMs(latencies, 0.99),
                agent.telemetry().published(),
                stop.raised() ? " (stopped by " + stop.name() + ")" : "");
        return SparrowCli.DONE;
    }

    private void waitForEnd(Agent agent, StopSignal stop) throws InterruptedException {
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (agent.pipeline().running()) {
            long left = Math.min(end - System.nanoTime(), 200_000_000L);
            if (left <= 0 || stop.await(left / 1_000_000)) {
                return;
            }
        }
        agent.awaitEnd();
    }

    private Path routeFolder() {
        if (data != null) {
            return data;
        }
        String shared = System.getenv("SPARROW_SHARED");
        if (shared != null && !shared.isBlank()) {
            return Path.of(shared, "data", "vpr", "corridor");
        }
        String home = System.getProperty("sparrow.home");
        Path besideClone = Path.of(home != null ? home : ".").resolve("../shared/data/vpr/corridor").normalize();
        if (!Files.isDirectory(besideClone)) {
            throw new IllegalArgumentException("no route to replay: " + besideClone + " does not exist; give --data DIR "
                    + "(a folder with reference/ and query/ images) or set SPARROW_SHARED");
        }
        return besideClone;
    }

    private Path cacheFolder() {
        if (cache != null) {
            return cache;
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("sparrow");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One line per frame on stdout: the place, whether the ground truth agrees, score, margin, latency. */
    private final class ConsoleLine implements ResultSink {
        private final DemoRoute route;
        final AtomicLong right = new AtomicLong();
        private final List<Long> latencyNanos = new ArrayList<>();

        ConsoleLine(DemoRoute route) {
            this.route = route;
        }

        @Override
        public void accept(FrameResult result) {
            PlaceRecognizer.Recognition r = result.recognition();
            boolean correct = route.correct(result.seq(), r.place());
            synchronized (latencyNanos) {
                latencyNanos.add(result.latencyNanos());
            }
            if (correct) {
                right.incrementAndGet();
            }
            out().printf(Locale.ROOT, "frame %4d  place %4d %s  score %7.3f  margin %6.3f  %6.1f ms%n", result.seq(),
                    r.place(), correct ? "✓" : "✗", r.score(), r.margin(), result.latencyNanos() / 1e6);
            out().flush();
        }

        long[] latencies() {
            synchronized (latencyNanos) {
                return latencyNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
    }

}
