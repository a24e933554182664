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
 * IPv4 → IPv6 translation (RFC 7915 §4) of one packet, the mirror of {@link Translator6to4}: same result contract.
 *
 * <p>IPv4 options are dropped from the translated packet (RFC 7915 §4.1 allows ignoring them; an unexpired source
 * route is not answered with an ICMP error). A fragment gets an IPv6 Fragment header carrying the IPv4 identification
 * and offset. An IPv4 packet without DF whose translation exceeds {@code lowest-ipv6-mtu} (1280 by default) is split
 * into IPv6 fragments of at most that size (RFC 7915 §4.1); with DF, a packet that does not fit the IPv6 MTU is
 * answered with Fragmentation Needed. A UDP datagram with a zero checksum gets a computed one when it is not
 * fragmented and {@code amend-udp-checksum-zero} is on; otherwise it is dropped and answered with ICMPv4 3/13
 * (RFC 7915 §4.5, §4.4). ICMPv4 errors with RFC 4884 extensions keep them, with the length recomputed (§4.2), and a
 * Packet Too Big never says less than 1280 (§4.2, §5).
 */
public final class Translator4to6 {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP4 = 1;

    private final AddressMapper mapper;
    private final TranslatorConfig config;
    private final IcmpErrors errors;
    private final Flow flow = new Flow();
    private final Flow inner = new Flow();
    private boolean gso;
    private boolean partialChecksum;
    private boolean hairpinPass;
    private static final int MAX_FRAGMENTS = 64;
    private final byte[] scratch = new byte[70_000 + MAX_FRAGMENTS * 48];
    private final int[] fragmentOffsets = new int[MAX_FRAGMENTS];
    private final int[] fragmentLengths = new int[MAX_FRAGMENTS];
    private int fragmentCount = 1;
    private final byte[] errorSource = new byte[16];

    public Translator4to6(AddressMapper mapper, TranslatorConfig config, IcmpRateLimiter limiter, Counters counters) {
        this.mapper = mapper;
        this.config = config;
        this.errors = new IcmpErrors(config, limiter, counters);
    }

    /**
     * Offload state of the next packet (TUN with IFF_VNET_HDR): {@code gso} = a TCP super-packet the kernel will
     * segment (no MTU check), {@code partial} = its transport checksum field holds only the pseudo-header sum.
     */
    public void offload(boolean gso, boolean partial) {
        this.gso = gso;
        this.partialChecksum = partial;
    }

    public Flow flow() {
        return flow;
    }

    /** Whether the next packets are the way back of hairpinned ones (see {@link Flow#hairpin}). */
    public void hairpinning(boolean on) {
        this.hairpinPass = on;
    }

