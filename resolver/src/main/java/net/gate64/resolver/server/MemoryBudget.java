package net.gate64.resolver.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all in-flight work may hold together ({@code max-inflight-bytes}): copies of queries on the slow path
 * with an allowance for their resolution state, and answers queued on TCP connections not yet taken by the kernel.
 * A reservation that would pass the limit fails: the query is dropped ({@code gate64_drops_total{reason="memory"}}),
 * or the TCP connection that wanted to queue more is closed.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public MemoryBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** Takes {@code bytes} from the budget, or nothing and false when they do not fit. */
    public boolean tryReserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /**
     * Takes {@code bytes} even past the limit (always true): for the one answer a TCP connection with nothing queued
     * may always have, so that a full budget closes the connections that hoard, not every TCP client. What this can
     * add past the limit is bounded by max-tcp-clients answers.
     */
    public boolean reserveAnyway(long bytes) {
        used.addAndGet(bytes);
        return true;
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
