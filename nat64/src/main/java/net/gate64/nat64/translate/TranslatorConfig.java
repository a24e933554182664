package net.gate64.nat64.translate;

/**
 * What the translator needs besides addresses: the link MTU of the TUN device (both families), whether it acts as a
 * router and decrements TTL/Hop Limit (RFC 7915 §4.1/§5.1; the kernel already decrements when it routes into and out
 * of the TUN, so turning this off makes the translator invisible to traceroute), and the gateway's own addresses used
 * as the source of the ICMP errors it originates.
 */
public record TranslatorConfig(int mtu, boolean decrementHopLimit, int gateway4, byte[] gateway6) {
    public TranslatorConfig {
        if (mtu < 1280 || mtu > 65535) {
            throw new IllegalArgumentException("mtu must be 1280..65535");
        }
        gateway6 = gateway6.clone();
    }
}
