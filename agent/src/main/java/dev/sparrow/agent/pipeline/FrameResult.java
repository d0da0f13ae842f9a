package dev.sparrow.agent.pipeline;

import dev.sparrow.snn.PlaceRecognizer;

/**
 * What the pipeline made of one frame.
 *
 * @param seq          the frame's sequence number from its source
 * @param recognition  the place recognised (null without a recogniser)
 * @param inference    the frame model's outputs (null without a model)
 * @param latencyNanos capture to result
 */
public record FrameResult(long seq, PlaceRecognizer.Recognition recognition, FrameModel.Inference inference,
                          long latencyNanos) {
}
