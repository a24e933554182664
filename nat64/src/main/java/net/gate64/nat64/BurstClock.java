package net.gate64.nat64;

import java.util.function.LongSupplier;

/**
 * The nanosecond clock as the workers last read it, for the session table: a session's deadline is extended on
 * every packet, and reading the system clock for each one cost more than the table lookup. Each worker reads the
 * real clock ({@link #refresh}) when it wakes up with packets and every {@link GatewayHealth#BEAT_EVERY} packets,
 * the expiry sweep before each sweep; {@link #getAsLong} returns the latest of those readings, so it lags the real
 * clock by at most one burst of packets (or, for a reader other than a worker, the 200 ms an idle worker waits).
 */
final class BurstClock implements LongSupplier {
    private final LongSupplier source;
    private volatile long now;

    BurstClock(LongSupplier source) {
        this.source = source;
        this.now = source.getAsLong();
    }

    /** Reads the real clock and publishes the reading (unless another thread already published a later one). */
    long refresh() {
        long t = source.getAsLong();
        if (t - now > 0) {
            now = t;
        }
        return t;
    }

    @Override
    public long getAsLong() {
        return now;
    }
}
