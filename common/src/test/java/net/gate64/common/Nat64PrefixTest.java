package net.gate64.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Nat64PrefixTest {
    /** RFC 6052 §2.4, Table 2: every example, both directions. */
    @ParameterizedTest
    @CsvSource({
        "2001:db8::/32,          192.0.2.33, 2001:db8:c000:221::",
        "2001:db8:100::/40,      192.0.2.33, 2001:db8:1c0:2:21::",
        "2001:db8:122::/48,      192.0.2.33, 2001:db8:122:c000:2:2100::",
        "2001:db8:122:300::/56,  192.0.2.33, 2001:db8:122:3c0:0:221::",
        "2001:db8:122:344::/64,  192.0.2.33, 2001:db8:122:344:c0:2:2100:0",
        "2001:db8:122:344::/96,  192.0.2.33, 2001:db8:122:344::c000:221",
        "64:ff9b::/96,           192.0.2.33, 64:ff9b::c000:221",
    })
    void rfc6052Examples(String prefix, String ipv4, String ipv6) throws Exception {
        Nat64Prefix p = Nat64Prefix.parse(prefix);
        byte[] v4 = InetAddress.getByName(ipv4).getAddress();
        byte[] v6 = InetAddress.getByName(ipv6).getAddress();
        assertArrayEquals(v6, p.embed(v4), "embed");
        assertArrayEquals(v4, p.extract(v6), "extract");
        assertEquals(ipv6, Nat64Prefix.format(p.embed(v4)));
        assertTrue(p.contains(v6, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"64:ff9b::/72", "64:ff9b::/0", "64:ff9b::/128", "64:ff9b::", "64:ff9b::1/96",
        "2001:db8:0:0:100::/96", "192.0.2.0/24", "nonsense/96", "64:ff9b::/x"})
    void badPrefixesAreRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Nat64Prefix.parse(text));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void nonZeroUOctetIsNotExtracted() throws Exception {
        Nat64Prefix p = Nat64Prefix.parse("2001:db8::/32");
        byte[] v6 = InetAddress.getByName("2001:db8:c000:221:100::").getAddress();
        assertNull(p.extract(v6));
        assertNull(p.extract(InetAddress.getByName("2001:db9:c000:221::").getAddress()));
    }

    @org.junit.jupiter.api.Test
    void formatsCompressed() {
        assertEquals("64:ff9b::/96", Nat64Prefix.WELL_KNOWN.toString());
        assertTrue(Nat64Prefix.WELL_KNOWN.isWellKnown());
    }
}
