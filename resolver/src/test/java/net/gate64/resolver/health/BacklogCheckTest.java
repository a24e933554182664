package net.gate64.resolver.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BacklogCheckTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong inFlight = new AtomicLong();

    @Test
    void onlyABacklogThatStaysSaturatedForTheWindowFails() {
        BacklogCheck c = new BacklogCheck(inFlight::get, 100, 90, Duration.ofSeconds(10));
        long t = 0;
        inFlight.set(95);
        c.sample(t);
        assertTrue(c.status(t + 9 * S).ok(), "a burst");
        inFlight.set(50);
        c.sample(t + 5 * S);
        inFlight.set(95);
        c.sample(t + 6 * S);
        assertTrue(c.status(t + 12 * S).ok(), "saturated again only since 6 s");
        c.sample(t + 12 * S);
        assertFalse(c.status(t + 16 * S).ok());
        assertTrue(c.status(t + 16 * S).reason().startsWith("query backlog saturated: 95 of 100 (max-mthreads) in flight,"
                + " at least 90% for 10.0 s"), c.status(t + 16 * S).reason());
        inFlight.set(10);
        c.sample(t + 17 * S);
        assertTrue(c.status(t + 17 * S).ok(), "drained");
    }

    @Test
    void thresholdRoundsUpSoAFullBacklogAlwaysCounts() {
        BacklogCheck c = new BacklogCheck(inFlight::get, 3, 90, Duration.ZERO);
        inFlight.set(2);
        c.sample(0);
        assertTrue(c.status(0).ok(), "2 of 3 is below 90%");
        inFlight.set(3);
        c.sample(1);
        assertFalse(c.status(1).ok());
    }
}
