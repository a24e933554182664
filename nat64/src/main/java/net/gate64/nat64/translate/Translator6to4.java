package net.gate64.nat64.translate;

import static net.gate64.nat64.packet.Bytes.i32;
import static net.gate64.nat64.packet.Bytes.put16;
import static net.gate64.nat64.packet.Bytes.put32;
import static net.gate64.nat64.packet.Bytes.u16;
import static net.gate64.nat64.packet.Bytes.u8;

import net.gate64.nat64.packet.Checksums;
import net.gate64.nat64.packet.Ipv4Header;
import net.gate64.nat64.packet.Ipv6Header;

/**
 * IPv6 → IPv4 translation (RFC 7915 §5) of one packet: bytes in, bytes out, no allocation. The result written to
 * {@code out} is either the translated IPv4 packet (or, when it exceeds the IPv4 MTU and may be fragmented, several
 * IPv4 fragments: see {@link #packetCount}) or, when the translator itself must answer, an ICMPv6 error back to the
 * sender. {@link Flow#drop} is set whenever the packet itself was not translated (with or without an error written);
 * the return value is the number of bytes to send, 0 for none.
 *
 * <p>Answered with an ICMPv6 error (rate-limited): hop limit exhausted (Time Exceeded), too big for the IPv4 MTU with
 * DF (Packet Too Big, never below 1280), a Routing header with Segments Left ≠ 0 (Parameter Problem pointing at that
 * field, §5.1), an extension header after the Fragment header (Destination Unreachable code 1, §5.1 and §5.4).
 * ICMPv6 errors carrying RFC 4884 extensions keep them, with the length attribute recomputed (§5.2). Not done:
 * ICMPv6 messages split into fragments are dropped (their checksum covers the whole message).
 */
public final class Translator6to4 {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP6 = 58;
    /** RFC 7915 §5.1: DF is set when the IPv4 packet is larger than 1260 bytes (1280 minus the header difference). */
    private static final int DF_THRESHOLD = 1260;
    /** RFC 4884 §4: the original datagram field of an ICMP message with extensions is at least 128 bytes. */
    static final int RFC4884_MINIMUM = 128;
    private static final int MAX_FRAGMENTS = 64;

    private final AddressMapper mapper;
    private final TranslatorConfig config;
    private final IcmpErrors errors;
    private final Flow flow = new Flow();
    private final Flow inner = new Flow();
    private final byte[] scratch = new byte[70_000 + MAX_FRAGMENTS * 20];
    private final int[] fragmentOffsets = new int[MAX_FRAGMENTS];
    private final int[] fragmentLengths = new int[MAX_FRAGMENTS];
    private int fragmentCount = 1;
    private boolean gso;
    private boolean partialChecksum;
    private int gsoSize;
    private int nextId;

    public Translator6to4(AddressMapper mapper, TranslatorConfig config, IcmpRateLimiter limiter, Counters counters) {
        this.mapper = mapper;
        this.config = config;
        this.errors = new IcmpErrors(config, limiter, counters);
        this.nextId = (int) System.nanoTime();
    }

    /**
     * Offload state of the next packet (TUN with IFF_VNET_HDR): {@code gso} = a TCP super-packet the kernel will
     * segment (no MTU check), {@code partial} = its transport checksum field holds only the pseudo-header sum.
     */
    public void offload(boolean gso, boolean partial) {
        offload(gso, partial, 0);
    }

    /**
     * As {@link #offload(boolean, boolean)}, with the payload size of each segment of a super-packet (the MSS, or a
     * UDP GSO datagram's payload; 0 when unknown): the §5.1 DF rule then applies to the segments the kernel will put
     * on the wire, not to the super-packet.
     */
    public void offload(boolean gso, boolean partial, int gsoSize) {
        this.gso = gso;
        this.partialChecksum = partial;
        this.gsoSize = gso ? gsoSize : 0;
    }

    /** The flow of the last packet (its drop reason when {@link #translate} returned 0). */
    public Flow flow() {
        return flow;
    }

