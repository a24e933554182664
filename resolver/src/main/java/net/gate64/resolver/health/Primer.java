package net.gate64.resolver.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gets the resolver ready to resolve before it says it is: asks for the root's NS set once at start, from the
 * root hints when it iterates (RFC 8109 priming), or from the forwarders of "." when it only forwards, and repeats
 * with back-off (1 s, doubling to 30 s) until one attempt succeeds. After that it stays primed: the iterator keeps
 * the root NS set fresh as it expires, and an upstream failure later is a matter for {@code /health} and the metrics,
 * not a reason to take every replica out of service at once.
 */
public final class Primer {
    /** Runs a task later (an event loop's {@code schedule} outside tests). */
    public interface Scheduler {
        void schedule(Runnable task, long delay, TimeUnit unit);
    }

    private static final long FIRST_RETRY_MS = 1000;
    private static final long MAX_RETRY_MS = 30_000;

    private final Supplier<CompletableFuture<Boolean>> attempt;
    private final Scheduler scheduler;
    private final String what;
    private volatile boolean primed;
    private final CompletableFuture<Void> whenPrimed = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile String lastFailure = "not tried yet";
    private volatile int attempts;
    private long retryMs = FIRST_RETRY_MS;

    /**
     * @param attempt one try; completes true when the answer came (a failed future counts as false)
     * @param what what is awaited, for the readiness reason ("the root to be primed from the hints")
     */
    public Primer(Supplier<CompletableFuture<Boolean>> attempt, Scheduler scheduler, String what) {
        this.attempt = attempt;
        this.scheduler = scheduler;
        this.what = what;
    }

    public void start() {
        tryOnce();
    }

    /** No further attempts (the recursor is closing). */
    public void stop() {
        stopped = true;
    }

    public boolean primed() {
        return primed;
    }

    /** Completes when an attempt succeeded (never, if none does). */
    public CompletableFuture<Void> whenPrimed() {
        return whenPrimed.copy();
    }

    /** Why it is not primed yet, for the readiness reason. */
    public String waitingFor() {
        return "waiting for " + what + " (" + attempts + " attempt" + (attempts == 1 ? "" : "s") + ", last: "
                + lastFailure + ")";
    }

    private void tryOnce() {
        if (stopped || primed) {
            return;
        }
        attempts++;
        CompletableFuture<Boolean> f;
        try {
            f = attempt.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((ok, e) -> {
            if (e == null && Boolean.TRUE.equals(ok)) {
                primed = true;
                whenPrimed.complete(null);
                return;
            }
            lastFailure = e != null ? String.valueOf(e.getCause() != null ? e.getCause() : e) : "no usable answer";
            long delay = retryMs;
            retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
            if (!stopped) {
                try {
                    scheduler.schedule(this::tryOnce, delay, TimeUnit.MILLISECONDS);
                } catch (RuntimeException shuttingDown) {
                    // the loop is gone: so is the recursor
                }
            }
        });
    }
}
