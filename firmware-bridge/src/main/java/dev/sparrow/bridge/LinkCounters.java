package dev.sparrow.bridge;

import java.util.LinkedHashMap;
import java.util.Map;

/** A snapshot of a link's counters since it was created. */
public record LinkCounters(long framesSent, long framesReceived, long bytesSent, long bytesReceived,
                           long crcRejections, long malformedFrames, long overruns, long retransmissions,
                           long duplicatesSuppressed, long nacksSent, long nacksReceived, long deliveryFailures,
                           long portOpenFailures, long reconnects) {
    /** The counters by snake_case name, in declaration order, for JSON (monitors, the agent's metrics). */
    public Map<String, Object> values() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("frames_sent", framesSent);
        map.put("frames_received", framesReceived);
        map.put("bytes_sent", bytesSent);
        map.put("bytes_received", bytesReceived);
        map.put("crc_rejections", crcRejections);
        map.put("malformed_frames", malformedFrames);
        map.put("overruns", overruns);
        map.put("retransmissions", retransmissions);
        map.put("duplicates_suppressed", duplicatesSuppressed);
        map.put("nacks_sent", nacksSent);
        map.put("nacks_received", nacksReceived);
        map.put("delivery_failures", deliveryFailures);
        map.put("port_open_failures", portOpenFailures);
        map.put("reconnects", reconnects);
        return map;
    }
}
