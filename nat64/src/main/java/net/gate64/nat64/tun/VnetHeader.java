package net.gate64.nat64.tun;

/**
 * The 10-byte struct virtio_net_hdr that precedes packets on a TUN with IFF_VNET_HDR (little-endian fields on x86:
 * flags, gso_type, hdr_len, gso_size, csum_start, csum_offset). Translation changes the IP header length and family,
 * so the offsets and the GSO type are rewritten for the translated packet (TCPV6 ↔ TCPV4; UDP_L4 serves both
 * families); gso_size (the MSS, or each UDP datagram's payload) stays.
 */
public final class VnetHeader {
    public static final int LENGTH = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int F_DATA_VALID = 2;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    /** VIRTIO_NET_HDR_GSO_UDP_L4: UDP segmentation offload, either family (TUN_F_USO4/6, kernel 6.2). */
    static final int GSO_UDP_L4 = 5;
    static final int GSO_ECN = 0x80;

    private VnetHeader() {}

    /** Whether we can translate a packet with this header (no GSO, TCP GSO, or UDP GSO). */
    public static boolean supported(byte[] h, int off) {
        int type = h[off + 1] & 0x7f;
        return type == GSO_NONE || type == GSO_TCPV4 || type == GSO_TCPV6 || type == GSO_UDP_L4;
    }

    /** The segment payload size (gso_size: the MSS, or the UDP datagram payload) of a GSO packet. */
    public static int gsoSize(byte[] h, int off) {
        return (h[off + 4] & 0xff) | (h[off + 5] & 0xff) << 8;
    }

    /** Whether the packet is a UDP super-packet (UDP segmentation offload). */
    public static boolean udpGso(byte[] h, int off) {
        return (h[off + 1] & 0x7f) == GSO_UDP_L4;
    }

    public static boolean gso(byte[] h, int off) {
        return (h[off + 1] & 0x7f) != GSO_NONE;
    }

    public static boolean needsChecksum(byte[] h, int off) {
        return (h[off] & F_NEEDS_CSUM) != 0;
    }

    /** An all-zero header: a complete packet with complete checksums (our own ICMP errors). */
    public static void writePlain(byte[] dst, int off) {
        for (int i = 0; i < LENGTH; i++) {
            dst[off + i] = 0;
        }
    }

    /**
     * The header for the translated packet {@code pkt} (IP header at offset 0), given the header {@code in} that
     * came with the original.
     */
    public static void writeTranslated(byte[] in, int inOff, byte[] pkt, byte[] dst, int off) {
        boolean v4 = (pkt[0] & 0xf0) == 0x40;
        int l4 = v4 ? (pkt[0] & 0x0f) * 4 : 40;
        boolean partial = needsChecksum(in, inOff);
        boolean gso = gso(in, inOff);
        dst[off] = (byte) (partial ? F_NEEDS_CSUM : in[inOff] & F_DATA_VALID);
        boolean udp = udpGso(in, inOff);
        dst[off + 1] = (byte) (!gso ? GSO_NONE : udp ? GSO_UDP_L4 : (v4 ? GSO_TCPV4 : GSO_TCPV6) | (in[inOff + 1] & GSO_ECN));
        int hdrLen = !gso ? 0 : udp ? l4 + 8 : l4 + ((pkt[l4 + 12] & 0xf0) >>> 4) * 4;
        putLe16(dst, off + 2, hdrLen);
        dst[off + 4] = gso ? in[inOff + 4] : 0; // gso_size unchanged
        dst[off + 5] = gso ? in[inOff + 5] : 0;
        putLe16(dst, off + 6, partial ? l4 : 0);
        dst[off + 8] = partial ? in[inOff + 8] : 0; // csum_offset within the transport header: unchanged
        dst[off + 9] = partial ? in[inOff + 9] : 0;
    }

    private static void putLe16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }
}
