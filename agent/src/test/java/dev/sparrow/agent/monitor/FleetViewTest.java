package dev.sparrow.agent.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FleetViewTest {
    private final FleetView fleet = new FleetView(new ObjectMapper());

    private FleetView.Message take(String topic, String payload) {
        return fleet.accept(topic, payload.getBytes(StandardCharsets.UTF_8), 0);
    }

    @Test
    void placeEventsAreCountedOncePerRobotAndSequenceNumber() {
        assertTrue(take("sparrow/r1/place", "{\"seq\":0,\"place\":3,\"score\":0.5}").newPlaceEvent());
        assertFalse(take("sparrow/r1/place", "{\"seq\":0,\"place\":3,\"score\":0.5}").newPlaceEvent(), "a QoS 1 duplicate");
        assertTrue(take("sparrow/r2/place", "{\"seq\":0,\"place\":7,\"score\":0.25}").newPlaceEvent());
        assertEquals(3, fleet.placeEvents());
        assertEquals(2, fleet.distinctPlaceEvents());
        assertEquals(2, fleet.robotCount());
    }

    @Test
    void theTableShowsStatusPlaceAndMetrics() {
        take("sparrow/r1/status", "online");
        take("sparrow/r1/place", "{\"seq\":4,\"place\":12,\"score\":0.125}");
        take("sparrow/r1/metrics", "{\"frames_per_s\":4.9,\"latency_p99_ms\":210.5,\"cpu_temperature_c\":null,\"outbox_depth\":3}");
        String row = fleet.table().lines().filter(l -> l.startsWith("r1 ")).findFirst().orElseThrow();
        assertTrue(row.matches("r1\\s+online\\s+12\\s+0\\.125\\s+4\\.9\\s+210\\.5\\s+-\\s+3\\s+\\d\\d:\\d\\d:\\d\\d\\s*"), row);
    }

    @Test
    void foreignTopicsAndBadPayloadsDoNotBreakIt() {
        assertNull(take("other/r1/place", "{}"));
        FleetView.Message m = take("sparrow/r1/place", "not json");
        assertNull(m.payload());
        assertEquals("not json", m.text());
        assertEquals(1, fleet.placeEvents());
        assertEquals(0, fleet.distinctPlaceEvents(), "no sequence number, nothing to count");
    }
}
