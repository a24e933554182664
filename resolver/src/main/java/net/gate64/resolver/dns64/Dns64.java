package net.gate64.resolver.dns64;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.common.Nat64Prefix;
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
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * DNS64 as a stage of the query path (RFC 6147): AAAA synthesis after resolution, PTR synthesis for the prefixes'
 * ip6.arpa names, and the local ipv4only.arpa. Cached data stays raw — A and AAAA as the authorities sent them — and
 * synthesis happens here, per client, on the way out; the packet cache keys on the client's prefix choice.
 *
 * <p>Lookups are asynchronous (see {@link Lookup}): the A lookup behind a synthesis completes on the query's loop.
 */
public final class Dns64 {
    private final Dns64Settings settings;
    private final Synthesizer synthesizer;
    private final PrefixSelector selector;
    private final Ipv4OnlyArpa ipv4only;
    private final Lookup resolver;
    private final List<Nat64Prefix> allPrefixes;
    private final LongAdder synthesized;
    private final LongAdder ptrAnswers;
    private final Metrics metrics;
    private final DecisionLog decisions = new DecisionLog("net.gate64.resolver.dns64.Decisions");

    public Dns64(Dns64Settings settings, Lookup resolver, Metrics metrics) {
        this.settings = settings;
        this.synthesizer = new Synthesizer(settings.exclude(), settings.mapped());
        this.selector = new PrefixSelector(settings);
        this.ipv4only = new Ipv4OnlyArpa(synthesizer);
        this.resolver = resolver;
        this.allPrefixes = settings.allPrefixes();
        this.metrics = metrics;
        this.synthesized = metrics.counter("gate64_dns64_synthesized_total", "AAAA answers synthesised by DNS64");
        this.ptrAnswers = metrics.counter("gate64_dns64_ptr_total", "PTR answers synthesised for DNS64 prefixes");
        for (String reason : SKIP_REASONS) { // every reason at 0 from the start
            metrics.counter("gate64_dns64_skipped_total", "AAAA answers DNS64 left alone, by reason", "reason", reason);
        }
    }

    public Synthesizer synthesizer() {
        return synthesizer;
    }

    /** The packet-cache tag for a query: the client's prefix choice for AAAA questions, 0 otherwise. */
    public int tag(java.net.InetAddress client, int qtype) {
        return qtype == Type.AAAA && settings.enabled() ? selector.view(client) + 1 : 0;
    }

    public List<Nat64Prefix> prefixesFor(java.net.InetAddress client) {
        return settings.enabled() ? selector.prefixes(selector.view(client)) : List.of();
    }

    /** ipv4only.arpa and its reverse names; null for every other name. */
    public Answer local(Name qname, int qtype, List<Nat64Prefix> prefixes) {
        return ipv4only.answer(qname, qtype, prefixes);
    }

    /**
     * RFC 6147 §5.1 applied to the resolved AAAA answer.
     *
     * @param dnssecOkAndCd the client set DO and CD: it validates and synthesises itself (§5.5), we return data as is
     */
    public CompletableFuture<Answer> afterAaaa(Name qname, Answer aaaa, List<Nat64Prefix> prefixes, boolean dnssecOkAndCd,
                                               QueryBudget budget) {
        return afterAaaa(qname, aaaa, prefixes, dnssecOkAndCd, budget, resolver);
    }

