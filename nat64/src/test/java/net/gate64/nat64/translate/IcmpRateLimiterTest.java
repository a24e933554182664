package net.gate64.nat64.translate;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IcmpRateLimiterTest {
    @Test
    void burstThenRefillAtTheRate() {
        AtomicLong now = new AtomicLong();
        IcmpRateLimiter limiter = new IcmpRateLimiter(10, 3, now::get);
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire(), "burst of 3 spent");
        now.addAndGet(100_000_000L); // 0.1 s at 10/s = one token
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire());
        now.addAndGet(10_000_000_000L);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            granted += limiter.tryAcquire() ? 1 : 0;
        }
        assertEquals(3, granted, "refill never exceeds the burst");
    }

    @Test
    void zeroRateNeverSends() {
        IcmpRateLimiter limiter = new IcmpRateLimiter(0, 5, System::nanoTime);
        assertFalse(limiter.tryAcquire());
    }

    @Test
    void suppressedErrorsAreCounted() {
        Fixture fx = new Fixture();
        IcmpRateLimiter none = new IcmpRateLimiter(0, 0, System::nanoTime);
        Translator6to4 quiet = new Translator6to4(new net.gate64.nat64.siit.SiitMapper(
                new Pool6(java.util.List.of(net.gate64.common.Nat64Prefix.parse("2001:db8:64::/96")), false),
                new net.gate64.common.EamTable(java.util.List.of()),
                net.gate64.nat64.siit.Rfc6791Pool.none(1, Fixture.GATEWAY6)), fx.config, none, fx.counters);
        byte[] in = net.gate64.nat64.testing.Wire.ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 1, 0,
                net.gate64.nat64.testing.Wire.udp(1, 2, new byte[8]));
        assertEquals(0, quiet.translate(in, in.length, fx.out));
        assertEquals(DropReason.TTL_EXPIRED, quiet.flow().drop);
        assertEquals(1, fx.counters.icmpErrorsSuppressed.sum());
    }
}
