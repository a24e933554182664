package net.gate64.nat64.translate;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** TCP super-packets from a TUN with IFF_VNET_HDR: no MTU check, partial checksums (pseudo header only). */
class OffloadTest {
    private final Fixture fx = new Fixture();

    /** The folded, not complemented pseudo-header sum, written the plain way. */
    private static int pseudo6(byte[] p, int len, int proto) {
        long s = 0;
        for (int i = 8; i < 40; i += 2) {
            s += u16(p, i);
        }
        s += len + proto;
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    private static int pseudo4(byte[] p, int len, int proto) {
        long s = 0;
        for (int i = 12; i < 20; i += 2) {
            s += u16(p, i);
        }
        s += len + proto;
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    @Test
    void superPacketKeepsItsSizeAndPartialChecksumFollowsTheAddresses() {
        byte[] l4 = tcp(40000, 80, 0x10, bytes(30000, 1));
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 6, 64, 0, l4);
        int partial = pseudo6(in, l4.length, 6);
        in[56] = (byte) (partial >>> 8);
        in[57] = (byte) partial;
        fx.to4.offload(true, true);
        byte[] out = fx.six2four(in);
        assertNull(fx.to4.flow().drop, "a GSO packet above the MTU is translated, the kernel segments it");
        assertEquals(20 + l4.length, out.length);
        int field = u16(out, 36);
        assertEquals(pseudo4(out, l4.length, 6) % 0xffff, field % 0xffff, "partial sum now covers the IPv4 pseudo header");
        fx.to4.offload(false, false);
        fx.to4.translate(in, in.length, fx.out);
        assertEquals(DropReason.TOO_BIG, fx.to4.flow().drop, "without GSO the same packet is too big");
    }

    @Test
    void partialChecksumFromIpv4() {
        byte[] l4 = tcp(80, 40000, 0x10, bytes(20000, 2));
        byte[] in = ipv4("203.0.113.5", "198.51.100.1", 6, 64, 0, 0x4000, 1, l4, true);
        long s = 0;
        for (int i = 12; i < 20; i += 2) {
            s += u16(in, i);
        }
        s += l4.length + 6;
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        in[36] = (byte) (s >>> 8);
        in[37] = (byte) s;
        fx.to6.offload(true, true);
        byte[] out = fx.four2six(in);
        assertNull(fx.to6.flow().drop);
        assertEquals(pseudo6(out, l4.length, 6) % 0xffff, u16(out, 56) % 0xffff);
    }

    @Test
    void udpSuperPacketDontFragmentFollowsItsSegmentsNotItsTotal() { // RFC 7915 §5.1 DF rule, per wire packet
        byte[] l4 = udp(40000, 443, bytes(50 * 1200, 3));
        byte[] in = ipv6("2001:db8:64::c633:6401", "2001:db8:64::cb00:7105", 17, 64, 0, l4);
        int partial = pseudo6(in, l4.length, 17);
        in[46] = (byte) (partial >>> 8);
        in[47] = (byte) partial;
        fx.to4.offload(true, true, 1200);
        byte[] out = fx.six2four(in);
        assertNull(fx.to4.flow().drop);
        assertEquals(20 + l4.length, out.length);
        assertEquals(0, u16(out, 6) & 0x4000, "segments of 1228 bytes: DF clear");
        assertEquals(pseudo4(out, l4.length, 17) % 0xffff, u16(out, 26) % 0xffff, "partial sum follows the addresses");
        fx.to4.offload(true, true, 1400);
        out = fx.six2four(in);
        assertEquals(0x4000, u16(out, 6) & 0x4000, "segments of 1428 bytes: DF set");
    }
}
