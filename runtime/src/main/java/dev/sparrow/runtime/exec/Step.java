package dev.sparrow.runtime.exec;

/**
 * One compiled operator, ready to run: weights packed, multipliers computed, arena offsets resolved.
 * The interpreter may split a step across threads by calling {@link #run} once per part, concurrently;
 * parts must write disjoint output regions.
 */
public interface Step {

    /**
     * Runs part {@code part} of {@code parts} (0 ≤ part < parts ≤ {@link #maxParts()}). A step with
     * {@code maxParts() == 1} is always called with (0, 1).
     */
    void run(Arena arena, int part, int parts);

    /** How many parts this step can usefully be split into (e.g. output rows); 1 for serial steps. */
    default int maxParts() {
        return 1;
    }

    /** {@code body} as a step of at most {@code maxParts} parts whose {@code toString} is {@code name}. */
    static Step named(String name, int maxParts, Step body) {
        return new Step() {
            @Override
            public void run(Arena arena, int part, int parts) {
                body.run(arena, part, parts);
            }

            @Override
            public int maxParts() {
                return maxParts;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** Splits {@code n} items into {@code parts} near-equal ranges; the start of range {@code part}. */
    static int rangeStart(int n, int part, int parts) {
        return (int) ((long) n * part / parts);
    }
}