    /**
     * As above, asking {@code lookup} for the A records: the validating lookup when the client's query is validated,
     * so the A RRset's state is known too (§5.5: AD only when both the denial and the A RRset are Secure).
     */
    public CompletableFuture<Answer> afterAaaa(Name qname, Answer aaaa, List<Nat64Prefix> prefixes, boolean dnssecOkAndCd,
                                               QueryBudget budget, Lookup lookup) {
        if (prefixes.isEmpty()) {
            return done(aaaa);
        }
        if (dnssecOkAndCd) {
            skipped(qname, "do-cd");
            return done(aaaa);
        }
        if (aaaa.rcode() == Rcode.NXDOMAIN) {
            skipped(qname, "nxdomain"); // §5.1.2: NXDOMAIN is passed on
            return done(aaaa);
        }
        List<Record> kept = synthesizer.withoutExcluded(aaaa.answer());
        boolean hasAaaa = kept.stream().anyMatch(r -> r.getType() == Type.AAAA);
        if (aaaa.rcode() == Rcode.NOERROR && hasAaaa) {
            return done(kept.size() == aaaa.answer().size() ? aaaa : new Answer(aaaa.rcode(), kept, aaaa.authority(), aaaa.security()));
        }
        if (aaaa.security() == Security.BOGUS) {
            skipped(qname, "bogus");
            return done(Answer.servfail(List.of()).withSecurity(Security.BOGUS, aaaa.ede())); // §5.5: never from forged data
        }
        List<Record> chain = chainOnly(kept);
        Name target = endOfChain(qname, chain);
        long ttlCap = NO_SOA_TTL_CAP; // §5.1.7: without the negative answer's SOA, at most 600 s
        if (aaaa.rcode() == Rcode.NOERROR) {
            for (Record r : aaaa.authority()) {
                if (r instanceof SOARecord soa) {
                    ttlCap = soa.getTTL(); // already min(SOA TTL, MINIMUM), aged: §5.1.7
                }
            }
        }
        long cap = ttlCap;
        return lookup.resolve(target, Type.A, budget).thenApply(a -> synthesise(qname, target, aaaa, a, kept, chain, prefixes, cap));
    }

    /** RFC 6147 §5.1.7: the TTL cap of synthesised records when the AAAA answer carried no SOA (a failure). */
    static final long NO_SOA_TTL_CAP = 600;

    private Answer synthesise(Name qname, Name target, Answer aaaa, Answer a, List<Record> kept, List<Record> chain,
                              List<Nat64Prefix> prefixes, long ttlCap) {
        if (a.security() == Security.BOGUS) {
            skipped(qname, "bogus");
            return Answer.servfail(List.of()).withSecurity(Security.BOGUS, a.ede()); // forged A: nothing to synthesise from
        }
        List<ARecord> as = new ArrayList<>();
        List<Record> aChain = new ArrayList<>();
        for (Record r : a.answer()) {
            if (r instanceof ARecord ar) {
                as.add(ar);
            } else if (r.getType() != Type.RRSIG && !chain.contains(r)) { // signatures cannot cover synthesis
                aChain.add(r);
            }
        }
        List<Record> synth = a.rcode() == Rcode.NOERROR ? synthesizer.synthesize(as, prefixes, ttlCap) : List.of();
        if (synth.isEmpty()) {
            skipped(qname, a.rcode() == Rcode.NOERROR ? (as.isEmpty() ? "no-a" : "unmapped") : "a-failed");
            // §5.1.4: excluded AAAA are absent; otherwise the original answer stands
            return aaaa.rcode() == Rcode.NOERROR ? new Answer(Rcode.NOERROR, kept, aaaa.authority(), aaaa.security()) : aaaa;
        }
        synthesized.increment();
        if (decisions.enabled(Level.DEBUG)) {
            decisions.decided(Level.DEBUG, "dns64 synthesised", qname, Type.AAAA, "synthesised", "target", target.toString(),
                    "prefixes", prefixes.toString(), "records", synth.size());
        }
        List<Record> out = new ArrayList<>(chain);
        out.addAll(aChain);
        out.addAll(synth);
        // §5.5: the synthesised answer is Secure only when both the AAAA denial and the A RRset were.
        Security state = aaaa.security() == Security.SECURE && a.security() == Security.SECURE ? Security.SECURE
                : weaker(aaaa.security(), a.security());
        return new Answer(Rcode.NOERROR, out, List.of(), state);
    }

    /**
     * A PTR question under one of the prefixes' ip6.arpa zones (§5.3.1), or null when the name is not under one.
     */
    public CompletableFuture<Answer> ptr(Name qname, QueryBudget budget) {
        return ptr(qname, budget, resolver);
    }

