package dev.sparrow.runtime.compress;

/**
 * How 8-bit image pixels become the float values a model's input expects. The file does not say, so the
 * user chooses; MediaPipe's detectors (face_detection, pose_detection) take [−1, 1], its landmark and
 * segmentation models (face_landmark, selfie_segmentation) take [0, 1].
 */
public enum InputNormalization {
    /** {@code v / 127.5 − 1}: pixel 0 → −1, 255 → 1. */
    MINUS_ONE_TO_ONE("[-1, 1]"),
    /** {@code v / 255}: pixel 0 → 0, 255 → 1. */
    ZERO_TO_ONE("[0, 1]");

    public final String range;

    InputNormalization(String range) {
        this.range = range;
    }

    float apply(int pixel) {
        return this == MINUS_ONE_TO_ONE ? pixel / 127.5f - 1f : pixel / 255f;
    }
}
