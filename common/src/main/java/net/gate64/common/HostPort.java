package net.gate64.common;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses "192.0.2.1", "192.0.2.1:53", "[2001:db8::1]:53" and "2001:db8::1" into socket addresses, without lookups. */
public final class HostPort {
    private HostPort() {}

    public static InetSocketAddress parse(String text, int defaultPort) {
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' has no closing ]");
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                if (t.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("'" + text + "' is not address:port");
                }
                port = t.substring(close + 2);
            }
        } else if (t.indexOf(':') != t.lastIndexOf(':')) {
            host = t; // bare IPv6
        } else {
            int colon = t.indexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            port = colon < 0 ? null : t.substring(colon + 1);
        }
        byte[] raw = IpNetwork.parseAddress(host, text);
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has an unreadable port");
            }
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("'" + text + "': port must be 0..65535");
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(raw), p);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** "192.0.2.1:53" or "[2001:db8::1]:53". */
    public static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + net.gate64.common.Nat64Prefix.format(a.getAddress().getAddress()) + "]:" + a.getPort()
                : host + ":" + a.getPort();
    }
}
