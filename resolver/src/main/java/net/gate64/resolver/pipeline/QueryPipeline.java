package net.gate64.resolver.pipeline;

import java.io.IOException;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.resolver.dns64.Dns64;
import org.xbill.DNS.Name;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.dnssec.DnssecPolicy;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.script.ScriptStage;
import net.gate64.resolver.script.ScriptedQuery;
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
 * The slow path of a client query, in the order it happens. The fast path (ACL, packet cache) ran on the event
 * loop before this; this runs on a virtual thread and may wait on the network.
 *
 * <pre>
 *   parse          → unreadable: FORMERR (or drop if even the header is short)
 *   check          → response bits: drop; opcode: NOTIMP; EDNS version: BADVERS; zone transfer: REFUSED
 *   local          → ipv4only.arpa and its reverse names (RFC 8880), never sent upstream
 *   PTR synthesis  → PTR under a DNS64 prefix's ip6.arpa zone (RFC 6147 §5.3.1)
 *   resolve        → record cache, negative cache, forwarders or iterator (CachingResolver), validated by the
 *                    dnssec mode's rule for the client's DO/AD/CD flags (DnssecPolicy, Validator)
 *   DNS64          → AAAA NODATA or failure: synthesise from A with the client's prefixes (RFC 6147 §5.1)
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
    private final PacketCache packetCache;
    private final ResponseBuilder builder;
    private final Limits limits;
    private final PipelineMetrics metrics;
    private final ScriptStage scripts;

    public QueryPipeline(DnssecPolicy dnssec, Dns64 dns64, PacketCache packetCache, ResponseBuilder builder,
                         Limits limits, Metrics metrics, ScriptStage scripts) {
        this.dnssec = dnssec;
        this.dns64 = dns64;
        this.packetCache = packetCache;
        this.builder = builder;
        this.limits = limits;
        this.metrics = new PipelineMetrics(metrics);
        this.scripts = scripts;
    }

    public Reply process(ClientQuery q) {
        if (scripts.drop(q)) {
            return Reply.drop(DropReason.IPFILTER); // the Lua/JS ipfilter hook said so
        }
        Message query;
        try {
            query = new Message(q.wire());
        } catch (IOException e) {
            return malformed(q, e);
        }
        Message early = check(query);
        if (early != null) {
            return early == DROP ? Reply.drop(DropReason.RESPONSE_BIT) : render(q, early, null);
        }
        Record question = query.getQuestion();
        Name qname = question.getName();
        int qtype = question.getType();
        QueryBudget budget = new QueryBudget(limits.maxOutgoingQueries(), limits.maxNanos(),
                limits.maxNsAddressQueries(), limits.maxDepth());
        List<Nat64Prefix> prefixes = dns64.prefixesFor(q.remote().getAddress());
        ScriptedQuery script = scripts.begin(q, query);
        Answer answer = script.preresolve(prefixes, budget); // hook: may answer; then no other hook runs
        boolean hooked = answer != null;
        if (answer == null) {
            answer = dns64.local(qname, qtype, prefixes);
        }
        boolean dnssecOk = query.getOPT() != null && (query.getOPT().getFlags() & Flags.DO) != 0;
        boolean adAsked = query.getHeader().getFlag(Flags.AD);
        boolean checkingDisabled = query.getHeader().getFlag(Flags.CD);
        Lookup lookup = dnssec.lookupFor(dnssecOk, adAsked, checkingDisabled);
        if (answer == null && qtype == Type.PTR) {
            answer = dns64.ptr(qname, budget, lookup);
        }
        boolean resolved = answer == null; // neither a hook nor a local rule answered: nodata/nxdomain/postresolve run
        if (answer == null) {
            answer = lookup.resolve(qname, qtype, budget);
        }
        if (resolved) {
            Answer byHook = script.afterResolve(answer, prefixes, budget); // hooks nodata, nxdomain
            hooked = byHook != null;
            answer = hooked ? byHook : answer;
        }
        if (qtype == Type.AAAA && !hooked) { // native DNS64 only when no hook handled the answer (as PowerDNS)
            answer = dns64.afterAaaa(qname, answer, prefixes, dnssecOk && checkingDisabled, budget, lookup);
        }
        if (resolved) {
            answer = script.postresolve(answer, prefixes, budget); // hook: sees synthesised records too
        }
        answer = dnssec.finish(answer);
        Message reply = builder.reply(query, answer.rcode(), DnssecPolicy.forClient(answer.answer(), dnssecOk, qtype),
                DnssecPolicy.forClient(answer.authority(), dnssecOk, qtype),
                DnssecPolicy.authenticData(answer, dnssecOk, adAsked), answer.ede());
        return render(q, reply, script.variable() ? null : kind(answer)); // dq.variable: never packet-cached
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
        if (cacheKind != null && q.cacheKey() != null) {
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