    public int translate(byte[] in, int len, byte[] out) {
        Flow f = flow;
        f.drop = null;
        fragmentCount = 1;
        if (len < Ipv6Header.LENGTH) {
            return drop(f, DropReason.TRUNCATED);
        }
        if ((in[0] & 0xf0) != 0x60) {
            return drop(f, DropReason.BAD_VERSION);
        }
        int end = Ipv6Header.LENGTH + u16(in, Ipv6Header.PAYLOAD_LENGTH);
        if (end > len) {
            return drop(f, DropReason.TRUNCATED);
        }
        int nh = u8(in, Ipv6Header.NEXT_HEADER);
        int off = Ipv6Header.LENGTH;
        int fragHeader = -1;
        int routingPointer = -1;
        boolean afterFragment = false;
        while (true) {
            boolean skippable = nh == Ipv6Header.HOP_BY_HOP || nh == Ipv6Header.DESTINATION_OPTIONS
                    || nh == Ipv6Header.ROUTING;
            if (fragHeader >= 0 && (skippable || nh == Ipv6Header.FRAGMENT || nh == Ipv6Header.AUTHENTICATION)) {
                // §5.1 (Total Length): the header would be stripped from the first fragment only, leaving IPv4
                // fragments whose offsets no longer match: untranslatable.
                afterFragment = true;
                break;
            }
            if (skippable) {
                if (off + 8 > end) {
                    return drop(f, DropReason.TRUNCATED);
                }
                if (nh == Ipv6Header.ROUTING && routingPointer < 0 && u8(in, off + 3) != 0) {
                    routingPointer = off + 3; // Segments Left
                }
                int next = u8(in, off);
                off += (u8(in, off + 1) + 1) * 8;
                nh = next;
            } else if (nh == Ipv6Header.FRAGMENT) {
                if (off + 8 > end) {
                    return drop(f, DropReason.TRUNCATED);
                }
                fragHeader = off;
                nh = u8(in, off);
                off += 8;
            } else {
                break;
            }
        }
        if (off > end) {
            return drop(f, DropReason.TRUNCATED);
        }
        if (in[Ipv6Header.DESTINATION] == (byte) 0xff) {
            return drop(f, DropReason.NOT_IN_POOL6); // multicast (MLD, ND): link traffic, never translated
        }
        int l4 = off;
        int l4len = end - off;
        int fragWord = fragHeader >= 0 ? u16(in, fragHeader + 2) : 0;
        boolean first = (fragWord & 0xfff8) == 0;
        boolean whole = (fragWord & 0xfff9) == 0;
        if (afterFragment) {
            f.drop = DropReason.EXTENSION_AFTER_FRAGMENT; // one error per datagram: about its first fragment
            return first ? errors.toIpv6Sender(in, end, false, IcmpMapping.V6_UNREACHABLE, 1, 0, out) : 0;
        }
        if (routingPointer >= 0) { // §5.1: not translated, Parameter Problem pointing at Segments Left
            f.drop = DropReason.ROUTING_HEADER;
            boolean isError = first && l4len >= 1 && IcmpErrors.isV6Error(in, l4, nh);
            return errors.toIpv6Sender(in, end, isError, IcmpMapping.V6_PARAMETER_PROBLEM, 0, routingPointer, out);
        }
        f.reset(nh);
        f.hasPorts = first;
        if (!whole) {
            f.fragmentId = i32(in, fragHeader + 4) & 0xffffffffL;
        }
        int hop = u8(in, Ipv6Header.HOP_LIMIT);
        int ttl = hop;
        if (config.decrementHopLimit()) {
            if (hop <= 1) {
                boolean isError = first && l4len >= 1 && IcmpErrors.isV6Error(in, l4, nh);
                f.drop = DropReason.TTL_EXPIRED;
                return errors.toIpv6Sender(in, end, isError, IcmpMapping.V6_TIME_EXCEEDED, 0, 0, out);
            }
            ttl = hop - 1;
        } else if (hop == 0) {
            return drop(f, DropReason.TTL_EXPIRED);
        }
        System.arraycopy(in, Ipv6Header.SOURCE, f.src6, 0, 16);
        System.arraycopy(in, Ipv6Header.DESTINATION, f.dst6, 0, 16);
        int icmpType = 0;
        if (nh == ICMP6) {
            if (!whole) {
                return drop(f, DropReason.ICMP_FRAGMENTED);
            }
            if (l4len < 8) {
                return drop(f, DropReason.TRUNCATED);
            }
            icmpType = u8(in, l4);
            if (icmpType == IcmpMapping.V6_ECHO_REQUEST || icmpType == IcmpMapping.V6_ECHO_REPLY) {
                f.srcPort = u16(in, l4 + 4);
                f.dstPort = f.srcPort;
            } else if (icmpType < 128) {
                return icmpError(in, l4, l4len, ttl, fragHeader, out);
            } else {
                return drop(f, DropReason.ICMP_UNTRANSLATABLE); // ND, MLD and other informational messages stay local
            }
        } else if ((nh == TCP || nh == UDP) && first) {
            if (l4len < (nh == TCP ? 20 : 8)) {
                return drop(f, DropReason.TRUNCATED);
            }
            f.srcPort = u16(in, l4);
            f.dstPort = u16(in, l4 + 2);
            if (nh == TCP) {
                f.tcpFlags = u8(in, l4 + 13);
            } else if (u16(in, l4 + 6) == 0) {
                return drop(f, DropReason.UDP_ZERO_CHECKSUM); // RFC 8200 §8.1: invalid in IPv6
            }
        }
        mapper.map6to4(f);
        if (f.drop != null) {
            return refused(in, end, out);
        }
        int total = Ipv4Header.LENGTH + l4len;
        if (total > 65535) {
            return drop(f, DropReason.TOO_BIG); // a 64 KB IPv6 payload has no IPv4 equivalent
        }
        int onWire = total;
        if (gsoSize > 0 && (nh == TCP || nh == UDP)) { // a segment: IPv4 + transport header + gso_size
            onWire = Math.min(total, Ipv4Header.LENGTH + (nh == UDP ? 8 : (u8(in, l4 + 12) >>> 4) * 4) + gsoSize);
        }
        boolean dontFragment = fragHeader < 0 && onWire > DF_THRESHOLD;
        // The IPv4 MTU is not checked for super-packets (the kernel segments them) nor for hairpinned packets (they
        // never leave as IPv4; the IPv6 MTU applies on their way back).
        f.hairpin = mapper.isOwnIpv4(f.dst4);
        boolean sized = !gso && !f.hairpin;
        if (total > config.ipv4Mtu() && sized && dontFragment) {
            // ICMPv6 errors never get here: they were handled above. §5: never below the IPv6 minimum MTU.
            f.drop = DropReason.TOO_BIG;
            int mtu = Math.max(TranslatorConfig.IPV6_MINIMUM_MTU, config.ipv4Mtu() + 20);
            return errors.toIpv6Sender(in, end, false, IcmpMapping.V6_PACKET_TOO_BIG, 0, mtu, out);
        }
        int id;
        int flags;
        if (fragHeader >= 0) {
            id = u16(in, fragHeader + 6); // §5.1.1: low-order 16 bits of the IPv6 identification
            flags = ((fragWord & 1) << 13) | (fragWord >>> 3);
        } else {
            id = nextId++ & 0xffff;
            flags = dontFragment ? Ipv4Header.DONT_FRAGMENT : 0;
        }
        Ipv4Header.write(out, 0, config.tosFor(Ipv6Header.trafficClass(in, 0)), total, id, flags, ttl,
                nh == ICMP6 ? 1 : nh, f.src4, f.dst4);
        System.arraycopy(in, l4, out, Ipv4Header.LENGTH, l4len);
        boolean transport = (nh == TCP || nh == UDP) && first;
        if (transport) {
            int ck = Ipv4Header.LENGTH + (nh == TCP ? 16 : 6);
            int removed = Checksums.sum(in, Ipv6Header.SOURCE, 32, u16(in, l4) + u16(in, l4 + 2));
            int added = Ipv4Header.addressSum(f.src4, f.dst4) + f.srcPort + f.dstPort;
            put16(out, Ipv4Header.LENGTH, f.srcPort);
            put16(out, Ipv4Header.LENGTH + 2, f.dstPort);
            int old = u16(in, l4 + ck - Ipv4Header.LENGTH);
            if (partialChecksum) { // only the pseudo header is in the field; ports are summed later by the kernel
                int addr6 = Checksums.sum(in, Ipv6Header.SOURCE, 32, 0);
                put16(out, ck, Checksums.updatePartial(old, addr6, Ipv4Header.addressSum(f.src4, f.dst4)));
            } else {
                put16(out, ck, udpNonZero(nh, Checksums.update(old, removed, added)));
            }
        } else if (nh == ICMP6) {
            int newType = icmpType == IcmpMapping.V6_ECHO_REQUEST ? IcmpMapping.V4_ECHO_REQUEST : IcmpMapping.V4_ECHO_REPLY;
            int removed = Ipv6Header.pseudoSum(in, 0, l4len, ICMP6) + (icmpType << 8 | u8(in, l4 + 1)) + u16(in, l4 + 4);
            int added = (newType << 8 | u8(in, l4 + 1)) + f.srcPort;
            out[Ipv4Header.LENGTH] = (byte) newType;
            put16(out, Ipv4Header.LENGTH + 4, f.srcPort);
            put16(out, Ipv4Header.LENGTH + 2, Checksums.update(u16(in, l4 + 2), removed, added));
        }
        if (total > config.ipv4Mtu() && sized) {
            // DF clear (≤ 1260 bytes or already a fragment, §5.1.1): the translator fragments like an IPv4 router.
            if (partialChecksum && transport) { // fragments cannot carry a partial checksum: complete it
                int ck = Ipv4Header.LENGTH + (nh == TCP ? 16 : 6);
                put16(out, ck, udpNonZero(nh, Checksums.finish(Checksums.sum(out, Ipv4Header.LENGTH, l4len, 0))));
            }
            return fragment(out, total);
        }
        return total;
    }