    public int translate(byte[] in, int len, byte[] out) {
        Flow f = flow;
        f.drop = null;
        fragmentCount = 1;
        if (len < Ipv4Header.LENGTH) {
            return drop(f, DropReason.TRUNCATED);
        }
        if ((in[0] & 0xf0) != 0x40) {
            return drop(f, DropReason.BAD_VERSION);
        }
        int ihl = (in[0] & 0x0f) * 4;
        int total = u16(in, Ipv4Header.TOTAL_LENGTH);
        if (ihl < Ipv4Header.LENGTH || total < ihl) {
            return drop(f, DropReason.BAD_LENGTH);
        }
        if (total > len) {
            return drop(f, DropReason.TRUNCATED);
        }
        if (Checksums.fold(Checksums.sum(in, 0, ihl, 0)) != 0xffff) {
            return drop(f, DropReason.BAD_HEADER_CHECKSUM);
        }
        int flagsFrag = u16(in, Ipv4Header.FLAGS_FRAGMENT);
        int fragOffset = flagsFrag & Ipv4Header.OFFSET_MASK;
        boolean more = (flagsFrag & Ipv4Header.MORE_FRAGMENTS) != 0;
        boolean fragmented = more || fragOffset != 0;
        boolean first = fragOffset == 0;
        if ((in[Ipv4Header.DESTINATION] & 0xf0) >= 0xe0) {
            return drop(f, DropReason.NOT_IN_POOL4); // multicast and broadcast are never translated
        }
        if (ihl > Ipv4Header.LENGTH && unexpiredSourceRoute(in, ihl)) {
            // §4.1: options are ignored, but an unexpired source route MUST discard the packet (3/5 SHOULD)
            f.reset(u8(in, Ipv4Header.PROTOCOL));
            f.drop = DropReason.SOURCE_ROUTE;
            boolean isError = u8(in, Ipv4Header.PROTOCOL) == ICMP4 && first && total > ihl
                    && IcmpMapping.isV4Error(u8(in, ihl));
            return errors.toIpv4Sender(in, total, isError, IcmpMapping.V4_UNREACHABLE, 5, 0, out);
        }
        int proto = u8(in, Ipv4Header.PROTOCOL);
        int l4 = ihl;
        int l4len = total - ihl;
        f.reset(proto);
        f.hairpin = hairpinPass;
        f.hasPorts = first;
        if (fragmented) {
            f.fragmentId = u16(in, Ipv4Header.IDENTIFICATION);
        }
        int ttl = u8(in, Ipv4Header.TTL);
        int hop = ttl;
        int tos = u8(in, 1);
        if (config.decrementHopLimit()) {
            if (ttl <= 1) {
                boolean isError = proto == ICMP4 && first && l4len >= 1 && IcmpMapping.isV4Error(u8(in, l4));
                f.drop = DropReason.TTL_EXPIRED;
                return errors.toIpv4Sender(in, total, isError, IcmpMapping.V4_TIME_EXCEEDED, 0, 0, out);
            }
            hop = ttl - 1;
        } else if (ttl == 0) {
            return drop(f, DropReason.TTL_EXPIRED);
        }
        f.src4 = i32(in, Ipv4Header.SOURCE);
        f.dst4 = i32(in, Ipv4Header.DESTINATION);
        int icmpType = 0;
        boolean computeUdp = false;
        if (proto == ICMP4) {
            if (fragmented) {
                return drop(f, DropReason.ICMP_FRAGMENTED);
            }
            if (l4len < 8) {
                return drop(f, DropReason.TRUNCATED);
            }
            icmpType = u8(in, l4);
            if (icmpType == IcmpMapping.V4_ECHO_REQUEST || icmpType == IcmpMapping.V4_ECHO_REPLY) {
                f.dstPort = u16(in, l4 + 4);
                f.srcPort = f.dstPort;
            } else if (IcmpMapping.isV4Error(icmpType)) {
                return icmpError(in, l4, l4len, hop, out);
            } else {
                return drop(f, DropReason.ICMP_UNTRANSLATABLE);
            }
        } else if ((proto == TCP || proto == UDP) && first) {
            if (l4len < (proto == TCP ? 20 : 8)) {
                return drop(f, DropReason.TRUNCATED);
            }
            f.srcPort = u16(in, l4);
            f.dstPort = u16(in, l4 + 2);
            if (proto == TCP) {
                f.tcpFlags = u8(in, l4 + 13);
            } else if (u16(in, l4 + 6) == 0) {
                if (fragmented || (!config.amendUdpChecksumZero() && !partialChecksum)) {
                    // §4.5: a fragment's checksum cannot be computed without reassembly; §4.4: answer 3/13.
                    f.drop = DropReason.UDP_ZERO_CHECKSUM;
                    return errors.toIpv4Sender(in, total, false, IcmpMapping.V4_UNREACHABLE, 13, 0, out);
                }
                computeUdp = !partialChecksum;
            }
        }
        mapper.map4to6(f);
        if (f.drop != null) {
            return refused(in, total, proto, icmpType, out);
        }
        int fragLen = fragmented ? Ipv6Header.FRAGMENT_HEADER_LENGTH : 0;
        int outLen = Ipv6Header.LENGTH + fragLen + l4len;
        if (outLen - Ipv6Header.LENGTH > 65535) {
            return drop(f, DropReason.TOO_BIG);
        }
        boolean mayFragment = (flagsFrag & Ipv4Header.DONT_FRAGMENT) == 0 && !gso;
        fragmentCount = 1;
        if (outLen > config.ipv6Mtu() && !gso && !mayFragment) {
            f.drop = DropReason.TOO_BIG;
            int mtu4 = config.ipv6Mtu() - Ipv6Header.LENGTH + Ipv4Header.LENGTH - fragLen;
            return errors.toIpv4Sender(in, total, false, IcmpMapping.V4_UNREACHABLE, 4, mtu4 & 0xffff, out);
        }
        int nh6 = proto == ICMP4 ? 58 : proto;
        Ipv6Header.write(out, 0, config.trafficClassFor(tos), fragLen + l4len, fragmented ? Ipv6Header.FRAGMENT : nh6,
                hop, f.src6, f.dst6);
        int o = Ipv6Header.LENGTH;
        if (fragmented) {
            out[o] = (byte) nh6;
            out[o + 1] = 0;
            put16(out, o + 2, (fragOffset << 3) | (more ? 1 : 0));
            put32(out, o + 4, u16(in, Ipv4Header.IDENTIFICATION));
            o += Ipv6Header.FRAGMENT_HEADER_LENGTH;
        }
        System.arraycopy(in, l4, out, o, l4len);
        if ((proto == TCP || proto == UDP) && first) {
            int ck = o + (proto == TCP ? 16 : 6);
            put16(out, o, f.srcPort);
            put16(out, o + 2, f.dstPort);
            if (computeUdp) {
                out[ck] = 0;
                out[ck + 1] = 0;
                int sum = Ipv6Header.pseudoSum(out, 0, l4len, UDP);
                put16(out, ck, Translator6to4.udpNonZero(UDP, Checksums.finish(Checksums.sum(out, o, l4len, sum))));
            } else if (partialChecksum) { // only the pseudo header is in the field (see Checksums.updatePartial)
                int addr6 = Checksums.sum(out, Ipv6Header.SOURCE, 32, 0);
                put16(out, ck, Checksums.updatePartial(u16(in, l4 + ck - o), Ipv4Header.addressSum(f.src4, f.dst4), addr6));
            } else {
                int removed = Ipv4Header.addressSum(f.src4, f.dst4) + u16(in, l4) + u16(in, l4 + 2);
                int added = Checksums.sum(out, Ipv6Header.SOURCE, 32, f.srcPort + f.dstPort);
                put16(out, ck, Translator6to4.udpNonZero(proto, Checksums.update(u16(in, l4 + ck - o), removed, added)));
            }
        } else if (proto == ICMP4) {
            int newType = icmpType == IcmpMapping.V4_ECHO_REQUEST ? IcmpMapping.V6_ECHO_REQUEST : IcmpMapping.V6_ECHO_REPLY;
            int code = u8(in, l4 + 1);
            int removed = (icmpType << 8 | code) + u16(in, l4 + 4);
            int added = Ipv6Header.pseudoSum(out, 0, l4len, 58) + (newType << 8 | code) + f.dstPort;
            out[o] = (byte) newType;
            put16(out, o + 4, f.dstPort);
            put16(out, o + 2, Checksums.update(u16(in, l4 + 2), removed, added));
        }
        if (mayFragment && outLen > config.lowestIpv6Mtu()) {
            if (partialChecksum && (proto == TCP || proto == UDP) && first) {
                // Fragments cannot carry a partial checksum: complete it (the field already holds the pseudo sum).
                int ck = o + (proto == TCP ? 16 : 6);
                put16(out, ck, Translator6to4.udpNonZero(proto, Checksums.finish(Checksums.sum(out, o, l4len, 0))));
            }
            return fragment(out, outLen, fragmented, fragOffset, more, u16(in, Ipv4Header.IDENTIFICATION));
        }
        return outLen;
    }

