package dev.sparrow.agent.cli;

import dev.sparrow.snn.net.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Progress of long stages on stderr. On a terminal: one bar, redrawn in place at most five times a second
 * ({@code [#####.....]  52% stage 13/25  eta 1m05s}). Anywhere else (a systemd journal, a CI log, a file):
 * one plain line every {@link #LOG_INTERVAL_NANOS}, and one when a stage ends — never carriage-return frames.
 */
final class Progress implements ProgressListener {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;
    static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private String stage = "";
    private long stageStart;
    private long lastDraw;

    Progress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Progress on {@code err}, drawn as a bar when the process's stderr is a terminal. */
    static Progress on(PrintWriter err) {
        return new Progress(err, isTerminal(2));
    }

    /** True when file descriptor {@code fd} is a terminal (Linux: its /proc link names a tty or pseudo-terminal). */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public synchronized void update(String stageName, long done, long total) {
        long now = System.nanoTime();
        if (!stageName.equals(stage)) {
            stage = stageName;
            stageStart = now;
            lastDraw = now;
            if (!terminal) {
                err.printf(Locale.ROOT, "%s: 0/%d%n", stageName, total);
                err.flush();
                return;
            }
        }
        boolean finished = total > 0 && done >= total;
        if (!finished && now - lastDraw < (terminal ? REDRAW_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastDraw = now;
        double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
        String eta = "";
        if (done > 0 && !finished) {
            long remaining = (long) ((now - stageStart) / 1e9 * (total - done) / done);
            eta = String.format(Locale.ROOT, "  eta %dm%02ds", remaining / 60, remaining % 60);
        }
        if (terminal) {
            int filled = (int) Math.round(fraction * WIDTH);
            err.printf(Locale.ROOT, "\r[%s%s] %3d%% %s %d/%d%s   ", "#".repeat(filled), ".".repeat(WIDTH - filled),
                    Math.round(fraction * 100), stageName, done, total, eta);
            if (finished) {
                err.println();
            }
        } else {
            err.printf(Locale.ROOT, "%s: %d/%d (%d%%)%s%n", stageName, done, total, Math.round(fraction * 100), eta);
        }
        err.flush();
    }
}
