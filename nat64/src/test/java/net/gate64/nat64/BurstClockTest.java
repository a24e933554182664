package net.gate64.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BurstClockTest {
    @Test
    void readersSeeTheLastReadingNotTheClockItself() {
        AtomicLong real = new AtomicLong(1_000);
        BurstClock c = new BurstClock(real::get);
        assertEquals(1_000, c.getAsLong());
        real.set(5_000);
        assertEquals(1_000, c.getAsLong(), "no refresh yet: the reading of the last burst");
        assertEquals(5_000, c.refresh(), "refresh returns the real time");
        assertEquals(5_000, c.getAsLong());
    }

    @Test
    void anEarlierReadingNeverWinsOverALaterOne() {
        // two workers: one read the clock at 9000 and published it; the other's reading of 7000 (taken earlier,
        // published later) must not move the table's time back
        AtomicLong real = new AtomicLong(9_000);
        BurstClock shared = new BurstClock(real::get);
        shared.refresh();
        real.set(7_000);
        assertEquals(7_000, shared.refresh(), "the caller still gets its own reading");
        assertEquals(9_000, shared.getAsLong());
    }

    @Test
    void nanoTimeWrapsAroundAndStillCountsAsLater() {
        AtomicLong real = new AtomicLong(Long.MAX_VALUE - 10);
        BurstClock c = new BurstClock(real::get);
        real.set(Long.MIN_VALUE + 10); // 21 ns later across the wrap
        c.refresh();
        assertEquals(Long.MIN_VALUE + 10, c.getAsLong());
    }
}
