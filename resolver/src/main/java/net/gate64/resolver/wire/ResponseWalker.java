package net.gate64.resolver.wire;

import java.util.Arrays;

/** Walks a response in wire form to find where each record's TTL sits, so cached bytes can be aged in place. */
public final class ResponseWalker {
    private ResponseWalker() {}

    /**
     * Offsets of the 4-byte TTL fields of every record except OPT (whose "TTL" holds EDNS flags).
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed message
     */
    public static int[] ttlOffsets(byte[] m) {
        if (m.length < 12) {
            throw new IllegalArgumentException("short message");
        }
        int qd = u16(m, 4);
        int records = u16(m, 6) + u16(m, 8) + u16(m, 10);
        int p = 12;
        for (int i = 0; i < qd; i++) {
            p = skipName(m, p) + 4;
        }
        int[] offsets = new int[records];
        int n = 0;
        for (int i = 0; i < records; i++) {
            p = skipName(m, p);
            check(m, p + 10);
            int type = u16(m, p);
            if (type != 41) {
                offsets[n++] = p + 4;
            }
            p += 10 + u16(m, p + 8);
        }
        check(m, p);
        return n == offsets.length ? offsets : Arrays.copyOf(offsets, n);
    }

    private static int skipName(byte[] m, int p) {
        while (true) {
            check(m, p + 1);
            int l = m[p] & 0xff;
            if (l == 0) {
                return p + 1;
            }
            if ((l & 0xc0) == 0xc0) {
                return p + 2;
            }
            if (l > 63) {
                throw new IllegalArgumentException("bad label type at " + p);
            }
            p += l + 1;
        }
    }

    private static void check(byte[] m, int end) {
        if (end > m.length) {
            throw new IllegalArgumentException("message ends early");
        }
    }

    static int u16(byte[] m, int p) {
        return ((m[p] & 0xff) << 8) | (m[p + 1] & 0xff);
    }

    /** The smallest TTL among the records at {@code offsets}, or {@code fallback} when there are none. */
    public static long minTtl(byte[] m, int[] offsets, long fallback) {
        long min = Long.MAX_VALUE;
        for (int o : offsets) {
            min = Math.min(min, readTtl(m, o));
        }
        return min == Long.MAX_VALUE ? fallback : min;
    }

    public static long readTtl(byte[] m, int o) {
        return ((m[o] & 0xffL) << 24) | ((m[o + 1] & 0xffL) << 16) | ((m[o + 2] & 0xffL) << 8) | (m[o + 3] & 0xffL);
    }
}
