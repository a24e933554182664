package net.gate64.resolver.dns46;

import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;

/** in-addr.arpa names of single IPv4 addresses, and the ip6.arpa names of IPv6 addresses (RFC 1035 §3.5, RFC 3596 §2.5). */
public final class InAddrNames {
    private static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");

    private InAddrNames() {}

    /**
     * The IPv4 address {@code qname} is the reverse name of ({@code d.c.b.a.in-addr.arpa.} for a.b.c.d), or null when
     * it is not exactly one address written canonically (four labels of 0-255 in decimal without leading zeros).
     */
    public static byte[] ipv4(Name qname) {
        if (qname.labels() != 7 || !qname.subdomain(IN_ADDR_ARPA)) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            byte[] label = qname.getLabel(i); // length byte first
            int len = label[0];
            if (len < 1 || len > 3 || (len > 1 && label[1] == '0')) {
                return null;
            }
            int v = 0;
            for (int j = 1; j <= len; j++) {
                int d = label[j] - '0';
                if (d < 0 || d > 9) {
                    return null;
                }
                v = v * 10 + d;
            }
            if (v > 255) {
                return null;
            }
            out[3 - i] = (byte) v;
        }
        return out;
    }

    /** The ip6.arpa name of a 16-byte address. */
    public static Name ip6Arpa(byte[] ipv6) {
        return ReverseMap.fromAddress(ipv6);
    }
}
