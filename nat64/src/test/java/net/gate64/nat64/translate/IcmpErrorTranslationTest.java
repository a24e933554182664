package net.gate64.nat64.translate;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** ICMP errors with their quoted packet translated (RFC 7915 §4.2-4.3 and §5.2-5.3). */
class IcmpErrorTranslationTest {
    private final Fixture fx = new Fixture();

    /** A UDP datagram an IPv6 client sent, as translated to IPv4 (quoted by an IPv4 router). */
    private static byte[] quotedV4Udp() {
        return ipv4("198.51.100.1", "203.0.113.5", 17, 3, 0, 0x4000, 9, udp(4000, 53, bytes(40, 2)), false);
    }

    @Test
    void portUnreachableV4toV6() {
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 1, 64, 0, 0, 1, icmp(3, 3, 0, quotedV4Udp()), false);
        byte[] out = fx.four2six(in);
        assertNull(fx.to6.flow().drop);
        assertEquals(1, out[40], "destination unreachable");
        assertEquals(4, out[41], "port unreachable");
        assertArrayEquals(addr("2001:db8:64::c633:6401"), slice(out, 24, 16), "to the original sender");
        // quoted packet is now IPv6 from the client to the server
        assertEquals(0x60, out[48] & 0xf0);
        assertEquals(17, out[54]);
        assertEquals(48, u16(out, 52), "quoted payload length");
        assertArrayEquals(addr("2001:db8:64::c633:6401"), slice(out, 56, 16));
        assertArrayEquals(addr("2001:db8:64::cb00:7105"), slice(out, 72, 16));
        assertTrue(v6TransportOk(out, 88, 48, 17), "quoted UDP checksum updated");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void fragmentationNeededBecomesPacketTooBigPlus20() {
        byte[] in = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(3, 4, 1400, quotedV4Udp()), false);
        byte[] out = fx.four2six(in);
        assertEquals(2, out[40]);
        assertEquals(0, out[41]);
        assertEquals(1420, u32(out, 44));
        assertArrayEquals(addr("2001:db8:64::cb00:7109"), slice(out, 8, 16), "router address embedded");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
        Fixture jumbo = new Fixture(9000, true, "2001:db8:64::/96", false);
        byte[] quoted = ipv4("198.51.100.1", "203.0.113.5", 17, 3, 0, 0x4000, 9, udp(4000, 53, bytes(1472, 2)), false);
        byte[] zero = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(3, 4, 0, slice(quoted, 0, 548)), false);
        byte[] answer = jumbo.four2six(zero);
        assertEquals(1492 + 20, u32(answer, 44), "MTU 0: RFC 1191 plateau below the quoted total length 1500, + 20");
        byte[] capped = fx.four2six(ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(3, 4, 8000, quotedV4Udp()), false));
        assertEquals(1500, u32(capped, 44), "never above the translator's own IPv6 MTU");
    }

    @Test
    void timeExceededAndUnreachableCodesV4toV6() {
        int[][] cases = { // v4 type, code, v6 type, code
            {11, 0, 3, 0}, {11, 1, 3, 1}, {3, 0, 1, 0}, {3, 1, 1, 0}, {3, 9, 1, 1}, {3, 13, 1, 1}, {3, 2, 4, 1},
        };
        for (int[] c : cases) {
            byte[] in = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(c[0], c[1], 0, quotedV4Udp()), false);
            byte[] out = fx.four2six(in);
            assertEquals(c[2], out[40], c[0] + "/" + c[1]);
            assertEquals(c[3], out[41], c[0] + "/" + c[1]);
            if (c[1] == 2) {
                assertEquals(6, u32(out, 44), "protocol unreachable points at next header");
            }
        }
        byte[] quench = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(4, 0, 0, quotedV4Udp()), false);
        assertEquals(0, fx.to6.translate(quench, quench.length, fx.out));
        byte[] precedence = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(3, 14, 0, quotedV4Udp()), false);
        assertEquals(0, fx.to6.translate(precedence, precedence.length, fx.out));
    }

    @Test
    void parameterProblemPointerV4toV6() {
        int[][] map = {{0, 0}, {1, 1}, {2, 4}, {3, 4}, {8, 7}, {9, 6}, {12, 8}, {15, 8}, {16, 24}, {19, 24}};
        for (int[] m : map) {
            byte[] in = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(12, 0, m[0] << 24, quotedV4Udp()), false);
            byte[] out = fx.four2six(in);
            assertEquals(4, out[40]);
            assertEquals(0, out[41]);
            assertEquals(m[1], u32(out, 44), "pointer " + m[0]);
        }
        for (int untranslatable : new int[] {4, 5, 6, 7, 10, 11, 20}) {
            byte[] in = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(12, 0, untranslatable << 24, quotedV4Udp()), false);
            assertEquals(0, fx.to6.translate(in, in.length, fx.out), "pointer " + untranslatable);
        }
    }

    /** A UDP datagram the IPv4 server sent, as translated to IPv6 (quoted by the IPv6 client). */
    private static byte[] quotedV6Udp() {
        return ipv6("2001:db8:64::cb00:7105", "2001:db8:64::c633:6401", 17, 60, 0, udp(53, 4000, bytes(40, 3)));
    }

    @Test
    void portUnreachableV6toV4() {
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(1, 4, 0, quotedV6Udp()));
        byte[] out = fx.six2four(in);
        assertNull(fx.to4.flow().drop);
        assertEquals(1, out[9]);
        assertEquals(3, out[20]);
        assertEquals(3, out[21]);
        assertTrue(v4HeaderOk(out, 0));
        assertEquals(0, checksum(out, 20, out.length - 20));
        assertTrue(v4HeaderOk(out, 28), "quoted IPv4 header has a valid checksum");
        assertEquals(v4("203.0.113.5"), (int) u32(out, 28 + 12));
        assertEquals(v4("198.51.100.1"), (int) u32(out, 28 + 16));
        assertEquals(68, u16(out, 28 + 2));
        assertTrue(v4TransportOk(out, 48, 48, 17));
    }

    @Test
    void packetTooBigBecomesFragmentationNeededMinus20() {
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(2, 0, 1400, quotedV6Udp()));
        byte[] out = fx.six2four(in);
        assertEquals(3, out[20]);
        assertEquals(4, out[21]);
        assertEquals(1380, u16(out, 26));
    }

    @Test
    void codesAndPointersV6toV4() {
        int[][] cases = {{1, 0, 3, 1}, {1, 1, 3, 10}, {1, 2, 3, 1}, {1, 3, 3, 1}, {1, 4, 3, 3}, {3, 0, 11, 0},
            {3, 1, 11, 1}, {4, 1, 3, 2}};
        for (int[] c : cases) {
            byte[] out = fx.six2four(ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0,
                    icmp(c[0], c[1], 0, quotedV6Udp())));
            assertEquals(c[2], out[20], c[0] + "/" + c[1]);
            assertEquals(c[3], out[21], c[0] + "/" + c[1]);
        }
        int[][] pointers = {{0, 0}, {1, 1}, {4, 2}, {5, 2}, {6, 9}, {7, 8}, {8, 12}, {23, 12}, {24, 16}, {39, 16}};
        for (int[] p : pointers) {
            byte[] out = fx.six2four(ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0,
                    icmp(4, 0, p[0], quotedV6Udp())));
            assertEquals(12, out[20]);
            assertEquals(p[1], out[24] & 0xff, "pointer " + p[0]);
        }
        byte[] flowLabel = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(4, 0, 2, quotedV6Udp()));
        assertEquals(0, fx.to4.translate(flowLabel, flowLabel.length, fx.out));
        byte[] unrecognisedOption = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(4, 2, 0, quotedV6Udp()));
        assertEquals(0, fx.to4.translate(unrecognisedOption, unrecognisedOption.length, fx.out));
    }

    @Test
    void quotedEchoIsTranslatedAndErrorsAboutErrorsAreDropped() {
        byte[] echo = ipv6("2001:db8:64::cb00:7105", "2001:db8:64::c633:6401", 58, 60, 0, icmp(129, 0, 0x00050001, bytes(24, 1)));
        byte[] out = fx.six2four(ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(3, 0, 0, echo)));
        assertEquals(0, out[48], "quoted echo reply 129 → 0");
        assertEquals(0, checksum(out, 48, out.length - 48), "quoted ICMP checksum updated without pseudo header");
        byte[] nested = ipv6("2001:db8:64::cb00:7105", "2001:db8:64::c633:6401", 58, 60, 0, icmp(1, 4, 0, quotedV6Udp()));
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(3, 0, 0, nested));
        assertEquals(0, fx.to4.translate(in, in.length, fx.out));
        assertEquals(DropReason.ICMP_ERROR_NESTED, fx.to4.flow().drop);
    }

    @Test
    void longQuotesAreTrimmedToTheIcmpLimits() {
        byte[] big = ipv4("198.51.100.1", "203.0.113.5", 17, 3, 0, 0x4000, 9, udp(4000, 53, bytes(1400, 2)), false);
        byte[] in = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(11, 0, 0, big), false);
        byte[] out = fx.four2six(in);
        assertEquals(1280, out.length, "ICMPv6 error fills but never exceeds 1280 bytes");
        assertEquals(1408, u16(out, 52), "quoted length field still tells the original length");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
        byte[] big6 = ipv6("2001:db8:64::cb00:7105", "2001:db8:64::c633:6401", 17, 60, 0, udp(53, 4000, bytes(1400, 3)));
        byte[] out4 = fx.six2four(ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(3, 0, 0, big6)));
        assertEquals(576, out4.length);
        assertEquals(0, checksum(out4, 20, out4.length - 20));
    }

    /** RFC 7915 §5.1.1: an atomic Fragment header on the ICMPv6 error gives the IPv4 identification, DF clear. */
    @Test
    void icmpv6ErrorWithAnAtomicFragmentHeaderKeepsItsIdentification() {
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(1, 4, 0, quotedV6Udp()),
                0, 0xabcd1234, false);
        byte[] out = fx.six2four(in);
        assertNull(fx.to4.flow().drop);
        assertEquals(3, out[20]);
        assertEquals(0x1234, u16(out, 4), "low-order 16 bits of the Fragment header identification");
        assertEquals(0, u16(out, 6), "no DF, no MF, offset 0");
        assertTrue(v4HeaderOk(out, 0));
        assertEquals(0, checksum(out, 20, out.length - 20));
    }
}
