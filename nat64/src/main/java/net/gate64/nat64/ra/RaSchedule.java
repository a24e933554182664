package net.gate64.nat64.ra;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When Router Advertisements go out on one interface (RFC 4861 §6.2.4, §6.2.6), in nanoseconds of an injected
 * clock: unsolicited ones at a uniformly random interval between MinRtrAdvInterval (a third of the maximum, the
 * RFC's default) and MaxRtrAdvInterval, the first three at most 16 s apart; a Router Solicitation brings the next
 * one forward to within 0.5 s, but never closer than 3 s after the previous multicast advertisement.
 */
final class RaSchedule {
    static final int MAX_INITIAL_RTR_ADVERTISEMENTS = 3;
    static final long MAX_INITIAL_RTR_ADVERT_INTERVAL = Duration.ofSeconds(16).toNanos();
    static final long MIN_DELAY_BETWEEN_RAS = Duration.ofSeconds(3).toNanos();
    static final long MAX_RA_DELAY_TIME = Duration.ofMillis(500).toNanos();
    private final long max;
    private final long min;
    private final RandomGenerator random;

    RaSchedule(Duration maxInterval, RandomGenerator random) {
        this.max = maxInterval.toNanos();
        this.min = max / 3;
        this.random = random;
    }

    /** The next unsolicited advertisement after one sent at {@code now}, the {@code sent}-th so far. */
    long nextUnsolicited(long now, int sent) {
        long interval = min + (long) (random.nextDouble() * (max - min));
        if (sent < MAX_INITIAL_RTR_ADVERTISEMENTS) {
            interval = Math.min(interval, MAX_INITIAL_RTR_ADVERT_INTERVAL);
        }
        return now + interval;
    }

    /**
     * When to answer a solicitation that arrived at {@code now}, given the last multicast advertisement (or
     * {@code Long.MIN_VALUE}) and the one already scheduled.
     */
    long solicited(long now, long lastSent, long scheduled) {
        long at = now + (long) (random.nextDouble() * MAX_RA_DELAY_TIME);
        if (lastSent != Long.MIN_VALUE && at - lastSent < MIN_DELAY_BETWEEN_RAS) {
            at = lastSent + MIN_DELAY_BETWEEN_RAS;
        }
        return at - scheduled < 0 ? at : scheduled;
    }
}
