package dev.sparrow.agent.telemetry;

/** What remote commands may do to a running agent; each call returns once the change is in effect. */
public interface AgentControl {
    /** Stops taking frames (the source keeps its place). */
    void pause();

    void resume();

    /** Reloads the recogniser or model from its file, keeping the old one if the new one fails to load. */
    void reload() throws Exception;

    /** Sets the frame rate of the source, frames per second. */
    void setRate(double framesPerSecond);
}