    /** Whether the options hold a loose or strict source route (RFC 791) with addresses left to visit. */
    private static boolean unexpiredSourceRoute(byte[] in, int ihl) {
        int i = Ipv4Header.LENGTH;
        while (i < ihl) {
            int type = u8(in, i);
            if (type == 0) {
                return false; // end of options
            }
            if (type == 1) {
                i++; // no operation
                continue;
            }
            if (i + 1 >= ihl) {
                return false;
            }
            int len = u8(in, i + 1);
            if (len < 2) {
                return false; // malformed: nothing more can be read safely
            }
            if ((type == 131 || type == 137) && len >= 3 && i + 2 < ihl && u8(in, i + 2) <= len) {
                return true; // pointer still inside the route
            }
            i += len;
        }
        return false;
    }

    /** The ICMPv4 answer a mapper refusal calls for, 0 for none. */
    private int refused(byte[] in, int total, int proto, int icmpType, byte[] out) {
        Flow f = flow;
        switch (f.drop) {
            case TCP_SYN_HELD -> {
                if (mapper.hold(f, in, total)) {
                    return 0;
                }
                f.drop = DropReason.NO_BIB; // the store is full: answered at once, as when the hold runs out
                return answerExpiredSyn(in, total, out);
            }
            case NO_BIB -> {
                // RFC 6146 §3.5.1, §3.5.3: no binding for a UDP datagram or an ICMP query, Destination Unreachable
                // (host); TCP without a SYN is dropped silently (§3.5.2.2).
                boolean query = proto == UDP || (proto == ICMP4 && icmpType == IcmpMapping.V4_ECHO_REQUEST);
                return query ? errors.toIpv4Sender(in, total, false, IcmpMapping.V4_UNREACHABLE, 1, 0, out) : 0;
            }
            case FILTERED, NON_GLOBAL -> { // §4.4: refused by policy, Communication Administratively Prohibited
                return errors.toIpv4Sender(in, total, isV4Error(in, proto, icmpType), IcmpMapping.V4_UNREACHABLE, 13,
                        0, out);
            }
            default -> {
                return 0;
            }
        }
    }

