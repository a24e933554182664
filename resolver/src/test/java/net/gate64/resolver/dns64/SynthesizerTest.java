package net.gate64.resolver.dns64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

class SynthesizerTest {
    static final Name NAME = Name.fromConstantString("v4.example.");
    final Synthesizer s = new Synthesizer(NetworkSet.of(List.of("::ffff:0:0/96")), NetworkSet.of(List.of("0.0.0.0/0", "!10.0.0.0/8")));

    static ARecord a(String ip, long ttl) throws Exception {
        return new ARecord(NAME, DClass.IN, ttl, InetAddress.getByName(ip));
    }

    static AAAARecord aaaa(String ip) throws Exception {
        byte[] raw = net.gate64.common.IpNetwork.parseAddress(ip, ip);
        return new AAAARecord(NAME, DClass.IN, 300, InetAddress.getByAddress(raw));
    }

    /** RFC 6147 §5.1.4: IPv4-mapped AAAA records are treated as absent. */
    @Test
    void mappedAaaaIsTreatedAsAbsent() throws Exception {
        assertTrue(s.excluded(aaaa("::ffff:192.0.2.1")));
        assertFalse(s.excluded(aaaa("2001:db8::1")));
        List<Record> kept = s.withoutExcluded(List.of(aaaa("::ffff:192.0.2.1"), aaaa("2001:db8::1")));
        assertEquals(1, kept.size());
    }

    @Test
    void oneAaaaPerAPerPrefixWithTheATtl() throws Exception {
        List<Record> out = s.synthesize(List.of(a("192.0.2.33", 300), a("192.0.2.34", 300)),
                List.of(Nat64Prefix.WELL_KNOWN, Nat64Prefix.parse("2001:db8:122::/48")), Long.MAX_VALUE);
        assertEquals(List.of("64:ff9b::c000:221", "64:ff9b::c000:222", "2001:db8:122:c000:2:2100::", "2001:db8:122:c000:2:2200::"),
                out.stream().map(r -> Nat64Prefix.format(((AAAARecord) r).getAddress().getAddress())).toList());
        assertTrue(out.stream().allMatch(r -> r.getTTL() == 300 && r.getName().equals(NAME)));
    }

    /** RFC 6147 §5.1.7: the TTL is the smaller of the A TTL and the SOA negative TTL of the AAAA answer. */
    @Test
    void ttlIsCappedByTheNegativeTtl() throws Exception {
        assertEquals(10, s.synthesize(List.of(a("192.0.2.1", 600)), List.of(Nat64Prefix.WELL_KNOWN), 10).get(0).getTTL());
        assertEquals(5, s.synthesize(List.of(a("192.0.2.1", 5)), List.of(Nat64Prefix.WELL_KNOWN), 10).get(0).getTTL());
    }

    @Test
    void addressesOutsideMappedAreNotSynthesised() throws Exception {
        assertEquals(1, s.synthesize(List.of(a("10.1.2.3", 60), a("192.0.2.1", 60)), List.of(Nat64Prefix.WELL_KNOWN), 99).size());
    }
}
