package net.gate64.resolver.dnssec;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.CachingResolver;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.stats.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNSSEC validation of resolved answers (RFC 4033-4035, 5155, 6840), as a {@link Lookup} around the caching resolver.
 *
 * <p>The proofs themselves — chain of trust from the anchors through DS and DNSKEY, RRSIG checks, NSEC and NSEC3
 * denials, wildcard proofs, opt-out, algorithm downgrade rules — are dnsjava's {@link ValidatingResolver} (a port of
 * Unbound's validator, with its KeyTrap and NSEC3 limits). Its "upstream" here is {@link Head}: the record cache and
 * the iterator, so DS and DNSKEY lookups share the client query's work budget and everything they fetch is cached
 * like any other answer. The validator's asynchronous API runs on the query's event loop: the Head answers from the
 * cache at once or starts the iterator's outgoing queries on the loop, and its futures keep dnsjava's later stages
 * there ({@link InlineFuture}). Several validations interleave on one loop, so the client query's {@link Work}
 * cannot ride on the thread: each validation borrows a whole validator from a pool, whose Head knows the one piece
 * of work it serves. Why reuse rather than write: see docs/dnssec.md.
 *
 * <p>Verdicts are cached per (name, type) for the TTL of the data they judged, so a cache hit never re-verifies a
 * signature; Bogus verdicts live at most {@value #BOGUS_TTL} seconds.
 */
public final class Validator implements Lookup {
    private static final Logger LOG = LoggerFactory.getLogger(Validator.class);
    private final net.gate64.resolver.stats.DecisionLog bogusLog = new net.gate64.resolver.stats.DecisionLog(
            "net.gate64.resolver.dnssec.Bogus");
    private static final long BOGUS_TTL = 60;
    private static final long MAX_VERDICT_TTL = 3600;

    /** The validation work of one client query: its budget and the sub-queries and time spent so far. */
    private static final class Work {
        final QueryBudget budget;
        final long deadline;
        final Name qname;
        final int qtype;
        Answer resolved; // the answer being judged: the validator's first question is for it, no need to look again
        int subqueries;
        String limitHit;

        Work(QueryBudget budget, long deadline, Name qname, int qtype, Answer resolved) {
            this.budget = budget;
            this.deadline = deadline;
            this.qname = qname;
            this.qtype = qtype;
            this.resolved = resolved;
        }
    }

    /**
     * A future whose *Async stages run on the thread that completes it (the event loop) instead of the common pool.
     * dnsjava's validator chains its key-finding steps with thenComposeAsync on the futures its upstream (our
     * {@link Head}) returns, so handing it these keeps those steps on the loop. Stages it starts from its own
     * completed futures (a key already in its cache, on the NODATA/NXDOMAIN paths) still run on the common pool;
     * the Head and {@link #judge} hop back to the loop from there.
     */
    private static final class InlineFuture<T> extends CompletableFuture<T> {
        @Override
        public Executor defaultExecutor() {
            return Runnable::run;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new InlineFuture<>();
        }
    }

    private final CachingResolver raw;
    private final DnssecSettings settings;
    private final java.util.concurrent.ConcurrentLinkedQueue<Head> pool = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Verdicts verdicts;
    private final Metrics metrics;
    private final Map<Security, LongAdder> results;
    private final LongAdder hops;

    public Validator(CachingResolver raw, DnssecSettings settings, long maxEntries, Ticker ticker, Metrics metrics) {
        this(raw, settings, new Verdicts(maxEntries, ticker), metrics);
    }

    /** @param verdicts the verdict cache, shared with the validator this one replaces (a config reload) */
    public Validator(CachingResolver raw, DnssecSettings settings, Verdicts verdicts, Metrics metrics) {
        this.raw = raw;
        this.settings = settings;
        this.metrics = metrics;
        VerificationCache.install();
        metrics.counter("gate64_dnssec_signature_checks_total", "Signature checks asked of the verification cache, by outcome",
                VerificationCache::hits, "result", "cached");
        metrics.counter("gate64_dnssec_signature_checks_total", "Signature checks asked of the verification cache, by outcome",
                VerificationCache::misses, "result", "computed");
        metrics.counter("gate64_dnssec_signature_checks_native_total", "Signature checks computed by OpenSSL's libcrypto",
                VerificationCache::nativeChecks);
        pool.offer(newHead()); // fails early, at start-up or reload, if the anchors do not load
        this.verdicts = verdicts;
        this.hops = metrics.counter("gate64_dnssec_loop_returns_total",
                "Validation steps dnsjava ran on its common pool that were handed back to the query's event loop");
        String help = "Answers judged by the validator, by state";
        this.results = Map.of(
                Security.SECURE, metrics.counter("gate64_dnssec_results_total", help, "state", "secure"),
                Security.INSECURE, metrics.counter("gate64_dnssec_results_total", help, "state", "insecure"),
                Security.BOGUS, metrics.counter("gate64_dnssec_results_total", help, "state", "bogus"));
    }

    private Head newHead() {
        Head head = new Head();
        ValidatingResolver v = new ValidatingResolver(head);
        try {
            v.init(limits(settings));
            v.loadTrustAnchors(new ByteArrayInputStream(anchorText(settings.anchors()).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("trust anchors did not load: " + e.getMessage(), e);
        }
        v.setAddReasonToAdditional(false);
        head.validator = v;
        return head;
    }

    /** dnsjava's knobs, from our settings: RRSIGs tried per RRset, DS/DNSKEY mismatches, NSEC3 iteration cap. */
    private static Properties limits(DnssecSettings s) {
        Properties p = new Properties();
        p.setProperty("dnsjava.dnssec.max_validate_rrsigs", Integer.toString(s.maxRrsigsPerRecord()));
        p.setProperty("dnsjava.dnssec.max_ds_match_failures", Integer.toString(s.maxDsMatchFailures()));
        // RFC 9276 §3.2: above the cap the answer is treated as Insecure. dnsjava keys the cap by key size; one cap
        // for every size, as RFC 9276 recommends.
        for (int bits : new int[] {1024, 2048, 4096}) {
            p.setProperty("dnsjava.dnssec.nsec3.iterations." + bits, Integer.toString(s.nsec3MaxIterations()));
        }
        return p;
    }

    private static String anchorText(List<Record> anchors) {
        StringBuilder sb = new StringBuilder();
        for (Record r : anchors) {
            sb.append(r).append('\n');
        }
        return sb.toString();
    }

    /** Resolves and judges the answer; failures to resolve are passed on as they are (nothing to validate). */
    @Override
    public CompletableFuture<Answer> resolve(Name qname, int qtype, QueryBudget budget) {
        return raw.resolve(qname, qtype, budget).thenCompose(answer -> judged(qname, qtype, answer, budget));
    }

    private CompletableFuture<Answer> judged(Name qname, int qtype, Answer answer, QueryBudget budget) {
        if (answer.rcode() != Rcode.NOERROR && answer.rcode() != Rcode.NXDOMAIN) {
            return CompletableFuture.completedFuture(answer);
        }
        Name nta = negativeAnchor(qname);
        if (nta != null) {
            count(Security.INSECURE);
            return CompletableFuture.completedFuture(answer.withSecurity(Security.INSECURE, null));
        }
        Verdicts.Verdict cached = verdicts.get(qname, qtype);
        if (cached != null) {
            count(cached.security());
            return CompletableFuture.completedFuture(answer.withSecurity(cached.security(), cached.ede()));
        }
        return judge(qname, qtype, answer, budget).thenApply(v -> {
            if (v.ttl() > 0) {
                verdicts.put(qname, qtype, v);
            }
            if (v.security() == Security.BOGUS) { // once per name and reason: forged answers cannot flood the log
                String reason = v.ede() == null || v.ede().text() == null ? "bogus" : v.ede().text();
                bogusLog.decided(org.slf4j.event.Level.INFO, "dnssec bogus", qname, qtype, reason,
                        "mode", settings.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            }
            count(v.security());
            return answer.withSecurity(v.security(), v.ede());
        });
    }

    /** Runs dnsjava's validator over the answer; the verdict is handed over on the query's loop. */
    private CompletableFuture<Verdicts.Verdict> judge(Name qname, int qtype, Answer answer, QueryBudget budget) {
        Message query = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
        query.getHeader().setFlag(Flags.RD);
        query.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
        Work work = new Work(budget, System.nanoTime() + settings.maxValidationMillis() * 1_000_000L, qname, qtype, answer);
        Head polled = pool.poll();
        Head head = polled != null ? polled : newHead();
        head.work = work;
        CompletableFuture<Verdicts.Verdict> out = new CompletableFuture<>();
        CompletionStage<Message> validated;
        try {
            validated = head.validator.sendAsync(query, Runnable::run);
        } catch (RuntimeException e) {
            validated = CompletableFuture.failedFuture(e);
        }
        validated.whenComplete((m, e) -> {
            head.work = null;
            pool.offer(head);
            Verdicts.Verdict v;
            if (e != null) {
                // a validator fault must not take the query down with it; fail closed, and say so
                Throwable cause = net.gate64.resolver.resolve.Futures.cause(e);
                LOG.warn("validation of {}/{} failed: {}", qname, org.xbill.DNS.Type.string(qtype), cause.toString());
                v = new Verdicts.Verdict(Security.BOGUS, new Answer.Ede(ExtendedErrorCodeOption.DNSSEC_BOGUS,
                        "validator error: " + cause.getClass().getSimpleName()), 0);
            } else {
                v = verdict(m, work, answer);
            }
            if (budget.loop().inEventLoop()) {
                out.complete(v);
            } else {
                hops.increment();
                budget.loop().execute(() -> out.complete(v)); // dnsjava ended on a pool thread: back to the loop
            }
        });
        return out;
    }

    private Verdicts.Verdict verdict(Message m, Work work, Answer answer) {
        if (work.limitHit != null) {
            limitHit(work.limitHit);
            return new Verdicts.Verdict(Security.BOGUS, new Answer.Ede(ExtendedErrorCodeOption.DNSSEC_BOGUS,
                    "validation stopped by the " + work.limitHit + " limit"), 0);
        }
        long ttl = ttl(answer);
        if (m.getHeader().getFlag(Flags.AD)) {
            return new Verdicts.Verdict(Security.SECURE, null, ttl);
        }
        if (m.getRcode() == Rcode.SERVFAIL) {
            return new Verdicts.Verdict(Security.BOGUS, ede(m), Math.min(ttl, BOGUS_TTL));
        }
        if (aboveIterationCap(answer)) {
            limitHit("nsec3-iterations"); // RFC 9276 §3.2: an expensive proof is not checked; the answer is Insecure
        }
        return new Verdicts.Verdict(Security.INSECURE, null, ttl);
    }

    private boolean aboveIterationCap(Answer a) {
        for (Record r : a.authority()) {
            if (r instanceof org.xbill.DNS.NSEC3Record n && n.getIterations() > settings.nsec3MaxIterations()) {
                return true;
            }
        }
        return false;
    }

    private static Answer.Ede ede(Message m) {
        OPTRecord opt = m.getOPT();
        if (opt != null) {
            for (EDNSOption o : opt.getOptions()) {
                if (o instanceof ExtendedErrorCodeOption e) {
                    return new Answer.Ede(e.getErrorCode(), e.getText());
                }
            }
        }
        return new Answer.Ede(ExtendedErrorCodeOption.DNSSEC_BOGUS, null);
    }

    private static long ttl(Answer a) {
        long ttl = MAX_VERDICT_TTL;
        boolean any = false;
        for (Record r : a.answer()) {
            ttl = Math.min(ttl, r.getTTL());
            any = true;
        }
        for (Record r : a.authority()) {
            ttl = Math.min(ttl, r.getTTL());
            any = true;
        }
        return any ? ttl : 0; // nothing to tie the verdict to (uncached NXDOMAIN/NODATA): judge again next time
    }

    private Name negativeAnchor(Name qname) {
        if (settings.negativeAnchors().isEmpty()) {
            return null;
        }
        for (Name n = qname; ; n = new Name(n, 1)) {
            if (settings.negativeAnchors().containsKey(n)) {
                return n;
            }
            if (n.equals(Name.root)) {
                return null;
            }
        }
    }

    public void wipe() {
        verdicts.clear();
    }

    /** The settings this validator runs with (anchors, negative anchors, limits). */
    public DnssecSettings settings() {
        return settings;
    }

    private void count(Security s) {
        LongAdder a = results.get(s);
        if (a != null) {
            a.increment();
        }
    }

    private void limitHit(String limit) {
        metrics.counter("gate64_limit_hits_total", "Client queries ended by a work limit", "limit", limit).increment();
    }

    /**
     * The validator's upstream: questions (DS, DNSKEY, the data itself) answered by the caching resolver on the
     * calling thread, as complete responses with signatures and proofs. Runs inside {@link #judge}, whose
     * {@link Work} bounds the sub-queries and the time.
     */
    private final class Head implements Resolver {
        ValidatingResolver validator;
        volatile Work work; // the client query this head (and its validator) serves right now

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            Work w = work;
            InlineFuture<Message> f = new InlineFuture<>();
            Runnable ask = () -> answer(query, w).whenComplete((m, e) -> {
                if (e != null) {
                    f.completeExceptionally(e);
                } else {
                    f.complete(m);
                }
            });
            if (w == null || w.budget.loop().inEventLoop()) {
                ask.run();
            } else {
                hops.increment();
                w.budget.loop().execute(ask); // a stage dnsjava ran on a pool thread: the lookup belongs to the loop
            }
            return f;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return sendAsync(query, Runnable::run);
        }

        private CompletableFuture<Message> answer(Message query, Work work) {
            Record q = query.getQuestion();
            if (work == null) {
                return CompletableFuture.completedFuture(message(query, Answer.servfail(List.of()))); // only from judge()
            }
            if (++work.subqueries > settings.maxSubqueries()) {
                work.limitHit = "dnssec-subqueries";
                return CompletableFuture.completedFuture(message(query, Answer.servfail(List.of())));
            }
            if (System.nanoTime() > work.deadline) {
                work.limitHit = "dnssec-time";
                return CompletableFuture.completedFuture(message(query, Answer.servfail(List.of())));
            }
            if (work.resolved != null && q.getType() == work.qtype && q.getName().equals(work.qname)) {
                Answer a = work.resolved;
                work.resolved = null;
                return CompletableFuture.completedFuture(message(query, a));
            }
            return raw.resolveWithin(q.getName(), q.getType(), work.budget).handle((a, e) -> {
                if (e != null) {
                    Throwable cause = net.gate64.resolver.resolve.Futures.cause(e);
                    work.limitHit = cause instanceof QueryBudget.Exhausted x ? x.limit() : "error";
                    a = Answer.servfail(List.of());
                }
                return message(query, a);
            });
        }

        private static Message message(Message query, Answer a) {
            Record q = query.getQuestion();
            Message m = new Message(query.getHeader().getID());
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setFlag(Flags.RA);
            m.getHeader().setRcode(a.rcode());
            m.addRecord(q, Section.QUESTION);
            for (Record r : a.answer()) {
                m.addRecord(r, Section.ANSWER);
            }
            for (Record r : a.authority()) {
                m.addRecord(r, Section.AUTHORITY);
            }
            m.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
            return m;
        }

        @Override
        public void setPort(int port) {}

        @Override
        public void setTCP(boolean flag) {}

        @Override
        public void setIgnoreTruncation(boolean flag) {}

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {}

        @Override
        public void setTSIGKey(TSIG key) {}

        @Override
        public void setTimeout(Duration timeout) {}
    }
}
