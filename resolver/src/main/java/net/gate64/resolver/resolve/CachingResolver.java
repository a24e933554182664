package net.gate64.resolver.resolve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.stats.Metrics;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers a question from the record and negative caches, walking CNAME chains name by name, and asks the
 * {@link Fetcher} for whatever the caches lack. Everything fetched is read through {@link ResponseReader}, which
 * stores it, so the next question finds it cached. The chain length is bounded per client query.
 */
public final class CachingResolver implements Lookup {
    private final RecordCache records;
    private final NegativeCache negatives;
    private final ResponseReader reader;
    private final Fetcher fetcher;
    private final int maxCnames;
    private final Metrics metrics;

    public CachingResolver(RecordCache records, NegativeCache negatives, ResponseReader reader, Fetcher fetcher,
                           int maxCnames, Metrics metrics) {
        this.records = records;
        this.negatives = negatives;
        this.reader = reader;
        this.fetcher = fetcher;
        this.maxCnames = maxCnames;
        this.metrics = metrics;
    }

    /** Resolves a client's question; a spent budget ends in SERVFAIL and is counted. */
    @Override
    public CompletableFuture<Answer> resolve(Name qname, int qtype, QueryBudget budget) {
        return resolveWithin(qname, qtype, budget).exceptionally(t -> {
            if (Futures.cause(t) instanceof QueryBudget.Exhausted e) {
                limitHit(e.limit());
                return Answer.servfail(List.of());
            }
            throw t instanceof CompletionException c ? c : new CompletionException(t);
        });
    }

    /** Resolves a question on behalf of another (NS addresses): a spent budget fails the future for the outer query. */
    public CompletableFuture<Answer> resolveWithin(Name qname, int qtype, QueryBudget budget) {
        return qtype == Type.ANY ? any(qname, budget) : new Walk(qname, qtype, budget).next();
    }

    /**
     * One walk along a CNAME chain: cached links are taken at once, a missing one is fetched and the walk goes on
     * when the fetch completes.
     */
    private final class Walk {
        final Name qname;
        final int qtype;
        final QueryBudget budget;
        final List<Record> chain = new ArrayList<>();
        final List<Record> proofs = new ArrayList<>(0); // wildcard proofs met along the chain
        final Set<Name> seen = new HashSet<>();
        Name name;

        Walk(Name qname, int qtype, QueryBudget budget) {
            this.qname = qname;
            this.qtype = qtype;
            this.budget = budget;
            this.name = qname;
        }

        CompletableFuture<Answer> next() {
            while (true) {
                if (!seen.add(name)) {
                    return done(Answer.servfail(chain)); // CNAME loop
                }
                if (seen.size() > maxCnames + 1) {
                    limitHit("cname-chain");
                    return done(Answer.servfail(chain));
                }
                RecordCache.Hit hit = records.getOrCname(name, qtype); // one lookup for both
                Trace trace = budget.trace();
                if (hit != null) {
                    if (trace != null) {
                        trace.note("record cache: " + name + " " + Type.string(hit.type()) + " ttl " + hit.ttl()
                                + " (" + hit.records().size() + " records)");
                    }
                    add(hit, chain, proofs);
                    if (hit.type() == qtype) {
                        return done(new Answer(Rcode.NOERROR, chain, proofs, hit.security()));
                    }
                    name = ((CNAMERecord) hit.records().get(0)).getTarget();
                    continue;
                }
                NegativeCache.Hit negative = negatives.get(name, qtype);
                if (negative != null) {
                    if (trace != null) {
                        trace.note("negative cache: " + name + " " + Type.string(qtype) + " " + Rcode.string(negative.rcode())
                                + " ttl " + negative.ttl());
                    }
                    return done(new Answer(negative.rcode(), chain, concat(proofs, negative.authority()), negative.security()));
                }
                if (trace != null) {
                    trace.note("cache miss: " + name + " " + Type.string(qtype));
                }
                return Futures.guard(() -> fetcher.fetch(name, qtype, budget)).thenCompose(this::fetched);
            }
        }

        CompletableFuture<Answer> fetched(Fetcher.Fetch fetch) {
            if (fetch == null) {
                return done(Answer.servfail(chain));
            }
            ResponseReader.Step step = reader.read(fetch.response(), name, qtype, fetch.authoritative(),
                    fetch.bailiwick(), maxCnames + 1 - seen.size());
            chain.addAll(step.chain());
            switch (step.kind()) {
                case DATA:
                    return done(new Answer(Rcode.NOERROR, chain, concat(proofs, step.authority()), Security.INDETERMINATE));
                case NEGATIVE:
                    return done(new Answer(step.rcode(), chain, concat(proofs, step.authority()), Security.INDETERMINATE));
                case FAILURE:
                    if (seen.size() - 1 + cnames(step.chain()) > maxCnames) {
                        limitHit("cname-chain"); // the chain inside this one response was already too long
                    }
                    return done(Answer.servfail(chain));
                default: // CONTINUE
                    for (Record r : step.chain()) {
                        if (r.getType() == Type.CNAME && !r.getName().equals(name)) {
                            seen.add(r.getName());
                        }
                    }
                    name = step.next();
                    return next();
            }
        }
    }

    private static CompletableFuture<Answer> done(Answer a) {
        return CompletableFuture.completedFuture(a);
    }

    private static void add(RecordCache.Hit hit, List<Record> chain, List<Record> proofs) {
        chain.addAll(hit.records());
        chain.addAll(hit.signatures());
        proofs.addAll(hit.proofs());
    }

    private static List<Record> concat(List<Record> a, List<Record> b) {
        if (a.isEmpty()) {
            return b;
        }
        List<Record> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static int cnames(List<Record> records) {
        int n = 0;
        for (Record r : records) {
            n += r.getType() == Type.CNAME ? 1 : 0;
        }
        return n;
    }

    /** ANY is answered with what the upstream gives for the name, uncached (RFC 8482 allows minimal answers). */
    private CompletableFuture<Answer> any(Name qname, QueryBudget budget) {
        return Futures.guard(() -> fetcher.fetch(qname, Type.ANY, budget)).thenApply(fetch -> {
            if (fetch == null) {
                return Answer.servfail(List.of());
            }
            Message m = fetch.response();
            List<Record> answer = new ArrayList<>();
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r.getName().equals(qname)) {
                    answer.add(r);
                }
            }
            List<Record> authority = new ArrayList<>();
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r.getType() == Type.SOA && qname.subdomain(r.getName())) {
                    authority.add(r);
                }
            }
            int rcode = m.getRcode() == Rcode.NXDOMAIN || m.getRcode() == Rcode.NOERROR ? m.getRcode() : Rcode.SERVFAIL;
            return new Answer(rcode, answer, authority, Security.INDETERMINATE);
        });
    }

    private void limitHit(String limit) {
        metrics.counter("gate64_limit_hits_total", "Client queries ended by a work limit", "limit", limit).increment();
    }
}
