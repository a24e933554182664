package net.gate64.nat64.packet;

/** Field offsets and a writer for the 20-byte IPv4 header (RFC 791); the translator never emits options. */
public final class Ipv4Header {
    public static final int LENGTH = 20;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int DONT_FRAGMENT = 0x4000;
    public static final int MORE_FRAGMENTS = 0x2000;
    public static final int OFFSET_MASK = 0x1fff;

    private Ipv4Header() {}

    /** Writes a header without options at {@code off}, checksum included. */
    public static void write(byte[] b, int off, int tos, int totalLength, int id, int flagsFragment, int ttl,
                             int protocol, int src, int dst) {
        b[off] = 0x45;
        b[off + 1] = (byte) tos;
        Bytes.put16(b, off + TOTAL_LENGTH, totalLength);
        Bytes.put16(b, off + IDENTIFICATION, id);
        Bytes.put16(b, off + FLAGS_FRAGMENT, flagsFragment);
        b[off + TTL] = (byte) ttl;
        b[off + PROTOCOL] = (byte) protocol;
        b[off + CHECKSUM] = 0;
        b[off + CHECKSUM + 1] = 0;
        Bytes.put32(b, off + SOURCE, src);
        Bytes.put32(b, off + DESTINATION, dst);
        Bytes.put16(b, off + CHECKSUM, Checksums.finish(Checksums.sum(b, off, LENGTH, 0)));
    }

    /** The sum of the two addresses as pseudo-header words. */
    public static int addressSum(int src, int dst) {
        return Checksums.add32(Checksums.add32(0, src), dst);
    }
}
