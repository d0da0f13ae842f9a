package dev.sparrow.snn.net;

/** Receives progress of long stages (training, record pass, calibration); called from worker threads. */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores every update. */
    ProgressListener NONE = (stage, done, total) -> { };

    /**
     * @param stage short name of the stage ("train", "record", "calibrate", "assign")
     * @param done  units finished so far (image presentations)
     * @param total units of the stage
     */
    void update(String stage, long done, long total);

    /** This listener with {@code prefix} before every stage name (e.g. "member 2 "). */
    default ProgressListener prefixed(String prefix) {
        return (stage, done, total) -> update(prefix + stage, done, total);
    }
}
