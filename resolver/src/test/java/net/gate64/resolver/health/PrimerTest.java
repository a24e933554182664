package net.gate64.resolver.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PrimerTest {
    private final List<Long> delays = new ArrayList<>();
    private final Deque<Runnable> scheduled = new ArrayDeque<>();
    private final Deque<CompletableFuture<Boolean>> attempts = new ArrayDeque<>();

    private Primer primer() {
        return new Primer(() -> {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            attempts.add(f);
            return f;
        }, (task, delay, unit) -> {
            delays.add(unit.toMillis(delay));
            scheduled.add(task);
        }, "the root to be primed from the hints");
    }

    @Test
    void retriesWithBackOffUntilAnAttemptSucceedsThenStops() {
        Primer p = primer();
        p.start();
        assertEquals(1, attempts.size());
        assertFalse(p.primed());
        assertEquals("waiting for the root to be primed from the hints (1 attempt, last: not tried yet)", p.waitingFor());
        for (int i = 0; i < 7; i++) {
            attempts.removeFirst().complete(i % 2 == 0 ? false : null);
            scheduled.removeFirst().run();
        }
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L), delays);
        attempts.removeFirst().completeExceptionally(new java.util.concurrent.CompletionException(
                new java.io.IOException("network unreachable")));
        assertTrue(p.waitingFor().endsWith("(8 attempts, last: java.io.IOException: network unreachable)"), p.waitingFor());
        scheduled.removeFirst().run();
        attempts.removeFirst().complete(true);
        assertTrue(p.primed());
        assertTrue(scheduled.isEmpty(), "no further attempt once primed");
    }

    @Test
    void stoppedPrimerSchedulesNothingMore() {
        Primer p = primer();
        p.start();
        p.stop();
        attempts.removeFirst().complete(false);
        assertTrue(scheduled.isEmpty());
        assertEquals(0, delays.size());
    }
}
