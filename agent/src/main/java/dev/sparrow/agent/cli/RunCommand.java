package dev.sparrow.agent.cli;

import dev.sparrow.agent.Agent;
import dev.sparrow.agent.config.AgentConfig;
import dev.sparrow.agent.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparrow run --config FILE}: the agent on a robot, until its source ends or SIGTERM/SIGINT asks it to
 * stop — then it stops taking frames, finishes the ones taken, flushes the outbox, publishes {@code offline}
 * and exits 0. Log lines go to stderr (the journal under systemd).
 */
@Command(name = "run", description = "Run the robot agent from a YAML configuration (see agent/sparrow.example.yaml) "
        + "until its frame source ends or SIGTERM/SIGINT; then drain, flush the outbox, publish offline and exit 0.")
final class RunCommand extends Verb {
    @Option(names = "--config", required = true, description = "The agent's YAML configuration.")
    Path config;
    @Option(names = "--check", description = "Only read and check the configuration, then exit.")
    boolean check;

    @Override
    public Integer call() throws Exception {
        AgentConfig cfg = ConfigLoader.load(config);
        if (check) {
            out().println(config + ": valid configuration for robot '" + cfg.robotId() + "'");
            return SparrowCli.DONE;
        }
        StopSignal stop = StopSignal.install();
        Agent agent = Agent.start(cfg, Agent.openSource(cfg.source()), List.of(), err()::println);
        err().printf(Locale.ROOT, "sparrow: robot '%s' running (%s source %s at %.1f frames/s)%n", cfg.robotId(),
                cfg.source().type(), cfg.source().path(), cfg.source().rate());
        try {
            while (agent.pipeline().running() && !stop.await(200)) {
                // the pipeline runs on its own threads; this one waits for the end or a signal
            }
        } finally {
            agent.close();
        }
        err().printf(Locale.ROOT, "sparrow: stopped%s; %d frames processed, %d dropped, %d malformed%n",
                stop.raised() ? " on " + stop.name() : " (the frame source ended)",
                agent.pipeline().metrics().processedTotal(), agent.pipeline().metrics().droppedTotal(),
                agent.pipeline().malformedFrames());
        return SparrowCli.DONE;
    }
}
