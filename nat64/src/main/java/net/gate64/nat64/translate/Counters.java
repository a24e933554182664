package net.gate64.nat64.translate;

import java.util.concurrent.atomic.LongAdder;

/** Packet counters shared by all worker threads (LongAdder: each thread mostly touches its own cell). */
public final class Counters {
    public final LongAdder translated6to4 = new LongAdder();
    public final LongAdder translated4to6 = new LongAdder();
    public final LongAdder bytes6to4 = new LongAdder();
    public final LongAdder bytes4to6 = new LongAdder();
    public final LongAdder hairpinned = new LongAdder();
    public final LongAdder icmpErrorsSent = new LongAdder();
    /** Errors the gateway would have originated but the rate limit suppressed. */
    public final LongAdder icmpErrorsSuppressed = new LongAdder();
    public final LongAdder received6 = new LongAdder();
    public final LongAdder received4 = new LongAdder();
    public final LongAdder writeErrors = new LongAdder();
    /** Packets whose handling threw (a bug): dropped, logged, the worker carries on. */
    public final LongAdder handlerFailures = new LongAdder();
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];

    public Counters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    public void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }
}
