package net.gate64.common.log;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides whether a decision is worth a log line: the first time a key (e.g. name + reason) is seen within a window,
 * and no more than a steady rate overall, so a flood of forged answers or of distinct names cannot flood the log.
 * Memory is bounded: at most {@code maxKeys} keys are remembered (the oldest are forgotten first, which at worst lets
 * a key be logged again early, still under the rate). Lines held back by the rate are counted, and the count is
 * handed to the next line that goes out ({@link #takeSuppressed()}), so nothing disappears silently.
 */
public final class OncePerKey {
    private final long windowNanos;
    private final int maxKeys;
    private final double perNano;
    private final double burst;
    private final LongSupplier clock;
    private final Map<Object, Long> seen;
    private double tokens;
    private long refilledAt;
    private long suppressed;

    /**
     * @param window how long a key stays quiet after it was logged
     * @param perSecond lines per second allowed in the long run; {@code burst} at once
     * @param clock nanoseconds, {@link System#nanoTime()} outside tests
     */
    public OncePerKey(Duration window, int maxKeys, double perSecond, int burst, LongSupplier clock) {
        if (maxKeys < 1 || perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("maxKeys, perSecond and burst must be positive");
        }
        this.windowNanos = window.toNanos();
        this.maxKeys = maxKeys;
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.refilledAt = clock.getAsLong();
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Long> eldest) {
                return size() > OncePerKey.this.maxKeys;
            }
        };
    }

    /** Ten minutes per key, 1000 keys, 5 lines a second with bursts of 50. */
    public static OncePerKey standard() {
        return new OncePerKey(Duration.ofMinutes(10), 1000, 5, 50, System::nanoTime);
    }

    /** True when {@code key} should be logged now (and is remembered as logged). */
    public synchronized boolean admit(Object key) {
        long now = clock.getAsLong();
        Long last = seen.get(key);
        if (last != null && now - last < windowNanos) {
            return false; // logged recently: not counted as suppressed, it was said already
        }
        tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
        if (tokens < 1) {
            suppressed++;
            return false;
        }
        tokens -= 1;
        seen.remove(key); // re-inserted at the end: the newest is forgotten last
        seen.put(key, now);
        return true;
    }

    /** Lines held back by the rate since the last call; 0 most of the time. */
    public synchronized long takeSuppressed() {
        long n = suppressed;
        suppressed = 0;
        return n;
    }
}
