package net.gate64.common.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OncePerKeyTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private OncePerKey limiter(int maxKeys, double perSecond, int burst) {
        return new OncePerKey(Duration.ofMinutes(10), maxKeys, perSecond, burst, now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aKeyIsLoggedOncePerWindow() {
        OncePerKey once = limiter(100, 10, 10);
        assertTrue(once.admit("example.org/bogus"));
        assertFalse(once.admit("example.org/bogus"));
        assertTrue(once.admit("example.org/a-failed"), "another reason for the same name is news");
        advance(Duration.ofMinutes(9));
        assertFalse(once.admit("example.org/bogus"));
        advance(Duration.ofMinutes(2));
        assertTrue(once.admit("example.org/bogus"), "the window has passed");
        assertEquals(0, once.takeSuppressed(), "repeats are not suppressed lines: they were said already");
    }

    @Test
    void aFloodOfDistinctKeysIsCappedAndCounted() {
        OncePerKey once = limiter(100_000, 2, 5);
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            admitted += once.admit("name" + i) ? 1 : 0;
        }
        assertEquals(5, admitted, "the burst, then nothing until time passes");
        assertEquals(995, once.takeSuppressed());
        assertEquals(0, once.takeSuppressed());
        advance(Duration.ofSeconds(1));
        assertTrue(once.admit("later1"));
        assertTrue(once.admit("later2"));
        assertFalse(once.admit("later3"), "two a second");
    }

    @Test
    void memoryIsBoundedByForgettingTheOldestKeys() {
        OncePerKey once = limiter(3, 1000, 1000);
        for (String k : new String[] {"a", "b", "c", "d"}) {
            assertTrue(once.admit(k));
        }
        assertFalse(once.admit("d"));
        assertTrue(once.admit("a"), "a was forgotten to make room for d");
    }
}
