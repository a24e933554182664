package net.gate64.nat64.siit;

import net.gate64.common.IpNetwork;
import net.gate64.nat64.packet.Bytes;

/**
 * Source addresses for translated ICMP errors whose real source has no form on the other side (RFC 6791): an IPv4
 * prefix for ICMPv6 errors from IPv6 routers outside the EAM table and pool6, an IPv6 prefix for ICMPv4 errors from
 * IPv4 routers outside them (needed by EAM-only SIIT, which has no pool6 to embed the router in). RFC 6791 §4 asks
 * for a random address from the pool so that a traceroute does not show one hop for all of them. Without a
 * configured prefix the gateway's own address is used (what Jool does). One instance per worker: the random
 * source is not shared.
 */
public final class Rfc6791Pool {
    private final IpNetwork ipv4;
    private final IpNetwork ipv6;
    private final int base4;
    private final long net6Hi;
    private final long net6Lo;
    private final int fallback4;
    private final byte[] fallback6;
    private long random;

    /** {@code ipv4} and {@code ipv6} may be null (not configured): the gateway's own addresses are used instead. */
    public Rfc6791Pool(IpNetwork ipv4, IpNetwork ipv6, int gateway4, byte[] gateway6) {
        if (ipv4 != null && !ipv4.isIpv4() || ipv6 != null && ipv6.isIpv4()) {
            throw new IllegalArgumentException("RFC 6791 pools: an IPv4 and an IPv6 prefix");
        }
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.base4 = ipv4 == null ? 0 : Bytes.i32(ipv4.network(), 0);
        this.net6Hi = ipv6 == null ? 0 : Bytes.i64(ipv6.network(), 0);
        this.net6Lo = ipv6 == null ? 0 : Bytes.i64(ipv6.network(), 8);
        this.fallback4 = gateway4;
        this.fallback6 = gateway6.clone();
        this.random = System.nanoTime() | 1;
    }

    /** The gateway's own addresses only. */
    public static Rfc6791Pool none(int gateway4, byte[] gateway6) {
        return new Rfc6791Pool(null, null, gateway4, gateway6);
    }

    /** An IPv4 source for a translated ICMPv6 error. */
    public int ipv4Source() {
        if (ipv4 == null) {
            return fallback4;
        }
        int hostBits = 32 - ipv4.bits();
        int base = base4;
        if (hostBits == 0) {
            return base;
        }
        if (hostBits == 1) {
            return base | (int) (next() & 1);
        }
        long hosts = (1L << hostBits) - 2; // neither the network nor the broadcast address
        return base + 1 + (int) Long.remainderUnsigned(next(), hosts);
    }

    /** Writes an IPv6 source for a translated ICMPv4 error into {@code dst}. */
    public void ipv6Source(byte[] dst, int off) {
        if (ipv6 == null) {
            System.arraycopy(fallback6, 0, dst, off, 16);
            return;
        }
        int hostBits = 128 - ipv6.bits();
        long lowMask = hostBits >= 64 ? -1L : (1L << hostBits) - 1;
        long highMask = hostBits <= 64 ? 0 : hostBits >= 128 ? -1L : (1L << (hostBits - 64)) - 1;
        long hi = net6Hi | (next() & highMask);
        long lo = net6Lo | (next() & lowMask);
        if (hostBits > 0 && hi == net6Hi && lo == net6Lo) {
            lo |= 1; // not the subnet-router anycast address
        }
        Bytes.put64(dst, off, hi);
        Bytes.put64(dst, off + 8, lo);
    }

    /** xorshift64: cheap, no allocation, good enough to spread traceroute hops. */
    private long next() {
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        return x;
    }

    @Override
    public String toString() {
        return "rfc6791 ipv4=" + (ipv4 == null ? "own" : ipv4) + " ipv6=" + (ipv6 == null ? "own" : ipv6);
    }
}