    private static boolean isV4Error(byte[] in, int proto, int icmpType) {
        return proto == ICMP4 && IcmpMapping.isV4Error(icmpType);
    }

    /**
     * RFC 6146 §3.5.2.2: the ICMPv4 Port Unreachable for a held SYN whose time ran out (or that found the store
     * full), quoting it, from the address it was sent to; 0 when rate-limited.
     */
    public int answerExpiredSyn(byte[] syn, int len, byte[] out) {
        return errors.toIpv4Sender(syn, len, false, IcmpMapping.V4_UNREACHABLE, 3, 0, i32(syn, Ipv4Header.DESTINATION),
                out);
    }

    /**
     * RFC 7915 §4.1: an IPv4 packet without DF whose translation exceeds lowest-ipv6-mtu is fragmented by the
     * translator into IPv6 fragments of at most that size, each with a Fragment header carrying the IPv4 identification. The
     * translated packet in {@code out} is rewritten in place as consecutive fragments; returns their total length.
     */
    private int fragment(byte[] out, int outLen, boolean alreadyFragment, int fragOffset, boolean more, int id) {
        int payloadStart = Ipv6Header.LENGTH + (alreadyFragment ? Ipv6Header.FRAGMENT_HEADER_LENGTH : 0);
        int nh = alreadyFragment ? u8(out, Ipv6Header.LENGTH) : u8(out, Ipv6Header.NEXT_HEADER);
        int payload = outLen - payloadStart;
        int chunk = (config.lowestIpv6Mtu() - Ipv6Header.LENGTH - Ipv6Header.FRAGMENT_HEADER_LENGTH) & ~7;
        int count = (payload + chunk - 1) / chunk;
        if (count > MAX_FRAGMENTS) {
            return drop(flow, DropReason.TOO_BIG);
        }
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int n = Math.min(chunk, payload - pos);
            int at = pos + i * (Ipv6Header.LENGTH + Ipv6Header.FRAGMENT_HEADER_LENGTH);
            System.arraycopy(out, 0, scratch, at, Ipv6Header.LENGTH);
            put16(scratch, at + Ipv6Header.PAYLOAD_LENGTH, Ipv6Header.FRAGMENT_HEADER_LENGTH + n);
            scratch[at + Ipv6Header.NEXT_HEADER] = Ipv6Header.FRAGMENT;
            int fh = at + Ipv6Header.LENGTH;
            scratch[fh] = (byte) nh;
            scratch[fh + 1] = 0;
            boolean last = pos + n == payload;
            put16(scratch, fh + 2, (fragOffset * 8 + pos) | (last && !more ? 0 : 1));
            put32(scratch, fh + 4, id);
            System.arraycopy(out, payloadStart + pos, scratch, fh + Ipv6Header.FRAGMENT_HEADER_LENGTH, n);
            fragmentOffsets[i] = at;
            fragmentLengths[i] = Ipv6Header.LENGTH + Ipv6Header.FRAGMENT_HEADER_LENGTH + n;
            pos += n;
        }
        int total = fragmentOffsets[count - 1] + fragmentLengths[count - 1];
        System.arraycopy(scratch, 0, out, 0, total);
        fragmentCount = count;
        return total;
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

