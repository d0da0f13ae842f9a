package dev.sparrow.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process {@code sparrow} command: its exit code and what it printed on each stream. */
record CliRun(int code, String out, String err) {

    static CliRun sparrow(String... args) {
        return sparrow(new CommandLine(new SparrowCli()), args);
    }

    /** Runs {@code args} on {@code cli}, a command line that may carry extra verbs for the test. */
    static CliRun sparrow(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparrowCli.execute(cli, new PrintWriter(out), new PrintWriter(err), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The one line on stderr, after checking that there is exactly one (the rule for bad input). */
    String line() {
        assertEquals(1, err.lines().count(), "one line on stderr: " + err);
        return err.strip();
    }
}
