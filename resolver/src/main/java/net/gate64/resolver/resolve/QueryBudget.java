package net.gate64.resolver.resolve;

import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The work one client query may cause — outgoing queries, NS-address lookups, their nesting and wall time — and the
 * event loop that owns the query: every outgoing query it causes is a channel on that loop, and every step runs there.
 * Exhausting a limit ends resolution with SERVFAIL; the limit that was hit is named so it can be counted.
 *
 * <p>The deadline ({@code max-total-msec}) bounds every upstream read, UDP and TCP: a server that drips its answer
 * cannot hold the query past it.
 */
public final class QueryBudget {
    /** Thrown (or carried by a failed future) when a limit is hit. */
    public static final class Exhausted extends RuntimeException {
        private final String limit;

        public Exhausted(String limit) {
            super("query budget exhausted: " + limit, null, false, false);
            this.limit = limit;
        }

        public String limit() {
            return limit;
        }
    }

    private final int maxQueries;
    private final long deadlineNanos;
    private final int maxNsAddressQueries;
    private final int maxDepth;
    private final EventLoop loop;
    private int queries;
    private int nsAddressQueries;
    private int depth;
    private final Set<Name> resolvingNs = new HashSet<>();
    private Trace trace;

    /**
     * @param maxNsAddressQueries NS names whose addresses may be looked up for one client query (NXNS defence)
     * @param maxDepth how deep NS-address lookups may nest
     * @param loop the event loop that owns the query
     */
    public QueryBudget(int maxQueries, long maxNanos, int maxNsAddressQueries, int maxDepth, EventLoop loop) {
        this.maxQueries = maxQueries;
        this.deadlineNanos = System.nanoTime() + maxNanos;
        this.maxNsAddressQueries = maxNsAddressQueries;
        this.maxDepth = maxDepth;
        this.loop = loop;
    }

    /** The trace of this query ({@code trace-regex}), or null when it is not traced. */
    public Trace trace() {
        return trace;
    }

    /** Traces this query's steps into {@code t} (null: none). */
    public void trace(Trace t) {
        this.trace = t;
    }

    /** The event loop the query runs on. */
    public EventLoop loop() {
        return loop;
    }

    /** The absolute deadline ({@link System#nanoTime()} scale). */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Nanoseconds left before the wall-time limit. */
    public long nanosLeft() {
        return deadlineNanos - System.nanoTime();
    }

    /**
     * Starts looking up the address of NS name {@code ns}; false when that lookup is already under way in this
     * query (a loop of glueless delegations). Throws when the NS-address or depth budget is spent.
     */
    public synchronized boolean enterNsLookup(Name ns) {
        if (resolvingNs.contains(ns)) {
            return false;
        }
        if (++nsAddressQueries > maxNsAddressQueries) {
            throw new Exhausted("ns-address-queries");
        }
        if (++depth > maxDepth) {
            depth--;
            throw new Exhausted("recursion-depth");
        }
        resolvingNs.add(ns);
        return true;
    }

    public synchronized void exitNsLookup(Name ns) {
        resolvingNs.remove(ns);
        depth--;
    }

    /** Records one outgoing query, or throws when the budget does not allow it. */
    public synchronized void spendQuery() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new Exhausted("time");
        }
        if (++queries > maxQueries) {
            throw new Exhausted("outgoing-queries");
        }
    }

    public synchronized int queries() {
        return queries;
    }
}
