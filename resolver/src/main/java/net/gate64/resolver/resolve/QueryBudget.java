package net.gate64.resolver.resolve;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work one client query may cause: outgoing queries and wall time. Exhausting it ends resolution with
 * SERVFAIL; the limit that was hit is named so it can be counted.
 */
public final class QueryBudget {
    /** Thrown when a limit is hit. */
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
    private final AtomicInteger queries = new AtomicInteger();
    private final int maxNsAddressQueries;
    private final int maxDepth;
    private int nsAddressQueries;
    private int depth;
    private final java.util.Set<org.xbill.DNS.Name> resolvingNs = new java.util.HashSet<>();

    public QueryBudget(int maxQueries, long maxNanos) {
        this(maxQueries, maxNanos, 10, 16);
    }

    /**
     * @param maxNsAddressQueries NS names whose addresses may be looked up for one client query (NXNS defence)
     * @param maxDepth how deep NS-address lookups may nest
     */
    public QueryBudget(int maxQueries, long maxNanos, int maxNsAddressQueries, int maxDepth) {
        this.maxQueries = maxQueries;
        this.deadlineNanos = System.nanoTime() + maxNanos;
        this.maxNsAddressQueries = maxNsAddressQueries;
        this.maxDepth = maxDepth;
    }

    /** Nanoseconds left before the wall-time limit. */
    public long nanosLeft() {
        return deadlineNanos - System.nanoTime();
    }

    /**
     * Starts looking up the address of NS name {@code ns}; false when that lookup is already under way in this
     * query (a loop of glueless delegations). Throws when the NS-address or depth budget is spent.
     */
    public synchronized boolean enterNsLookup(org.xbill.DNS.Name ns) {
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

    public synchronized void exitNsLookup(org.xbill.DNS.Name ns) {
        resolvingNs.remove(ns);
        depth--;
    }

    /** Records one outgoing query, or throws when the budget does not allow it. */
    public void spendQuery() {
        if (System.nanoTime() > deadlineNanos) {
            throw new Exhausted("time");
        }
        if (queries.incrementAndGet() > maxQueries) {
            throw new Exhausted("outgoing-queries");
        }
    }

    public int queries() {
        return queries.get();
    }
}
