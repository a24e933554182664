package net.gate64.nat64;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayHealthTest {
    private static final long S = 1_000_000_000L;
    private static final long NOW = 100 * S;

    private static GatewayHealth.Beat beat(long at) {
        return new GatewayHealth.Beat(at);
    }

    @Test
    void runningWorkersAndARecentSweepAreHealthyAndReadyWhenTheTunIsUp() {
        GatewayHealth.Report h = GatewayHealth.health(NOW, List.of(beat(NOW - S), beat(NOW)), NOW - S, true);
        assertTrue(h.ok(), h.lines().toString());
        assertEquals("ok\nworkers: 2 of 2 running\nexpiry sweep: last ran 1.0 s ago\n", h.text("ok", "unhealthy"));
        GatewayHealth.Report r = GatewayHealth.ready(h, "nat64", GatewayHealth.Link.UP, false);
        assertTrue(r.ok());
        assertTrue(r.text("ready", "not ready").endsWith("tun nat64: up\n"));
    }

    @Test
    void aStoppedOrHungWorkerFailsHealth() {
        GatewayHealth.Beat dead = beat(NOW);
        dead.stopped = "read tun: File descriptor in bad state";
        GatewayHealth.Report h = GatewayHealth.health(NOW, List.of(dead, beat(NOW - 11 * S), beat(NOW)), Long.MIN_VALUE,
                true);
        assertFalse(h.ok());
        assertEquals(List.of("worker 0: stopped (read tun: File descriptor in bad state)",
                "worker 1: no progress for 11.0 s", "workers: 1 of 3 running"), h.lines());
        assertFalse(GatewayHealth.ready(h, "nat64", GatewayHealth.Link.UP, false).ok(), "unhealthy is never ready");
    }

    @Test
    void aStalledSweepFailsHealthInStatefulMode() {
        GatewayHealth.Report h = GatewayHealth.health(NOW, List.of(beat(NOW)), NOW - 30 * S, true);
        assertFalse(h.ok());
        assertEquals("expiry sweep: last ran 30.0 s ago", h.lines().getFirst());
    }

    @Test
    void notReadyWhileStartingStoppingOrWithTheTunDownOrGone() {
        assertFalse(GatewayHealth.health(NOW, List.of(), Long.MIN_VALUE, false).ok(), "starting");
        GatewayHealth.Report h = GatewayHealth.health(NOW, List.of(beat(NOW)), Long.MIN_VALUE, true);
        assertTrue(h.ok(), "SIIT: no sweep to check");
        GatewayHealth.Report down = GatewayHealth.ready(h, "siit", GatewayHealth.Link.DOWN, false);
        assertFalse(down.ok());
        assertEquals("tun siit: down", down.lines().getFirst(), "the failure comes first");
        assertFalse(GatewayHealth.ready(h, "siit", GatewayHealth.Link.MISSING, false).ok());
        GatewayHealth.Report stopping = GatewayHealth.ready(h, "siit", GatewayHealth.Link.UP, true);
        assertFalse(stopping.ok());
        assertEquals("stopping", stopping.lines().getFirst());
    }
}
