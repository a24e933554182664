package net.gate64.common;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Explicit Address Mappings (RFC 7757): pairs of an IPv4 prefix and an IPv6 prefix with the same number of suffix
 * bits; an address inside one maps to the address with the same suffix inside the other. Longest prefix wins
 * (RFC 7757 §3.2). Lookups scan a small array sorted by prefix length; EAM tables are typically a handful of entries.
 * The SIIT gateway translates with it and the recursor's DNS46 synthesises A records with it, from the same
 * {@code eam} entries.
 */
public final class EamTable {
    /** One mapping; {@code suffixBits} = 32 - IPv4 prefix length = 128 - IPv6 prefix length. */
    public record Entry(IpNetwork ipv4, IpNetwork ipv6) {
        public Entry {
            if (!ipv4.isIpv4() || ipv6.isIpv4()) {
                throw new IllegalArgumentException("an EAM entry maps an IPv4 prefix to an IPv6 prefix");
            }
            if (32 - ipv4.bits() != 128 - ipv6.bits()) {
                throw new IllegalArgumentException("EAM " + ipv4 + " = " + ipv6
                        + ": both prefixes must leave the same number of suffix bits (RFC 7757 §3.2)");
            }
        }

        int suffixBits() {
            return 32 - ipv4.bits();
        }
    }

    private final Entry[] byV4;
    private final Entry[] byV6;
    private final int[] v4Net;
    private final long[] v6Hi;
    private final long[] v6Lo;

    public EamTable(List<Entry> entries) {
        List<Entry> sorted4 = new ArrayList<>(entries);
        sorted4.sort(Comparator.comparingInt((Entry e) -> e.ipv4().bits()).reversed());
        List<Entry> sorted6 = new ArrayList<>(entries);
        sorted6.sort(Comparator.comparingInt((Entry e) -> e.ipv6().bits()).reversed());
        byV4 = sorted4.toArray(Entry[]::new);
        byV6 = sorted6.toArray(Entry[]::new);
        v4Net = new int[byV4.length];
        for (int i = 0; i < byV4.length; i++) {
            v4Net[i] = i32(byV4[i].ipv4().network(), 0);
        }
        v6Hi = new long[byV6.length];
        v6Lo = new long[byV6.length];
        for (int i = 0; i < byV6.length; i++) {
            byte[] n = byV6[i].ipv6().network();
            v6Hi[i] = i64(n, 0);
            v6Lo[i] = i64(n, 8);
        }
    }

    public boolean isEmpty() {
        return byV4.length == 0;
    }

    public List<Entry> entries() {
        return List.of(byV4);
    }

    /** The IPv4 address for {@code b[off..off+16)}, or -1 when no entry covers it. */
    public long toIpv4(byte[] b, int off) {
        long hi = i64(b, off);
        long lo = i64(b, off + 8);
        for (int i = 0; i < byV6.length; i++) {
            int bits = byV6[i].ipv6().bits();
            if (matches(hi, lo, v6Hi[i], v6Lo[i], bits)) {
                int suffix = byV6[i].suffixBits();
                int v4 = i32(byV6[i].ipv4().network(), 0);
                long mask = suffix == 0 ? 0 : (suffix == 64 ? -1L : (1L << suffix) - 1);
                return (v4 | (int) (lo & mask)) & 0xffffffffL;
            }
        }
        return -1;
    }

    /** Whether an entry covers {@code v4}: the address stands for an IPv6 host. */
    public boolean containsIpv4(int v4) {
        for (int i = 0; i < byV4.length; i++) {
            int bits = byV4[i].ipv4().bits();
            int mask = bits == 0 ? 0 : -1 << (32 - bits);
            if ((v4 & mask) == v4Net[i]) {
                return true;
            }
        }
        return false;
    }

    /** Writes the IPv6 address for {@code v4} into {@code dst}; false when no entry covers it. */
    public boolean toIpv6(int v4, byte[] dst, int off) {
        for (int i = 0; i < byV4.length; i++) {
            int bits = byV4[i].ipv4().bits();
            int mask = bits == 0 ? 0 : -1 << (32 - bits);
            if ((v4 & mask) == v4Net[i]) {
                byte[] net = byV4[i].ipv6().network();
                System.arraycopy(net, 0, dst, off, 16);
                int suffix = v4 & ~mask;
                int low = i32(dst, off + 12) | suffix;
                put32(dst, off + 12, low);
                return true;
            }
        }
        return false;
    }

    private static boolean matches(long hi, long lo, long netHi, long netLo, int bits) {
        if (bits <= 64) {
            long mask = bits == 0 ? 0 : -1L << (64 - bits);
            return (hi & mask) == netHi;
        }
        long mask = -1L << (128 - bits);
        return hi == netHi && (lo & mask) == netLo;
    }

    private static int i32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static long i64(byte[] b, int off) {
        return ((long) i32(b, off) << 32) | (i32(b, off + 4) & 0xffffffffL);
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
