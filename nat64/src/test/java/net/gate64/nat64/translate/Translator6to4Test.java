package net.gate64.nat64.translate;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** RFC 7915 §5: IPv6 → IPv4 on hand-built packets; every checksum verified with the independent {@code Wire}. */
class Translator6to4Test {
    private final Fixture fx = new Fixture();

    @Test
    void udpHeaderFieldsAndChecksum() { // §5.1
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 64, 0xb8, udp(4000, 53, bytes(100, 1)));
        byte[] out = fx.six2four(in);
        assertNull(fx.to4.flow().drop);
        assertEquals(20 + 108, out.length);
        assertEquals(0x45, out[0] & 0xff);
        assertEquals(0xb8, out[1] & 0xff, "traffic class copied to TOS");
        assertEquals(128, u16(out, 2), "total length = payload length + 20");
        assertEquals(0, u16(out, 6) & 0x4000, "DF clear for packets of at most 1260 bytes");
        assertEquals(63, out[8] & 0xff, "TTL = hop limit - 1");
        assertEquals(17, out[9]);
        assertEquals(v4("198.51.100.1"), (int) u32(out, 12));
        assertEquals(v4("203.0.113.5"), (int) u32(out, 16));
        assertTrue(v4HeaderOk(out, 0));
        assertTrue(v4TransportOk(out, 20, 108, 17), "UDP checksum updated incrementally");
        assertArrayEquals(bytes(100, 1), slice(out, 28, 100));
    }

    @Test
    void tcpChecksumAndDfForLargePackets() {
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 6, 10, 0, tcp(40000, 80, 0x18, bytes(1300, 7)));
        byte[] out = fx.six2four(in);
        assertEquals(20 + 1320, out.length);
        assertEquals(0x4000, u16(out, 6) & 0x4000, "DF set above 1260 bytes (RFC 7915 §5.1)");
        assertEquals(9, out[8] & 0xff);
        assertTrue(v4HeaderOk(out, 0));
        assertTrue(v4TransportOk(out, 20, 1320, 6));
    }

    @Test
    void icmpv6EchoBecomesIcmpv4Echo() { // §5.2
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(128, 0, 0x12340001, bytes(56, 3)));
        byte[] out = fx.six2four(in);
        assertEquals(1, out[9], "protocol 58 → 1");
        assertEquals(8, out[20] & 0xff, "echo request 128 → 8");
        assertEquals(0x1234, u16(out, 24));
        assertEquals(0, checksum(out, 20, out.length - 20), "ICMPv4 checksum has no pseudo header");
        byte[] reply = fx.six2four(ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 64, 0, icmp(129, 0, 0x12340001, bytes(9, 3))));
        assertEquals(0, reply[20]);
        assertEquals(0, checksum(reply, 20, reply.length - 20));
    }

    @Test
    void hopLimitOneAnswersTimeExceeded() { // §5.1 + RFC 4443 §3.3
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 1, 0, udp(1, 2, bytes(20, 0)));
        byte[] out = fx.six2four(in);
        assertEquals(DropReason.TTL_EXPIRED, fx.to4.flow().drop);
        assertEquals(0x60, out[0] & 0xf0, "the answer is IPv6, back to the sender");
        assertEquals(58, out[6]);
        assertArrayEquals(addr("2001:db8:64::c000:201"), slice(out, 8, 16), "from the gateway's IPv6 address");
        assertArrayEquals(addr("2001:db8:64::c633:6401"), slice(out, 24, 16));
        assertEquals(3, out[40]);
        assertEquals(0, out[41]);
        assertArrayEquals(in, slice(out, 48, in.length), "quotes the offending packet");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void noDecrementModeKeepsHopLimit() {
        Fixture quiet = new Fixture(1500, false, "2001:db8:64::/96", false);
        byte[] out = quiet.six2four(ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 1, 0, udp(1, 2, bytes(4, 0))));
        assertEquals(1, out[8]);
    }

    @Test
    void fragmentHeaderBecomesIpv4FragmentFields() { // §5.1.1
        byte[] l4 = udp(5000, 6000, bytes(64, 2));
        byte[] first = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 64, 0, l4, 0, 0xabcd1234, true);
        byte[] out = fx.six2four(first);
        assertNull(fx.to4.flow().drop);
        assertEquals(0x1234, u16(out, 4), "identification = low 16 bits");
        assertEquals(0x2000, u16(out, 6), "MF set, offset 0, DF clear");
        assertEquals(20 + l4.length, u16(out, 2), "fragment header not counted");
        assertTrue(v4TransportOk(out, 20, l4.length, 17), "first fragment's checksum updated");
        byte[] later = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 64, 0, bytes(48, 9), 1480, 0xabcd1234, false);
        out = fx.six2four(later);
        assertEquals(1480 / 8, u16(out, 6) & 0x1fff);
        assertEquals(0, u16(out, 6) & 0x2000);
        assertArrayEquals(bytes(48, 9), slice(out, 20, 48), "non-first fragment payload copied untouched");
        assertTrue(v4HeaderOk(out, 0));
    }

    @Test
    void malformedPacketsAreDroppedWithReasons() {
        byte[] good = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 64, 0, udp(1, 2, bytes(8, 0)));
        assertEquals(0, fx.to4.translate(good, 39, fx.out));
        assertEquals(DropReason.TRUNCATED, fx.to4.flow().drop);
        assertEquals(0, fx.to4.translate(good, good.length - 1, fx.out), "payload length beyond the packet");
        assertEquals(DropReason.TRUNCATED, fx.to4.flow().drop);
        byte[] udpZero = good.clone();
        udpZero[46] = 0;
        udpZero[47] = 0;
        assertEquals(0, fx.to4.translate(udpZero, udpZero.length, fx.out));
        assertEquals(DropReason.UDP_ZERO_CHECKSUM, fx.to4.flow().drop);
        byte[] outside = ipv6("2001:db8:64::c633:6401", "2001:db8:99::1", 17, 64, 0, udp(1, 2, bytes(8, 0)));
        assertEquals(0, fx.to4.translate(outside, outside.length, fx.out));
        assertEquals(DropReason.NOT_IN_POOL6, fx.to4.flow().drop);
        byte[] nd = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 58, 255, 0, icmp(135, 0, 0, bytes(16, 0)));
        assertEquals(0, fx.to4.translate(nd, nd.length, fx.out));
        assertEquals(DropReason.ICMP_UNTRANSLATABLE, fx.to4.flow().drop);
    }

    @Test
    void wellKnownPrefixNeverReachesNonGlobalIpv4() { // RFC 6052 §3.1
        Fixture wkp = new Fixture(1500, true, "64:ff9b::/96", false);
        for (String target : new String[] {"64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:1", "64:ff9b::c0a8:101",
                "64:ff9b::ac10:1", "64:ff9b::6440:1"}) {
            byte[] in = ipv6("64:ff9b::808:808", target, 17, 64, 0, udp(1, 2, bytes(8, 0)));
            byte[] out = wkp.six2four(in);
            assertEquals(DropReason.NON_GLOBAL, wkp.to4.flow().drop, target);
            assertEquals(0x60, out[0] & 0xf0, "RFC 7915 §5.4: answered with ICMPv6 1/1, not translated");
            assertEquals(1, out[40]);
            assertEquals(1, out[41]);
            assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
        }
        byte[] global = ipv6("64:ff9b::808:808", "64:ff9b::101:101", 17, 64, 0, udp(1, 2, bytes(8, 0)));
        assertTrue(wkp.to4.translate(global, global.length, wkp.out) > 0);
        Fixture allowed = new Fixture(1500, true, "64:ff9b::/96", true);
        byte[] priv = ipv6("64:ff9b::808:808", "64:ff9b::a00:1", 17, 64, 0, udp(1, 2, bytes(8, 0)));
        assertTrue(allowed.to4.translate(priv, priv.length, allowed.out) > 0, "allow-non-global lifts the rule");
    }

    @Test
    void tooBigForIpv4MtuAnswersPacketTooBig() {
        Fixture small = new Fixture(1280, true, "2001:db8:64::/96", false);
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 64, 0, udp(1, 2, bytes(1300, 0)));
        byte[] out = small.six2four(in);
        assertEquals(DropReason.TOO_BIG, small.to4.flow().drop);
        assertEquals(2, out[40], "ICMPv6 Packet Too Big");
        assertEquals(1300, u32(out, 44), "IPv4 MTU + 20");
        assertTrue(out.length <= 1280);
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void overrideTos() { // RFC 7915 §5.1 Type of Service option
        Fixture fixed = new Fixture(new TranslatorConfig(1500, 1500, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, 32, true));
        byte[] out = fixed.six2four(ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 64, 0xb8,
                udp(4000, 53, bytes(10, 1))));
        assertEquals(32, out[1] & 0xff, "the configured TOS, not the traffic class");
        assertTrue(v4HeaderOk(out, 0));
    }
}
