package net.gate64.nat64.siit;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import net.gate64.common.EamTable;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.IcmpRateLimiter;
import net.gate64.nat64.translate.PacketHandler;
import net.gate64.nat64.translate.Pool6;
import net.gate64.nat64.translate.TranslatorConfig;
import org.junit.jupiter.api.Test;

/** SIIT with EAM (RFC 7757) and pool6 fallback. */
class SiitTest {
    private final EamTable eam = new EamTable(List.of(
            new EamTable.Entry(IpNetwork.parse("192.0.2.0/24"), IpNetwork.parse("2001:db8:aaaa::/120")),
            new EamTable.Entry(IpNetwork.parse("192.0.2.8/32"), IpNetwork.parse("2001:db8:bbbb::8/128"))));

    @Test
    void eamMapsSuffixBitsAndLongestPrefixWins() {
        byte[] six = new byte[16];
        assertTrue(eam.toIpv6(v4("192.0.2.77"), six, 0));
        assertArrayEquals(addr("2001:db8:aaaa::4d"), six);
        assertTrue(eam.toIpv6(v4("192.0.2.8"), six, 0));
        assertArrayEquals(addr("2001:db8:bbbb::8"), six);
        assertEquals(v4("192.0.2.77") & 0xffffffffL, eam.toIpv4(addr("2001:db8:aaaa::4d"), 0));
        assertEquals(v4("192.0.2.8") & 0xffffffffL, eam.toIpv4(addr("2001:db8:bbbb::8"), 0));
        assertEquals(-1, eam.toIpv4(addr("2001:db8:aaaa::1:4d"), 0));
        assertFalse(eam.toIpv6(v4("192.0.3.1"), six, 0));
    }

