package net.gate64.resolver.script;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.gate64.common.Nat64Prefix;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.query.ClientQuery;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.scripting.DnsQuestion;
import net.gate64.scripting.Hook;
import net.gate64.scripting.ScriptHooks;
import net.gate64.scripting.ScriptRecord;
import net.gate64.scripting.api.ComboAddress;
import net.gate64.scripting.api.DNSHeader;
import net.gate64.scripting.api.Pdns;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * One query's passage through the script, in PowerDNS order: {@link #preresolve}, then after resolution
 * {@link #afterResolve} (nodata or nxdomain), then {@link #postresolve}. Each returns the answer the hook produced
 * (after its follow-up), or tells the caller to carry on. The {@code dq} object is made on first use and shared by
 * the hooks of this query, so {@code dq.data} and {@code dq.variable} carry over from one hook to the next.
 *
 * <p>Answers from hooks never carry AD and never enter the record cache; with {@code dq.variable} set they do not
 * enter the packet cache either.
 */
public final class ScriptedQuery {
    private final ScriptHooks script;
    private final FollowUps followUps;
    private final ScriptMetrics metrics;
    private final ClientQuery q;
    private final Message query;
    private final Lookup lookup;
    private DnsQuestion dq;

    ScriptedQuery(ScriptHooks script, FollowUps followUps, ScriptMetrics metrics, ClientQuery q, Message query,
                  Lookup lookup) {
        this.script = script;
        this.followUps = followUps;
        this.metrics = metrics;
        this.q = q;
        this.query = query;
        this.lookup = lookup;
    }

    /** preresolve: the hook's answer, or null to resolve normally. */
    public CompletableFuture<Answer> preresolve(List<Nat64Prefix> prefixes, QueryBudget budget) {
        if (!script.defines(Hook.PRERESOLVE)) {
            return NOT_HANDLED;
        }
        return run(Hook.PRERESOLVE, new Answer(Rcode.NOERROR, List.of(), List.of(), Security.INDETERMINATE), prefixes, budget);
    }

    /**
     * nodata (NOERROR without a record of the query type) or nxdomain: the hook's answer, or null when it did not
     * handle the query; then native DNS64 may run.
     */
    public CompletableFuture<Answer> afterResolve(Answer resolved, List<Nat64Prefix> prefixes, QueryBudget budget) {
        int qtype = query.getQuestion().getType();
        if (resolved.isNoData(qtype)) {
            return run(Hook.NODATA, resolved, prefixes, budget);
        }
        if (resolved.rcode() == Rcode.NXDOMAIN) {
            return run(Hook.NXDOMAIN, resolved, prefixes, budget);
        }
        return NOT_HANDLED;
    }

    /** postresolve: the hook's answer, or {@code current} unchanged. */
    public CompletableFuture<Answer> postresolve(Answer current, List<Nat64Prefix> prefixes, QueryBudget budget) {
        return run(Hook.POSTRESOLVE, current, prefixes, budget).thenApply(a -> a != null ? a : current);
    }

    /** Whether a hook set {@code dq.variable}: the answer must not be packet-cached. */
    public boolean variable() {
        return dq != null && dq.variable;
    }

    private static final CompletableFuture<Answer> NOT_HANDLED = CompletableFuture.completedFuture(null);

    /** Runs the hook on this thread (the event loop); its follow-up lookup, if any, completes later. */
    private CompletableFuture<Answer> run(Hook hook, Answer current, List<Nat64Prefix> prefixes, QueryBudget budget) {
        if (!script.defines(hook)) {
            return NOT_HANDLED;
        }
        DnsQuestion d = dq();
        d.prepare(current.rcode(), records(current), validationState(current.security()));
        if (!script.call(hook, d)) {
            return NOT_HANDLED;
        }
        try {
            return result(d, prefixes, budget);
        } catch (FollowUps.BadFollowUp | IllegalArgumentException e) {
            // PowerDNS drops the query here; gate64 counts it and carries on as if the hook had returned false
            metrics.badResult(hook);
            org.slf4j.LoggerFactory.getLogger("gate64.script").warn("script {} hook={} returned an unusable result: {}",
                    script.description(), hook.function(), e.getMessage());
            return NOT_HANDLED;
        }
    }

    /** The answer a hook that returned true stands for: dq's rcode and records, then its follow-up. */
    private CompletableFuture<Answer> result(DnsQuestion d, List<Nat64Prefix> prefixes, QueryBudget budget)
            throws FollowUps.BadFollowUp {
        if (d.rcode < 0 || d.rcode > 0xfff) {
            throw new IllegalArgumentException("dq.rcode " + d.rcode + " is not an rcode (pdns.DROP is not supported, as in PowerDNS 4.x)");
        }
        List<Record> answer = new ArrayList<>();
        List<Record> authority = new ArrayList<>();
        for (ScriptRecord r : d.records()) {
            Record rec = r.toRecord();
            if (r.place == Pdns.PLACE_AUTHORITY) {
                authority.add(rec);
            } else if (r.place == Pdns.PLACE_ANSWER) {
                answer.add(rec);
            } // additional-section records are not sent (documented in docs/scripting.md)
        }
        String f = d.followupFunction;
        if (f == null || f.isEmpty()) {
            return CompletableFuture.completedFuture(new Answer(d.rcode, answer, authority, Security.INDETERMINATE));
        }
        switch (f) {
            case "getFakeAAAARecords" -> {
                metrics.followUp(f);
                return followUps.fakeAaaa(name(d), FollowUps.prefix(d.followupPrefix), answer, authority, lookup, budget);
            }
            case "getFakePTRRecords" -> {
                metrics.followUp(f);
                Nat64Prefix p = d.followupPrefix == null || d.followupPrefix.isBlank() ? null : FollowUps.prefix(d.followupPrefix);
                return followUps.fakePtr(name(d), p, lookup, budget);
            }
            case "followCNAMERecords" -> {
                metrics.followUp(f);
                return followUps.followCname(d.qtype, answer, authority, d.rcode, prefixes, lookup, budget);
            }
            default -> throw new FollowUps.BadFollowUp("unsupported followupFunction '" + f + "'");
        }
    }

    private static org.xbill.DNS.Name name(DnsQuestion d) throws FollowUps.BadFollowUp {
        if (d.followupName == null) {
            throw new FollowUps.BadFollowUp("followupName is not set (PowerDNS answers SERVFAIL)");
        }
        return d.followupName.name();
    }

    private DnsQuestion dq() {
        if (dq == null) {
            Record question = query.getQuestion();
            OPTRecord opt = query.getOPT();
            Map<Integer, byte[]> options = new HashMap<>();
            if (opt != null) {
                for (EDNSOption o : opt.getOptions()) {
                    byte[] wire = o.toWire();
                    options.put(o.getCode(), java.util.Arrays.copyOfRange(wire, 4, wire.length));
                }
            }
            dq = new DnsQuestion(question.getName(), question.getType(), question.getDClass(),
                    ComboAddress.of(q.remote()), ComboAddress.of(q.local()), q.transport() == Transport.TCP,
                    new DNSHeader(query.getHeader()), options, opt != null && (opt.getFlags() & Flags.DO) != 0);
            dq.tag = q.cacheKey() != null ? q.cacheKey().scriptTag() : 0; // what gettag chose
        }
        return dq;
    }

    private static List<ScriptRecord> records(Answer a) {
        List<ScriptRecord> out = new ArrayList<>(a.answer().size() + a.authority().size());
        for (Record r : a.answer()) {
            out.add(ScriptRecord.of(r, Pdns.PLACE_ANSWER));
        }
        for (Record r : a.authority()) {
            out.add(ScriptRecord.of(r, Pdns.PLACE_AUTHORITY));
        }
        return out;
    }

    /** pdns.validationstates: Indeterminate 0, Insecure 1, Secure 2, every Bogus 255. */
    static int validationState(Security s) {
        if (s == Security.BOGUS) {
            return Pdns.BOGUS;
        }
        return s == Security.SECURE ? 2 : s == Security.INSECURE ? 1 : 0;
    }
}
