package net.gate64.nat64.translate;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Packet Too Big and Fragmentation Needed both ways (RFC 7915 §4.2, §5, §5.2, §6), hand-built, checksums checked. */
class PathMtuTest {
    private static final String CLIENT = "2001:db8:64::c633:6401"; // 198.51.100.1
    private static final String SERVER = "2001:db8:64::cb00:7105"; // 203.0.113.5
    private final Fixture fx = new Fixture();

    /** A TCP segment the IPv6 client sent, as it left the translator towards the server (quoted by a router). */
    private static byte[] quotedV4(int payload) {
        return ipv4("198.51.100.1", "203.0.113.5", 6, 63, 0, 0x4000, 9, tcp(40000, 80, 0x10, bytes(payload, 1)), false);
    }

    private byte[] fragmentationNeeded(int mtu, byte[] quoted) {
        return fx.four2six(ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(3, 4, mtu & 0xffff, quoted), false));
    }

    @Test
    void packetTooBigNeverSaysLessThan1280() { // §5 first bullet, §6 rule 1
        int[][] cases = {{1301, 1321}, {1300, 1320}, {1280, 1300}, {1261, 1281}, {1260, 1280}, {1259, 1280},
            {576, 1280}, {68, 1280}};
        for (int[] c : cases) {
            byte[] out = fragmentationNeeded(c[0], quotedV4(1400));
            assertEquals(2, out[40], "Packet Too Big for MTU " + c[0]);
            assertEquals(c[1], u32(out, 44), "Fragmentation Needed " + c[0]);
            assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
        }
    }

    @Test
    void zeroMtuUsesThePlateauBelowTheQuotedLengthThenTheMinimum() { // §4.2 + RFC 1191 §7
        byte[] big = quotedV4(1460); // total length 1500 → plateau 1492 → 1512, capped by the MTU 1500
        assertEquals(1500, u32(fragmentationNeeded(0, slice(big, 0, 548)), 44));
        byte[] small = quotedV4(960); // total length 1000 → plateau 508 → 528 → raised to 1280
        assertEquals(1280, u32(fragmentationNeeded(0, slice(small, 0, 548)), 44));
    }

    @Test
    void packetTooBigTakesBothNextHopMtusIntoAccount() { // §4.2: min(MTU + 20, IPv6 next hop, IPv4 next hop + 20)
        Fixture split = new Fixture(new TranslatorConfig(1400, 1450, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        byte[] in = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(3, 4, 1480, quotedV4(1400)), false);
        assertEquals(1420, u32(split.four2six(in), 44), "IPv4 next hop 1400 + 20");
        Fixture narrow6 = new Fixture(new TranslatorConfig(1500, 1300, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        assertEquals(1300, u32(narrow6.four2six(in), 44), "IPv6 next hop 1300");
    }

    /** A UDP datagram from the server as translated to IPv6, optionally with a Fragment header. */
    private static byte[] quotedV6(boolean fragmentHeader) {
        return fragmentHeader
                ? ipv6(SERVER, CLIENT, 17, 60, 0, udp(53, 4000, bytes(1300, 3)), 0, 0x77, true)
                : ipv6(SERVER, CLIENT, 17, 60, 0, udp(53, 4000, bytes(1300, 3)));
    }

    @Test
    void fragmentationNeededAccountsForTheQuotedFragmentHeader() { // §5.2: "taking into account ... Fragment Header"
        byte[] plain = fx.six2four(ipv6(CLIENT, SERVER, 58, 64, 0, icmp(2, 0, 1400, slice(quotedV6(false), 0, 1000))));
        assertEquals(3, plain[20]);
        assertEquals(4, plain[21]);
        assertEquals(1380, u16(plain, 26), "1400 - 20");
        byte[] fragmented = fx.six2four(ipv6(CLIENT, SERVER, 58, 64, 0, icmp(2, 0, 1400, slice(quotedV6(true), 0, 1000))));
        assertEquals(1372, u16(fragmented, 26), "1400 - 28: the IPv4 sender's packets gain 28 bytes");
        assertEquals(0, checksum(fragmented, 20, fragmented.length - 20));
        Fixture narrow = new Fixture(new TranslatorConfig(1300, 1500, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        byte[] capped = narrow.six2four(ipv6(CLIENT, SERVER, 58, 64, 0, icmp(2, 0, 1500, slice(quotedV6(false), 0, 1000))));
        assertEquals(1300, u16(capped, 26), "never above the IPv4 next hop");
    }

    @Test
    void tooBigForASmallIpv4MtuStillSays1280() { // §5: PTB < 1280 is never sent
        Fixture small = new Fixture(new TranslatorConfig(576, 1500, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        byte[] in = ipv6(CLIENT, SERVER, 17, 64, 0, udp(4000, 53, bytes(1400, 1)));
        byte[] out = small.six2four(in);
        assertEquals(DropReason.TOO_BIG, small.to4.flow().drop);
        assertEquals(2, out[40]);
        assertEquals(1280, u32(out, 44));
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void packetsWithoutDfAreFragmentedToASmallIpv4Mtu() { // §5: IPv4 links below 1260, fragmented like a router
        Fixture small = new Fixture(new TranslatorConfig(576, 1500, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        byte[] udp = udp(4000, 53, bytes(1192, 1)); // 1240 bytes of IPv6 payload: 1260 as IPv4, DF clear
        byte[] in = ipv6(CLIENT, SERVER, 17, 64, 0, udp);
        int n = small.to4.translate(in, in.length, small.out);
        assertNull(small.to4.flow().drop);
        assertEquals(3, small.to4.packetCount(), "1240 bytes in 552-byte pieces");
        byte[] whole = new byte[udp.length];
        int id = -1;
        for (int i = 0; i < 3; i++) {
            byte[] p = slice(small.out, small.to4.packetOffset(i), small.to4.packetLength(i, n));
            assertTrue(p.length <= 576, "fragment " + i + " fits the MTU");
            assertTrue(v4HeaderOk(p, 0));
            int ff = u16(p, 6);
            assertEquals(i < 2 ? 0x2000 : 0, ff & 0x6000, "MF on all but the last, never DF");
            id = i == 0 ? u16(p, 4) : id;
            assertEquals(id, u16(p, 4), "one identification");
            System.arraycopy(p, 20, whole, (ff & 0x1fff) * 8, p.length - 20);
        }
        byte[] reassembled = concat(slice(small.out, 0, 20), whole);
        reassembled[2] = (byte) ((20 + whole.length) >>> 8);
        reassembled[3] = (byte) (20 + whole.length);
        assertTrue(v4TransportOk(reassembled, 20, whole.length, 17), "reassembled datagram keeps a valid checksum");
        byte[] laterFragment = ipv6(CLIENT, SERVER, 17, 64, 0, bytes(1000, 2), 2400, 0x55, true);
        int m = small.to4.translate(laterFragment, laterFragment.length, small.out);
        assertEquals(2, small.to4.packetCount(), "a fragment is fragmented further");
        byte[] second = slice(small.out, small.to4.packetOffset(1), small.to4.packetLength(1, m));
        assertEquals(0x2000 | (2400 + 552) / 8, u16(second, 6), "offsets continue, MF kept from the original");
    }

    @Test
    void fragmentationNeededUsesTheIpv6Mtu() { // §4.1 with DF set
        Fixture narrow = new Fixture(new TranslatorConfig(1500, 1400, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 6, 64, 0, 0x4000, 3, tcp(80, 40000, 0x10, bytes(1341, 1)), false);
        byte[] out = narrow.four2six(in);
        assertEquals(DropReason.TOO_BIG, narrow.to6.flow().drop);
        assertEquals(3, out[20]);
        assertEquals(4, out[21]);
        assertEquals(1380, u16(out, 26), "IPv6 MTU 1400 - 20");
        assertEquals(0, checksum(out, 20, out.length - 20));
    }

    @Test
    void lowestIpv6MtuSetsTheFragmentSize() { // §4.1 "lowest-ipv6-mtu"
        Fixture wide = new Fixture(new TranslatorConfig(1500, 1500, 1400, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0, 3, udp(53, 4000, bytes(1452, 1)), false);
        int n = wide.to6.translate(in, in.length, wide.out);
        assertEquals(2, wide.to6.packetCount());
        assertEquals(1400, wide.to6.packetLength(0, n), "40 + 8 + 1352");
        Fixture standard = new Fixture();
        int m = standard.to6.translate(in, in.length, standard.out);
        assertEquals(1280, standard.to6.packetLength(0, m), "default 1280");
        byte[] fits = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0, 3, udp(53, 4000, bytes(1300, 1)), false);
        wide.to6.translate(fits, fits.length, wide.out);
        assertEquals(1, wide.to6.packetCount(), "1348 bytes fit lowest-ipv6-mtu 1400: no Fragment header");
    }
}
