package net.gate64.resolver.dns46;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.common.EamTable;
import net.gate64.resolver.dns64.Dns64;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.stats.DecisionLog;
import net.gate64.resolver.stats.Metrics;
import org.slf4j.event.Level;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * DNS46 as a stage of the query path, beside DNS64: for an A question from a client in {@code dns46-clients}, when
 * the name has no usable A record, A records synthesised from its AAAA records through the Explicit Address Mappings
 * of a SIIT gateway (RFC 7757), so that IPv4-only clients reach IPv6-only servers by name (SIIT-DC, RFC 7755 §3.2).
 * The rules are RFC 6147's turned around (docs/dns46.md):
 * <ul>
 *   <li>NXDOMAIN is passed on; A records in {@code dns46-exclude} are treated as absent; a name with any other A
 *       record is left alone;</li>
 *   <li>NODATA (also at the end of a CNAME chain), or any failure other than NXDOMAIN: ask AAAA for the end of the
 *       chain, map each AAAA inside an EAM entry to its IPv4 address; AAAA records outside every entry are ignored,
 *       and with none left the original answer stands;</li>
 *   <li>TTL = min(AAAA TTL, negative TTL of the A answer);</li>
 *   <li>DNSSEC: a client with DO and CD gets the data as is; nothing is synthesised from Bogus data (SERVFAIL); a
 *       synthesised answer is never Secure (no signature covers it), so it never carries AD or RRSIGs.</li>
 * </ul>
 * PTR questions for an EAM IPv4 address are answered with a CNAME to the ip6.arpa name of the IPv6 address it stands
 * for, plus what that name resolves to. Caches keep only what authorities sent; synthesis happens here, on the way
 * out, and the packet cache keys on whether the client is a DNS46 client ({@link #tag}).
 */
public final class Dns46 {
    /** Why an A answer was left alone, the label values of {@code gate64_dns46_skipped_total}. */
    public enum Skip {
        DO_CD("do-cd"), NXDOMAIN("nxdomain"), BOGUS("bogus"), NO_AAAA("no-aaaa"), UNMAPPED("unmapped"),
        AAAA_FAILED("aaaa-failed");

        final String label;

        Skip(String label) {
            this.label = label;
        }
    }

    private final Dns46Settings settings;
    private final ASynthesizer synthesizer;
    private final LongAdder synthesized;
    private final LongAdder ptrAnswers;
    private final Map<Skip, LongAdder> skipped = new EnumMap<>(Skip.class);
    private final DecisionLog decisions = new DecisionLog("net.gate64.resolver.dns46.Decisions");

    public Dns46(Dns46Settings settings, Metrics metrics) {
        this.settings = settings;
        this.synthesizer = new ASynthesizer(new EamTable(settings.eam()), settings.exclude());
        this.synthesized = metrics.counter("gate64_dns46_synthesized_total", "A answers synthesised by DNS46 from AAAA");
        this.ptrAnswers = metrics.counter("gate64_dns46_ptr_total",
                "PTR answers made by DNS46 for the EAM IPv4 addresses' in-addr.arpa names");
        for (Skip s : Skip.values()) { // every reason at 0 from the start
            skipped.put(s, metrics.counter("gate64_dns46_skipped_total", "A answers DNS46 left alone, by reason",
                    "reason", s.label));
        }
    }

    public ASynthesizer synthesizer() {
        return synthesizer;
    }

    /** Whether {@code client} gets DNS46 (decided once per query). */
    public boolean appliesTo(InetAddress client) {
        return settings.enabled() && settings.clients().contains(client);
    }

    /**
     * The packet-cache tag for a query: 1 for the A (and, with {@code dns46-ptr}, PTR) questions of DNS46 clients,
     * 0 otherwise. DNS64's tag is non-zero only for AAAA questions, so the two add up without colliding.
     */
    public int tag(InetAddress client, int qtype) {
        if (!settings.enabled() || (qtype != Type.A && (qtype != Type.PTR || !settings.ptr()))) {
            return 0;
        }
        return settings.clients().contains(client) ? 1 : 0;
    }

    /**
     * The rules above applied to the resolved A answer of a DNS46 client.
     *
     * @param clientValidates the client set DO and CD: it validates, and gets the data as is
     * @param lookup          the lookup the query's flags chose (validating when the query is), for the AAAA
     */
    public CompletableFuture<Answer> afterA(Name qname, Answer a, boolean clientValidates, QueryBudget budget, Lookup lookup) {
        if (clientValidates) {
            return done(skip(qname, Skip.DO_CD, a));
        }
        if (a.rcode() == Rcode.NXDOMAIN) {
            return done(skip(qname, Skip.NXDOMAIN, a));
        }
        if (a.security() == Security.BOGUS) {
            return done(skip(qname, Skip.BOGUS, a)); // becomes SERVFAIL when the reply is built
        }
        List<Record> kept = synthesizer.withoutExcluded(a.answer());
        boolean hasA = false;
        for (Record r : kept) {
            hasA |= r.getType() == Type.A;
        }
        if (a.rcode() == Rcode.NOERROR && hasA) {
            return done(kept.size() == a.answer().size() ? a : new Answer(a.rcode(), kept, a.authority(), a.security(), a.ede()));
        }
        List<Record> chain = Dns64.chainOnly(kept);
        Name target = Dns64.endOfChain(qname, chain);
        long cap = ttlCap(a);
        return lookup.resolve(target, Type.AAAA, budget).thenApply(aaaa -> synthesise(qname, a, aaaa, kept, chain, cap));
    }

    /** Without a SOA (a failure, or a NODATA sent without one) RFC 6147 §5.1.7 caps the TTL at 600 seconds. */
    static final long NO_SOA_TTL_CAP = 600;

    /**
     * The cap on the synthesised records' TTL (RFC 6147 §5.1.7 turned around): the negative TTL of the A NODATA, taken
     * from its SOA; without one (a failure, a NODATA sent without SOA, or A records all in {@code dns46-exclude}) the
     * smaller of {@link #NO_SOA_TTL_CAP} and the TTL of the excluded A records, which is how long "no usable A" holds.
     */
    static long ttlCap(Answer a) {
        if (a.rcode() != Rcode.NOERROR) {
            return NO_SOA_TTL_CAP;
        }
        for (Record r : a.authority()) {
            if (r instanceof SOARecord soa) {
                return soa.getTTL(); // the negative TTL, already min(SOA TTL, MINIMUM) and aged
            }
        }
        long cap = NO_SOA_TTL_CAP;
        for (Record r : a.answer()) {
            if (r.getType() == Type.A) {
                cap = Math.min(cap, r.getTTL());
            }
        }
        return cap;
    }

    private Answer synthesise(Name qname, Answer a, Answer aaaa, List<Record> kept, List<Record> chain, long ttlCap) {
        if (aaaa.security() == Security.BOGUS) {
            skip(qname, Skip.BOGUS, a);
            return Answer.servfail(List.of()).withSecurity(Security.BOGUS, aaaa.ede()); // never from forged data
        }
        List<AAAARecord> aaaas = new ArrayList<>();
        List<Record> aaaaChain = new ArrayList<>();
        for (Record r : aaaa.answer()) {
            if (r instanceof AAAARecord x) {
                aaaas.add(x);
            } else if (r.getType() != Type.RRSIG && !chain.contains(r)) { // no signature covers synthesis
                aaaaChain.add(r);
            }
        }
        List<Record> synth = aaaa.rcode() == Rcode.NOERROR ? synthesizer.synthesize(aaaas, ttlCap) : List.of();
        Answer original = a.rcode() == Rcode.NOERROR ? new Answer(Rcode.NOERROR, kept, a.authority(), a.security()) : a;
        if (synth.isEmpty()) {
            Skip why = aaaa.rcode() != Rcode.NOERROR ? Skip.AAAA_FAILED : aaaas.isEmpty() ? Skip.NO_AAAA : Skip.UNMAPPED;
            return skip(qname, why, original);
        }
        synthesized.increment();
        if (decisions.enabled(Level.DEBUG)) {
            decisions.decided(Level.DEBUG, "dns46 synthesised", qname, Type.A, "synthesised", "records", synth.size());
        }
        List<Record> out = new ArrayList<>(chain);
        out.addAll(aaaaChain);
        out.addAll(synth);
        return new Answer(Rcode.NOERROR, out, List.of(), synthesised(a.security(), aaaa.security()));
    }

    /**
     * A PTR question for the in-addr.arpa name of an address inside an EAM entry, from a DNS46 client: a CNAME to the
     * ip6.arpa name of the IPv6 address the entry maps it to, followed by what that name resolves to (resolved with
     * {@code lookup}). Null when the name is not such an address, {@code dns46-ptr} is off, or the client set DO and
     * CD (it validates, and an unsigned CNAME under a signed in-addr.arpa zone would be Bogus to it): resolve it
     * normally.
     */
    public CompletableFuture<Answer> ptr(Name qname, boolean clientValidates, QueryBudget budget, Lookup lookup) {
        if (!settings.ptr() || !settings.enabled() || clientValidates) {
            return null;
        }
        byte[] v4 = InAddrNames.ipv4(qname);
        byte[] v6 = v4 == null ? null : synthesizer.toIpv6(v4);
        if (v6 == null) {
            return null;
        }
        ptrAnswers.increment();
        Name ip6 = InAddrNames.ip6Arpa(v6);
        return lookup.resolve(ip6, Type.PTR, budget).thenApply(t -> {
            if (t.rcode() != Rcode.NOERROR && t.rcode() != Rcode.NXDOMAIN) {
                return t; // a failure is passed on as it is, without a CNAME to a name that could not be resolved
            }
            long ttl = Long.MAX_VALUE;
            for (Record r : t.answer()) {
                ttl = Math.min(ttl, r.getTTL());
            }
            for (Record r : t.authority()) {
                ttl = Math.min(ttl, r.getTTL());
            }
            List<Record> out = new ArrayList<>();
            out.add(new CNAMERecord(qname, DClass.IN, ttl == Long.MAX_VALUE ? 0 : ttl, ip6));
            out.addAll(t.answer());
            Security s = t.security() == Security.SECURE ? Security.INSECURE : t.security(); // the CNAME is ours
            return new Answer(t.rcode(), out, t.authority(), s, t.ede());
        });
    }

    /** Never Secure: the A records are made here from a table, and no signature covers them. */
    static Security synthesised(Security a, Security aaaa) {
        if (a == Security.INDETERMINATE || aaaa == Security.INDETERMINATE) {
            return Security.INDETERMINATE;
        }
        return Security.INSECURE;
    }

    private Answer skip(Name qname, Skip why, Answer answer) {
        skipped.get(why).increment();
        // why a client got no synthesised A: the unusual reasons at info, the routine ones at debug
        boolean unusual = why == Skip.BOGUS || why == Skip.AAAA_FAILED;
        decisions.decided(unusual ? Level.INFO : Level.DEBUG, "dns46 skipped", qname, Type.A, why.label);
        return answer;
    }

    private static CompletableFuture<Answer> done(Answer a) {
        return CompletableFuture.completedFuture(a);
    }
}
