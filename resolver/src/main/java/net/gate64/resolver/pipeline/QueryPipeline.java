package net.gate64.resolver.pipeline;

import net.gate64.resolver.query.Transport;
import net.gate64.resolver.query.ClientQuery;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import net.gate64.resolver.dns46.Dns46;
import net.gate64.resolver.dns64.Dns64;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.dnssec.DnssecPolicy;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Futures;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.resolve.Trace;
import net.gate64.resolver.script.ScriptStage;
import net.gate64.resolver.stats.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The slow path of a client query, in the order it happens. The fast path (ACL, packet cache, gettag) ran on the
 * event loop before this, and this runs on the same loop: each stage returns a future, completed at once when the
 * caches know the answer and later, on the same loop, when an outgoing query had to be sent. Nothing waits.
 *
 * <pre>
 *   ipfilter       → the script (pinned on arrival) may drop the query
 *   parse          → unreadable: FORMERR (or drop if even the header is short)
 *   check          → response bits: drop; opcode: NOTIMP; EDNS version: BADVERS; zone transfer: REFUSED
 *   context        → question, DO/AD/CD read once, DNS64 prefixes, DNS46 or not, lookup for the flags, budget
 *                    (QueryContext)
 *   preresolve     → hook may answer                                           (Outcome.AnsweredByHook)
 *   local          → ipv4only.arpa (RFC 8880); PTR under a DNS64 prefix (RFC 6147 §5.3.1); for DNS46 clients,
 *                    PTR of an EAM IPv4 address                               (Outcome.AnsweredLocally)
 *   resolve        → record cache, negative cache, forwarders or iterator (CachingResolver), validated by the
 *                    dnssec mode's rule for the client's DO/AD/CD flags (DnssecPolicy, Validator)  (Outcome.Resolved)
 *   nodata/nxdomain→ hooks, on resolved answers
 *   DNS64          → AAAA NODATA or failure: synthesise from A with the client's prefixes (RFC 6147 §5.1)
 *   DNS46          → A NODATA or failure, for DNS46 clients: synthesise from AAAA through the EAM table
 *                    (SIIT-DC, RFC 7755; docs/dns46.md)
 *   postresolve    → hook, on resolved answers
 *   DNSSEC verdict → Bogus: SERVFAIL with an Extended DNS Error; AD on Secure when asked; RRSIG/NSEC only with DO
 *   respond        → reply message, EDNS, truncation for UDP
 *   packet cache   → store the full answer when the query had a cache key
 * </pre>
 */