    /** ICMPv4 error → ICMPv6 error with the quoted packet translated too (RFC 7915 §4.2, §4.3; RFC 4884). */
    private int icmpError(byte[] in, int l4, int l4len, int hop, byte[] out) {
        Flow f = flow;
        int type = u8(in, l4);
        int code = u8(in, l4 + 1);
        int mapped = IcmpMapping.errorV4toV6(type, code);
        if (mapped < 0) {
            return drop(f, DropReason.ICMP_UNTRANSLATABLE);
        }
        int q = l4 + 8;
        // RFC 4884: Destination Unreachable, Time Exceeded and Parameter Problem may say how long the original
        // datagram is (byte 5, 4-byte units); what follows it is an extension structure, carried over unchanged.
        int datagram = l4len - 8;
        int extLen = 0;
        if (type == IcmpMapping.V4_UNREACHABLE || type == IcmpMapping.V4_TIME_EXCEEDED
                || type == IcmpMapping.V4_PARAMETER_PROBLEM) {
            int length = u8(in, l4 + 5) * 4;
            if (length >= Translator6to4.RFC4884_MINIMUM && length < datagram) {
                extLen = datagram - length;
                datagram = length;
            }
        }
        if (datagram < Ipv4Header.LENGTH || (in[q] & 0xf0) != 0x40) {
            return drop(f, DropReason.TRUNCATED);
        }
        int qIhl = (in[q] & 0x0f) * 4;
        if (qIhl < Ipv4Header.LENGTH || qIhl > datagram) {
            return drop(f, DropReason.TRUNCATED);
        }
        int qTotal = u16(in, q + Ipv4Header.TOTAL_LENGTH);
        int qFlagsFrag = u16(in, q + Ipv4Header.FLAGS_FRAGMENT);
        int qOffset = qFlagsFrag & Ipv4Header.OFFSET_MASK;
        boolean qMore = (qFlagsFrag & Ipv4Header.MORE_FRAGMENTS) != 0;
        boolean qFragmented = qMore || qOffset != 0;
        boolean qFirst = qOffset == 0;
        int qProto = u8(in, q + Ipv4Header.PROTOCOL);
        int qL4 = q + qIhl;
        int qL4Avail = datagram - qIhl;
        Flow g = inner;
        g.reset(qProto);
        g.hairpin = hairpinPass;
        g.hasPorts = qFirst;
        g.src4 = i32(in, q + Ipv4Header.SOURCE);
        g.dst4 = i32(in, q + Ipv4Header.DESTINATION);
        int qIcmpType = -1;
        if (qProto == ICMP4 && qFirst) {
            if (qL4Avail < 8) {
                return drop(f, DropReason.TRUNCATED);
            }
            qIcmpType = u8(in, qL4);
            if (qIcmpType != IcmpMapping.V4_ECHO_REQUEST && qIcmpType != IcmpMapping.V4_ECHO_REPLY) {
                return drop(f, DropReason.ICMP_ERROR_NESTED);
            }
            g.srcPort = u16(in, qL4 + 4);
            g.dstPort = g.srcPort;
        } else if ((qProto == TCP || qProto == UDP) && qFirst) {
            if (qL4Avail < 4) {
                return drop(f, DropReason.TRUNCATED);
            }
            g.srcPort = u16(in, qL4);
            g.dstPort = u16(in, qL4 + 2);
        }
        mapper.mapInner4to6(g);
        if (g.drop != null) {
            return drop(f, g.drop);
        }
        if (!mapper.errorSource4to6(i32(in, Ipv4Header.SOURCE), g, errorSource)) {
            return drop(f, DropReason.NOT_IN_POOL6);
        }
        int rest = 0;
        if (type == IcmpMapping.V4_UNREACHABLE && code == 4) {
            // §4.2: minimum(MTU + 20, IPv6 next hop, IPv4 next hop + 20), the RFC 1191 plateau below the quoted
            // length when the router sent 0, and never below the IPv6 minimum MTU (§5, §6).
            int mtu4 = u16(in, l4 + 6);
            if (mtu4 == 0) {
                mtu4 = IcmpMapping.plateauBelow(qTotal);
            }
            int mtu6 = Math.min(mtu4 + 20, Math.min(config.ipv6Mtu(), config.ipv4Mtu() + 20));
            rest = Math.max(TranslatorConfig.IPV6_MINIMUM_MTU, mtu6);
        } else if (type == IcmpMapping.V4_UNREACHABLE && code == 2) {
            rest = Ipv6Header.NEXT_HEADER;
        } else if (type == IcmpMapping.V4_PARAMETER_PROBLEM) {
            int pointer = IcmpMapping.pointerV4toV6(u8(in, l4 + 4));
            if (pointer < 0) {
                return drop(f, DropReason.ICMP_UNTRANSLATABLE);
            }
            rest = pointer;
        }
        // Layout: outer IPv6 (40) | ICMPv6 (8) | quoted IPv6 (40, + 8 when fragmented) | quoted payload | padding |
        // extension.
        int qFragLen = qFragmented ? Ipv6Header.FRAGMENT_HEADER_LENGTH : 0;
        int qHeader = Ipv6Header.LENGTH + qFragLen;
        int qo = 48 + qHeader;
        int qUpper = Math.max(qTotal - qIhl, 0);
        int mappedType = mapped >>> 8;
        boolean lengthField = mappedType == IcmpMapping.V6_UNREACHABLE || mappedType == IcmpMapping.V6_TIME_EXCEEDED;
        int copy = -1;
        int field = 0;
        if (extLen > 0 && lengthField) {
            int base = Math.min(qL4Avail, qUpper);
            field = Math.max(Translator6to4.RFC4884_MINIMUM, (qHeader + base + 7) & ~7);
            if (48 + field + extLen > IcmpErrors.MAX_V6) {
                field = (IcmpErrors.MAX_V6 - 48 - extLen) & ~7; // trim the quote first, keeping 128 bytes
            }
            if (field >= Translator6to4.RFC4884_MINIMUM) {
                copy = Math.min(base, field - qHeader);
                rest = (field / 8) << 24;
            }
        }
        if (copy < 0) { // no extension, or none that fits: the quote alone, length 0
            extLen = 0;
            copy = Math.min(qL4Avail, IcmpErrors.MAX_V6 - qo);
            field = qHeader + copy;
        }
        int qNh6 = qProto == ICMP4 ? 58 : qProto;
        Ipv6Header.write(out, 48, config.trafficClassFor(u8(in, q + 1)), qFragLen + qUpper,
                qFragmented ? Ipv6Header.FRAGMENT : qNh6, u8(in, q + Ipv4Header.TTL), g.src6, g.dst6);
        if (qFragmented) {
            int fo = 48 + Ipv6Header.LENGTH;
            out[fo] = (byte) qNh6;
            out[fo + 1] = 0;
            put16(out, fo + 2, (qOffset << 3) | (qMore ? 1 : 0));
            put32(out, fo + 4, u16(in, q + Ipv4Header.IDENTIFICATION));
        }
        System.arraycopy(in, qL4, out, qo, copy);
        if (qFirst) {
            fixQuotedTransport(in, q, qL4, qProto, qIcmpType, qUpper, copy, g, out, qo);
        }
        int total = 48 + field + extLen;
        for (int i = qo + copy; i < 48 + field; i++) {
            out[i] = 0; // RFC 4884 §4: zero padding up to the stated length
        }
        System.arraycopy(in, q + datagram, out, 48 + field, extLen);
        out[40] = (byte) (mapped >>> 8);
        out[41] = (byte) mapped;
        put16(out, 42, 0);
        put32(out, 44, rest);
        Ipv6Header.write(out, 0, config.trafficClassFor(u8(in, 1)), total - Ipv6Header.LENGTH, 58, hop, errorSource,
                g.src6);
        int sum = Ipv6Header.pseudoSum(out, 0, total - Ipv6Header.LENGTH, 58);
        put16(out, 42, Checksums.finish(Checksums.sum(out, 40, total - Ipv6Header.LENGTH, sum)));
        return total;
    }

