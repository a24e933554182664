package net.gate64.nat64.siit;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
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
        SiitMapper mapper = new SiitMapper(pool6, eam, v4("192.0.2.1"));
        TranslatorConfig config = TranslatorConfig.of(1500, true, v4("192.0.2.1"), addr("2001:db8:64::c000:201"));
        PacketHandler h = new PacketHandler(mapper, config, new IcmpRateLimiter(10, 10, System::nanoTime), new Counters(), 2000);
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
}
