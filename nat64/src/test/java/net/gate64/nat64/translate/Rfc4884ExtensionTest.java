package net.gate64.nat64.translate;

import static net.gate64.nat64.testing.Wire.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * ICMP errors with RFC 4884 extension structures (RFC 7915 §4.2 and §5.2): the quoted packet is translated, padded
 * to at least 128 bytes and to the new length unit, the length attribute rewritten (ICMPv4 byte 5 in 4-byte units,
 * ICMPv6 byte 4 in 8-byte units) and the extension appended unchanged; over the size limit the quote is trimmed
 * first (to no less than 128 bytes) and the extension dropped only when even that does not fit.
 */
class Rfc4884ExtensionTest {
    private static final String CLIENT = "2001:db8:64::c633:6401"; // 198.51.100.1
    private static final String SERVER = "2001:db8:64::cb00:7105"; // 203.0.113.5
    private final Fixture fx = new Fixture();

    /** A UDP datagram the client sent, as it left the translator (quoted by an IPv4 router). */
    private static byte[] quotedV4(int payload) {
        return ipv4("198.51.100.1", "203.0.113.5", 17, 3, 0, 0x4000, 9, udp(4000, 53, bytes(payload, 2)), false);
    }

    /** An ICMPv4 error whose original datagram field is {@code datagram} bytes, followed by {@code ext}. */
    private static byte[] icmpv4WithExtension(int type, int code, int rest, byte[] quoted, int datagram, byte[] ext) {
        byte[] body = concat(pad(quoted, datagram), ext);
        return ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(type, code, rest | (datagram / 4) << 16, body),
                false);
    }

    @Test
    void timeExceededKeepsItsExtensionWithTheLengthInIpv6Units() { // §4.2
        byte[] quoted = quotedV4(40); // 68 bytes, padded to 128 in the ICMPv4 message
        byte[] ext = extensionStructure(8, 5);
        byte[] out = fx.four2six(icmpv4WithExtension(11, 0, 0, quoted, 128, ext));
        assertNull(fx.to6.flow().drop);
        assertEquals(3, out[40]);
        assertEquals(128 / 8, out[44] & 0xff, "length attribute: 128 bytes in 8-byte units");
        assertEquals(48 + 128 + 8, out.length);
        assertEquals(out.length - 40, u16(out, 4));
        assertEquals(48, u16(out, 48 + 4), "quoted IPv6 payload length");
        assertArrayEquals(addr(CLIENT), slice(out, 48 + 8, 16), "quoted packet translated back");
        assertTrue(v6TransportOk(slice(out, 48, 88), 40, 48, 17), "quoted UDP checksum valid for the IPv6 addresses");
        assertArrayEquals(new byte[128 - 88], slice(out, 48 + 88, 128 - 88), "zero padding to the stated length");
        assertArrayEquals(ext, slice(out, 48 + 128, ext.length), "extension unchanged");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void longQuoteIsTrimmedToKeepTheExtension() { // §4.2: at most 1280 bytes
        byte[] quoted = quotedV4(972); // 1000 bytes, in the largest field ICMPv4 can describe (255 x 4)
        byte[] ext = extensionStructure(240, 6);
        byte[] out = fx.four2six(icmpv4WithExtension(3, 1, 0, quoted, 1020, ext));
        int field = (1280 - 48 - 240) & ~7;
        assertEquals(48 + field + 240, out.length);
        assertTrue(out.length <= 1280);
        assertEquals(1, out[40]);
        assertEquals(0, out[41], "host unreachable → no route");
        assertEquals(field / 8, out[44] & 0xff);
        assertArrayEquals(ext, slice(out, 48 + field, ext.length));
        assertEquals(980, u16(out, 52), "the quoted header still tells the original length");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void extensionIsDroppedOnlyWhenEven128BytesOfQuoteWouldNotFit() {
        byte[] quoted = quotedV4(40);
        byte[] ext = extensionStructure(1112, 7);
        byte[] out = fx.four2six(icmpv4WithExtension(11, 0, 0, quoted, 128, ext));
        assertEquals(0, out[44], "length 0: no extension");
        assertEquals(48 + 40 + 108, out.length, "the original datagram field only");
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    @Test
    void packetTooBigHasNoLengthFieldSoTheExtensionIsLeftOut() { // §4.2: Fragmentation Needed → Packet Too Big
        byte[] quoted = quotedV4(40);
        byte[] out = fx.four2six(icmpv4WithExtension(3, 4, 1400, quoted, 128, extensionStructure(8, 8)));
        assertEquals(2, out[40]);
        assertEquals(1420, u32(out, 44), "the MTU field is untouched by the length attribute");
        assertEquals(48 + 40 + 108, out.length, "quote without the extension bytes");
    }

    @Test
    void lengthBeyondTheMessageIsTreatedAsNoExtension() { // RFC 4884 §5: not a compliant message
        byte[] quoted = quotedV4(40);
        byte[] in = ipv4("203.0.113.9", "198.51.100.1", 1, 64, 0, 0, 1, icmp(11, 0, 200 << 16, quoted), false);
        byte[] out = fx.four2six(in);
        assertEquals(0, out[44]);
        assertEquals(48 + 40 + 48, out.length);
        assertTrue(v6TransportOk(out, 40, out.length - 40, 58));
    }

    /** A UDP datagram the server sent, as translated to IPv6 (quoted by the IPv6 client). */
    private static byte[] quotedV6(int payload) {
        return ipv6(SERVER, CLIENT, 17, 60, 0, udp(53, 4000, bytes(payload, 3)));
    }

    private static byte[] icmpv6WithExtension(int type, int code, byte[] quoted, int datagram, byte[] ext) {
        return ipv6(CLIENT, SERVER, 58, 64, 0, icmp(type, code, (datagram / 8) << 24, concat(pad(quoted, datagram), ext)));
    }

    @Test
    void icmpv6ExtensionKeepsItsPlaceWithTheLengthInIpv4Units() { // §5.2
        byte[] ext = extensionStructure(12, 9);
        byte[] out = fx.six2four(icmpv6WithExtension(1, 4, quotedV6(40), 128, ext));
        assertNull(fx.to4.flow().drop);
        assertEquals(3, out[20]);
        assertEquals(3, out[21]);
        assertEquals(128 / 4, out[25] & 0xff, "length attribute in 4-byte units");
        assertEquals(28 + 128 + 12, out.length);
        assertEquals(out.length, u16(out, 2));
        assertTrue(v4HeaderOk(out, 0));
        assertTrue(v4HeaderOk(out, 28));
        assertTrue(v4TransportOk(slice(out, 28, 68), 20, 48, 17), "quoted UDP checksum valid for the IPv4 addresses");
        assertArrayEquals(new byte[128 - 68], slice(out, 28 + 68, 128 - 68));
        assertArrayEquals(ext, slice(out, 28 + 128, ext.length));
        assertEquals(0, checksum(out, 20, out.length - 20));
    }

    @Test
    void icmpv6LongQuoteIsTrimmedTo576() { // §5.2 and RFC 1812 §4.3.2.3
        byte[] ext = extensionStructure(32, 10);
        byte[] out = fx.six2four(icmpv6WithExtension(3, 0, quotedV6(552), 600, ext));
        assertEquals(576, out.length);
        assertEquals(11, out[20]);
        int field = (576 - 28 - 32) & ~3;
        assertEquals(field / 4, out[25] & 0xff);
        assertArrayEquals(ext, slice(out, 28 + field, ext.length));
        assertEquals(0, checksum(out, 20, out.length - 20));
    }
}
