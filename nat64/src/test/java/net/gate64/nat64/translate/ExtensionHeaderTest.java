package net.gate64.nat64.translate;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * RFC 7915 §5.1 extension headers: Hop-by-Hop, Destination Options and Routing headers with Segments Left 0 before
 * the Fragment header are skipped; any extension header after it (AH included) makes the packet untranslatable
 * (§5.1 "Total Length", answered per §5.4 with Destination Unreachable code 1); a Routing header with Segments Left
 * ≠ 0 is answered with Parameter Problem pointing at that field. Every packet here is built by hand with checksums
 * from the independent {@code Wire} routine.
 */
class ExtensionHeaderTest {
    private static final String CLIENT = "2001:db8:64::c633:6401"; // 198.51.100.1
    private static final String SERVER = "2001:db8:64::cb00:7105"; // 203.0.113.5
    private static final int HBH = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int AH = 51;
    private static final int DSTOPT = 60;
    private final Fixture fx = new Fixture();

    /** UDP after the given chain of headers, the UDP checksum computed over the datagram (pseudo header). */
    private static byte[] withChain(int first, byte[] headers, byte[] udp) {
        byte[] p = ipv6Raw(CLIENT, SERVER, 64, first, concat(headers, udp));
        setV6Checksum(p, 40 + headers.length, udp.length, 17);
        return p;
    }

    /** §5.4: ICMPv6 Destination Unreachable, code 1, from the gateway back to the sender, quoting the packet. */
    private void assertRejected(byte[] in, byte[] out) {
        assertEquals(DropReason.EXTENSION_AFTER_FRAGMENT, fx.to4.flow().drop);
        assertEquals(0x60, out[0] & 0xf0, "answered in IPv6");
        assertEquals(58, out[6]);
        assertArrayEquals(Fixture.GATEWAY6, slice(out, 8, 16));
        assertArrayEquals(addr(CLIENT), slice(out, 24, 16));
        assertEquals(1, out[40], "destination unreachable");
        assertEquals(1, out[41], "communication administratively prohibited");
        assertArrayEquals(in, slice(out, 48, in.length));
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void extensionHeaderAfterTheFragmentHeaderIsRejected() { // §5.1 Total Length, §5.4
        byte[] udp = udp(4000, 53, bytes(40, 1));
        byte[][] chains = {
            concat(fragmentHeader(HBH, 0, true, 7), extHeader(HBH, 17, 0)),
            concat(fragmentHeader(DSTOPT, 0, true, 7), extHeader(DSTOPT, 17, 0)),
            concat(fragmentHeader(ROUTING, 0, true, 7), extHeader(ROUTING, 17, 0)),
            concat(fragmentHeader(AH, 0, true, 7), authHeader(17)),
        };
        for (byte[] chain : chains) {
            byte[] in = withChain(FRAGMENT, chain, udp);
            assertRejected(in, fx.six2four(in));
        }
        for (int type : new int[] {HBH, DSTOPT, ROUTING}) {
            byte[] in = withChain(type, concat(extHeader(type, FRAGMENT, 0), fragmentHeader(type, 0, true, 7),
                    extHeader(type, 17, 0)), udp);
            assertRejected(in, fx.six2four(in));
        }
        byte[] twoFragmentHeaders = withChain(FRAGMENT, concat(fragmentHeader(FRAGMENT, 0, true, 7),
                fragmentHeader(17, 0, false, 7)), udp);
        assertRejected(twoFragmentHeaders, fx.six2four(twoFragmentHeaders));
    }

    @Test
    void laterFragmentsOfSuchADatagramAreDroppedWithoutAnotherError() { // one error per datagram
        byte[] in = ipv6Raw(CLIENT, SERVER, 64, FRAGMENT, concat(fragmentHeader(DSTOPT, 1448, false, 7), bytes(64, 3)));
        long sent = fx.counters.icmpErrorsSent.sum();
        assertEquals(0, fx.to4.translate(in, in.length, fx.out));
        assertEquals(DropReason.EXTENSION_AFTER_FRAGMENT, fx.to4.flow().drop);
        assertEquals(sent, fx.counters.icmpErrorsSent.sum());
    }

    @Test
    void headersBeforeTheFragmentHeaderAreSkippedAndOffsetsStayConsistent() { // §5.1, §5.1.1
        byte[] udp = udp(4000, 53, bytes(64, 2));
        byte[] first = withChain(HBH, concat(extHeader(HBH, DSTOPT, 0), extHeader(DSTOPT, FRAGMENT, 0),
                fragmentHeader(17, 0, true, 0x01020304)), udp);
        byte[] out = fx.six2four(first);
        assertNull(fx.to4.flow().drop);
        assertEquals(20 + udp.length, out.length, "IPv4 payload = the fragment's own payload");
        assertEquals(17, out[9]);
        assertEquals(0x0304, u16(out, 4), "identification = low 16 bits");
        assertEquals(0x2000, u16(out, 6), "MF, offset 0");
        assertTrue(v4HeaderOk(out, 0));
        assertTrue(v4TransportOk(out, 20, udp.length, 17));
        byte[] laterPayload = bytes(48, 9);
        byte[] later = ipv6Raw(CLIENT, SERVER, 64, HBH, concat(extHeader(HBH, FRAGMENT, 0),
                fragmentHeader(17, udp.length, false, 0x01020304), laterPayload));
        out = fx.six2four(later);
        assertEquals(udp.length / 8, u16(out, 6) & 0x1fff, "the next fragment starts where the first one ended");
        assertArrayEquals(laterPayload, slice(out, 20, laterPayload.length));
    }

    @Test
    void routingHeaderWithSegmentsLeftIsAnsweredWithParameterProblem() { // §5.1
        byte[] in = withChain(HBH, concat(extHeader(HBH, ROUTING, 0), extHeader(ROUTING, 17, 1)),
                udp(4000, 53, bytes(20, 4)));
        byte[] out = fx.six2four(in);
        assertEquals(DropReason.ROUTING_HEADER, fx.to4.flow().drop);
        assertEquals(4, out[40], "parameter problem");
        assertEquals(0, out[41], "erroneous header field");
        assertEquals(40 + 8 + 3, u32(out, 44), "pointer at Segments Left of the routing header");
        assertArrayEquals(addr(CLIENT), slice(out, 24, 16));
        assertArrayEquals(in, slice(out, 48, in.length));
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
        byte[] zeroLeft = withChain(ROUTING, extHeader(ROUTING, 17, 0), udp(4000, 53, bytes(20, 4)));
        byte[] translated = fx.six2four(zeroLeft);
        assertNull(fx.to4.flow().drop, "Segments Left 0: skipped");
        assertTrue(v4TransportOk(translated, 20, 28, 17));
    }

    @Test
    void noErrorAboutAnIcmpv6ErrorWithSuchARoutingHeader() { // RFC 4443 §2.4(e)
        byte[] error = icmp(1, 4, 0, bytes(48, 1));
        byte[] in = ipv6Raw(CLIENT, SERVER, 64, ROUTING, concat(extHeader(ROUTING, 58, 2), error));
        setV6Checksum(in, 48, error.length, 58);
        assertEquals(0, fx.to4.translate(in, in.length, fx.out));
        assertEquals(DropReason.ROUTING_HEADER, fx.to4.flow().drop);
    }
}
