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
 * {@code out} is either the translated IPv4 packet or, when the translator itself must answer (hop limit exhausted,
 * packet too big), an ICMPv6 error back to the sender. {@link Flow#drop} is set whenever the packet itself was not
 * translated (with or without an error written); the return value is the number of bytes to send, 0 for none.
 *
 * <p>Not done: IPv6 packets with a Routing header whose Segments Left is non-zero are dropped rather than answered
 * with a Parameter Problem; ICMPv6 messages split into fragments are dropped (their checksum covers the whole message).
 */
public final class Translator6to4 {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ICMP6 = 58;
    /** RFC 7915 §5.1: DF is set when the IPv4 packet is larger than 1260 bytes (1280 minus the header difference). */
    private static final int DF_THRESHOLD = 1260;

    private final AddressMapper mapper;
    private final TranslatorConfig config;
    private final IcmpErrors errors;
    private final Flow flow = new Flow();
    private final Flow inner = new Flow();
    private boolean gso;
    private boolean partialChecksum;
    private int nextId;

    public Translator6to4(AddressMapper mapper, TranslatorConfig config, IcmpRateLimiter limiter, Counters counters) {
        this.mapper = mapper;
        this.config = config;
        this.errors = new IcmpErrors(config, limiter, counters);
        this.nextId = (int) System.nanoTime();
    }

    /** The flow of the last packet (its drop reason when {@link #translate} returned 0). */
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

    public int translate(byte[] in, int len, byte[] out) {
        Flow f = flow;
        f.drop = null;
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
        while (true) {
            if (nh == Ipv6Header.HOP_BY_HOP || nh == Ipv6Header.DESTINATION_OPTIONS || nh == Ipv6Header.ROUTING) {
                if (off + 8 > end) {
                    return drop(f, DropReason.TRUNCATED);
                }
                if (nh == Ipv6Header.ROUTING && u8(in, off + 3) != 0) {
                    return drop(f, DropReason.ROUTING_HEADER);
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
                return icmpError(in, l4, l4len, ttl, out);
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
            return 0;
        }
        int total = Ipv4Header.LENGTH + l4len;
        if (total > 65535) {
            return drop(f, DropReason.TOO_BIG); // a 64 KB IPv6 payload has no IPv4 equivalent
        }
        if (total > config.mtu() && !gso) {
            f.drop = DropReason.TOO_BIG; // ICMPv6 errors never get here: they were handled above
            return errors.toIpv6Sender(in, end, false, IcmpMapping.V6_PACKET_TOO_BIG, 0, config.mtu() + 20, out);
        }
        int id;
        int flags;
        if (fragHeader >= 0) {
            id = u16(in, fragHeader + 6); // low-order 16 bits of the IPv6 identification
            flags = ((fragWord & 1) << 13) | (fragWord >>> 3);
        } else {
            id = nextId++ & 0xffff;
            flags = total > DF_THRESHOLD ? Ipv4Header.DONT_FRAGMENT : 0;
        }
        Ipv4Header.write(out, 0, Ipv6Header.trafficClass(in, 0), total, id, flags, ttl, nh == ICMP6 ? 1 : nh,
                f.src4, f.dst4);
        System.arraycopy(in, l4, out, Ipv4Header.LENGTH, l4len);
        if ((nh == TCP || nh == UDP) && first) {
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
        return total;
    }

    /** ICMPv6 error → ICMPv4 error with the quoted packet translated too (RFC 7915 §5.2, §5.3). */
    private int icmpError(byte[] in, int l4, int l4len, int ttl, byte[] out) {
        Flow f = flow;
        int type = u8(in, l4);
        int code = u8(in, l4 + 1);
        int mapped = IcmpMapping.errorV6toV4(type, code);
        if (mapped < 0) {
            return drop(f, DropReason.ICMP_UNTRANSLATABLE);
        }
        int rest = 0;
        if (type == IcmpMapping.V6_PACKET_TOO_BIG) {
            long mtu6 = i32(in, l4 + 4) & 0xffffffffL;
            rest = (int) Math.max(68, Math.min(mtu6 - 20, config.mtu()));
        } else if (type == IcmpMapping.V6_PARAMETER_PROBLEM && code == 0) {
            int pointer = IcmpMapping.pointerV6toV4((int) Math.min(i32(in, l4 + 4) & 0xffffffffL, 255));
            if (pointer < 0) {
                return drop(f, DropReason.ICMP_UNTRANSLATABLE);
            }
            rest = pointer << 24;
        }
        // The quoted IPv6 packet.
        int q = l4 + 8;
        int qAvail = l4len - 8;
        if (qAvail < Ipv6Header.LENGTH || (in[q] & 0xf0) != 0x60) {
            return drop(f, DropReason.TRUNCATED);
        }
        int qEnd = q + qAvail;
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
        // Layout: outer IPv4 (20) | ICMPv4 (8) | quoted IPv4 (20) | quoted payload.
        int qPayloadField = u16(in, q + Ipv6Header.PAYLOAD_LENGTH) - (qOff - q - Ipv6Header.LENGTH);
        int copy = Math.min(qL4Avail, IcmpErrors.MAX_V4 - 48);
        int qTotal = Ipv4Header.LENGTH + Math.max(qPayloadField, 0);
        int qId = qFrag >= 0 ? u16(in, qFrag + 6) : 0;
        int qFlags = qFrag >= 0 ? ((qFragWord & 1) << 13) | (qFragWord >>> 3)
                : (qTotal > DF_THRESHOLD ? Ipv4Header.DONT_FRAGMENT : 0);
        Ipv4Header.write(out, 28, Ipv6Header.trafficClass(in, q), qTotal, qId, qFlags,
                u8(in, q + Ipv6Header.HOP_LIMIT), qNh == ICMP6 ? 1 : qNh, g.src4, g.dst4);
        System.arraycopy(in, qOff, out, 48, copy);
        if (qFirst) {
            fixQuotedTransport(in, q, qOff, qNh, qIcmpType, qPayloadField, copy, g, out, 48);
        }
        out[20] = (byte) (mapped >>> 8);
        out[21] = (byte) mapped;
        put16(out, 22, 0);
        put32(out, 24, rest);
        put16(out, 22, Checksums.finish(Checksums.sum(out, 20, 28 + copy, 0)));
        int total = 48 + copy;
        Ipv4Header.write(out, 0, Ipv6Header.trafficClass(in, 0), total, nextId++ & 0xffff, 0, ttl, 1,
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
