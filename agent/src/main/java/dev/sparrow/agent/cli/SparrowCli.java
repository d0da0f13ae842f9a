package dev.sparrow.agent.cli;

import dev.sparrow.kernels.VectorModule;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The {@code sparrow} command. Every verb that reports numbers accepts {@code --json}. One exit-code rule
 * for every verb: {@link #DONE}, {@link #CHECK_FAILED}, {@link #BAD_INPUT}.
 */
@Command(name = "sparrow", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "sparrow 0.1.0",
        description = "Compressed neural networks and spiking place recognition for robots.",
        subcommands = {DemoCommand.class, RunCommand.class, MonitorCommand.class, ModelCommand.class,
                CompressCommand.class, BridgeCommand.class,
                BenchCommand.class, SnnCommand.class})
public final class SparrowCli {
    /** The command did what it was asked. */
    public static final int DONE = 0;
    /** The command ran, and what it checked does not hold (e.g. a model that does not conform). */
    public static final int CHECK_FAILED = 1;
    /** Bad input or usage: a wrong option, a missing or malformed file; also any failure that stopped it. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Optional<String> noVectorApi = VectorModule.missing();
        if (noVectorApi.isPresent()) {
            err.println("sparrow: " + noVectorApi.get());
            System.exit(BAD_INPUT);
        }
        System.exit(execute(out, err, args));
    }

    /** Runs a command line with the given writers and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(new CommandLine(new SparrowCli()), out, err, args);
    }

    /**
     * Runs a command line on {@code cli}: the sparrow command, or in tests one with a subcommand added that
     * fails as no real input can make a command fail, to check what the user sees then.
     */
    static int execute(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.registerConverter(Duration.class, new DurationConverter());
        cli.setParameterExceptionHandler((e, parsed) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("sparrow " + cmd.getCommandName() + ": " + e.getMessage());
            cmd.getErr().println("(sparrow " + qualifiedName(cmd) + " --help shows the options)");
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sparrow " + cmd.getCommandName() + ": " + oneLine(e));
            if (System.getenv("SPARROW_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return BAD_INPUT;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            err.println("sparrow: " + oneLine(e) + " (the input asks for more than this JVM can give)");
            return BAD_INPUT;
        } catch (Error e) {
            // Any other Error (a linkage failure, an assertion) still ends in one line, never a stack trace.
            String message = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + oneLine(e);
            err.println("sparrow: " + e.getClass().getSimpleName() + message);
            if (System.getenv("SPARROW_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return BAD_INPUT;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The message of a failure as one line; the exception's type when it has none. */
    static String oneLine(Throwable e) {
        // These carry only the path as their message ("sparrow: nonexistent.tflite"); say what is wrong with it.
        if (e instanceof NoSuchFileException missing && missing.getReason() == null) {
            return missing.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException denied && denied.getReason() == null) {
            return denied.getFile() + ": permission denied";
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static String qualifiedName(CommandLine cmd) {
        String name = cmd.getCommandName();
        for (CommandLine p = cmd.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
            name = p.getCommandName() + " " + name;
        }
        return name;
    }
}
