package net.gate64.resolver.dns46;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import net.gate64.common.EamTable;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.stats.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The DNS46 stage against a fake lookup: what it answers, and exactly which sub-query it asks (none, or AAAA for the
 * end of the chain). The rules are RFC 6147 §5.1's turned around (docs/dns46.md).
 */
class Dns46Test {
    static final List<EamTable.Entry> EAM = List.of(
            new EamTable.Entry(IpNetwork.parse("192.0.2.0/24"), IpNetwork.parse("2001:db8:aaaa::/120")),
            new EamTable.Entry(IpNetwork.parse("203.0.113.128/25"), IpNetwork.parse("2001:db8:aaaa::80/121")),
            new EamTable.Entry(IpNetwork.parse("198.51.100.8/32"), IpNetwork.parse("2001:db8:bbbb::8/128")));
    static final Dns46Settings SETTINGS = new Dns46Settings(NetworkSet.of(List.of("10.0.0.0/8", "!10.9.0.0/16")), EAM,
            NetworkSet.of(List.of("0.0.0.0/8")), true);
    static final Name WWW = Name.fromConstantString("www.dc.test.");
    static final Name ALIAS = Name.fromConstantString("alias.dc.test.");

    static Record a(Name n, String ip, long ttl) {
        try {
            return new ARecord(n, DClass.IN, ttl, InetAddress.getByName(ip));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Record aaaa(Name n, String ip, long ttl) {
        try {
            return new AAAARecord(n, DClass.IN, ttl, InetAddress.getByAddress(IpNetwork.parseAddress(ip, ip)));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static Record soa(long negativeTtl) {
        Name zone = Name.fromConstantString("dc.test.");
        return new SOARecord(zone, DClass.IN, negativeTtl, Name.fromConstantString("ns.dc.test."),
                Name.fromConstantString("h.dc.test."), 1, 3600, 600, 86400, negativeTtl);
    }

    static Record cname(Name from, Name to) {
        return new CNAMERecord(from, DClass.IN, 300, to);
    }

    static Record rrsig(Name n) {
        return new RRSIGRecord(n, DClass.IN, 300, Type.AAAA, 13, 300, java.time.Instant.EPOCH.plusSeconds(2_000_000_000L),
                java.time.Instant.EPOCH, 1, Name.fromConstantString("dc.test."), new byte[64]);
    }

    static Answer noerror(Security s, List<Record> answer, Record... authority) {
        return new Answer(Rcode.NOERROR, answer, List.of(authority), s);
    }

    static Answer rcode(int rcode) {
        return new Answer(rcode, List.of(), List.of(), Security.INDETERMINATE);
    }

    /** Answers from a table, and notes every question asked. */
    static final class FakeLookup implements Lookup {
        final Map<String, Answer> answers = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        FakeLookup with(Name n, int type, Answer a) {
            answers.put(n + " " + Type.string(type), a);
            return this;
        }

        @Override
        public CompletableFuture<Answer> resolve(Name qname, int qtype, QueryBudget budget) {
            String q = qname + " " + Type.string(qtype);
            asked.add(q);
            return CompletableFuture.completedFuture(answers.getOrDefault(q, rcode(Rcode.SERVFAIL)));
        }
    }

    static String show(Record r) {
        String data = r instanceof AAAARecord x ? Nat64Prefix.format(x.rdataToWireCanonical()) : r.rdataToString();
        return r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + data;
    }

    static Arguments row(String why, Answer a, Answer aaaa, boolean validates, int rcode, List<String> records,
                         Security security, List<String> asked) {
        return Arguments.of(why, a, aaaa, validates, rcode, records, security, asked);
    }

    static Stream<Arguments> cases() {
        Answer nodataA = noerror(Security.INSECURE, List.of(), soa(60));
        Answer oneAaaa = noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:aaaa::10", 300)));
        List<String> asksAaaa = List.of("www.dc.test. AAAA");
        return Stream.of(
                row("NODATA for A, AAAA inside an EAM entry: one A, TTL min(AAAA 300, negative 60) (RFC 6147 §5.1.7)",
                        nodataA, oneAaaa, false, Rcode.NOERROR, List.of("www.dc.test. 60 A 192.0.2.16"),
                        Security.INSECURE, asksAaaa),
                row("a short AAAA TTL wins over the negative TTL",
                        noerror(Security.INSECURE, List.of(), soa(600)),
                        noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:bbbb::8", 20))), false, Rcode.NOERROR,
                        List.of("www.dc.test. 20 A 198.51.100.8"), Security.INSECURE, asksAaaa),
                row("a name with A records is left alone, and AAAA is not asked",
                        noerror(Security.INSECURE, List.of(a(WWW, "192.0.2.99", 300))), null, false, Rcode.NOERROR,
                        List.of("www.dc.test. 300 A 192.0.2.99"), Security.INSECURE, List.of()),
                row("NXDOMAIN is passed on (RFC 6147 §5.1.2)",
                        new Answer(Rcode.NXDOMAIN, List.of(), List.of(soa(60)), Security.INSECURE), null, false,
                        Rcode.NXDOMAIN, List.of(), Security.INSECURE, List.of()),
                row("A records inside dns46-exclude count as absent (as RFC 6147 §5.1.4): synthesised instead",
                        noerror(Security.INSECURE, List.of(a(WWW, "0.0.0.1", 300))), oneAaaa, false, Rcode.NOERROR,
                        List.of("www.dc.test. 300 A 192.0.2.16"), Security.INSECURE, asksAaaa),
                row("excluded A and no mappable AAAA: the answer without the excluded A",
                        noerror(Security.INSECURE, List.of(a(WWW, "0.0.0.1", 300))),
                        noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:cccc::1", 300))), false, Rcode.NOERROR,
                        List.of(), Security.INSECURE, asksAaaa),
                row("AAAA outside every EAM entry are ignored; only the mapped one gives an A",
                        nodataA, noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:cccc::1", 300),
                                aaaa(WWW, "2001:db8:aaaa::1", 300))), false, Rcode.NOERROR,
                        List.of("www.dc.test. 60 A 192.0.2.1"), Security.INSECURE, asksAaaa),
                row("longest EAM prefix wins (RFC 7757 §3.2): ::81 is in both /120 and /121",
                        nodataA, noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:aaaa::81", 300))), false,
                        Rcode.NOERROR, List.of("www.dc.test. 60 A 203.0.113.129"), Security.INSECURE, asksAaaa),
                row("no mappable AAAA: the NODATA stands, with its SOA",
                        nodataA, noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:cccc::1", 300))), false,
                        Rcode.NOERROR, List.of(), Security.INSECURE, asksAaaa),
                row("no AAAA either: the NODATA stands",
                        nodataA, noerror(Security.INSECURE, List.of(), soa(60)), false, Rcode.NOERROR, List.of(),
                        Security.INSECURE, asksAaaa),
                row("a failure other than NXDOMAIN is a reason to try AAAA (RFC 6147 §5.1.2 turned around)",
                        rcode(Rcode.SERVFAIL), oneAaaa, false, Rcode.NOERROR, List.of("www.dc.test. 300 A 192.0.2.16"),
                        Security.INDETERMINATE, asksAaaa),
                row("after a failure there is no SOA: the TTL is capped at 600 s (RFC 6147 §5.1.7)",
                        rcode(Rcode.SERVFAIL), noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:aaaa::10", 3600))),
                        false, Rcode.NOERROR, List.of("www.dc.test. 600 A 192.0.2.16"), Security.INDETERMINATE, asksAaaa),
                row("a NODATA sent without SOA: the TTL is capped at 600 s",
                        noerror(Security.INSECURE, List.of()),
                        noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:aaaa::10", 3600))), false, Rcode.NOERROR,
                        List.of("www.dc.test. 600 A 192.0.2.16"), Security.INSECURE, asksAaaa),
                row("only excluded A records: their TTL bounds the synthesised one (no usable A for that long)",
                        noerror(Security.INSECURE, List.of(a(WWW, "0.0.0.1", 120))),
                        noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:aaaa::10", 3600))), false, Rcode.NOERROR,
                        List.of("www.dc.test. 120 A 192.0.2.16"), Security.INSECURE, asksAaaa),
                row("failed AAAA lookup: the original failure stands",
                        rcode(Rcode.SERVFAIL), rcode(Rcode.SERVFAIL), false, Rcode.SERVFAIL, List.of(),
                        Security.INDETERMINATE, asksAaaa),
                row("a CNAME chain ending in NODATA: AAAA for its end, the chain kept before the synthesised A",
                        noerror(Security.INSECURE, List.of(cname(WWW, ALIAS)), soa(60)),
                        noerror(Security.INSECURE, List.of(aaaa(ALIAS, "2001:db8:aaaa::10", 300))), false, Rcode.NOERROR,
                        List.of("www.dc.test. 300 CNAME alias.dc.test.", "alias.dc.test. 60 A 192.0.2.16"),
                        Security.INSECURE, List.of("alias.dc.test. AAAA")),
                row("DO and CD: the client validates; data as is, nothing asked (RFC 6147 §5.5)",
                        nodataA, null, true, Rcode.NOERROR, List.of(), Security.INSECURE, List.of()),
                row("a Bogus A answer is never synthesised from (it becomes SERVFAIL when the reply is built)",
                        new Answer(Rcode.NOERROR, List.of(), List.of(soa(60)), Security.BOGUS), null, false,
                        Rcode.NOERROR, List.of(), Security.BOGUS, List.of()),
                row("a Bogus AAAA answer: SERVFAIL, Bogus",
                        nodataA, new Answer(Rcode.NOERROR, List.of(aaaa(WWW, "2001:db8:aaaa::10", 300)), List.of(),
                                Security.BOGUS), false, Rcode.SERVFAIL, List.of(), Security.BOGUS, asksAaaa),
                row("Secure denial and Secure AAAA: the synthesised A is not Secure, and carries no RRSIG",
                        noerror(Security.SECURE, List.of(), soa(60)),
                        noerror(Security.SECURE, List.of(aaaa(WWW, "2001:db8:aaaa::10", 300), rrsig(WWW))), false,
                        Rcode.NOERROR, List.of("www.dc.test. 60 A 192.0.2.16"), Security.INSECURE, asksAaaa),
                row("two AAAA mapping to one IPv4 address give one A",
                        nodataA, noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:bbbb::8", 300),
                                aaaa(WWW, "2001:db8:bbbb::8", 300))), false, Rcode.NOERROR,
                        List.of("www.dc.test. 60 A 198.51.100.8"), Security.INSECURE, asksAaaa));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void afterA(String why, Answer a, Answer aaaa, boolean validates, int rcode, List<String> records, Security security,
                List<String> asked) {
        FakeLookup lookup = new FakeLookup();
        if (aaaa != null) {
            lookup.with(WWW, Type.AAAA, aaaa).with(ALIAS, Type.AAAA, aaaa);
        }
        Answer out = new Dns46(SETTINGS, new Metrics()).afterA(WWW, a, validates, null, lookup).join();
        assertEquals(Rcode.string(rcode), Rcode.string(out.rcode()), why);
        assertEquals(records, out.answer().stream().map(Dns46Test::show).toList(), why);
        assertEquals(security, out.security(), why);
        assertEquals(asked, lookup.asked, why);
    }

    @Test
    void skipReasonsAreCounted() {
        Metrics m = new Metrics();
        Dns46 d = new Dns46(SETTINGS, m);
        FakeLookup lookup = new FakeLookup().with(WWW, Type.AAAA, noerror(Security.INSECURE,
                List.of(aaaa(WWW, "2001:db8:cccc::1", 300))));
        d.afterA(WWW, noerror(Security.INSECURE, List.of(), soa(60)), false, null, lookup).join();
        d.afterA(WWW, rcode(Rcode.NXDOMAIN), false, null, lookup).join();
        d.afterA(WWW, noerror(Security.INSECURE, List.of(), soa(60)), false, null,
                new FakeLookup().with(WWW, Type.AAAA, noerror(Security.INSECURE, List.of(aaaa(WWW, "2001:db8:aaaa::1", 1))))).join();
        String text = m.prometheusText();
        assertEquals(true, text.contains("gate64_dns46_skipped_total{reason=\"unmapped\"} 1"), text);
        assertEquals(true, text.contains("gate64_dns46_skipped_total{reason=\"nxdomain\"} 1"), text);
        assertEquals(true, text.contains("gate64_dns46_skipped_total{reason=\"do-cd\"} 0"), text);
        assertEquals(true, text.contains("gate64_dns46_synthesized_total 1"), text);
    }

    @Test
    void onlyListedClientsGetDns46AndItsCacheTag() throws Exception {
        Dns46 d = new Dns46(SETTINGS, new Metrics());
        InetAddress in = InetAddress.getByName("10.1.2.3");
        InetAddress negated = InetAddress.getByName("10.9.0.1");
        InetAddress out = InetAddress.getByName("192.168.1.1");
        assertEquals(true, d.appliesTo(in));
        assertEquals(false, d.appliesTo(negated));
        assertEquals(false, d.appliesTo(out));
        assertEquals(1, d.tag(in, Type.A));
        assertEquals(1, d.tag(in, Type.PTR));
        assertEquals(0, d.tag(in, Type.AAAA)); // DNS64's tag space
        assertEquals(0, d.tag(in, Type.MX));
        assertEquals(0, d.tag(out, Type.A));
        Dns46 noPtr = new Dns46(new Dns46Settings(SETTINGS.clients(), EAM, SETTINGS.exclude(), false), new Metrics());
        assertEquals(0, noPtr.tag(in, Type.PTR));
        Dns46 off = new Dns46(Dns46Settings.OFF, new Metrics());
        assertEquals(false, off.appliesTo(in));
        assertEquals(0, off.tag(in, Type.A));
    }

    @Test
    void ptrOfAnEamAddressIsACnameToTheIpv6Name() {
        Name ip6 = Name.fromConstantString(
                "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.a.a.a.a.8.b.d.0.1.0.0.2.ip6.arpa.");
        FakeLookup lookup = new FakeLookup().with(ip6, Type.PTR, noerror(Security.SECURE,
                List.of(new PTRRecord(ip6, DClass.IN, 120, WWW))));
        Dns46 d = new Dns46(SETTINGS, new Metrics());
        Answer out = d.ptr(Name.fromConstantString("16.2.0.192.in-addr.arpa."), false, null, lookup).join();
        assertEquals(List.of("16.2.0.192.in-addr.arpa. 120 CNAME " + ip6, ip6 + " 120 PTR www.dc.test."),
                out.answer().stream().map(Dns46Test::show).toList());
        assertEquals(Security.INSECURE, out.security()); // the CNAME is made here
        assertEquals(List.of(ip6 + " PTR"), lookup.asked);
        assertNull(d.ptr(Name.fromConstantString("16.3.0.192.in-addr.arpa."), false, null, lookup), "outside every entry");
        assertNull(d.ptr(Name.fromConstantString("2.0.192.in-addr.arpa."), false, null, lookup), "not a single address");
        assertNull(new Dns46(new Dns46Settings(SETTINGS.clients(), EAM, SETTINGS.exclude(), false), new Metrics())
                .ptr(Name.fromConstantString("16.2.0.192.in-addr.arpa."), false, null, lookup), "dns46-ptr = false");
        assertNull(d.ptr(Name.fromConstantString("16.2.0.192.in-addr.arpa."), true, null, lookup),
                "DO and CD: the client validates, and gets the reverse zone as it is");
        assertEquals(List.of(ip6 + " PTR"), lookup.asked, "nothing more asked");
        Answer failed = d.ptr(Name.fromConstantString("17.2.0.192.in-addr.arpa."), false, null, lookup).join();
        assertEquals(Rcode.SERVFAIL, failed.rcode(), "the IPv6 name could not be resolved (the fake's default)");
        assertEquals(List.of(), failed.answer(), "a failure carries no CNAME");
    }
}
