package net.gate64.nat64.translate;

/**
 * What the translator needs besides addresses (RFC 7915 §4.1, §5.1), one immutable value per running gateway.
 *
 * <ul>
 *   <li>{@code ipv4Mtu}: the largest IPv4 packet the gateway writes (the IPv4 next hop, 68 or more; below 1260 the
 *       translator fragments IPv4 packets whose DF is clear itself, RFC 7915 §5);</li>
 *   <li>{@code ipv6Mtu}: the largest IPv6 packet it writes (1280 or more); IPv4 packets with DF that would not fit
 *       are answered with Fragmentation Needed;</li>
 *   <li>{@code lowestIpv6Mtu}: RFC 7915 §4.1 "lowest-ipv6-mtu", the size IPv4 packets without DF are fragmented
 *       to (1280 up to {@code ipv6Mtu});</li>
 *   <li>{@code decrementHopLimit}: act as a router (TTL/Hop Limit − 1, Time Exceeded at zero); the kernel already
 *       decrements when it routes into and out of the TUN, so false makes the translator invisible to traceroute;</li>
 *   <li>{@code gateway4}, {@code gateway6}: the source of the ICMP errors the gateway originates;</li>
 *   <li>{@code zeroizeTrafficClass}: RFC 7915 §4.1, IPv6 Traffic Class 0 instead of the IPv4 TOS;</li>
 *   <li>{@code overrideTos}: RFC 7915 §5.1, -1 copies the Traffic Class into the IPv4 TOS, 0-255 sets that value;</li>
 *   <li>{@code amendUdpChecksumZero}: RFC 7915 §4.5, compute the checksum of an unfragmented IPv4 UDP datagram
 *       that carries none (false: drop it and answer ICMPv4 3/13).</li>
 * </ul>
 */
public record TranslatorConfig(int ipv4Mtu, int ipv6Mtu, int lowestIpv6Mtu, boolean decrementHopLimit, int gateway4,
                               byte[] gateway6, boolean zeroizeTrafficClass, int overrideTos,
                               boolean amendUdpChecksumZero) {
    /** RFC 8200 §5: the IPv6 minimum link MTU. */
    public static final int IPV6_MINIMUM_MTU = 1280;
    /** RFC 791: every IPv4 link carries 68 bytes. */
    public static final int IPV4_MINIMUM_MTU = 68;

    public TranslatorConfig {
        if (ipv4Mtu < IPV4_MINIMUM_MTU || ipv4Mtu > 65535) {
            throw new IllegalArgumentException("ipv4 mtu must be 68..65535");
        }
        if (ipv6Mtu < IPV6_MINIMUM_MTU || ipv6Mtu > 65535) {
            throw new IllegalArgumentException("ipv6 mtu must be 1280..65535");
        }
        if (lowestIpv6Mtu < IPV6_MINIMUM_MTU || lowestIpv6Mtu > ipv6Mtu) {
            throw new IllegalArgumentException("lowest-ipv6-mtu must be 1280..ipv6 mtu");
        }
        if (overrideTos < -1 || overrideTos > 255) {
            throw new IllegalArgumentException("override-tos must be -1..255");
        }
        gateway6 = gateway6.clone();
    }

    /** One MTU for both families, lowest-ipv6-mtu 1280, traffic class copied, zero UDP checksums computed. */
    public static TranslatorConfig of(int mtu, boolean decrementHopLimit, int gateway4, byte[] gateway6) {
        return new TranslatorConfig(mtu, mtu, IPV6_MINIMUM_MTU, decrementHopLimit, gateway4, gateway6, false, -1, true);
    }

    /** The IPv6 Traffic Class for an IPv4 TOS octet. */
    int trafficClassFor(int tos) {
        return zeroizeTrafficClass ? 0 : tos;
    }

    /** The IPv4 TOS octet for an IPv6 Traffic Class. */
    int tosFor(int trafficClass) {
        return overrideTos >= 0 ? overrideTos : trafficClass;
    }

    @Override
    public byte[] gateway6() {
        return gateway6.clone();
    }
}
