package net.gate64.nat64.packet;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624). Sums are kept unfolded in an int until
 * {@link #fold(int)}; callers add words for pseudo headers and changed fields without touching the payload, which is
 * what keeps translation of large packets cheap. A packet that arrives with a bad transport checksum therefore leaves
 * with an equally bad one (the receiver still rejects it), instead of being "repaired" by a full recomputation.
 */
public final class Checksums {
    private Checksums() {}

    /** Adds the 16-bit words of {@code b[off..off+len)} to {@code sum}; an odd last byte is padded with zero. */
    public static int sum(byte[] b, int off, int len, int sum) {
        long s = sum & 0xffffffffL;
        int end = off + len;
        int i = off;
        for (; i + 1 < end; i += 2) {
            s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            s += (b[i] & 0xff) << 8;
        }
        while ((s >>> 32) != 0) {
            s = (s & 0xffffffffL) + (s >>> 32);
        }
        return foldLong(s);
    }

    private static int foldLong(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /** Folds a sum of 16-bit words into 16 bits with end-around carry. */
    public static int fold(int sum) {
        long s = sum & 0xffffffffL;
        return foldLong(s);
    }

    /** The checksum field value for a complete sum. */
    public static int finish(int sum) {
        return ~fold(sum) & 0xffff;
    }

    /** Adds a 32-bit value as two 16-bit words. */
    public static int add32(int sum, int v) {
        return fold(fold(sum) + (v >>> 16) + (v & 0xffff));
    }

    /**
     * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), where m is the folded sum of the words that were removed and m' of the
     * words that replaced them.
     */
    public static int update(int checksum, int removedSum, int addedSum) {
        int s = (~checksum & 0xffff) + (~fold(removedSum) & 0xffff) + fold(addedSum);
        return ~fold(s) & 0xffff;
    }

    /**
     * Updates a partial checksum (the kernel's CHECKSUM_PARTIAL / virtio NEEDS_CSUM: the field holds the folded,
     * not complemented, pseudo-header sum and the rest is summed later by whoever completes it).
     */
    public static int updatePartial(int field, int removedSum, int addedSum) {
        return fold(field + (~fold(removedSum) & 0xffff) + fold(addedSum));
    }

    /** The sum of the two IPv6 addresses of a header at {@code off} (source then destination). */
    public static int ipv6Addresses(byte[] b, int addrOff) {
        return sum(b, addrOff, 32, 0);
    }
}
