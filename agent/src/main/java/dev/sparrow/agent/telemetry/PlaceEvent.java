package dev.sparrow.agent.telemetry;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One recognised frame, as published on {@code sparrow/<id>/place} (QoS 1) and stored in the outbox first.
 *
 * @param seq        the frame's sequence number from its source (0, 1, 2, ...): subscribers find gaps and
 *                   duplicates by it
 * @param place      recognised place index
 * @param score      the recogniser's score of that place
 * @param margin     score minus the runner-up's; 0 is a tie
 * @param latencyMs  time from the frame's capture to its result
 * @param timeMillis wall-clock time of the result, milliseconds since the epoch
 */
public record PlaceEvent(@JsonProperty("schema") int schema, @JsonProperty("robot") String robot,
                         @JsonProperty("seq") long seq, @JsonProperty("place") int place,
                         @JsonProperty("score") double score, @JsonProperty("margin") double margin,
                         @JsonProperty("latency_ms") double latencyMs, @JsonProperty("time") long timeMillis) {
    /** Version of the place, metrics and command-result payloads. */
    public static final int SCHEMA = 1;
}
