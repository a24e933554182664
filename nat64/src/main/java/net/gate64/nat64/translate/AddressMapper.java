package net.gate64.nat64.translate;

/**
 * Chooses the addresses (and, for stateful NAT64, ports) of a translated packet. The translator does the RFC 7915
 * header work; the mapper is where stateful NAT64 (RFC 6146) and SIIT (RFC 7757 EAM + pool6) differ.
 *
 * <p>Outer methods may create state; inner methods serve the packet quoted inside an ICMP error, whose source and
 * destination are the reverse of a packet that went the other way, and never create state.
 */
public interface AddressMapper {
    /** Fills {@code src4, dst4} and the new ports from {@code src6, dst6} and the ports; sets {@code drop} on failure. */
    void map6to4(Flow f);

    /** Fills {@code src6, dst6} and the new ports from {@code src4, dst4} and the ports. */
    void map4to6(Flow f);

    /** The packet inside an ICMPv6 error: it went from IPv4 to IPv6 earlier, so it is mapped back. */
    void mapInner6to4(Flow f);

    /** The packet inside an ICMPv4 error: it went from IPv6 to IPv4 earlier. */
    void mapInner4to6(Flow f);

    /** The IPv4 source of a translated ICMPv6 error sent by {@code outerSrc6}; {@code inner} is already mapped. */
    long errorSource6to4(byte[] outerSrc6, Flow inner);

    /**
     * Writes the IPv6 source of a translated ICMPv4 error sent by {@code outerSrc4} into {@code dst}; false when
     * it cannot be represented.
     */
    boolean errorSource4to6(int outerSrc4, Flow inner, byte[] dst);

    /** Whether an IPv4 destination belongs to this translator (pool4), for hairpinning. */
    boolean isOwnIpv4(int addr);

    /**
     * Keeps {@code packet[0..len)}, which the last {@link #map4to6} refused with {@link DropReason#TCP_SYN_HELD}
     * (stateful NAT64 holds unsolicited SYNs, RFC 6146 §3.5.2.2); false when it cannot be held (answer now).
     */
    default boolean hold(Flow f, byte[] packet, int len) {
        return false;
    }

    /** Copies a held IPv4 packet whose time ran out into {@code out} and returns its length; 0 when none. */
    default int takeExpired(byte[] out) {
        return 0;
    }
}
