package dev.sparrow.agent.pipeline;

/** Where results go (telemetry, status LED, firmware link, the console); called on the pipeline's worker thread. */
@FunctionalInterface
public interface ResultSink {
    void accept(FrameResult result) throws Exception;
}