    /** The ICMPv6 answer a mapper refusal calls for, 0 for none. */
    private int refused(byte[] in, int end, byte[] out) {
        return switch (flow.drop) {
            // RFC 6146 §3.5.1.1: no IPv4 transport address could be allocated: Destination Unreachable, Address
            // Unreachable.
            case POOL4_EXHAUSTED, CLIENT_PORTS_EXHAUSTED ->
                    errors.toIpv6Sender(in, end, false, IcmpMapping.V6_UNREACHABLE, 3, 0, out);
            // RFC 7915 §5.4 default, Communication Administratively Prohibited: a client outside the deterministic
            // map, a well-known-prefix destination that is not global (RFC 6052 §3.1).
            case CLIENT_OUTSIDE_MAP, NON_GLOBAL -> errors.toIpv6Sender(in, end, false, IcmpMapping.V6_UNREACHABLE, 1, 0,
                    out);
            default -> 0;
        };
    }

    /**
     * IPv4 fragmentation (RFC 791 §3.2) of the translated packet in {@code out[0..total)} to the IPv4 MTU: the
     * fragments are laid out one after another in {@code out}; returns their total length.
     */
    private int fragment(byte[] out, int total) {
        int payload = total - Ipv4Header.LENGTH;
        int chunk = (config.ipv4Mtu() - Ipv4Header.LENGTH) & ~7;
        int count = (payload + chunk - 1) / chunk;
        if (count > MAX_FRAGMENTS) {
            return drop(flow, DropReason.TOO_BIG);
        }
        int flagsFrag = u16(out, Ipv4Header.FLAGS_FRAGMENT);
        boolean more = (flagsFrag & Ipv4Header.MORE_FRAGMENTS) != 0;
        int baseOffset = flagsFrag & Ipv4Header.OFFSET_MASK;
        int tos = u8(out, 1);
        int id = u16(out, Ipv4Header.IDENTIFICATION);
        int ttl = u8(out, Ipv4Header.TTL);
        int proto = u8(out, Ipv4Header.PROTOCOL);
        int src = i32(out, Ipv4Header.SOURCE);
        int dst = i32(out, Ipv4Header.DESTINATION);
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int n = Math.min(chunk, payload - pos);
            int at = pos + i * Ipv4Header.LENGTH;
            boolean last = pos + n == payload;
            int ff = (last && !more ? 0 : Ipv4Header.MORE_FRAGMENTS) | (baseOffset + pos / 8);
            Ipv4Header.write(scratch, at, tos, Ipv4Header.LENGTH + n, id, ff, ttl, proto, src, dst);
            System.arraycopy(out, Ipv4Header.LENGTH + pos, scratch, at + Ipv4Header.LENGTH, n);
            fragmentOffsets[i] = at;
            fragmentLengths[i] = Ipv4Header.LENGTH + n;
            pos += n;
        }
        int size = fragmentOffsets[count - 1] + fragmentLengths[count - 1];
        System.arraycopy(scratch, 0, out, 0, size);
        fragmentCount = count;
        return size;
    }

    /** How many packets the last {@link #translate} wrote into {@code out} (more than one after fragmentation). */
    public int packetCount() {
        return fragmentCount;
    }

    public int packetOffset(int i) {
        return fragmentCount == 1 ? 0 : fragmentOffsets[i];
    }

    public int packetLength(int i, int total) {
        return fragmentCount == 1 ? total : fragmentLengths[i];
    }

    /** ICMPv6 error → ICMPv4 error with the quoted packet translated too (RFC 7915 §5.2, §5.3; RFC 4884). */
    private int icmpError(byte[] in, int l4, int l4len, int ttl, int fragHeader, byte[] out) {
        Flow f = flow;
        int type = u8(in, l4);
        int code = u8(in, l4 + 1);
        int mapped = IcmpMapping.errorV6toV4(type, code);
        if (mapped < 0) {
            return drop(f, DropReason.ICMP_UNTRANSLATABLE);
        }
        int rest = 0;
        // RFC 4884: Destination Unreachable and Time Exceeded may say how long the original datagram is (byte 4,
        // 8-byte units); what follows it is an extension structure, carried over unchanged.
        int datagram = l4len - 8;
        int extLen = 0;
        if (type == IcmpMapping.V6_UNREACHABLE || type == IcmpMapping.V6_TIME_EXCEEDED) {
            int length = u8(in, l4 + 4) * 8;
            if (length >= RFC4884_MINIMUM && length < datagram) {
                extLen = datagram - length;
                datagram = length;
            }
        }
        int q = l4 + 8;
        if (datagram < Ipv6Header.LENGTH || (in[q] & 0xf0) != 0x60) {
            return drop(f, DropReason.TRUNCATED);
        }
        int qEnd = q + datagram;
        int qNh = u8(in, q + Ipv6Header.NEXT_HEADER);
        int qOff = q + Ipv6Header.LENGTH;
        int qFrag = -1;
        while (qNh == Ipv6Header.HOP_BY_HOP || qNh == Ipv6Header.DESTINATION_OPTIONS || qNh == Ipv6Header.ROUTING
                || qNh == Ipv6Header.FRAGMENT) {
            if (qOff + 8 > qEnd) {
                return drop(f, DropReason.TRUNCATED);
            }
            if (qNh == Ipv6Header.FRAGMENT) {
                qFrag = qOff;
                qNh = u8(in, qOff);
                qOff += 8;
            } else {
                int next = u8(in, qOff);
                qOff += (u8(in, qOff + 1) + 1) * 8;
                qNh = next;
            }
        }
        if (qOff > qEnd) {
            return drop(f, DropReason.TRUNCATED);
        }
        if (type == IcmpMapping.V6_PACKET_TOO_BIG) {
            // §5.2: minimum(MTU - 20, IPv4 next hop, IPv6 next hop - 20), 8 bytes less when the packet in error
            // carried a Fragment header that its IPv4 form does not have.
            long mtu6 = i32(in, l4 + 4) & 0xffffffffL;
            long mtu4 = mtu6 - 20 - (qFrag >= 0 ? 8 : 0);
            mtu4 = Math.min(mtu4, Math.min(config.ipv4Mtu(), config.ipv6Mtu() - 20));
            rest = (int) Math.max(TranslatorConfig.IPV4_MINIMUM_MTU, mtu4);
        } else if (type == IcmpMapping.V6_PARAMETER_PROBLEM && code == 0) {
            int pointer = IcmpMapping.pointerV6toV4((int) Math.min(i32(in, l4 + 4) & 0xffffffffL, 255));
            if (pointer < 0) {
                return drop(f, DropReason.ICMP_UNTRANSLATABLE);
            }
            rest = pointer << 24;
        }
        int qFragWord = qFrag >= 0 ? u16(in, qFrag + 2) : 0;
        boolean qFirst = (qFragWord & 0xfff8) == 0;
        int qL4Avail = qEnd - qOff;
        Flow g = inner;
        g.reset(qNh);
        g.hasPorts = qFirst;
        System.arraycopy(in, q + Ipv6Header.SOURCE, g.src6, 0, 16);
        System.arraycopy(in, q + Ipv6Header.DESTINATION, g.dst6, 0, 16);
        int qIcmpType = -1;
        if (qNh == ICMP6 && qFirst) {
            if (qL4Avail < 8) {
                return drop(f, DropReason.TRUNCATED);
            }
            qIcmpType = u8(in, qOff);
            if (qIcmpType != IcmpMapping.V6_ECHO_REQUEST && qIcmpType != IcmpMapping.V6_ECHO_REPLY) {
                return drop(f, DropReason.ICMP_ERROR_NESTED);
            }
            g.srcPort = u16(in, qOff + 4);
            g.dstPort = g.srcPort;
        } else if ((qNh == TCP || qNh == UDP) && qFirst) {
            if (qL4Avail < 4) {
                return drop(f, DropReason.TRUNCATED);
            }
            g.srcPort = u16(in, qOff);
            g.dstPort = u16(in, qOff + 2);
        }
        mapper.mapInner6to4(g);
        if (g.drop != null) {
            return drop(f, g.drop);
        }
        long src4 = mapper.errorSource6to4(f.src6, g);
        if (src4 < 0) {
            return drop(f, DropReason.NOT_IN_POOL6);
        }
        f.src4 = (int) src4;
        f.dst4 = g.src4;
        f.hairpin = mapper.isOwnIpv4(f.dst4); // an error from one IPv6 host to another: back inside the translator
        // Layout: outer IPv4 (20) | ICMPv4 (8) | quoted IPv4 (20) | quoted payload | padding | extension.
        int qPayloadField = u16(in, q + Ipv6Header.PAYLOAD_LENGTH) - (qOff - q - Ipv6Header.LENGTH);
        int mappedType = mapped >>> 8;
        boolean lengthField = mappedType == IcmpMapping.V4_TIME_EXCEEDED
                || (mappedType == IcmpMapping.V4_UNREACHABLE && (mapped & 0xff) != 4);
        int copy = -1;
        int field = 0;
        if (extLen > 0 && lengthField) {
            int base = Math.min(qL4Avail, Math.max(qPayloadField, 0));
            field = Math.max(RFC4884_MINIMUM, (Ipv4Header.LENGTH + base + 3) & ~3);
            if (28 + field + extLen > IcmpErrors.MAX_V4) {
                field = (IcmpErrors.MAX_V4 - 28 - extLen) & ~3; // trim the quote first, keeping 128 bytes
            }
            if (field >= RFC4884_MINIMUM) {
                copy = Math.min(base, field - Ipv4Header.LENGTH);
                rest |= (field / 4) << 16;
            }
        }
        if (copy < 0) { // no extension, or none that fits: the quote alone, length 0
            extLen = 0;
            copy = Math.min(qL4Avail, IcmpErrors.MAX_V4 - 48);
            field = Ipv4Header.LENGTH + copy;
        }
        int qTotal = Ipv4Header.LENGTH + Math.max(qPayloadField, 0);
        int qId = qFrag >= 0 ? u16(in, qFrag + 6) : 0;
        int qFlags = qFrag >= 0 ? ((qFragWord & 1) << 13) | (qFragWord >>> 3)
                : (qTotal > DF_THRESHOLD ? Ipv4Header.DONT_FRAGMENT : 0);
        Ipv4Header.write(out, 28, config.tosFor(Ipv6Header.trafficClass(in, q)), qTotal, qId, qFlags,
                u8(in, q + Ipv6Header.HOP_LIMIT), qNh == ICMP6 ? 1 : qNh, g.src4, g.dst4);
        System.arraycopy(in, qOff, out, 48, copy);
        if (qFirst) {
            fixQuotedTransport(in, q, qOff, qNh, qIcmpType, qPayloadField, copy, g, out, 48);
        }
        int total = 28 + field + extLen;
        for (int i = 48 + copy; i < 28 + field; i++) {
            out[i] = 0; // RFC 4884 §4: zero padding up to the stated length
        }
        System.arraycopy(in, q + datagram, out, 28 + field, extLen);
        out[20] = (byte) (mapped >>> 8);
        out[21] = (byte) mapped;
        put16(out, 22, 0);
        put32(out, 24, rest);
        put16(out, 22, Checksums.finish(Checksums.sum(out, 20, total - 20, 0)));
        // §5.1.1: an (atomic) Fragment header on the error gives the identification, and DF stays clear.
        int id = fragHeader >= 0 ? u16(in, fragHeader + 6) : nextId++ & 0xffff;
        Ipv4Header.write(out, 0, config.tosFor(Ipv6Header.trafficClass(in, 0)), total, id, 0, ttl, 1,
                (int) src4, g.src4);
        return total;
    }

    /** Ports and the incremental checksum of a quoted (possibly truncated) transport header. */
    private static void fixQuotedTransport(byte[] in, int q, int qOff, int nh, int icmpType, int upperLength,
                                           int copy, Flow g, byte[] out, int o) {
        if (nh == TCP || nh == UDP) {
            if (copy < 4) {
                return;
            }
            int removed = Checksums.sum(in, q + Ipv6Header.SOURCE, 32, u16(in, qOff) + u16(in, qOff + 2));
            int added = Ipv4Header.addressSum(g.src4, g.dst4) + g.srcPort + g.dstPort;
            put16(out, o, g.srcPort);
            put16(out, o + 2, g.dstPort);
            int ck = nh == TCP ? 16 : 6;
            if (copy >= ck + 2) {
                int old = u16(in, qOff + ck);
                if (nh == UDP && old == 0) {
                    return;
                }
                put16(out, o + ck, udpNonZero(nh, Checksums.update(old, removed, added)));
            }
        } else if (nh == ICMP6 && copy >= 8) {
            int newType = icmpType == IcmpMapping.V6_ECHO_REQUEST ? IcmpMapping.V4_ECHO_REQUEST : IcmpMapping.V4_ECHO_REPLY;
            int code = u8(in, qOff + 1);
            int removed = Ipv6Header.pseudoSum(in, q, upperLength, ICMP6) + (icmpType << 8 | code) + u16(in, qOff + 4);
            int added = (newType << 8 | code) + g.srcPort;
            out[o] = (byte) newType;
            put16(out, o + 4, g.srcPort);
            put16(out, o + 2, Checksums.update(u16(in, qOff + 2), removed, added));
        }
    }

    static int udpNonZero(int proto, int checksum) {
        return proto == UDP && checksum == 0 ? 0xffff : checksum;
    }

    private static int drop(Flow f, DropReason reason) {
        f.drop = reason;
        return 0;
    }
}