    @Test
    void unequalSuffixesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new EamTable.Entry(IpNetwork.parse("192.0.2.0/24"), IpNetwork.parse("2001:db8::/96")));
    }

    @Test
    void siitTranslatesBothWaysWithoutState() {
        Pool6 pool6 = new Pool6(List.of(Nat64Prefix.parse("2001:db8:64::/96")), false);
        PacketHandler h = handler(eam, "2001:db8:64::/96", null, null, new Counters());
        byte[] out = new byte[2000];
        byte[] in = ipv6("2001:db8:aaaa::4d", "2001:db8:64::cb00:7105", 17, 64, 0, udp(1111, 2222, bytes(10, 0)));
        int n = h.handle(in, in.length, out);
        assertEquals(38, n);
        assertEquals(v4("192.0.2.77"), (int) u32(out, 12), "EAM source");
        assertEquals(v4("203.0.113.5"), (int) u32(out, 16), "pool6 destination");
        assertEquals(1111, u16(out, 20), "ports unchanged in SIIT");
        assertTrue(v4TransportOk(out, 20, 18, 17));
        byte[] reply = ipv4("203.0.113.5", "192.0.2.77", 17, 64, 0, 0, 1, udp(2222, 1111, bytes(10, 0)), false);
        n = h.handle(reply, reply.length, out);
        assertEquals(58, n);
        assertArrayEquals(addr("2001:db8:64::cb00:7105"), slice(out, 8, 16));
        assertArrayEquals(addr("2001:db8:aaaa::4d"), slice(out, 24, 16));
        assertTrue(v6TransportOk(out, 40, 18, 17));
    }

    private static final int GATEWAY4 = v4("192.0.2.1");
    private static final byte[] GATEWAY6 = addr("2001:db8:64::c000:201");

    /** A SIIT packet path; {@code prefix} null = EAM-only; RFC 6791 pools null = the gateway's own addresses. */
    private static PacketHandler handler(EamTable table, String prefix, String rfc6791v4, String rfc6791v6,
                                         Counters counters) {
        Pool6 pool6 = new Pool6(prefix == null ? List.of() : List.of(Nat64Prefix.parse(prefix)), false);
        Rfc6791Pool sources = new Rfc6791Pool(rfc6791v4 == null ? null : IpNetwork.parse(rfc6791v4),
                rfc6791v6 == null ? null : IpNetwork.parse(rfc6791v6), GATEWAY4, GATEWAY6);
        SiitMapper mapper = new SiitMapper(pool6, table, sources);
        TranslatorConfig config = TranslatorConfig.of(1500, true, GATEWAY4, GATEWAY6);
        return new PacketHandler(mapper, config, new IcmpRateLimiter(100, 100, System::nanoTime), counters, 2000);
    }

    private static byte[] handle(PacketHandler h, byte[] in) {
        byte[] out = new byte[2000];
        int n = h.handle(in, in.length, out);
        return slice(h.output(), 0, n);
    }

    /** EAM-only SIIT: both ends are EAM entries, no pool6 at all. */
    private final EamTable eamOnly = new EamTable(List.of(
            new EamTable.Entry(IpNetwork.parse("192.0.2.2/32"), IpNetwork.parse("2001:db8:1::2/128")),
            new EamTable.Entry(IpNetwork.parse("203.0.113.0/24"), IpNetwork.parse("2001:db8:cb00:71::/120"))));

    @Test
    void eamOnlyTranslatesIcmpv4ErrorsFromRoutersOutsideTheTable() { // RFC 7915 §4.2, RFC 6791
        byte[] quoted = ipv4("192.0.2.2", "203.0.113.5", 6, 63, 0, 0x4000, 1, tcp(40000, 80, 0x10, bytes(1400, 1)), false);
        byte[] error = ipv4("198.51.100.9", "192.0.2.2", 1, 64, 0, 0, 1, icmp(3, 4, 1400, slice(quoted, 0, 548)), false);
        Counters counters = new Counters();
        byte[] out = handle(handler(eamOnly, null, null, null, counters), error);
        assertEquals(0, counters.drops(net.gate64.nat64.translate.DropReason.NOT_IN_POOL6), "no longer dropped");
        assertEquals(2, out[40], "Packet Too Big reaches the client: path MTU discovery works");
        assertEquals(1420, u32(out, 44));
        assertArrayEquals(GATEWAY6, slice(out, 8, 16), "no RFC 6791 pool: the gateway's own IPv6 address");
        assertArrayEquals(addr("2001:db8:1::2"), slice(out, 24, 16));
        assertArrayEquals(addr("2001:db8:1::2"), slice(out, 56, 16), "quoted source back in EAM form");
        assertArrayEquals(addr("2001:db8:cb00:71::5"), slice(out, 72, 16));
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
        byte[] pooled = handle(handler(eamOnly, null, null, "2001:db8:ffff::/120", new Counters()), error);
        assertArrayEquals(addr("2001:db8:ffff::"), pad(slice(pooled, 8, 15), 16), "an address of rfc6791v6-prefix");
        assertTrue(v6TransportOk(pooled, 40, pooled.length - 40, 58), "checksum over the chosen source");
    }

    @Test
    void icmpv6ErrorsFromUntranslatableRoutersUseTheRfc6791Pool() { // RFC 6791 §4, RFC 7915 §5.2
        byte[] quoted = ipv6("2001:db8:cb00:71::5", "2001:db8:1::2", 17, 60, 0, udp(53, 4000, bytes(40, 3)));
        byte[] error = ipv6("2001:db8:99::1", "2001:db8:cb00:71::5", 58, 64, 0, icmp(3, 0, 0, quoted));
        PacketHandler h = handler(eamOnly, null, "198.51.100.0/28", null, new Counters());
        for (int i = 0; i < 20; i++) {
            byte[] out = handle(h, error);
            int src = (int) u32(out, 12);
            assertTrue(src > v4("198.51.100.0") && src < v4("198.51.100.15"), "a host address of the pool: " + src);
            assertTrue(v4HeaderOk(out, 0));
            assertEquals(0, checksum(out, 20, out.length - 20));
        }
        byte[] own = handle(handler(eamOnly, null, null, null, new Counters()), error);
        assertEquals(GATEWAY4, (int) u32(own, 12), "without a pool: the gateway's IPv4 address");
    }

    @Test
    void eamHostsReachEachOtherThroughPool6InsideTheTranslator() { // RFC 7757 §4.2.2
        Counters counters = new Counters();
        PacketHandler h = handler(eam, "2001:db8:64::/96", null, null, counters);
        // A = 2001:db8:aaaa::4d (192.0.2.77), B = 2001:db8:bbbb::8 (192.0.2.8), B's pool6 form 2001:db8:64::c000:208
        byte[] in = ipv6("2001:db8:aaaa::4d", "2001:db8:64::c000:208", 17, 64, 0, udp(1111, 2222, bytes(30, 1)));
        byte[] out = handle(h, in);
        assertEquals(6, (out[0] & 0xf0) >>> 4, "back as IPv6 without leaving the translator");
        assertArrayEquals(addr("2001:db8:64::c000:24d"), slice(out, 8, 16), "source in pool6 form");
        assertArrayEquals(addr("2001:db8:bbbb::8"), slice(out, 24, 16), "destination in EAM form");
        assertEquals(1111, u16(out, 40));
        assertTrue(v6TransportOk(out, 40, 38, 17));
        assertEquals(1, counters.hairpinned.sum());
        // B answers the pool6 form and A gets it from B's pool6 form: the conversation stays on one address pair.
        byte[] reply = ipv6("2001:db8:bbbb::8", "2001:db8:64::c000:24d", 17, 64, 0, udp(2222, 1111, bytes(30, 2)));
        byte[] back = handle(h, reply);
        assertArrayEquals(addr("2001:db8:64::c000:208"), slice(back, 8, 16));
        assertArrayEquals(addr("2001:db8:aaaa::4d"), slice(back, 24, 16));
        assertTrue(v6TransportOk(back, 40, 38, 17));
    }

    @Test
    void hairpinnedIcmpErrorQuotesThePacketAsItsSenderSentIt() { // RFC 7757 §4.2.2
        PacketHandler h = handler(eam, "2001:db8:64::/96", null, null, new Counters());
        byte[] delivered = ipv6("2001:db8:64::c000:24d", "2001:db8:bbbb::8", 17, 62, 0, udp(1111, 2222, bytes(30, 1)));
        byte[] unreachable = ipv6("2001:db8:bbbb::8", "2001:db8:64::c000:24d", 58, 64, 0, icmp(1, 4, 0, delivered));
        byte[] out = handle(h, unreachable);
        assertEquals(1, out[40]);
        assertEquals(4, out[41], "port unreachable");
        assertArrayEquals(addr("2001:db8:64::c000:208"), slice(out, 8, 16), "from B's pool6 form");
        assertArrayEquals(addr("2001:db8:aaaa::4d"), slice(out, 24, 16), "to A");
        assertArrayEquals(addr("2001:db8:aaaa::4d"), slice(out, 48 + 8, 16), "quoted source: A as it sent it");
        assertArrayEquals(addr("2001:db8:64::c000:208"), slice(out, 48 + 24, 16), "quoted destination: B's pool6 form");
        assertTrue(v6TransportOk(slice(out, 48, out.length - 48), 40, 38, 17), "quoted UDP checksum for those addresses");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }
}