public final class QueryPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(QueryPipeline.class);
    private static final int BADVERS = 16;

    /**
     * What to send back: the answer's bytes and rcode, or nothing and why. The caller counts it as one answer or one
     * drop when it has sent it (or failed to), so that answers and drops add up to the queries received.
     */
    public record Reply(byte[] wire, int rcode, DropReason dropped) {
        static Reply answer(byte[] wire, int rcode) {
            return new Reply(wire, rcode, null);
        }

        static Reply drop(DropReason why) {
            return new Reply(null, -1, why);
        }
    }

    /** Limits on the work one client query may cause. */
    public record Limits(int maxOutgoingQueries, long maxNanos, int maxNsAddressQueries, int maxDepth) {}

    private final DnssecPolicy dnssec;
    private final Dns64 dns64;
    private final Dns46 dns46;
    private final PacketCache packetCache;
    private final ResponseBuilder builder;
    private volatile Limits limits; // swappable: a reloaded settings snapshot applies from the next query on
    private final PipelineMetrics metrics;
    private final ScriptStage scripts;
    private volatile boolean retired;
    private volatile Trace.Chooser tracer = Trace.Chooser.NONE;

    public QueryPipeline(DnssecPolicy dnssec, Dns64 dns64, Dns46 dns46, PacketCache packetCache, ResponseBuilder builder,
                         Limits limits, Metrics metrics, ScriptStage scripts) {
        this.dnssec = dnssec;
        this.dns64 = dns64;
        this.dns46 = dns46;
        this.packetCache = packetCache;
        this.builder = builder;
        this.limits = limits;
        this.metrics = new PipelineMetrics(metrics);
        this.scripts = scripts;
    }

    /** Replaces the work limits for queries that arrive from now on (queries in flight keep their budget). */
    public void limits(Limits limits) {
        this.limits = limits;
    }

    /** Traces the queries {@code chooser} picks ({@code trace-regex}): every step of theirs goes to their trace. */
    public void traceWith(Trace.Chooser chooser) {
        this.tracer = chooser;
    }

    /**
     * Marks this pipeline as replaced by a reloaded settings snapshot: the queries it still runs are answered as
     * before, but their answers no longer enter the packet cache, which the reload emptied of answers the old
     * settings shaped.
     */
    public void retire() {
        this.retired = true;
    }

    /**
     * Runs the slow path of one query on {@code loop}, the event loop that received it. The future completes on that
     * loop when the answer is ready; nothing here waits.
     */
    public CompletableFuture<Reply> process(ClientQuery q, EventLoop loop) {
        if (scripts.drop(q.script(), q)) {
            return CompletableFuture.completedFuture(Reply.drop(DropReason.IPFILTER)); // the Lua/JS ipfilter hook said so
        }
        Message query;
        try {
            query = new Message(q.wire());
        } catch (IOException e) {
            return CompletableFuture.completedFuture(malformed(q, e));
        }
        Message early = check(query);
        if (early != null) {
            return CompletableFuture.completedFuture(early == DROP ? Reply.drop(DropReason.RESPONSE_BIT) : render(q, early, null));
        }
        QueryContext ctx = context(q, query, loop);
        return ctx.script().preresolve(ctx.prefixes(), ctx.budget()) // hook: may answer; then no other hook runs
                .thenCompose(byHook -> byHook != null ? done(new Outcome.AnsweredByHook(byHook)) : answer(ctx))
                .thenCompose(o -> afterResolve(ctx, o))
                .thenCompose(o -> dns64(ctx, o))
                .thenCompose(o -> dns46(ctx, o))
                .thenCompose(o -> postresolve(ctx, o))
                .thenApply(o -> respond(ctx, o))
                .exceptionally(t -> {
                    LOG.error("query for {} from {} failed unexpectedly", ctx.qname(), q.remote(), Futures.cause(t));
                    return render(q, builder.error(query, Rcode.SERVFAIL), null);
                });
    }

    private QueryContext context(ClientQuery q, Message query, EventLoop loop) {
        Record question = query.getQuestion();
        boolean dnssecOk = QueryContext.dnssecOk(query);
        boolean adAsked = query.getHeader().getFlag(Flags.AD);
        boolean checkingDisabled = query.getHeader().getFlag(Flags.CD);
        Lookup lookup = dnssec.lookupFor(dnssecOk, adAsked, checkingDisabled);
        Limits l = limits; // one snapshot for the whole query
        QueryBudget budget = new QueryBudget(l.maxOutgoingQueries(), l.maxNanos(), l.maxNsAddressQueries(), l.maxDepth(), loop);
        Trace trace = tracer.forQuery(question.getName(), question.getType(), q.remote());
        if (trace != null) {
            budget.trace(trace);
            trace.note("query from " + q.remote().getAddress().getHostAddress() + " over " + q.transport() + ": "
                    + question.getName() + " " + Type.string(question.getType()) + (dnssecOk ? " DO" : "")
                    + (adAsked ? " AD" : "") + (checkingDisabled ? " CD" : "") + "; "
                    + (lookup == dnssec.lookupFor(false, false, true) ? "not validated" : "validated"));
        }
        return new QueryContext(q, query, question.getName(), question.getType(), dnssecOk, adAsked, checkingDisabled,
                dns64.prefixesFor(q.remote().getAddress()), dns46.appliesTo(q.remote().getAddress()), lookup, budget,
                scripts.begin(q.script(), q, query, lookup));
    }

    /** Local data (ipv4only.arpa, PTR under a DNS64 prefix or, for DNS46 clients, of an EAM address), then resolve. */
    private CompletableFuture<Outcome> answer(QueryContext ctx) {
        Answer local = dns64.local(ctx.qname(), ctx.qtype(), ctx.prefixes());
        if (local != null) {
            return done(new Outcome.AnsweredLocally(local));
        }
        if (ctx.qtype() == Type.PTR) {
            CompletableFuture<Answer> ptr = dns64.ptr(ctx.qname(), ctx.budget(), ctx.lookup());
            if (ptr == null && ctx.dns46()) {
                ptr = dns46.ptr(ctx.qname(), ctx.clientValidates(), ctx.budget(), ctx.lookup());
            }
            if (ptr != null) {
                return ptr.thenApply(Outcome.AnsweredLocally::new);
            }
        }
        return ctx.lookup().resolve(ctx.qname(), ctx.qtype(), ctx.budget()).thenApply(a -> new Outcome.Resolved(a, false));
    }

    /** Hooks nodata and nxdomain, on what the resolver produced. */
    private static CompletableFuture<Outcome> afterResolve(QueryContext ctx, Outcome o) {
        if (!(o instanceof Outcome.Resolved r)) {
            return done(o);
        }
        return ctx.script().afterResolve(r.answer(), ctx.prefixes(), ctx.budget())
                .thenApply(byHook -> byHook != null ? new Outcome.Resolved(byHook, true) : o);
    }

    /** Native DNS64 on AAAA answers, unless a hook handled the query (as PowerDNS). */
    private CompletableFuture<Outcome> dns64(QueryContext ctx, Outcome o) {
        boolean hooked = o instanceof Outcome.AnsweredByHook || (o instanceof Outcome.Resolved r && r.byHook());
        if (ctx.qtype() != Type.AAAA || hooked) {
            return done(o);
        }
        return dns64.afterAaaa(ctx.qname(), o.answer(), ctx.prefixes(), ctx.clientValidates(), ctx.budget(), ctx.lookup())
                .thenApply(o::with);
    }

    /** DNS46 on the A answers of DNS46 clients, unless a hook handled the query (the rule DNS64 follows). */
    private CompletableFuture<Outcome> dns46(QueryContext ctx, Outcome o) {
        if (ctx.qtype() != Type.A || !ctx.dns46() || !(o instanceof Outcome.Resolved r) || r.byHook()) {
            return done(o);
        }
        return dns46.afterA(ctx.qname(), o.answer(), ctx.clientValidates(), ctx.budget(), ctx.lookup()).thenApply(o::with);
    }

    /** Hook postresolve, on resolved answers (it sees synthesised records too). */
    private static CompletableFuture<Outcome> postresolve(QueryContext ctx, Outcome o) {
        if (!(o instanceof Outcome.Resolved)) {
            return done(o);
        }
        return ctx.script().postresolve(o.answer(), ctx.prefixes(), ctx.budget()).thenApply(o::with);
    }

    private Reply respond(QueryContext ctx, Outcome o) {
        Answer answer = dnssec.finish(o.answer());
        Trace trace = ctx.budget().trace();
        if (trace != null) {
            trace.note("answer: " + Rcode.string(answer.rcode()) + " (" + o.getClass().getSimpleName() + ", "
                    + answer.security().name().toLowerCase(java.util.Locale.ROOT) + ", "
                    + ctx.budget().queries() + " outgoing queries)");
            for (Record r : answer.answer()) {
                trace.note("   " + r);
            }
        }
        boolean dnssecOk = ctx.dnssecOk();
        Message reply = builder.reply(ctx.query(), answer.rcode(), DnssecPolicy.forClient(answer.answer(), dnssecOk, ctx.qtype()),
                DnssecPolicy.forClient(answer.authority(), dnssecOk, ctx.qtype()),
                DnssecPolicy.authenticData(answer, dnssecOk, ctx.adAsked()), answer.ede());
        return render(ctx.client(), reply, ctx.script().variable() ? null : kind(answer)); // dq.variable: not cached
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    private static final Message DROP = new Message();

    /** Returns an early reply, {@link #DROP}, or null when the query may be resolved. */
    private Message check(Message query) {
        if (query.getHeader().getFlag(Flags.QR)) {
            return DROP; // never answer answers: that is how reflection loops start
        }
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            return builder.error(query, Rcode.NOTIMP);
        }
        Record question = query.getQuestion();
        if (question == null || query.getSection(Section.QUESTION).size() != 1
                || !query.getSection(Section.ANSWER).isEmpty() || !query.getSection(Section.AUTHORITY).isEmpty()) {
            metrics.malformed();
            return builder.error(query, Rcode.FORMERR);
        }
        OPTRecord opt = query.getOPT();
        if (opt != null && opt.getVersion() != 0) {
            return builder.error(query, BADVERS); // RFC 6891 §6.1.3
        }
        int type = question.getType();
        if (type == Type.AXFR || type == Type.IXFR) {
            return builder.error(query, Rcode.REFUSED);
        }
        if (type == Type.OPT || type == Type.TSIG || type == Type.TKEY || type == Type.MAILA || type == Type.MAILB) {
            return builder.error(query, Rcode.NOTIMP);
        }
        if (question.getDClass() != DClass.IN) {
            return builder.error(query, Rcode.REFUSED);
        }
        return null;
    }

    private Reply malformed(ClientQuery q, IOException e) {
        metrics.malformed();
        LOG.debug("malformed query from {}: {}", q.remote(), e.toString());
        if (q.wire().length < 12) {
            return Reply.drop(DropReason.SHORT); // the front end drops these first; kept for direct callers
        }
        if ((q.wire()[2] & 0x80) != 0) {
            return Reply.drop(DropReason.MALFORMED);
        }
        return Reply.answer(ResponseBuilder.formerrFromHeader(q.wire()), Rcode.FORMERR);
    }

    private static PacketCache.Kind kind(Answer a) {
        if (a.rcode() == Rcode.NXDOMAIN || (a.rcode() == Rcode.NOERROR && a.answer().isEmpty())) {
            return PacketCache.Kind.NEGATIVE;
        }
        return a.rcode() == Rcode.NOERROR ? PacketCache.Kind.POSITIVE : PacketCache.Kind.FAILURE;
    }

    /** Renders the reply, truncated to the client's limit over UDP, and stores the full form in the packet cache. */
    private Reply render(ClientQuery q, Message reply, PacketCache.Kind cacheKind) {
        int rcode = reply.getRcode();
        byte[] full = reply.toWire(65535);
        // not when the script or the settings were reloaded meanwhile: the reload emptied the packet cache, and an
        // answer the old script or settings shaped must not enter it afterwards
        if (cacheKind != null && q.cacheKey() != null && q.script() == scripts.snapshot() && !retired) {
            packetCache.put(q.cacheKey(), full, cacheKind);
        }
        if (q.transport() == Transport.UDP && full.length > q.maxUdpAnswer()) {
            metrics.truncated();
            try {
                return Reply.answer(reply.toWire(q.maxUdpAnswer()), rcode);
            } catch (IllegalArgumentException e) {
                return Reply.answer(bareTruncated(reply), rcode); // even header, question and OPT do not fit as they are
            }
        }
        return Reply.answer(full, rcode);
    }

    /** TC=1 with the question and an OPT without options: the client retries over TCP and gets everything. */
    private static byte[] bareTruncated(Message reply) {
        Message m = reply.clone();
        OPTRecord opt = m.getOPT();
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            m.removeAllRecords(section);
        }
        if (opt != null) {
            m.addRecord(new OPTRecord(opt.getPayloadSize(), opt.getExtendedRcode(), opt.getVersion(), opt.getFlags()),
                    Section.ADDITIONAL);
        }
        m.getHeader().setFlag(Flags.TC);
        return m.toWire();
    }
}