    private static void fixQuotedTransport(byte[] in, int q, int qL4, int proto, int icmpType, int upperLength,
                                           int copy, Flow g, byte[] out, int o) {
        if (proto == TCP || proto == UDP) {
            if (copy < 4) {
                return;
            }
            int removed = Ipv4Header.addressSum(i32(in, q + Ipv4Header.SOURCE), i32(in, q + Ipv4Header.DESTINATION))
                    + u16(in, qL4) + u16(in, qL4 + 2);
            int added = Checksums.sum(g.src6, 0, 16, Checksums.sum(g.dst6, 0, 16, g.srcPort + g.dstPort));
            put16(out, o, g.srcPort);
            put16(out, o + 2, g.dstPort);
            int ck = proto == TCP ? 16 : 6;
            if (copy >= ck + 2) {
                int old = u16(in, qL4 + ck);
                if (proto == UDP && old == 0) {
                    return; // cannot be computed from a truncated quote; left as sent
                }
                put16(out, o + ck, Translator6to4.udpNonZero(proto, Checksums.update(old, removed, added)));
            }
        } else if (proto == ICMP4 && copy >= 8) {
            int newType = icmpType == IcmpMapping.V4_ECHO_REQUEST ? IcmpMapping.V6_ECHO_REQUEST : IcmpMapping.V6_ECHO_REPLY;
            int code = u8(in, qL4 + 1);
            int pseudo = Checksums.fold(Checksums.add32(Checksums.sum(g.src6, 0, 16, Checksums.sum(g.dst6, 0, 16, 0)),
                    upperLength) + 58);
            int removed = (icmpType << 8 | code) + u16(in, qL4 + 4);
            int added = pseudo + (newType << 8 | code) + g.dstPort;
            out[o] = (byte) newType;
            put16(out, o + 4, g.dstPort);
            put16(out, o + 2, Checksums.update(u16(in, qL4 + 2), removed, added));
        }
    }

    private static int drop(Flow f, DropReason reason) {
        f.drop = reason;
        return 0;
    }
}
