package net.gate64.resolver.health;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import net.gate64.resolver.stats.Control.Status;
import net.gate64.resolver.stats.Metrics;

/**
 * The verdicts behind {@code /health} and {@code /ready}, as Kubernetes probes (and load balancers) use them:
 * <ul>
 *   <li><b>healthy</b> (liveness: restart me when this stays false): every event loop runs tasks
 *       ({@link Watchdog}) and the query backlog is not saturated ({@link BacklogCheck});</li>
 *   <li><b>ready</b> (send me queries): every listener is bound, the root is primed or a forwarder of "." answered
 *       ({@link Primer}), and healthy.</li>
 * </ul>
 * The checks run on a thread of their own, never on an event loop (a stalled loop could not report itself).
 * Exported as {@code gate64_healthy} and {@code gate64_ready} (1 or 0).
 */
public final class HealthChecks implements AutoCloseable {
    /** The {@code health-*} settings. */
    public record Settings(Duration loopStall, int backlogPercent, Duration backlogWindow) {
        public Settings {
            if (backlogPercent < 1 || backlogPercent > 100) {
                throw new IllegalArgumentException("backlog percent must be 1..100");
            }
        }
    }

    private final Watchdog watchdog;
    private final BacklogCheck backlog;
    private final Primer primer;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("gate64-watchdog").unstarted(r));
    private volatile boolean listening;

    /**
     * @param inFlight the queries being resolved now ({@code gate64_queries_in_flight})
     * @param maxInFlight {@code max-mthreads}
     */
    public HealthChecks(Settings s, List<? extends EventExecutor> loops, LongSupplier inFlight, long maxInFlight,
                        Primer primer, LongSupplier clock, Metrics metrics) {
        this.watchdog = new Watchdog(loops, s.loopStall(), clock, metrics);
        this.backlog = new BacklogCheck(inFlight, maxInFlight, s.backlogPercent(), s.backlogWindow());
        this.primer = primer;
        this.clock = clock;
        metrics.gauge("gate64_healthy", "1 while /health answers 200", () -> health().ok() ? 1 : 0);
        metrics.gauge("gate64_ready", "1 while /ready answers 200", () -> readiness().ok() ? 1 : 0);
    }

    /** Starts the watchdog and the priming. */
    public void start() {
        long every = watchdog.interval().toNanos();
        timer.scheduleWithFixedDelay(() -> {
            watchdog.tick();
            backlog.sample(clock.getAsLong());
        }, 0, every, TimeUnit.NANOSECONDS);
        primer.start();
    }

    /** Every listener is bound. */
    public void listening() {
        listening = true;
    }

    /** Completes once the root is primed (or a forwarder of "." answered). */
    public java.util.concurrent.CompletableFuture<Void> whenPrimed() {
        return primer.whenPrimed();
    }

    public Status health() {
        Status loops = watchdog.status();
        return loops.ok() ? backlog.status(clock.getAsLong()) : loops;
    }

    public Status readiness() {
        if (!listening) {
            return Status.failing("the listeners are not bound yet");
        }
        if (!primer.primed()) {
            return Status.failing(primer.waitingFor());
        }
        Status h = health();
        return h.ok() ? Status.OK : Status.failing("not healthy: " + h.reason());
    }

    @Override
    public void close() {
        primer.stop();
        timer.shutdownNow();
    }
}
