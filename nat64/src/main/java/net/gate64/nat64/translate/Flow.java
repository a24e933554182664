package net.gate64.nat64.translate;

/**
 * The addresses and ports of one packet while it is being translated: filled by the translator from the packet,
 * rewritten by an {@link AddressMapper}. One instance per worker thread, reused for every packet (no allocation).
 *
 * <p>For ICMP echo the identifier plays the role of the port on the client side: {@code srcPort} of a request from
 * IPv6, {@code dstPort} of a reply from IPv4; the other "port" is the same identifier.
 */
public final class Flow {
    public int proto; // 6, 17, or 58/1 for ICMP (the protocol of the side being read)
    public boolean icmp;
    public final byte[] src6 = new byte[16];
    public final byte[] dst6 = new byte[16];
    public int src4;
    public int dst4;
    public int srcPort;
    public int dstPort;
    public int tcpFlags;
    /** False for non-first fragments: the transport header is not in this packet. */
    public boolean hasPorts;
    /** Fragment identification when the packet is a fragment (first or not), else -1. */
    public long fragmentId;
    /** Which pool6 prefix the IPv6 side uses (index into the configured list). */
    public int prefixIndex;
    /**
     * The packet goes from one IPv6 host to another through the translator (RFC 6146 §3.8, RFC 7757 §4.2):
     * IPv6 → IPv4, its IPv4 destination is one of the translator's own; IPv4 → IPv6, this is its way back.
     */
    public boolean hairpin;
    public DropReason drop;

    public void reset(int proto) {
        this.proto = proto;
        this.icmp = proto == 58 || proto == 1;
        this.tcpFlags = 0;
        this.srcPort = 0;
        this.dstPort = 0;
        this.hasPorts = true;
        this.prefixIndex = 0;
        this.fragmentId = -1;
        this.hairpin = false;
        this.drop = null;
    }
}
