package net.gate64.resolver.health;

import java.time.Duration;
import java.util.function.LongSupplier;
import net.gate64.resolver.stats.Control.Status;

/**
 * Whether the query backlog has been saturated for too long: the queries being resolved ({@code
 * gate64_queries_in_flight}) at or above a share of {@code max-mthreads} at every sample for longer than a window.
 * A burst that fills the slots for a moment is normal work; slots that stay full mean upstreams that no longer answer
 * or more load than the server can take, and new queries are being dropped.
 */
public final class BacklogCheck {
    private final LongSupplier inFlight;
    private final long limit;
    private final int percent;
    private final long max;
    private final long windowNanos;
    private long saturatedSince = -1; // -1 = not saturated at the last sample
    private long lastSample;

    /**
     * @param inFlight the queries being resolved now
     * @param max {@code max-mthreads}
     * @param percent how full counts as saturated (1..100)
     */
    public BacklogCheck(LongSupplier inFlight, long max, int percent, Duration window) {
        this.inFlight = inFlight;
        this.max = max;
        this.percent = percent;
        this.limit = Math.max(1, (max * percent + 99) / 100);
        this.windowNanos = window.toNanos();
    }

    /** Takes one sample at {@code now} (nanoseconds). */
    public synchronized void sample(long now) {
        long n = inFlight.getAsLong();
        lastSample = n;
        if (n >= limit) {
            if (saturatedSince < 0) {
                saturatedSince = now;
            }
        } else {
            saturatedSince = -1;
        }
    }

    public synchronized Status status(long now) {
        if (saturatedSince >= 0 && now - saturatedSince >= windowNanos) {
            return Status.failing(String.format("query backlog saturated: %d of %d (max-mthreads) in flight, at least "
                    + "%d%% for %.1f s (health-backlog-percent, health-backlog-msec)", lastSample, max, percent,
                    (now - saturatedSince) / 1e9));
        }
        return Status.OK;
    }
}
