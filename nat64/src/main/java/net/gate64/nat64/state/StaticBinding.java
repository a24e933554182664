package net.gate64.nat64.state;

import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.packet.Bytes;

/**
 * A configured binding (the {@code bib} setting, RFC 6146 §3.5.1 "static"): an IPv6 server's transport address
 * reachable from IPv4 at a fixed pool4 transport address. {@code proto} is 6, 17 or 1 (ICMP identifiers as ports).
 */
public record StaticBinding(int proto, byte[] addr6, int port6, int addr4, int port4) {
    public StaticBinding {
        addr6 = addr6.clone();
    }

    @Override
    public byte[] addr6() {
        return addr6.clone();
    }

    /** Adds it to {@code bib}; throws IllegalArgumentException naming the conflict. */
    public BibEntry addTo(Bib bib) {
        return bib.addStatic(proto, addr6, port6, addr4, port4);
    }

    @Override
    public String toString() {
        return BibEntry.protoName(proto) + " [" + Nat64Prefix.format(addr6) + "]:" + port6 + " <-> "
                + Bytes.ipv4(addr4) + ":" + port4;
    }
}
