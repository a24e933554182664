package net.gate64.nat64.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.config.SessionLogSettings;
import net.gate64.nat64.state.BibEntry;
import net.gate64.nat64.state.NatEventSink;
import net.gate64.nat64.state.PortBlock;
import net.gate64.nat64.state.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session logging that never holds up translation: each event is stamped with the wall clock, copied into a
 * {@link NatEvent} and offered to every destination's bounded queue; a destination whose queue is full drops it
 * and counts the drop ({@code gate64_nat64_session_log_dropped_total{destination}}). Each destination has its own
 * thread that drains the queue into its {@link EventWriter}, so a slow disk never delays the IPFIX export (and the
 * other way round). Offering is lock-free (a CAS on the size, a lock-free linked queue) and makes no system call: an
 * idle writer thread sleeps a few milliseconds at a time instead of being woken by the workers.
 */
public final class EventLog implements NatEventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
    private static final long IDLE_NANOS = 20_000_000L;
    private static final int BATCH = 512;
    private final LongSupplier wallClock;
    private final Destination[] destinations;

    /**
     * @param writers   the destinations (none: every event is ignored)
     * @param capacity  events buffered per destination before new ones are dropped
     * @param wallClock milliseconds since the epoch (injected for tests)
     */
    public EventLog(List<EventWriter> writers, int capacity, LongSupplier wallClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive, got " + capacity);
        }
        this.wallClock = wallClock;
        this.destinations = new Destination[writers.size()];
        for (int i = 0; i < destinations.length; i++) {
            destinations[i] = new Destination(writers.get(i), capacity, wallClock);
        }
    }

    /** The destinations {@code settings} names (files and sockets opened now), or null when logging is off. */
    public static EventLog open(SessionLogSettings settings, List<Nat64Prefix> pool6) throws IOException {
        if (!settings.enabled()) {
            return null;
        }
        List<EventWriter> writers = new ArrayList<>();
        try {
            if (settings.jsonFile() != null) {
                writers.add(JsonLinesWriter.toFile(settings.jsonFile(), pool6));
            } else if (settings.jsonStdout()) {
                writers.add(JsonLinesWriter.toStream(System.out, pool6));
            }
            if (settings.ipfixCollector() != null) {
                writers.add(new IpfixExporter(settings.ipfixCollector(), settings.observationDomain(),
                        settings.templateRefresh(), pool6));
            }
        } catch (IOException e) {
            for (EventWriter w : writers) {
                w.close();
            }
            throw e;
        }
        return new EventLog(writers, settings.queue(), System::currentTimeMillis);
    }

    public void start() {
        for (Destination d : destinations) {
            d.started = true;
            d.thread.start();
        }
    }

    @Override
    public void bibCreated(BibEntry e) {
        publish(NatEvent.of(NatEvent.Type.BIB_CREATE, wallClock.getAsLong(), e));
    }

    @Override
    public void bibDeleted(BibEntry e) {
        publish(NatEvent.of(NatEvent.Type.BIB_DELETE, wallClock.getAsLong(), e));
    }

    @Override
    public void sessionCreated(Session s) {
        publish(NatEvent.of(NatEvent.Type.SESSION_CREATE, wallClock.getAsLong(), s));
    }

    @Override
    public void sessionDeleted(Session s) {
        publish(NatEvent.of(NatEvent.Type.SESSION_DELETE, wallClock.getAsLong(), s));
    }

    @Override
    public void portBlockCreated(PortBlock b) {
        publish(NatEvent.of(NatEvent.Type.PORT_BLOCK_CREATE, wallClock.getAsLong(), b));
    }

    @Override
    public void portBlockDeleted(PortBlock b) {
        publish(NatEvent.of(NatEvent.Type.PORT_BLOCK_DELETE, wallClock.getAsLong(), b));
    }

    void publish(NatEvent e) {
        for (Destination d : destinations) {
            d.offer(e);
        }
    }

    /** Per destination: events written, dropped (queue full), failed writes, now queued. */
    public List<Stats> stats() {
        List<Stats> out = new ArrayList<>(destinations.length);
        for (Destination d : destinations) {
            out.add(new Stats(d.writer.name(), d.written.get(), d.dropped.sum(), d.errors.get(), d.size.get()));
        }
        return out;
    }

    public record Stats(String destination, long written, long dropped, long errors, int queued) {}

    /** The Prometheus text of {@link #stats()} ({@code gate64_nat64_session_log_*}). */
    public void appendMetrics(StringBuilder sb) {
        List<Stats> all = stats();
        family(sb, "gate64_nat64_session_log_events_total", "counter",
                "Binding and session events handed to each session log destination.");
        all.forEach(s -> series(sb, "gate64_nat64_session_log_events_total", s.destination(), s.written()));
        family(sb, "gate64_nat64_session_log_dropped_total", "counter",
                "Session log events dropped because the destination's queue was full.");
        all.forEach(s -> series(sb, "gate64_nat64_session_log_dropped_total", s.destination(), s.dropped()));
        family(sb, "gate64_nat64_session_log_errors_total", "counter", "Failed session log writes or sends.");
        all.forEach(s -> series(sb, "gate64_nat64_session_log_errors_total", s.destination(), s.errors()));
        family(sb, "gate64_nat64_session_log_queued", "gauge", "Session log events waiting to be written.");
        all.forEach(s -> series(sb, "gate64_nat64_session_log_queued", s.destination(), s.queued()));
    }

    private static void family(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                .append(type).append('\n');
    }

    private static void series(StringBuilder sb, String name, String destination, long value) {
        sb.append(name).append("{destination=\"").append(destination).append("\"} ").append(value).append('\n');
    }

    /** Writes what is queued, then closes the writers. Events published after this are dropped. */
    @Override
    public void close() {
        for (Destination d : destinations) {
            d.running = false;
            if (d.started) {
                LockSupport.unpark(d.thread);
            } else {
                d.run(); // never started: write what is queued and close the writer here
            }
        }
        for (Destination d : destinations) {
            try {
                d.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("session log {}: {} events written, {} dropped, {} errors", d.writer.name(), d.written.get(),
                    d.dropped.sum(), d.errors.get());
        }
    }

    private static final class Destination implements Runnable {
        final EventWriter writer;
        final int capacity;
        final LongSupplier clock;
        final ConcurrentLinkedQueue<NatEvent> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
        final LongAdder dropped = new LongAdder();
        final AtomicLong written = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final Thread thread;
        volatile boolean running = true;
        boolean started;
        private long lastTick;
        private long lastErrorLog = Long.MIN_VALUE;

        Destination(EventWriter writer, int capacity, LongSupplier clock) {
            this.writer = writer;
            this.capacity = capacity;
            this.clock = clock;
            this.thread = Thread.ofPlatform().daemon().name("nat64-log-" + writer.name()).unstarted(this);
        }

        void offer(NatEvent e) {
            if (!running) {
                dropped.increment();
                return;
            }
            if (size.getAndIncrement() >= capacity) {
                size.getAndDecrement();
                dropped.increment();
                return;
            }
            queue.offer(e);
        }

        @Override
        public void run() {
            try {
                tick();
                while (running) {
                    int n = drain();
                    if (clock.getAsLong() - lastTick >= 1000) {
                        tick();
                    }
                    if (n == 0) {
                        LockSupport.parkNanos(IDLE_NANOS);
                    }
                }
                while (drain() > 0) {
                    // what was queued before close() still goes out
                }
            } finally {
                try {
                    writer.close();
                } catch (IOException e) {
                    failed("close", e);
                }
            }
        }

        private int drain() {
            int n = 0;
            NatEvent e;
            while (n < BATCH && (e = queue.poll()) != null) {
                size.getAndDecrement();
                n++;
                try {
                    writer.write(e);
                    written.incrementAndGet();
                } catch (IOException | RuntimeException ex) {
                    failed("write", ex);
                }
            }
            if (n > 0) {
                try {
                    writer.flush();
                } catch (IOException | RuntimeException ex) {
                    failed("flush", ex);
                }
            }
            return n;
        }

        private void tick() {
            lastTick = clock.getAsLong();
            try {
                writer.tick(lastTick);
            } catch (IOException | RuntimeException ex) {
                failed("tick", ex);
            }
        }

        /** Counted every time; logged at most once a minute per destination. */
        private void failed(String what, Exception e) {
            errors.incrementAndGet();
            long now = clock.getAsLong();
            if (now - lastErrorLog >= 60_000 || lastErrorLog == Long.MIN_VALUE) {
                lastErrorLog = now;
                LOG.warn("session log {}: {} failed: {} (counted in gate64_nat64_session_log_errors_total; "
                        + "logged at most once a minute)", writer.name(), what, e.toString());
            }
        }
    }
}
