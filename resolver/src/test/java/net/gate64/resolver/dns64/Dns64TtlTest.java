package net.gate64.resolver.dns64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.stats.Metrics;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/** RFC 6147 §5.1.7: the TTL of a synthesised AAAA, with and without the SOA of the AAAA answer. */
class Dns64TtlTest {
    static final Name WWW = Name.fromConstantString("www.v4.test.");
    static final List<Nat64Prefix> PREFIX = List.of(Nat64Prefix.parse("64:ff9b::/96"));

    static Answer aAnswer(long ttl) throws Exception {
        return new Answer(Rcode.NOERROR, List.of(new ARecord(WWW, DClass.IN, ttl, InetAddress.getByName("192.0.2.1"))),
                List.of(), Security.INSECURE);
    }

    static long synthesisedTtl(Answer aaaa, long aTtl) throws Exception {
        Answer a = aAnswer(aTtl);
        Lookup lookup = (Name qname, int qtype, QueryBudget budget) -> CompletableFuture.completedFuture(a);
        Dns64 d = new Dns64(new Dns64Settings(PREFIX, List.of(), NetworkSet.of(List.of()), NetworkSet.of(List.of("0.0.0.0/0")),
                Dns64Settings.PtrMode.CNAME), lookup, new Metrics());
        Answer out = d.afterAaaa(WWW, aaaa, PREFIX, false, null, lookup).join();
        assertEquals(1, out.answer().size(), out.answer().toString());
        return out.answer().getFirst().getTTL();
    }

    @Test
    void theNegativeTtlOfTheAaaaNodataCapsTheSynthesisedRecord() throws Exception {
        Record soa = new SOARecord(Name.fromConstantString("v4.test."), DClass.IN, 60,
                Name.fromConstantString("ns.v4.test."), Name.fromConstantString("h.v4.test."), 1, 3600, 600, 86400, 60);
        assertEquals(60, synthesisedTtl(new Answer(Rcode.NOERROR, List.of(), List.of(soa), Security.INSECURE), 3600));
    }

    @Test
    void withoutASoaTheTtlIsAtMost600Seconds() throws Exception {
        Answer servfail = new Answer(Rcode.SERVFAIL, List.of(), List.of(), Security.INDETERMINATE);
        assertEquals(600, synthesisedTtl(servfail, 3600), "the A TTL or 600 s, whichever is shorter");
        assertEquals(300, synthesisedTtl(servfail, 300));
        assertEquals(600, synthesisedTtl(new Answer(Rcode.NOERROR, List.of(), List.of(), Security.INSECURE), 86400),
                "a NODATA sent without SOA");
    }
}
