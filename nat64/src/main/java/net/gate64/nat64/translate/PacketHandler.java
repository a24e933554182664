package net.gate64.nat64.translate;

/**
 * One worker's packet path: IPv6 in → {@link Translator6to4}, IPv4 in → {@link Translator4to6}, hairpinning inside
 * the translator when an IPv6 host addresses another one through its IPv4 form (a pool4 transport address, RFC 6146
 * §3.8; an EAM address, RFC 7757 §4.2.2 "intrinsic" hairpinning), and the counters. Not thread-safe:
 * one instance per worker, each with its own mapper view, translators and buffers.
 */
public final class PacketHandler {
    private final Translator6to4 to4;
    private final Translator4to6 to6;
    private final AddressMapper mapper;
    private final Counters counters;
    private final byte[] hairpin;
    /** A held packet whose time ran out (at most what an ICMPv4 error quotes). */
    private final byte[] expired = new byte[576];
    private byte[] output;
    private boolean translated;
    private boolean lastTo6;
    private boolean answer;

    public PacketHandler(AddressMapper mapper, TranslatorConfig config, IcmpRateLimiter limiter, Counters counters,
                         int bufferSize) {
        this.mapper = mapper;
        this.counters = counters;
        this.to4 = new Translator6to4(mapper, config, limiter, counters);
        this.to6 = new Translator4to6(mapper, config, limiter, counters);
        this.hairpin = new byte[bufferSize];
    }

    /**
     * Handles {@code in[0..len)} and returns the number of bytes to send, 0 for none; the bytes are in
     * {@link #output()}, which is {@code out} or, after hairpinning, an internal buffer.
     */
    public int handle(byte[] in, int len, byte[] out) {
        return handle(in, len, out, false, false);
    }

    /** As {@link #handle(byte[], int, byte[])} for a packet with offload state (see {@link Translator6to4#offload}). */
    public int handle(byte[] in, int len, byte[] out, boolean gso, boolean partialChecksum) {
        return handle(in, len, out, gso, partialChecksum, 0);
    }

    /** As above, with the segment payload size of a super-packet ({@link Translator6to4#offload(boolean, boolean, int)}). */
    public int handle(byte[] in, int len, byte[] out, boolean gso, boolean partialChecksum, int gsoSize) {
        to4.offload(gso, partialChecksum, gsoSize);
        to6.offload(gso, partialChecksum);
        output = out;
        translated = false;
        lastTo6 = false;
        answer = false;
        if (len < 1) {
            counters.drop(DropReason.TRUNCATED);
            return 0;
        }
        int version = (in[0] & 0xf0) >>> 4;
        if (version == 6) {
            counters.received6.increment();
            int n = to4.translate(in, len, out);
            Flow f = to4.flow();
            if (f.drop != null) {
                counters.drop(f.drop);
                return n;
            }
            translated = true;
            counters.translated6to4.increment();
            counters.bytes6to4.add(n);
            if (f.hairpin) {
                return hairpin(out, n);
            }
            return n;
        }
        if (version == 4) {
            counters.received4.increment();
            lastTo6 = true;
            int n = to6.translate(in, len, out);
            Flow f = to6.flow();
            if (f.drop != null) {
                counters.drop(f.drop);
                return n;
            }
            translated = true;
            counters.translated4to6.increment();
            counters.bytes4to6.add(n);
            return n;
        }
        counters.drop(DropReason.BAD_VERSION);
        return 0;
    }

    private int hairpin(byte[] ipv4, int len) {
        lastTo6 = true;
        to6.hairpinning(true);
        int n = to6.translate(ipv4, len, hairpin);
        to6.hairpinning(false);
        Flow f = to6.flow();
        output = hairpin;
        if (f.drop != null) {
            translated = false;
            counters.drop(f.drop);
            return n;
        }
        counters.hairpinned.increment();
        return n;
    }

    /**
     * The answer to a held packet whose time ran out (RFC 6146 §3.5.2.2: ICMP Port Unreachable for an unsolicited
     * SYN nobody opened), written to {@code out} (then {@link #output()}, one packet); returns its length, 0 when
     * none is due. The worker calls it now and then, idle or not; it never blocks.
     */
    public int expired(byte[] out) {
        int n;
        while ((n = mapper.takeExpired(expired)) > 0) {
            int m = to6.answerExpiredSyn(expired, n, out);
            if (m > 0) {
                output = out;
                translated = false;
                answer = true;
                return m;
            }
        }
        return 0;
    }

    /** Whether the last packet was translated (false: dropped, or answered with an ICMP error). */
    public boolean translated() {
        return translated;
    }

    /**
     * Packets in {@link #output()} after the last call: more than one when the translator fragmented (RFC 7915 §4.1
     * into IPv6 fragments, §5 into IPv4 fragments below the IPv4 MTU).
     */
    public int packetCount() {
        return answer ? 1 : lastTo6 ? to6.packetCount() : to4.packetCount();
    }

    /** Offset of packet {@code i} in {@link #output()}. */
    public int packetOffset(int i) {
        return answer ? 0 : lastTo6 ? to6.packetOffset(i) : to4.packetOffset(i);
    }

    /** Length of packet {@code i}; {@code total} is what {@link #handle} returned. */
    public int packetLength(int i, int total) {
        return answer ? total : lastTo6 ? to6.packetLength(i, total) : to4.packetLength(i, total);
    }

    public byte[] output() {
        return output;
    }
}
