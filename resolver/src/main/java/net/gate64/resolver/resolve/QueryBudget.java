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

    public QueryBudget(int maxQueries, long maxNanos) {
        this.maxQueries = maxQueries;
        this.deadlineNanos = System.nanoTime() + maxNanos;
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
