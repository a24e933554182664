package net.gate64.nat64.translate;

import static net.gate64.nat64.packet.Bytes.i32;
import static net.gate64.nat64.packet.Bytes.put16;
import static net.gate64.nat64.packet.Bytes.put32;
import static net.gate64.nat64.packet.Bytes.u8;

import net.gate64.nat64.packet.Checksums;
import net.gate64.nat64.packet.Ipv4Header;
import net.gate64.nat64.packet.Ipv6Header;

/**
 * The ICMP errors the gateway originates itself (Time Exceeded, Packet Too Big / Fragmentation Needed), sent back to
 * the packet's sender on its own side of the translator. Rate-limited per worker; never sent about an ICMP error.
 */
final class IcmpErrors {
    /** RFC 4443 §2.4(c): an ICMPv6 error fits the IPv6 minimum MTU. */
    static final int MAX_V6 = 1280;
    /** RFC 1812 §4.3.2.3: an ICMPv4 error is at most 576 bytes. */
    static final int MAX_V4 = 576;
    private static final int DEFAULT_TTL = 64;

    private final TranslatorConfig config;
    private final IcmpRateLimiter limiter;
    private final Counters counters;
    private final byte[] gateway6;
    private final byte[] destination = new byte[16];

    IcmpErrors(TranslatorConfig config, IcmpRateLimiter limiter, Counters counters) {
        this.config = config;
        this.limiter = limiter;
        this.counters = counters;
        this.gateway6 = config.gateway6();
    }

    /**
     * An ICMPv6 error about the IPv6 packet {@code in[0..len)}, written to {@code out}; returns its length or 0 when
     * suppressed. {@code isError} says the offending packet is itself an ICMPv6 error; {@code rest} is the 32-bit
     * field after the checksum (MTU, pointer or 0).
     */
    int toIpv6Sender(byte[] in, int len, boolean isError, int type, int code, int rest, byte[] out) {
        if (isError || !unicastSource6(in) || !allowed()) {
            return 0;
        }
        int body = Math.min(len, MAX_V6 - 48);
        System.arraycopy(in, 0, out, 48, body);
        out[40] = (byte) type;
        out[41] = (byte) code;
        put32(out, 44, rest);
        byte[] dst = destination;
        System.arraycopy(in, Ipv6Header.SOURCE, dst, 0, 16);
        Ipv6Header.write(out, 0, 0, 8 + body, 58, DEFAULT_TTL, gateway6, dst);
        put16(out, 42, 0);
        int sum = Ipv6Header.pseudoSum(out, 0, 8 + body, 58);
        put16(out, 42, Checksums.finish(Checksums.sum(out, 40, 8 + body, sum)));
        counters.icmpErrorsSent.increment();
        return 48 + body;
    }

    /** An ICMPv4 error about the IPv4 packet {@code in[0..len)}; {@code rest} is the 32-bit field after the checksum. */
    int toIpv4Sender(byte[] in, int len, boolean isError, int type, int code, int rest, byte[] out) {
        return toIpv4Sender(in, len, isError, type, code, rest, config.gateway4(), out);
    }

    /** As above, from {@code source} instead of the gateway's own address. */
    int toIpv4Sender(byte[] in, int len, boolean isError, int type, int code, int rest, int source, byte[] out) {
        boolean nonFirstFragment = (((in[6] & 0xff) << 8 | (in[7] & 0xff)) & Ipv4Header.OFFSET_MASK) != 0;
        int src = i32(in, Ipv4Header.SOURCE);
        boolean unicast = src != 0 && (src >>> 28) < 0xe; // RFC 1812 §4.3.2.7: not to 0.0.0.0, multicast, class E
        if (isError || nonFirstFragment || !unicast || !allowed()) {
            return 0;
        }
        int body = Math.min(len, MAX_V4 - 28);
        System.arraycopy(in, 0, out, 28, body);
        out[20] = (byte) type;
        out[21] = (byte) code;
        put16(out, 22, 0);
        put32(out, 24, rest);
        put16(out, 22, Checksums.finish(Checksums.sum(out, 20, 8 + body, 0)));
        Ipv4Header.write(out, 0, 0, 28 + body, 0, 0, DEFAULT_TTL, 1, source, i32(in, Ipv4Header.SOURCE));
        counters.icmpErrorsSent.increment();
        return 28 + body;
    }

    private boolean allowed() {
        if (limiter.tryAcquire()) {
            return true;
        }
        counters.icmpErrorsSuppressed.increment();
        return false;
    }

    /** RFC 4443 §2.4(e): no error to the unspecified address, multicast or link-local sources. */
    private static boolean unicastSource6(byte[] in) {
        int first = in[Ipv6Header.SOURCE] & 0xff;
        int second = in[Ipv6Header.SOURCE + 1] & 0xc0;
        if (first == 0xff || (first == 0xfe && second == 0x80)) {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            if (in[Ipv6Header.SOURCE + i] != 0) {
                return true;
            }
        }
        return false;
    }

    static boolean isV6Error(byte[] in, int l4, int proto) {
        return proto == 58 && u8(in, l4) < 128;
    }
}
