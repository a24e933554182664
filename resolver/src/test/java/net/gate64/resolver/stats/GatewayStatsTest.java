package net.gate64.resolver.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayStatsTest {
    @Test
    void keepsOnlyTheGatewaysSamples() {
        String text = """
                # HELP gate64_nat64_sessions Current sessions by protocol.
                # TYPE gate64_nat64_sessions gauge
                gate64_nat64_sessions{proto="tcp"} 12
                gate64_nat64_dropped_total{reason="no-binding"} 3
                gate64_queries_total{transport="udp"} 9
                gate64_nat64_broken x
                """;
        assertEquals(Map.of("gate64_nat64_sessions{proto=\"tcp\"}", 12.0, "gate64_nat64_dropped_total{reason=\"no-binding\"}", 3.0),
                GatewayStats.parse(text));
    }

    @Test
    void theUrlMustBeHttpWithAHost() {
        assertNull(GatewayStats.Source.of("", ""));
        assertEquals("http://127.0.0.1:8064/metrics", GatewayStats.Source.of("http://127.0.0.1:8064/metrics", "").url().toString());
        assertThrows(IllegalArgumentException.class, () -> GatewayStats.Source.of("file:///etc/passwd", ""));
        assertThrows(IllegalArgumentException.class, () -> GatewayStats.Source.of("127.0.0.1:8064", ""));
    }
}
