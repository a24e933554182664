package net.gate64.nat64.packet;

/** Field offsets and a writer for the fixed 40-byte IPv6 header (RFC 8200). */
public final class Ipv6Header {
    public static final int LENGTH = 40;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 24;
    public static final int FRAGMENT_HEADER_LENGTH = 8;
    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int DESTINATION_OPTIONS = 60;
    public static final int AUTHENTICATION = 51;

    private Ipv6Header() {}

    /** Writes the fixed header at {@code off}; flow label zero. */
    public static void write(byte[] b, int off, int trafficClass, int payloadLength, int nextHeader, int hopLimit,
                             byte[] src, byte[] dst) {
        b[off] = (byte) (0x60 | ((trafficClass >>> 4) & 0x0f));
        b[off + 1] = (byte) ((trafficClass & 0x0f) << 4);
        b[off + 2] = 0;
        b[off + 3] = 0;
        Bytes.put16(b, off + PAYLOAD_LENGTH, payloadLength);
        b[off + NEXT_HEADER] = (byte) nextHeader;
        b[off + HOP_LIMIT] = (byte) hopLimit;
        System.arraycopy(src, 0, b, off + SOURCE, 16);
        System.arraycopy(dst, 0, b, off + DESTINATION, 16);
    }

    /** The traffic class of the header at {@code off}. */
    public static int trafficClass(byte[] b, int off) {
        return ((b[off] & 0x0f) << 4) | ((b[off + 1] & 0xff) >>> 4);
    }

    /** Pseudo-header sum (RFC 8200 §8.1) for the header at {@code off}, given upper-layer length and protocol. */
    public static int pseudoSum(byte[] b, int off, int upperLength, int protocol) {
        int s = Checksums.sum(b, off + SOURCE, 32, 0);
        return Checksums.fold(Checksums.add32(s, upperLength) + protocol);
    }
}
