package net.gate64.nat64.translate;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** RFC 7915 §4: IPv4 → IPv6 on hand-built packets. */
class Translator4to6Test {
    private final Fixture fx = new Fixture();

    @Test
    void tcpHeaderFieldsAndChecksum() { // §4.1
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 6, 50, 0x28, 0x4000, 77, tcp(80, 40000, 0x12, bytes(200, 4)), false);
        byte[] out = fx.four2six(in);
        assertNull(fx.to6.flow().drop);
        assertEquals(40 + 220, out.length);
        assertEquals(6, (out[0] & 0xf0) >>> 4);
        assertEquals(0x28, ((out[0] & 0x0f) << 4) | ((out[1] & 0xf0) >>> 4), "TOS copied to traffic class");
        assertEquals(0, ((out[1] & 0x0f) << 16) | u16(out, 2), "flow label zero");
        assertEquals(220, u16(out, 4));
        assertEquals(6, out[6], "no fragment header for an unfragmented packet");
        assertEquals(49, out[7] & 0xff);
        assertArrayEquals(addr("2001:db8:64::cb00:7105"), slice(out, 8, 16));
        assertArrayEquals(addr("2001:db8:64::c633:6401"), slice(out, 24, 16));
        assertTrue(v6TransportOk(out, 40, 220, 6));
    }

    @Test
    void udpZeroChecksumIsComputed() { // §4.5
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0, 1, udp(53, 4000, bytes(33, 5)), true);
        assertEquals(0, u16(in, 26));
        byte[] out = fx.four2six(in);
        assertNotEquals(0, u16(out, 46));
        assertTrue(v6TransportOk(out, 40, 41, 17));
    }

    /** RFC 7915 §4.5: no checksum can be computed for a fragment; §4.4: dropped and answered with ICMPv4 3/13. */
    @Test
    void fragmentedUdpWithZeroChecksumIsRejectedWithAdministrativelyProhibited() {
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0x2000, 1, udp(53, 4000, bytes(32, 5)), true);
        byte[] out = fx.four2six(in);
        assertEquals(DropReason.UDP_ZERO_CHECKSUM, fx.to6.flow().drop);
        assertRejected(in, out);
        Fixture amending = new Fixture(new TranslatorConfig(1500, 1500, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, true));
        assertRejected(in, amending.four2six(in)); // regardless of amend-udp-checksum-zero
    }

    /** RFC 7915 §4.5 option 1 (amend-udp-checksum-zero = false): even an unfragmented datagram is rejected. */
    @Test
    void unfragmentedZeroChecksumIsRejectedWhenNotAmending() {
        Fixture strict = new Fixture(new TranslatorConfig(1500, 1500, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                false, -1, false));
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0, 1, udp(53, 4000, bytes(4, 5)), true);
        byte[] out = strict.four2six(in);
        assertEquals(DropReason.UDP_ZERO_CHECKSUM, strict.to6.flow().drop);
        assertRejected(in, out);
    }

    /** ICMPv4 3/13 from the gateway's IPv4 address back to the sender, quoting the packet, checksums valid. */
    private static void assertRejected(byte[] in, byte[] out) {
        assertEquals(0x45, out[0] & 0xff, "answered in IPv4");
        assertTrue(v4HeaderOk(out, 0));
        assertEquals(1, out[9]);
        assertEquals(v4("192.0.2.1"), (int) u32(out, 12));
        assertEquals(v4("203.0.113.5"), (int) u32(out, 16));
        assertEquals(3, out[20]);
        assertEquals(13, out[21]);
        assertEquals(0, checksum(out, 20, out.length - 20));
        assertArrayEquals(in, slice(out, 28, in.length));
    }

    @Test
    void fragmentGetsIpv6FragmentHeader() { // §4.1
        byte[] l4 = udp(53, 4000, bytes(64, 5));
        byte[] first = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0x2000, 0xbeef, l4, false);
        byte[] out = fx.four2six(first);
        assertEquals(44, out[6]);
        assertEquals(8 + l4.length, u16(out, 4));
        assertEquals(17, out[40]);
        assertEquals(1, u16(out, 42), "offset 0, M set");
        assertEquals(0xbeefL, u32(out, 44));
        assertTrue(v6TransportOk(out, 48, l4.length, 17));
        byte[] later = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 185, 0xbeef, bytes(40, 1), true);
        out = fx.four2six(later);
        assertEquals(185 * 8, u16(out, 42) & 0xfff8);
        assertEquals(0, u16(out, 42) & 1);
        assertArrayEquals(bytes(40, 1), slice(out, 48, 40));
    }

    @Test
    void icmpv4EchoBecomesIcmpv6Echo() { // §4.2
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 1, 64, 0, 0, 1, icmp(0, 0, 0x77770003, bytes(56, 8)), false);
        byte[] out = fx.four2six(in);
        assertEquals(58, out[6]);
        assertEquals(129, out[40] & 0xff);
        assertEquals(0x7777, u16(out, 44));
        assertTrue(v6TransportOk(out, 40, 64, 58), "ICMPv6 checksum includes the pseudo header");
    }

    @Test
    void ttlOneAnswersTimeExceeded() {
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 17, 1, 0, 0, 1, udp(1, 2, bytes(10, 0)), false);
        byte[] out = fx.four2six(in);
        assertEquals(DropReason.TTL_EXPIRED, fx.to6.flow().drop);
        assertEquals(0x45, out[0]);
        assertEquals(v4("192.0.2.1"), (int) u32(out, 12));
        assertEquals(v4("203.0.113.5"), (int) u32(out, 16));
        assertEquals(11, out[20]);
        assertTrue(v4HeaderOk(out, 0));
        assertEquals(0, checksum(out, 20, out.length - 20));
        assertArrayEquals(in, slice(out, 28, in.length));
    }

    @Test
    void noErrorAboutAnIcmpError() { // RFC 1812 §4.3.2.7
        byte[] quoted = ipv4("198.51.100.1", "203.0.113.5", 17, 64, 0, 0, 1, udp(1, 2, bytes(8, 0)), false);
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 1, 1, 0, 0, 1, icmp(3, 3, 0, quoted), false);
        assertEquals(0, fx.to6.translate(in, in.length, fx.out));
        assertEquals(DropReason.TTL_EXPIRED, fx.to6.flow().drop);
    }

    @Test
    void tooBigWithDfAnswersFragmentationNeeded() {
        Fixture small = new Fixture(1280, true, "2001:db8:64::/96", false);
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0x4000, 1, udp(1, 2, bytes(1300, 0)), false);
        byte[] out = small.four2six(in);
        assertEquals(DropReason.TOO_BIG, small.to6.flow().drop);
        assertEquals(3, out[20]);
        assertEquals(4, out[21]);
        assertEquals(1260, u16(out, 26), "IPv6 MTU - 20");
        assertTrue(out.length <= 576);
        assertEquals(0, checksum(out, 20, out.length - 20));
    }

    @Test
    void withoutDfLargePacketsAreFragmentedTo1280() { // RFC 7915 §4
        byte[] l4 = udp(53, 4000, bytes(3000, 9));
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0, 0x4242, l4, false);
        int total = fx.to6.translate(in, in.length, fx.out);
        assertNull(fx.to6.flow().drop);
        int count = fx.to6.packetCount();
        assertEquals(3, count, "3008 bytes of UDP in 1232-byte pieces");
        byte[] reassembled = new byte[l4.length];
        int expectOffset = 0;
        for (int i = 0; i < count; i++) {
            int off = fx.to6.packetOffset(i);
            int len = fx.to6.packetLength(i, total);
            byte[] p = slice(fx.out, off, len);
            assertTrue(len <= 1280);
            assertEquals(44, p[6]);
            assertEquals(len - 40, u16(p, 4));
            assertEquals(17, p[40]);
            assertEquals(0x4242L, u32(p, 44));
            int word = u16(p, 42);
            assertEquals(expectOffset, word & 0xfff8);
            assertEquals(i < count - 1 ? 1 : 0, word & 1, "M flag on all but the last");
            System.arraycopy(p, 48, reassembled, expectOffset, len - 48);
            expectOffset += len - 48;
        }
        assertEquals(l4.length, expectOffset);
        byte[] check = new byte[40 + reassembled.length];
        System.arraycopy(fx.out, fx.to6.packetOffset(0), check, 0, 40); // addresses for the pseudo header
        System.arraycopy(reassembled, 0, check, 40, reassembled.length);
        assertTrue(v6TransportOk(check, 40, reassembled.length, 17), "UDP checksum of the reassembled datagram");
    }

    @Test
    void malformedIpv4IsDropped() {
        byte[] good = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0, 1, udp(1, 2, bytes(8, 0)), false);
        byte[] badSum = good.clone();
        badSum[11] ^= 1;
        assertEquals(0, fx.to6.translate(badSum, badSum.length, fx.out));
        assertEquals(DropReason.BAD_HEADER_CHECKSUM, fx.to6.flow().drop);
        byte[] badIhl = good.clone();
        badIhl[0] = 0x44;
        assertEquals(0, fx.to6.translate(badIhl, badIhl.length, fx.out));
        assertEquals(DropReason.BAD_LENGTH, fx.to6.flow().drop);
        assertEquals(0, fx.to6.translate(good, 19, fx.out));
        assertEquals(DropReason.TRUNCATED, fx.to6.flow().drop);
        assertEquals(0, fx.to6.translate(good, good.length - 2, fx.out));
        assertEquals(DropReason.TRUNCATED, fx.to6.flow().drop);
        byte[] timestamp = ipv4("203.0.113.5", "198.51.100.1", 1, 64, 0, 0, 1, icmp(13, 0, 0, bytes(12, 0)), false);
        assertEquals(0, fx.to6.translate(timestamp, timestamp.length, fx.out));
        assertEquals(DropReason.ICMP_UNTRANSLATABLE, fx.to6.flow().drop);
    }

    @Test
    void randomBytesNeverThrow() {
        java.util.Random r = new java.util.Random(42);
        byte[] buf = new byte[1600];
        for (int i = 0; i < 200_000; i++) {
            int len = r.nextInt(buf.length);
            r.nextBytes(buf);
            buf[0] = (byte) ((r.nextBoolean() ? 0x40 : 0x60) | (buf[0] & 0x0f));
            if (r.nextBoolean() && len > 40) { // make the length fields plausible so deeper code runs
                buf[2] = (byte) (len >>> 8);
                buf[3] = (byte) len;
                buf[4] = (byte) ((len - 40) >>> 8);
                buf[5] = (byte) (len - 40);
                buf[6] = (byte) new int[] {1, 6, 17, 58, 44, 0}[r.nextInt(6)];
                buf[9] = (byte) new int[] {1, 6, 17}[r.nextInt(3)];
            }
            fx.to6.translate(buf, len, fx.out);
            fx.to4.translate(buf, len, fx.out);
        }
    }

    @Test
    void zeroizeTrafficClass() { // RFC 7915 §4.1 Traffic Class option
        Fixture zero = new Fixture(new TranslatorConfig(1500, 1500, 1280, true, Fixture.GATEWAY4, Fixture.GATEWAY6,
                true, -1, true));
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 6, 50, 0x28, 0x4000, 77, tcp(80, 40000, 0x12, bytes(20, 4)), false);
        byte[] out = zero.four2six(in);
        assertEquals(0, ((out[0] & 0x0f) << 4) | ((out[1] & 0xf0) >>> 4), "traffic class 0 instead of the TOS");
        assertTrue(v6TransportOk(out, 40, 40, 6));
    }

    /** An IPv4 packet whose header carries {@code options} (padded to 4 bytes), checksums valid. */
    private static byte[] withOptions(byte[] options, byte[] udp) {
        byte[] opts = pad(options, (options.length + 3) & ~3);
        int ihl = 20 + opts.length;
        byte[] p = new byte[ihl + udp.length];
        byte[] plain = ipv4("203.0.113.5", "198.51.100.1", 17, 64, 0, 0, 9, udp, false);
        System.arraycopy(plain, 0, p, 0, 20);
        System.arraycopy(opts, 0, p, 20, opts.length);
        System.arraycopy(plain, 20, p, ihl, udp.length);
        p[0] = (byte) (0x40 | ihl / 4);
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[10] = 0;
        p[11] = 0;
        int c = checksum(p, 0, ihl);
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        return p;
    }

    @Test
    void optionsAreIgnoredButAnUnexpiredSourceRouteIsRefused() { // RFC 7915 §4.1
        byte[] udp = udp(53, 4000, bytes(12, 1));
        // record route, then an expired loose source route (pointer 12 > length 11), as the graybox suite sends
        byte[] ignored = withOptions(new byte[] {7, 7, 4, 0, 0, 0, 0, (byte) 131, 11, 12, (byte) 198, 51, 100, 2,
            (byte) 198, 51, 100, 1, 0}, udp);
        byte[] out = fx.four2six(ignored);
        assertNull(fx.to6.flow().drop);
        assertEquals(40 + udp.length, out.length, "options are not translated");
        assertTrue(v6TransportOk(out, 40, udp.length, 17));
        for (int type : new int[] {131, 137}) {
            byte[] route = withOptions(new byte[] {1, (byte) type, 11, 4, (byte) 198, 51, 100, 2, (byte) 198, 51, 100, 1},
                    udp);
            byte[] refused = fx.four2six(route);
            assertEquals(DropReason.SOURCE_ROUTE, fx.to6.flow().drop);
            assertEquals(0x45, refused[0] & 0xff);
            assertEquals(3, refused[20]);
            assertEquals(5, refused[21], "source route failed");
            assertArrayEquals(route, slice(refused, 28, route.length));
            assertEquals(0, checksum(refused, 20, refused.length - 20));
        }
    }
}
