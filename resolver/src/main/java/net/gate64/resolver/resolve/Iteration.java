package net.gate64.resolver.resolve;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.gate64.resolver.resolve.Fetcher.Fetch;
import net.gate64.resolver.resolve.IteratingFetcher.Classified;
import net.gate64.resolver.resolve.IteratingFetcher.Delegation;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * One fetch by the iterator, as an explicit state machine in the spirit of Unbound's iterator states. It runs on the
 * query's event loop: each state does its work and names the next; a state that must wait for the network (an
 * outgoing query, or the address of a nameserver) returns, and the machine resumes when the answer arrives. No
 * thread waits.
 *
 * <pre>
 *   FIND_CUT         deepest zone cut the cache knows                     → NEXT_QUESTION; none at all → PRIME
 *   PRIME            ". NS" to a root hint (RFC 8109)                     → FIND_CUT
 *   NEXT_QUESTION    what to ask this zone: the next label (RFC 9156) or the question itself → SELECT_SERVER
 *   SELECT_SERVER    best untried address of the zone's servers (SRTT)   → SEND_QUERY; none → RESOLVE_NS_NAME
 *   RESOLVE_NS_NAME  address of an NS name without glue (budgeted)       → SELECT_SERVER; none left → zone failed
 *   SEND_QUERY       one outgoing query; wait                             → HANDLE_RESPONSE
 *   HANDLE_RESPONSE  timeout or lame → SELECT_SERVER; FORMERR to EDNS → SEND_QUERY without it; referral →
 *                    NEXT_QUESTION in the child zone; answer to a minimised name → NEXT_QUESTION one label deeper;
 *                    answer or NXDOMAIN to the question → DONE
 * </pre>
 * NEXT_QUESTION skips names that earlier answers showed to hold no cut. RESOLVE_NS_NAME asks the parent zone again
 * when the zone's only servers are in-zone names whose glue expired. A zone whose servers all failed (or are all
 * throttled) ends the fetch, except that a minimised name is retried as the full name first (relaxed minimisation)
 * and a failed priming falls back to the hints.
 */
final class Iteration {
    enum State { FIND_CUT, PRIME, NEXT_QUESTION, SELECT_SERVER, RESOLVE_NS_NAME, SEND_QUERY, HANDLE_RESPONSE, DONE }

    private final IteratingFetcher it;
    private final Name qname;
    private final int qtype;
    private final QueryBudget budget;
    private final CompletableFuture<Fetch> result = new CompletableFuture<>();

    private State state;
    private Delegation zone;
    private Name asked;
    private int askedType;
    private boolean priming;
    private boolean primeTried;
    private int referrals;
    private boolean glueRefetched;

    // the servers of the zone being asked
    private Set<InetAddress> tried;
    private List<Name> unresolved;
    private List<InetAddress> candidates;

    // the outstanding query and what came back
    private InetAddress server;
    private boolean edns;
    private long sentNanos;
    private Message response;
    private Throwable failure;

    /** @param start the zone to start from, or null for the deepest cut the cache knows */
    Iteration(IteratingFetcher it, Delegation start, Name qname, int qtype, QueryBudget budget) {
        this.it = it;
        this.zone = start;
        this.qname = qname;
        this.qtype = qtype;
        this.budget = budget;
    }

    CompletableFuture<Fetch> start() {
        if (zone == null) {
            state = State.FIND_CUT;
        } else {
            firstQuestionIn(zone);
        }
        run();
        return result;
    }

    State state() {
        return state;
    }

