package net.gate64.resolver.dns64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.ReverseMap;

class ReverseNamesTest {
    /** Every RFC 6052 prefix length: the ip6.arpa name of an embedded address maps back to its in-addr.arpa name. */
    @ParameterizedTest
    @ValueSource(strings = {"2001:db8::/32", "2001:db8:100::/40", "2001:db8:122::/48", "2001:db8:122:300::/56",
        "2001:db8:122:344::/64", "2001:db8:122:344::/96", "64:ff9b::/96"})
    void embeddedAddressesMapToInAddrArpa(String prefix) throws Exception {
        Nat64Prefix p = Nat64Prefix.parse(prefix);
        Name ptr = ReverseMap.fromAddress(InetAddress.getByAddress(p.embed(new byte[] {(byte) 192, 0, 2, 33})));
        ReverseNames.Mapping m = ReverseNames.map(ptr, List.of(Nat64Prefix.WELL_KNOWN, p));
        ReverseNames.Mapped mapped = assertInstanceOf(ReverseNames.Mapped.class, m);
        assertEquals(Name.fromConstantString("33.2.0.192.in-addr.arpa."), mapped.inAddrArpa());
        assertEquals(p, mapped.prefix());
    }

    @Test
    void tooShortOrNonZeroUOctetIsUnmappable() throws Exception {
        Nat64Prefix p = Nat64Prefix.parse("2001:db8::/32");
        Name shortName = Name.fromConstantString("c.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
        assertInstanceOf(ReverseNames.Unmappable.class, ReverseNames.map(shortName, List.of(p)));
        byte[] addr = p.embed(new byte[] {(byte) 192, 0, 2, 33});
        addr[8] = 1; // the u octet
        assertInstanceOf(ReverseNames.Unmappable.class, ReverseNames.map(ReverseMap.fromAddress(InetAddress.getByAddress(addr)), List.of(p)));
        assertInstanceOf(ReverseNames.Unmappable.class,
                ReverseNames.map(Name.fromConstantString("zz.a.0.2.0.0.0.0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa."),
                        List.of(Nat64Prefix.WELL_KNOWN)));
    }

    @Test
    void namesOutsideThePrefixesAreNotOurs() throws Exception {
        Name other = ReverseMap.fromAddress(InetAddress.getByName("2001:db9::1"));
        assertInstanceOf(ReverseNames.NotOurs.class, ReverseNames.map(other, List.of(Nat64Prefix.WELL_KNOWN)));
        assertInstanceOf(ReverseNames.NotOurs.class, ReverseNames.map(Name.fromConstantString("example.org."), List.of(Nat64Prefix.WELL_KNOWN)));
    }

    @Test
    void zoneOfAPrefix() {
        assertEquals(Name.fromConstantString("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa."), ReverseNames.zone(Nat64Prefix.WELL_KNOWN));
    }
}
