package dev.sparrow.agent.pipeline;

import java.util.Arrays;

/**
 * Counters and latency of the pipeline since the last {@link #snapshot}: frames processed per second, frames
 * dropped (the queue or the outbox was full), latency percentiles over the interval's results.
 */
public final class PipelineMetrics {
    private static final int WINDOW = 4096;

    /** One interval's numbers. */
    public record Snapshot(double framesPerSecond, long processed, long dropped, long droppedTotal,
                           long malformedTotal, double latencyP50Ms, double latencyP99Ms) {
    }

    private final long[] latencies = new long[WINDOW];
    private int count;
    private long processed;
    private long processedTotal;
    private long dropped;
    private long droppedTotal;
    private long intervalStart = System.nanoTime();

    synchronized void processed(long latencyNanos) {
        latencies[count % WINDOW] = latencyNanos;
        count++;
        processed++;
        processedTotal++;
    }

    synchronized void dropped() {
        dropped++;
        droppedTotal++;
    }

    public synchronized long processedTotal() {
        return processedTotal;
    }

    public synchronized long droppedTotal() {
        return droppedTotal;
    }

    /** The numbers since the last snapshot; starts a new interval. */
    public synchronized Snapshot snapshot(long malformedTotal) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - intervalStart) / 1e9);
        long[] window = Arrays.copyOf(latencies, Math.min(count, WINDOW));
        Arrays.sort(window);
        Snapshot s = new Snapshot(processed / seconds, processed, dropped, droppedTotal, malformedTotal,
                percentileMs(window, 0.50), percentileMs(window, 0.99));
        processed = 0;
        dropped = 0;
        count = 0;
        intervalStart = now;
        return s;
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds; NaN for none. */
    public static double percentileMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, rank)] / 1e6;
    }
}
