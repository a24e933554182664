package net.gate64.nat64.translate;

import java.util.function.LongSupplier;

/**
 * A token bucket for the ICMP errors the gateway itself originates (RFC 4443 §2.4(f), RFC 1812 §4.3.2.8), one per
 * worker thread so that it needs no synchronisation; each gets its share of the configured rate.
 */
public final class IcmpRateLimiter {
    private final double perNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    /** {@code perSecond} ≤ 0 disables generated errors entirely. */
    public IcmpRateLimiter(double perSecond, double burst, LongSupplier nanoClock) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.last = nanoClock.getAsLong();
    }

    public boolean tryAcquire() {
        if (perNano <= 0) {
            return false;
        }
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
