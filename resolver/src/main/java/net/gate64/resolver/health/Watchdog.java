package net.gate64.resolver.health;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import net.gate64.resolver.stats.Control.Status;
import net.gate64.resolver.stats.Metrics;

/**
 * Whether the event loops still run: on each {@link #tick()} (every quarter of the stall limit, from a thread of its
 * own) a small task is posted to every loop that has none pending, and the time it waited to run is its lag. A loop
 * whose task has waited longer than the limit is stalled (a hook that spins, a blocking call where none belongs, a
 * GC pause); {@link #status()} names it. The lag is exported as {@code gate64_event_loop_lag_seconds{loop}}:
 * the wait of the last task that ran, or of the one still pending when that is longer.
 */
public final class Watchdog {
    private final List<? extends EventExecutor> loops;
    private final long stallNanos;
    private final LongSupplier clock;
    private final AtomicLong[] postedAt; // 0 = nothing pending
    private final AtomicLong[] lastLag;

    public Watchdog(List<? extends EventExecutor> loops, Duration stallAfter, LongSupplier clock, Metrics metrics) {
        this.loops = List.copyOf(loops);
        this.stallNanos = stallAfter.toNanos();
        this.clock = clock;
        this.postedAt = new AtomicLong[loops.size()];
        this.lastLag = new AtomicLong[loops.size()];
        for (int i = 0; i < loops.size(); i++) {
            postedAt[i] = new AtomicLong();
            lastLag[i] = new AtomicLong();
            int loop = i;
            metrics.gaugeSeconds("gate64_event_loop_lag_seconds",
                    "How long a task posted to the event loop waited to run (the watchdog's probe)",
                    () -> lagNanos(loop) / 1e9, "loop", Integer.toString(i));
        }
    }

    /** How often {@link #tick()} should run: a quarter of the stall limit, at most every half second. */
    public Duration interval() {
        return Duration.ofNanos(Math.max(1_000_000, Math.min(stallNanos / 4, 500_000_000L)));
    }

    /** Posts a probe to every loop that has none pending. */
    public void tick() {
        for (int i = 0; i < loops.size(); i++) {
            AtomicLong posted = postedAt[i];
            if (posted.get() != 0) {
                continue; // still waiting: a stalled loop gets no pile of probes
            }
            long now = clock.getAsLong();
            posted.set(now == 0 ? 1 : now);
            int loop = i;
            try {
                loops.get(i).execute(() -> ran(loop));
            } catch (RuntimeException shuttingDown) {
                posted.set(0);
            }
        }
    }

    private void ran(int loop) {
        long posted = postedAt[loop].get();
        lastLag[loop].set(Math.max(0, clock.getAsLong() - posted));
        postedAt[loop].set(0);
    }

    long lagNanos(int loop) {
        long posted = postedAt[loop].get();
        long pending = posted == 0 ? 0 : clock.getAsLong() - posted;
        return Math.max(pending, lastLag[loop].get());
    }

    /** Failing while some loop's probe has waited longer than the limit. */
    public Status status() {
        for (int i = 0; i < loops.size(); i++) {
            long posted = postedAt[i].get();
            if (posted != 0) {
                long waited = clock.getAsLong() - posted;
                if (waited > stallNanos) {
                    return Status.failing(String.format("event loop %d has not run a task for %.1f s (health-loop-stall-msec"
                            + " is %d)", i, waited / 1e9, stallNanos / 1_000_000));
                }
            }
        }
        return Status.OK;
    }
}
