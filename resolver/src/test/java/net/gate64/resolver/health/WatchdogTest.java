package net.gate64.resolver.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.gate64.resolver.stats.Metrics;
import org.junit.jupiter.api.Test;

class WatchdogTest {
    private final AtomicLong now = new AtomicLong(1_000);

    /** A loop that runs what it is given only when the test says so. */
    static final class HeldLoop extends DefaultEventLoop {
        final List<Runnable> held = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            held.add(task);
        }

        void runHeld() {
            List<Runnable> tasks = new ArrayList<>(held);
            held.clear();
            tasks.forEach(Runnable::run);
        }
    }

    @Test
    void aLoopThatDoesNotRunItsProbeWithinTheLimitIsStalled() {
        HeldLoop a = new HeldLoop();
        HeldLoop b = new HeldLoop();
        Metrics metrics = new Metrics();
        Watchdog w = new Watchdog(List.of(a, b), Duration.ofSeconds(2), now::get, metrics);
        w.tick();
        assertEquals(1, a.held.size());
        a.runHeld();
        b.runHeld();
        assertTrue(w.status().ok());
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
        w.tick();
        a.runHeld(); // b does not run: it is busy
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500));
        w.tick();
        assertEquals(0, b.held.size() - 1, "a loop with a probe pending gets no second one");
        assertTrue(w.status().ok(), "1.5 s is within the limit");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1000));
        assertFalse(w.status().ok());
        assertTrue(w.status().reason().startsWith("event loop 1 has not run a task for 2.5 s"), w.status().reason());
        assertTrue(metrics.prometheusText().contains("gate64_event_loop_lag_seconds{loop=\"1\"} 2.5"),
                metrics.prometheusText());
        b.runHeld();
        assertTrue(w.status().ok(), "it ran: healthy again");
        a.runHeld();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        w.tick();
        a.runHeld();
        b.runHeld();
        assertTrue(metrics.prometheusText().contains("gate64_event_loop_lag_seconds{loop=\"0\"} 0.0"),
                metrics.prometheusText());
    }

    @Test
    void realLoopsRunTheirProbes() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            Watchdog w = new Watchdog(List.<EventExecutor>of(loop), Duration.ofSeconds(2), System::nanoTime, new Metrics());
            w.tick();
            CountDownLatch after = new CountDownLatch(1);
            loop.execute(after::countDown); // runs after the probe: tasks run in order
            assertTrue(after.await(30, TimeUnit.SECONDS));
            assertTrue(w.status().ok());
            assertTrue(w.lagNanos(0) >= 0);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void theTickIntervalIsAQuarterOfTheLimitAtMostHalfASecond() {
        assertEquals(Duration.ofMillis(100), new Watchdog(List.of(), Duration.ofMillis(400), now::get, new Metrics()).interval());
        assertEquals(Duration.ofMillis(500), new Watchdog(List.of(), Duration.ofSeconds(10), now::get, new Metrics()).interval());
    }
}
