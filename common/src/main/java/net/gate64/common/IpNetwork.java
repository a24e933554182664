package net.gate64.common;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fe80::/10}); a bare address is a host
 * network (/32 or /128). Host bits are masked off, as operators expect from allow-from style lists.
 */
public final class IpNetwork {
    private final byte[] network;
    private final int bits;

    private IpNetwork(byte[] network, int bits) {
        this.network = network;
        this.bits = bits;
        for (int bit = bits; bit < network.length * 8; bit++) {
            network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    /** @throws IllegalArgumentException naming the text when it is not a network */
    public static IpNetwork parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        byte[] address = parseAddress(slash < 0 ? t : t.substring(0, slash), text);
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has an unreadable prefix length");
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + address.length * 8);
            }
        }
        return new IpNetwork(address, bits);
    }

    /** Parses an IPv4 or IPv6 literal without any name lookup. */
    public static byte[] parseAddress(String literal, String context) {
        String a = literal.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        boolean v6 = a.indexOf(':') >= 0;
        boolean ok = !a.isEmpty();
        for (int i = 0; i < a.length() && ok; i++) {
            char c = a.charAt(i);
            ok = v6 ? (Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%') : (c >= '0' && c <= '9') || c == '.';
        }
        if (!ok || (!v6 && a.chars().filter(c -> c == '.').count() != 3)) {
            throw new IllegalArgumentException("'" + context + "' is not an IP address or network");
        }
        try {
            byte[] raw = InetAddress.getByName(a).getAddress();
            if (v6 && raw.length == 4) { // Java turns ::ffff:a.b.c.d into IPv4; keep what was written
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(raw, 0, mapped, 12, 4);
                return mapped;
            }
            return raw;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + context + "' is not an IP address or network");
        }
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int bits() {
        return bits;
    }

    public byte[] network() {
        return network.clone();
    }

    public boolean contains(InetAddress address) {
        return contains(normalize(address).getAddress());
    }

    /** Whether {@code address} (4 or 16 bytes) lies inside; addresses of the other family never match. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff00 >>> rest) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    /** IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as dual-stack sockets report them) become plain IPv4. */
    public static InetAddress normalize(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpNetwork n && n.bits == bits && Arrays.equals(n.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + bits;
    }

    @Override
    public String toString() {
        try {
            String text = InetAddress.getByAddress(network).getHostAddress();
            return (isIpv4() ? text : Nat64Prefix.format(network)) + "/" + bits;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
