package net.gate64.scripting.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.gate64.common.IpNetwork;
import org.graalvm.polyglot.HostAccess.Export;

/**
 * The scripts' {@code ComboAddress}: an IPv4 or IPv6 address with a port ({@code dq.remoteaddr}, {@code newCA}).
 * Only {@link #truncate(int)} mutates it, as in PowerDNS.
 */
public final class ComboAddress {
    private final byte[] raw; // 4 or 16 bytes
    private final int port;

    public ComboAddress(byte[] raw, int port) {
        if (raw.length != 4 && raw.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + raw.length);
        }
        this.raw = raw.clone();
        this.port = port;
    }

    public static ComboAddress of(InetSocketAddress a) {
        return new ComboAddress(a.getAddress().getAddress(), a.getPort());
    }

    /** Parses "192.0.2.1", "192.0.2.1:53", "2001:db8::1" or "[2001:db8::1]:53". */
    public static ComboAddress parse(String text) {
        String t = text.trim();
        int port = 0;
        String host = t;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' is not an address");
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                port = port(t.substring(close + 1), text);
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            host = t.substring(0, t.indexOf(':'));
            port = port(t.substring(t.indexOf(':')), text);
        }
        return new ComboAddress(IpNetwork.parseAddress(host, text), port);
    }

    private static int port(String colonPort, String whole) {
        try {
            int p = colonPort.startsWith(":") ? Integer.parseInt(colonPort.substring(1)) : -1;
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' has an invalid port");
        }
    }

    /** The address bytes themselves, for read-only use inside this package. */
    byte[] raw() {
        return raw;
    }

    /** A copy of the 4 or 16 address bytes. */
    public byte[] bytes() {
        return raw.clone();
    }

    public InetAddress inetAddress() {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Export
    public boolean isIPv4() {
        return raw.length == 4;
    }

    @Export
    public boolean isIPv6() {
        return raw.length == 16;
    }

    @Export
    public int getPort() {
        return port;
    }

    @Export
    public boolean isMappedIPv4() {
        if (raw.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    /** The IPv4 address inside a ::ffff:a.b.c.d address (the address itself otherwise). */
    @Export
    public ComboAddress mapToIPv4() {
        return isMappedIPv4() ? new ComboAddress(Arrays.copyOfRange(raw, 12, 16), port) : this;
    }

    /** Keeps the first {@code bits} bits and zeroes the rest (in place). */
    @Export
    public void truncate(int bits) {
        for (int bit = Math.max(0, bits); bit < raw.length * 8; bit++) {
            raw[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
    }

    /** The raw address bytes as a (binary) string, as PowerDNS's getRaw returns them. */
    @Export
    public String getRaw() {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** Same address, ports ignored. */
    @Export
    public boolean equal(ComboAddress other) {
        return other != null && Arrays.equals(raw, other.raw);
    }

    @Export
    @Override
    public String toString() {
        return raw.length == 4 ? inetAddress().getHostAddress() : net.gate64.common.Nat64Prefix.format(raw);
    }

    @Export
    public String toStringWithPort() {
        return raw.length == 4 ? toString() + ":" + port : "[" + toString() + "]:" + port;
    }

    @Export
    public String toStringNoInterface() {
        return toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComboAddress c && Arrays.equals(raw, c.raw) && port == c.port;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw) * 31 + port;
    }
}
