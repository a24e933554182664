package net.gate64.scripting.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API objects as PowerDNS's lua-base4.cc defines them, independent of any engine. */
class ApiObjectsTest {
    @Test
    void dnsNameComparesCaseInsensitivelyAndKnowsItsZone() {
        DNSName n = DNSName.parse("WWW.Example.ORG");
        assertEquals("WWW.Example.ORG.", n.toString());
        assertEquals("WWW.Example.ORG", n.toStringNoDot());
        assertTrue(n.equal("www.example.org."));
        assertTrue(n.equal(DNSName.parse("www.example.org")));
        assertFalse(n.equal("example.org"));
        assertTrue(n.isPartOf(DNSName.parse("example.org")));
        assertTrue(n.isPartOf("www.example.org"), "a name is part of itself");
        assertFalse(n.isPartOf("ample.org"), "label boundaries count, not string suffixes");
        assertEquals(3, n.countLabels());
        assertEquals(17, n.wireLength());
        assertEquals(List.of("WWW", "Example", "ORG"), n.getRawLabels());
        assertEquals("WWW", n.makeRelative("example.org"));
        assertTrue(DNSName.parse("a.example").canonCompare("b.example"));
        assertEquals(DNSName.parse("www.example.org"), n);
    }

    @Test
    void chopOffRemovesOneLabelUntilTheRoot() {
        DNSName n = DNSName.parse("a.b.");
        assertTrue(n.chopOff());
        assertEquals("b.", n.toString());
        assertTrue(n.chopOff());
        assertEquals(".", n.toString());
        assertFalse(n.chopOff());
        assertEquals(0, n.countLabels());
    }

    @Test
    void badNamesAreRefusedWithTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DNSName.parse("a..b"));
        assertTrue(e.getMessage().contains("a..b"));
        assertThrows(IllegalArgumentException.class, () -> DNSName.of(42));
    }

    @Test
    void comboAddressParsesEveryFormPowerDnsAccepts() {
        ComboAddress v4 = ComboAddress.parse("192.0.2.1");
        assertTrue(v4.isIPv4());
        assertEquals(0, v4.getPort());
        assertEquals("192.0.2.1:0", v4.toStringWithPort());
        assertEquals(5353, ComboAddress.parse("192.0.2.1:5353").getPort());
        ComboAddress v6 = ComboAddress.parse("[2001:db8::1]:53");
        assertTrue(v6.isIPv6());
        assertEquals(53, v6.getPort());
        assertEquals("2001:db8::1", v6.toString());
        assertEquals("[2001:db8::1]:53", v6.toStringWithPort());
        assertEquals("2001:db8::1", ComboAddress.parse("2001:db8::1").toString());
        assertTrue(v6.equal(ComboAddress.parse("2001:db8::1")), "equal ignores the port");
        assertThrows(IllegalArgumentException.class, () -> ComboAddress.parse("example.org"));
        assertThrows(IllegalArgumentException.class, () -> ComboAddress.parse("192.0.2.1:99999"));
    }

    @Test
    void comboAddressMappedTruncateAndRaw() {
        ComboAddress mapped = ComboAddress.parse("::ffff:192.0.2.7");
        assertTrue(mapped.isMappedIPv4());
        assertEquals("192.0.2.7", mapped.mapToIPv4().toString());
        ComboAddress a = ComboAddress.parse("192.0.2.255");
        a.truncate(24);
        assertEquals("192.0.2.0", a.toString());
        assertEquals(4, a.getRaw().length());
        assertEquals(192, a.getRaw().charAt(0));
    }

    @Test
    void netmaskMatchesStringsAndAddresses() {
        Netmask m = Netmask.parse("10.0.0.0/8");
        assertTrue(m.match("10.1.2.3"));
        assertTrue(m.match(ComboAddress.parse("10.9.9.9:53")));
        assertFalse(m.match("11.0.0.1"));
        assertFalse(m.match("2001:db8::1"));
        assertEquals(8, m.getBits());
        assertTrue(m.isIPv4());
        assertEquals("10.0.0.0", m.getNetwork().toString());
        assertTrue(Netmask.parse("2001:db8::/32").isIPv6());
    }

    @Test
    void netmaskGroupMostSpecificEntryDecides() {
        NetmaskGroup g = new NetmaskGroup();
        g.addMask("10.0.0.0/8");
        g.addMask("!10.1.0.0/16");
        g.addMasks(List.of("10.1.2.0/24", "fd00::/8"));
        assertTrue(g.match(ComboAddress.parse("10.2.3.4")));
        assertFalse(g.match(ComboAddress.parse("10.1.3.4")), "negated /16 carves a hole");
        assertTrue(g.match(ComboAddress.parse("10.1.2.3")), "a /24 inside the hole is allowed again");
        assertTrue(g.match("fd00::1"));
        assertFalse(g.match("192.0.2.1"));
        assertTrue(g.match(ComboAddress.parse("::ffff:10.2.3.4")), "IPv4-mapped clients match IPv4 entries");
        assertEquals(4, g.size());
        assertEquals("10.0.0.0/8, !10.1.0.0/16, 10.1.2.0/24, fd00::/8", g.toString());
        assertThrows(IllegalArgumentException.class, () -> g.addMask("10.0.0.0/33"));
    }

    @Test
    void domainSetChecksSuffixes() {
        DomainSet ds = new DomainSet();
        ds.add("example.org");
        ds.add(List.of("test", "b.example"));
        assertTrue(ds.check(DNSName.parse("www.example.org")));
        assertTrue(ds.check("x.test"));
        assertFalse(ds.check("example.com"));
    }

    @Test
    void pdnsTableHasPowerDnsNumbers() {
        Map<String, Object> t = Pdns.table();
        assertEquals(1, t.get("A"));
        assertEquals(28, t.get("AAAA"));
        assertEquals(12, t.get("PTR"));
        assertEquals(65, t.get("HTTPS"));
        assertEquals(99, t.get("SPF"));
        assertEquals(0, t.get("NOERROR"));
        assertEquals(2, t.get("SERVFAIL"));
        assertEquals(3, t.get("NXDOMAIN"));
        assertEquals(5, t.get("REFUSED"));
        assertEquals(-2, t.get("DROP"));
        assertEquals(Map.of("QUESTION", 0, "ANSWER", 1, "AUTHORITY", 2, "ADDITIONAL", 3), t.get("place"));
        @SuppressWarnings("unchecked")
        Map<String, Object> vs = (Map<String, Object>) t.get("validationstates");
        assertEquals(0, vs.get("Indeterminate"));
        assertEquals(1, vs.get("Insecure"));
        assertEquals(2, vs.get("Secure"));
        assertEquals(255, vs.get("Bogus"));
        assertEquals(14, vs.get("BogusSignatureExpired"));
        @SuppressWarnings("unchecked")
        Map<String, Object> levels = (Map<String, Object>) t.get("loglevels");
        assertEquals(4, levels.get("Warning"));
        assertNull(t.get("TYPE1234"));
    }
}