    /** Runs states until one waits for the network or the fetch is done. */
    private void run() {
        try {
            while (true) {
                switch (state) {
                    case FIND_CUT -> findCut();
                    case PRIME -> prime();
                    case NEXT_QUESTION -> nextQuestion();
                    case SELECT_SERVER -> selectServer();
                    case RESOLVE_NS_NAME -> {
                        if (resolveNsName()) {
                            return; // waiting for the address
                        }
                    }
                    case SEND_QUERY -> {
                        send();
                        return; // waiting for the answer
                    }
                    case HANDLE_RESPONSE -> handleResponse();
                    case DONE -> {
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            fail(e); // a spent budget, mostly
        }
    }

    private void findCut() {
        Delegation cached = it.cachedDelegation(IteratingFetcher.above(qname, qtype)); // DS lives in the parent
        if (cached == null && !primeTried) {
            state = State.PRIME;
            return;
        }
        firstQuestionIn(cached != null ? cached : it.hinted());
    }

    private void prime() {
        primeTried = true;
        priming = true;
        zone = it.hinted();
        asked = Name.root;
        askedType = Type.NS;
        beginZone();
        state = State.SELECT_SERVER;
    }

    private void firstQuestionIn(Delegation d) {
        zone = d;
        asked = it.options.qnameMinimisation() ? IteratingFetcher.nextLabel(d.zone(), qname) : qname;
        state = State.NEXT_QUESTION;
    }

    private void nextQuestion() {
        if (it.options.qnameMinimisation()) {
            // names an earlier answer showed to hold no cut (empty non-terminals, names the same servers serve):
            // not asked again, so a zone served with its parent costs one query per new name (RFC 9156 §2.4)
            while (!asked.equals(qname)) {
                IteratingFetcher.Known known = it.known(asked);
                if (known == IteratingFetcher.Known.ALIAS) {
                    asked = qname;
                } else if (known == IteratingFetcher.Known.NO_CUT) {
                    asked = IteratingFetcher.nextLabel(asked, qname);
                } else {
                    break;
                }
            }
        }
        askedType = asked.equals(qname) ? qtype : Type.A;
        beginZone();
        state = State.SELECT_SERVER;
    }

    /** Fresh server bookkeeping for a question to the current zone. */
    private void beginZone() {
        tried = new HashSet<>();
        unresolved = new ArrayList<>(zone.nsNames());
        Collections.shuffle(unresolved);
        candidates = new ArrayList<>(it.usable(zone.glue()));
        for (Name ns : zone.nsNames()) {
            candidates.addAll(it.usable(it.cachedAddresses(ns)));
        }
    }

    private void selectServer() {
        candidates.removeAll(tried);
        if (candidates.isEmpty()) {
            state = State.RESOLVE_NS_NAME;
            return;
        }
        List<InetAddress> order = it.servers.order(candidates);
        if (order.isEmpty()) {
            it.count("throttled"); // every server left has been timing out: none is asked now
            tried.addAll(candidates);
            candidates.clear();
            state = State.RESOLVE_NS_NAME;
            return;
        }
        server = order.get(0);
        tried.add(server);
        edns = !it.servers.noEdns(server);
        state = State.SEND_QUERY;
    }

    /** Starts looking up one NS name's addresses; false when none is left to look up (the zone failed). */
    private boolean resolveNsName() {
        CachingResolver resolver = it.resolver();
        boolean inZoneWithoutAddress = false;
        while (!unresolved.isEmpty() && resolver != null) {
            Name ns = unresolved.remove(0);
            if (!it.cachedAddresses(ns).isEmpty()) {
                continue; // already tried
            }
            if (ns.subdomain(zone.zone())) {
                inZoneWithoutAddress = true; // only the zone's own servers, or its parent's glue, could tell
                continue;
            }
            if (!budget.enterNsLookup(ns)) {
                continue; // already being looked up further up this query: a loop of glueless delegations
            }
            List<InetAddress> found = new ArrayList<>();
            CompletableFuture<Void> lookups = CompletableFuture.completedFuture(null);
            if (it.options.ipv4()) {
                lookups = lookups.thenCompose(v -> resolver.resolveWithin(ns, Type.A, budget))
                        .thenAccept(a -> IteratingFetcher.addAddresses(a, found));
            }
            if (it.options.ipv6()) {
                lookups = lookups.thenCompose(v -> resolver.resolveWithin(ns, Type.AAAA, budget))
                        .thenAccept(a -> IteratingFetcher.addAddresses(a, found));
            }
            lookups.whenComplete((v, e) -> {
                budget.exitNsLookup(ns);
                if (e != null) {
                    fail(Futures.cause(e));
                    return;
                }
                List<InetAddress> usable = it.usable(found);
                if (!usable.isEmpty()) {
                    candidates = new ArrayList<>(usable);
                    state = State.SELECT_SERVER;
                } else {
                    state = State.RESOLVE_NS_NAME;
                }
                run();
            });
            return true;
        }
        if (inZoneWithoutAddress && tried.isEmpty() && !glueRefetched && !zone.zone().equals(Name.root)) {
            refetchGlue();
            return false;
        }
        zoneFailed();
        return false;
    }

    /**
     * The NS set of the zone is still cached but the addresses of its in-zone servers expired (glue TTLs are often
     * shorter): ask the parent's servers again, whose referral brings fresh glue, as pdns-recursor and Unbound do.
     */
    private void refetchGlue() {
        glueRefetched = true;
        it.count("glue-refetch");
        Delegation parent = it.cachedDelegation(new Name(zone.zone(), 1));
        zone = parent != null ? parent : it.hinted();
        state = State.NEXT_QUESTION;
    }

    /** Every server of the zone failed for this question. */
    private void zoneFailed() {
        if (priming) {
            priming = false;
            state = State.FIND_CUT; // the hints then serve as the root
        } else if (!asked.equals(qname)) {
            asked = qname; // relaxed minimisation: a zone that fails on the short name may answer the full one
            state = State.NEXT_QUESTION;
        } else {
            finish(null);
        }
    }

    private void send() {
        budget.spendQuery();
        sentNanos = System.nanoTime();
        state = State.HANDLE_RESPONSE;
        it.transport.query(new InetSocketAddress(server, it.options.port()),
                new Upstream.Question(asked, askedType, false, false, edns), budget).whenComplete((m, e) -> {
                    response = m;
                    failure = e;
                    run();
                });
    }

    private void handleResponse() {
        Message m = response;
        Throwable e = failure;
        response = null;
        failure = null;
        if (e != null) {
            Throwable cause = Futures.cause(e);
            if (cause instanceof QueryBudget.Exhausted x) {
                throw x;
            }
            it.servers.timedOut(server);
            state = State.SELECT_SERVER;
            return;
        }
        if (edns && (m.getRcode() == Rcode.FORMERR || m.getRcode() == Rcode.NOTIMP)) {
            it.servers.markNoEdns(server); // RFC 6891 §7: retry without EDNS and remember
            edns = false;
            state = State.SEND_QUERY;
            return;
        }
        it.servers.answered(server, System.nanoTime() - sentNanos);
        Classified c = IteratingFetcher.classify(m, zone.zone(), asked);
        if (c.kind() == IteratingFetcher.Kind.LAME) {
            it.servers.lame(server);
            it.count("lame");
            state = State.SELECT_SERVER;
            return;
        }
        if (priming) {
            priming = false;
            if (c.kind() == IteratingFetcher.Kind.ANSWER) {
                it.primed(m);
            }
            state = State.FIND_CUT;
            return;
        }
        boolean full = asked.equals(qname);
        boolean minimise = it.options.qnameMinimisation();
        switch (c.kind()) {
            case REFERRAL -> {
                if (++referrals > it.options.maxReferrals()) {
                    it.limitHit("referrals");
                    finish(null);
                    return;
                }
                zone = it.delegationFrom(m, zone.zone(), c.newZone());
                if (!asked.subdomain(zone.zone()) || asked.equals(zone.zone())) {
                    asked = minimise ? IteratingFetcher.nextLabel(zone.zone(), qname) : qname;
                }
                if (minimise && asked.labels() <= zone.zone().labels()) {
                    asked = IteratingFetcher.nextLabel(zone.zone(), qname);
                }
                state = State.NEXT_QUESTION;
            }
            case ANSWER -> {
                if (full) {
                    finish(new Fetch(m, true, zone.zone()));
                } else {
                    it.keepMinimisedAnswer(m, asked, zone.zone());
                    // an alias on the way down: ask for the real question; else an empty non-terminal or a name
                    // with data: go one label deeper
                    asked = IteratingFetcher.hasCname(m, asked) ? qname : IteratingFetcher.nextLabel(asked, qname);
                    state = State.NEXT_QUESTION;
                }
            }
            case NXDOMAIN -> {
                if (full) {
                    finish(new Fetch(m, true, zone.zone()));
                } else {
                    it.count("qname-minimisation-fallback");
                    asked = qname; // RFC 9156 §2.3: broken servers say NXDOMAIN for empty non-terminals; check
                    state = State.NEXT_QUESTION;
                }
            }
            default -> throw new IllegalStateException("unexpected " + c.kind());
        }
    }

    private void finish(Fetch f) {
        state = State.DONE;
        result.complete(f);
    }

    private void fail(Throwable t) {
        state = State.DONE;
        result.completeExceptionally(t);
    }
}
