package net.gate64.common;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4-embedded IPv6 prefix with the RFC 6052 §2.2 address layout, shared by the DNS64 synthesiser and the NAT64
 * gateway so that the two can never disagree on where the IPv4 address sits.
 *
 * <p>Lengths 32, 40, 48, 56, 64 and 96 are accepted. Bits 64–71 (the "u" octet) are always zero: for /96 the prefix
 * itself must have them zero, for shorter prefixes the IPv4 address is split around them. Bits after the prefix length
 * must be zero in the configured value, so that a typo such as {@code 64:ff9b::1/96} is refused instead of silently
 * masked (PowerDNS masks; CoreDNS accepts /72 — both counter-examples).
 *
 * <p>Embedding and extraction have allocation-free variants for the NAT64 hot path.
 */
public final class Nat64Prefix {
    /** The well-known prefix 64:ff9b::/96 (RFC 6052 §2.1). */
    public static final Nat64Prefix WELL_KNOWN = parse("64:ff9b::/96");

    private static final int U_OCTET = 8;

    private final byte[] prefix; // 16 bytes, zero after the prefix length
    private final int length;
    private final int[] positions; // byte indices of the four IPv4 octets

    private Nat64Prefix(byte[] prefix, int length) {
        this.prefix = prefix;
        this.length = length;
        this.positions = new int[4];
        int index = length / 8;
        for (int i = 0; i < 4; i++) {
            if (index == U_OCTET) {
                index++;
            }
            positions[i] = index++;
        }
    }

    /**
     * Parses {@code address/length}.
     *
     * @throws IllegalArgumentException with a message fit for the operator when the text is not a valid RFC 6052 prefix
     */
    public static Nat64Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length; write it like 64:ff9b::/96");
        }
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has an unreadable prefix length");
        }
        if (length != 32 && length != 40 && length != 48 && length != 56 && length != 64 && length != 96) {
            throw new IllegalArgumentException("'" + text + "': prefix length must be 32, 40, 48, 56, 64 or 96 (RFC 6052 §2.2)");
        }
        byte[] bytes = parseIpv6(text.substring(0, slash).trim(), text);
        for (int bit = length; bit < 128; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("'" + text + "' has non-zero bits after the /" + length + " prefix");
            }
        }
        if (bytes[U_OCTET] != 0) {
            throw new IllegalArgumentException("'" + text + "': bits 64-71 (the u octet) must be zero (RFC 6052 §2.2)");
        }
        return new Nat64Prefix(bytes, length);
    }

    private static byte[] parseIpv6(String address, String whole) {
        if (address.isEmpty() || address.indexOf(':') < 0) {
            throw new IllegalArgumentException("'" + whole + "' is not an IPv6 prefix");
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv6 prefix");
            }
        }
        try {
            InetAddress parsed = InetAddress.getByName(address); // literal only: no lookup for hex/colon text
            if (!(parsed instanceof Inet6Address)) {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv6 prefix");
            }
            return parsed.getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + whole + "' is not an IPv6 prefix");
        }
    }

    /**
     * A /96 made of the first 12 bytes of {@code address}, the way PowerDNS scripts give a prefix
     * ({@code dq.followupPrefix = "fe80::21b:77ff:0:0"}): the last 4 bytes are ignored and the u octet is not
     * checked, because PowerDNS copies bytes 0-11 as they are and its documented example has a non-zero u octet.
     * For running such scripts unchanged only; configuration goes through {@link #parse}.
     */
    public static Nat64Prefix ofScriptAddress(byte[] address) {
        if (address.length != 16) {
            throw new IllegalArgumentException("a prefix address must be IPv6");
        }
        byte[] bytes = java.util.Arrays.copyOf(address, 16);
        java.util.Arrays.fill(bytes, 12, 16, (byte) 0);
        return new Nat64Prefix(bytes, 96);
    }

    public int length() {
        return length;
    }

    /** A copy of the 16 prefix bytes (zero after the prefix length). */
    public byte[] bytes() {
        return prefix.clone();
    }

    /** Whether this is 64:ff9b::/96, which must never carry non-global IPv4 addresses (RFC 6052 §3.1). */
    public boolean isWellKnown() {
        return equals(WELL_KNOWN);
    }

    /** Writes the IPv4-embedded IPv6 address for {@code ipv4} (big-endian int) into {@code dst[off..off+16)}. */
    public void embed(int ipv4, byte[] dst, int off) {
        System.arraycopy(prefix, 0, dst, off, 16);
        dst[off + positions[0]] = (byte) (ipv4 >>> 24);
        dst[off + positions[1]] = (byte) (ipv4 >>> 16);
        dst[off + positions[2]] = (byte) (ipv4 >>> 8);
        dst[off + positions[3]] = (byte) ipv4;
    }

    /** The IPv4-embedded IPv6 address (16 bytes) for a 4-byte IPv4 address. */
    public byte[] embed(byte[] ipv4) {
        if (ipv4.length != 4) {
            throw new IllegalArgumentException("IPv4 address must be 4 bytes, got " + ipv4.length);
        }
        byte[] out = new byte[16];
        embed(toInt(ipv4, 0), out, 0);
        return out;
    }

    /** Whether the 16 bytes at {@code src[off..]} lie inside this prefix. */
    public boolean contains(byte[] src, int off) {
        int full = length / 8;
        for (int i = 0; i < full; i++) {
            if (src[off + i] != prefix[i]) {
                return false;
            }
        }
        return true; // all lengths are whole octets
    }

    /**
     * Extracts the embedded IPv4 address from {@code src[off..off+16)}.
     *
     * @return the address as an unsigned int in a long, or -1 when the address is outside the prefix or its u octet is
     *     not zero (such an address cannot have been produced by RFC 6052 embedding)
     */
    public long extract(byte[] src, int off) {
        if (!contains(src, off) || src[off + U_OCTET] != 0) {
            return -1;
        }
        return ((src[off + positions[0]] & 0xffL) << 24)
                | ((src[off + positions[1]] & 0xffL) << 16)
                | ((src[off + positions[2]] & 0xffL) << 8)
                | (src[off + positions[3]] & 0xffL);
    }

    /** The embedded IPv4 address (4 bytes), or null when {@link #extract(byte[], int)} would return -1. */
    public byte[] extract(byte[] ipv6) {
        if (ipv6.length != 16) {
            throw new IllegalArgumentException("IPv6 address must be 16 bytes, got " + ipv6.length);
        }
        long v4 = extract(ipv6, 0);
        if (v4 < 0) {
            return null;
        }
        return new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
    }

    static int toInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nat64Prefix p && p.length == length && Arrays.equals(p.prefix, prefix);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(prefix) * 31 + length;
    }

    @Override
    public String toString() {
        try {
            String text = InetAddress.getByAddress(prefix).getHostAddress();
            return compress(text) + "/" + length;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** RFC 5952 text for a 16-byte address (Java prints it uncompressed). */
    public static String format(byte[] ipv6) {
        try {
            // Inet6Address directly: InetAddress.getByAddress turns ::ffff:a.b.c.d into an IPv4 address
            return compress(java.net.Inet6Address.getByAddress(null, ipv6, -1).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bestStart; i++) {
            sb.append(groups[i]).append(i + 1 < bestStart ? ":" : "");
        }
        sb.append("::");
        for (int i = bestStart + bestLen; i < groups.length; i++) {
            sb.append(groups[i]).append(i + 1 < groups.length ? ":" : "");
        }
        return sb.toString();
    }
}
