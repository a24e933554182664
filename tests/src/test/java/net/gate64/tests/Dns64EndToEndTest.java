package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Every RFC 6147 rule gate64 implements, end to end against the lab. Clients 127.0.0.1 and 127.0.0.2. */
class Dns64EndToEndTest {
    static LabFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = LabFixture.start("dns64-prefix=\"64:ff9b::/96\"",
                "dns64-clients=[{networks=[\"127.0.0.2\"], prefix=\"2001:db8:64::/96\"}]");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @BeforeEach
    void behave() {
        f.lab.misbehave(q -> null);
        f.recursor.wipeCache(org.xbill.DNS.Name.root, true);
    }

    static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " "
                + (r instanceof org.xbill.DNS.AAAARecord a ? net.gate64.common.Nat64Prefix.format(a.rdataToWireCanonical()) : r.rdataToString())).toList();
    }

    static Message askFrom(String client, String name, int type) throws Exception {
        SimpleResolver r = f.client(false);
        r.setLocalAddress(new InetSocketAddress(client, 0));
        return r.send(LabFixture.question(name, type, true));
    }

    @Test
    void aOnlyNameGetsSynthesisedAaaa() throws Exception {
        long before = f.metric("gate64_dns64_synthesized_total");
        assertEquals(List.of("v4only.demo.test. AAAA 64:ff9b::c000:20a"), answers(f.ask("v4only.demo.test.", Type.AAAA)));
        assertEquals(before + 1, f.metric("gate64_dns64_synthesized_total"));
    }

    @Test
    void realAaaaIsLeftAlone() throws Exception {
        assertEquals(List.of("dual.demo.test. AAAA 2001:db8::20"), answers(f.ask("dual.demo.test.", Type.AAAA)));
    }

    /** RFC 6147 §5.1.4: an answer of only ::ffff:0:0/96 AAAA counts as empty: synthesise. */
    @Test
    void mappedOnlyAaaaIsReplacedBySynthesis() throws Exception {
        assertEquals(List.of("mapped.demo.test. AAAA 64:ff9b::c000:228"), answers(f.ask("mapped.demo.test.", Type.AAAA)));
    }

    @Test
    void mixedMappedAndRealKeepsOnlyTheReal() throws Exception {
        assertEquals(List.of("mixed.demo.test. AAAA 2001:db8::41"), answers(f.ask("mixed.demo.test.", Type.AAAA)));
    }

    @Test
    void cnameChainAcrossZonesEndsInSynthesis() throws Exception {
        assertEquals(List.of("away.demo.test. CNAME web.other.test.", "web.other.test. AAAA 64:ff9b::c633:6407"),
                answers(f.ask("away.demo.test.", Type.AAAA)));
        assertEquals(List.of("chain.demo.test. CNAME alias.demo.test.", "alias.demo.test. CNAME v4only.demo.test.",
                "v4only.demo.test. AAAA 64:ff9b::c000:20a"), answers(f.ask("chain.demo.test.", Type.AAAA)));
    }

    @Test
    void nxdomainStaysNxdomain() throws Exception {
        Message m = f.ask("nonexistent.demo.test.", Type.AAAA);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertTrue(m.getSection(Section.ANSWER).isEmpty());
    }

    @Test
    void nodataForBothStaysNodata() throws Exception {
        Message m = f.ask("txtonly.demo.test.", Type.AAAA);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getSection(Section.ANSWER).isEmpty());
        assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
    }

    /** RFC 6147 §5.1.2: any failure other than NXDOMAIN is a reason to try A. */
    @Test
    void servfailForAaaaUpstreamIsSynthesised() throws Exception {
        f.lab.misbehave(q -> {
            if (q.getQuestion().getType() != Type.AAAA) {
                return null;
            }
            Message r = new Message(q.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setRcode(Rcode.SERVFAIL);
            r.addRecord(q.getQuestion(), Section.QUESTION);
            return r;
        });
        assertEquals(List.of("multi.demo.test. AAAA 64:ff9b::c000:21f", "multi.demo.test. AAAA 64:ff9b::c000:220"),
                answers(f.ask("multi.demo.test.", Type.AAAA)));
    }

    @Test
    void failedALookupReturnsTheOriginalAnswer() throws Exception {
        f.lab.misbehave(q -> {
            Message r = new Message(q.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setRcode(Rcode.SERVFAIL);
            r.addRecord(q.getQuestion(), Section.QUESTION);
            return r;
        });
        assertEquals(Rcode.SERVFAIL, f.ask("shortttl.demo.test.", Type.AAAA).getRcode());
    }

    /** RFC 6147 §5.1.7: TTL = min(A TTL 600, negative TTL 10 of the AAAA NODATA). Hits never show more. */
    @Test
    void synthesisedTtlIsCappedByTheNegativeTtl() throws Exception {
        Message first = f.ask("v4only.lowneg.test.", Type.AAAA);
        assertEquals(List.of("v4only.lowneg.test. AAAA 64:ff9b::cb00:710a"), answers(first));
        assertEquals(10, first.getSection(Section.ANSWER).get(0).getTTL());
        Message again = f.ask("v4only.lowneg.test.", Type.AAAA);
        assertTrue(again.getSection(Section.ANSWER).get(0).getTTL() <= 10);
    }

    /** RFC 6147 §5.5: DO and CD set: the client validates and synthesises itself; return the data as is. */
    @Test
    void dnssecOkWithCheckingDisabledGetsNoSynthesis() throws Exception {
        Message q = LabFixture.question("v4only.demo.test.", Type.AAAA, false);
        q.getHeader().setFlag(Flags.CD);
        q.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
        Message m = f.client(false).send(q);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getSection(Section.ANSWER).isEmpty(), answers(m).toString());
        Message doOnly = LabFixture.question("v4only.demo.test.", Type.AAAA, false);
        doOnly.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
        assertEquals(1, f.client(false).send(doOnly).getSection(Section.ANSWER).size(), "DO alone: still synthesised");
    }

    @Test
    void anyNeverSynthesises() throws Exception {
        Message m = f.client(true).send(LabFixture.question("v4only.demo.test.", Type.ANY, true));
        assertFalse(answers(m).stream().anyMatch(s -> s.contains("AAAA")));
    }

    @Test
    void twoClientsGetTheirOwnPrefixesEvenFromTheCache() throws Exception {
        for (int round = 0; round < 2; round++) {
            assertEquals(List.of("v4only.demo.test. AAAA 64:ff9b::c000:20a"), answers(askFrom("127.0.0.1", "v4only.demo.test.", Type.AAAA)));
            assertEquals(List.of("v4only.demo.test. AAAA 2001:db8:64::c000:20a"), answers(askFrom("127.0.0.2", "v4only.demo.test.", Type.AAAA)));
        }
    }

    /** RFC 6147 §5.3.1 in the default mode: a CNAME to the in-addr.arpa name, plus the PTR it resolves to. */
    @Test
    void ptrForASynthesisedAddressIsACname() throws Exception {
        String ptr = ReverseMap.fromAddress(java.net.InetAddress.getByName("64:ff9b::c000:20a")).toString();
        Message m = f.ask(ptr, Type.PTR);
        assertEquals(List.of(ptr + " CNAME 10.2.0.192.in-addr.arpa.", "10.2.0.192.in-addr.arpa. PTR v4only.demo.test."), answers(m));
        String other = ReverseMap.fromAddress(java.net.InetAddress.getByName("2001:db8:64::c000:214")).toString();
        assertEquals(List.of(other + " CNAME 20.2.0.192.in-addr.arpa.", "20.2.0.192.in-addr.arpa. PTR dual.demo.test."),
                answers(f.ask(other, Type.PTR)), "the other client's prefix maps too");
    }

    @Test
    void ptrNamesThatCannotMapAreNxdomain() throws Exception {
        assertEquals(Rcode.NXDOMAIN, f.ask("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa.", Type.PTR).getRcode());
        assertEquals(Rcode.NXDOMAIN, f.ask("0.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa.", Type.PTR).getRcode(),
                "28 of 32 nibbles");
        // a non-zero u octet (only possible with prefixes shorter than /64) is covered by ReverseNamesTest
    }

    /** RFC 8880 §7.2 / RFC 7050: answered locally; the lab never sees the question. */
    @Test
    void ipv4onlyArpaIsAnsweredLocally() throws Exception {
        f.lab.clearReceived();
        assertEquals(List.of("ipv4only.arpa. A 192.0.0.170", "ipv4only.arpa. A 192.0.0.171"), answers(f.ask("ipv4only.arpa.", Type.A)));
        assertEquals(List.of("ipv4only.arpa. AAAA 64:ff9b::c000:aa", "ipv4only.arpa. AAAA 64:ff9b::c000:ab"),
                answers(f.ask("ipv4only.arpa.", Type.AAAA)));
        assertEquals(List.of("ipv4only.arpa. AAAA 2001:db8:64::c000:aa", "ipv4only.arpa. AAAA 2001:db8:64::c000:ab"),
                answers(askFrom("127.0.0.2", "ipv4only.arpa.", Type.AAAA)));
        assertEquals(List.of("170.0.0.192.in-addr.arpa. PTR ipv4only.arpa."), answers(f.ask("170.0.0.192.in-addr.arpa.", Type.PTR)));
        String ptr = ReverseMap.fromAddress(java.net.InetAddress.getByName("64:ff9b::c000:ab")).toString();
        assertEquals(List.of(ptr + " CNAME 171.0.0.192.in-addr.arpa.", "171.0.0.192.in-addr.arpa. PTR ipv4only.arpa."),
                answers(f.ask(ptr, Type.PTR)));
        assertEquals(Rcode.NXDOMAIN, f.ask("foo.ipv4only.arpa.", Type.A).getRcode());
        assertEquals(0, f.lab.received().size());
    }

    @Test
    void ptrModeAnswersUnderTheIp6ArpaName() throws Exception {
        try (LabFixture p = LabFixture.start("dns64-prefix=\"64:ff9b::/96\"", "dns64-ptr=ptr")) {
            String ptr = ReverseMap.fromAddress(java.net.InetAddress.getByName("64:ff9b::c000:20a")).toString();
            Message m = p.ask(ptr, Type.PTR);
            assertEquals(List.of(ptr + " PTR v4only.demo.test."), answers(m));
        }
    }

    @Test
    void withoutDns64NothingIsSynthesised() throws Exception {
        try (LabFixture p = LabFixture.start()) {
            assertTrue(p.ask("v4only.demo.test.", Type.AAAA).getSection(Section.ANSWER).isEmpty());
            Record soa = p.ask("v4only.demo.test.", Type.AAAA).getSection(Section.AUTHORITY).get(0);
            assertEquals(Type.SOA, soa.getType());
        }
    }
}