    /** As above, resolving the in-addr.arpa name with {@code lookup} (the validating one when the query is). */
    public CompletableFuture<Answer> ptr(Name qname, QueryBudget budget, Lookup lookup) {
        if (!settings.enabled()) {
            return null;
        }
        ReverseNames.Mapping m = ReverseNames.map(qname, allPrefixes);
        if (m instanceof ReverseNames.NotOurs) {
            return null;
        }
        ptrAnswers.increment();
        if (!(m instanceof ReverseNames.Mapped mapped)) {
            return done(new Answer(Rcode.NXDOMAIN, List.of(), List.of(), Security.INDETERMINATE));
        }
        Answer local = local(mapped.inAddrArpa(), Type.PTR, List.of());
        CompletableFuture<Answer> target = local != null ? done(local) : lookup.resolve(mapped.inAddrArpa(), Type.PTR, budget);
        return target.thenApply(t -> ptrFrom(qname, mapped, t));
    }

    private Answer ptrFrom(Name qname, ReverseNames.Mapped mapped, Answer target) {
        if (settings.ptrMode() == Dns64Settings.PtrMode.PTR) {
            List<Record> ptrs = new ArrayList<>();
            for (Record r : target.answer()) {
                if (r instanceof PTRRecord p) {
                    ptrs.add(new PTRRecord(qname, DClass.IN, p.getTTL(), p.getTarget()));
                }
            }
            return new Answer(target.rcode(), ptrs, List.of(), synthesised(target.security()), target.ede());
        }
        long ttl = Long.MAX_VALUE;
        for (Record r : target.answer()) {
            ttl = Math.min(ttl, r.getTTL());
        }
        for (Record r : target.authority()) {
            ttl = Math.min(ttl, r.getTTL());
        }
        List<Record> out = new ArrayList<>();
        out.add(new CNAMERecord(qname, DClass.IN, ttl == Long.MAX_VALUE ? 0 : ttl, mapped.inAddrArpa()));
        out.addAll(target.answer());
        return new Answer(target.rcode(), out, target.authority(), synthesised(target.security()), target.ede());
    }

    private static CompletableFuture<Answer> done(Answer a) {
        return CompletableFuture.completedFuture(a);
    }

    /** A locally made record is never Secure (no signature covers it); Bogus stays Bogus, to become SERVFAIL. */
    private static Security synthesised(Security s) {
        return s == Security.SECURE ? Security.INSECURE : s;
    }

    private static Security weaker(Security x, Security y) {
        if (x == Security.INSECURE || y == Security.INSECURE) {
            return Security.INSECURE;
        }
        return Security.INDETERMINATE;
    }

    /** The CNAME and DNAME records of an answer section (DNS46 uses this too). */
    public static List<Record> chainOnly(List<Record> records) {
        List<Record> out = new ArrayList<>();
        for (Record r : records) {
            if (r.getType() == Type.CNAME || r.getType() == Type.DNAME) {
                out.add(r);
            }
        }
        return out;
    }

    /** The name a CNAME chain starting at {@code qname} ends at. */
    public static Name endOfChain(Name qname, List<Record> chain) {
        Name name = qname;
        for (int i = 0; i <= chain.size(); i++) {
            Name next = null;
            for (Record r : chain) {
                if (r instanceof CNAMERecord c && c.getName().equals(name)) {
                    next = c.getTarget();
                }
            }
            if (next == null) {
                return name;
            }
            name = next;
        }
        return name;
    }

    /** The reasons of {@link #skipped}, the label values of gate64_dns64_skipped_total (docs/dns64.md). */
    static final java.util.List<String> SKIP_REASONS = java.util.List.of("do-cd", "nxdomain", "bogus", "no-a", "unmapped",
            "a-failed");

    private void skipped(Name qname, String reason) {
        metrics.counter("gate64_dns64_skipped_total", "AAAA answers DNS64 left alone, by reason", "reason", reason).increment();
        // why a client got no synthesised AAAA: the unusual reasons at info, the routine ones at debug
        boolean unusual = reason.equals("bogus") || reason.equals("a-failed") || reason.equals("unmapped");
        decisions.decided(unusual ? Level.INFO : Level.DEBUG, "dns64 skipped", qname, Type.AAAA, reason);
    }

    /** Whether synthesised AAAA records sit in {@code answer} (for callers deciding on AD). */
    public static boolean hasAaaa(Answer answer) {
        return answer.answer().stream().anyMatch(r -> r instanceof AAAARecord);
    }
}
