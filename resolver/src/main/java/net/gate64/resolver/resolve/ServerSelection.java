package net.gate64.resolver.resolve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * What we know about each server (authorities by address, forwarders by address and port): smoothed round-trip time
 * (exponentially weighted, as BIND and Unbound do), consecutive timeouts, and whether it chokes on EDNS. Servers
 * never measured get a small random SRTT so every server is explored before the fastest is favoured, and a little
 * jitter keeps a slower server from being starved of fresh measurements.
 *
 * <p>A server that times out {@value #THROTTLE_AFTER} times in a row is throttled: skipped while another server of
 * the same set is available, and not asked at all while every one is throttled (the query fails at once instead of
 * waiting out a timeout per dead server, as pdns-recursor throttles and Unbound's infrastructure cache backs off).
 * The throttle lasts 5 s, doubling with each further timeout up to 60 s; the first query after it ends probes the
 * server, and an answer clears it.
 */
public final class ServerSelection<K> {
    private static final double UNKNOWN_MS = 50;
    private static final double TIMEOUT_PENALTY_MS = 2000;
    static final int THROTTLE_AFTER = 2;
    private static final long THROTTLE_BASE_NANOS = 5_000_000_000L;
    private static final long THROTTLE_MAX_NANOS = 60_000_000_000L;

    private static final class Server {
        volatile double srttMs;
        volatile int timeouts;
        volatile long throttledUntil;
        volatile boolean throttled;
        volatile boolean noEdns;
        volatile boolean measured; // answered or timed out at least once

        Server(double srtt) {
            srttMs = srtt;
        }
    }

    private final ConcurrentHashMap<K, Server> servers = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public ServerSelection() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, for tests that move time by hand */
    public ServerSelection(LongSupplier clock) {
        this.clock = clock;
    }

    private Server of(K a) {
        return servers.computeIfAbsent(a, k -> new Server(ThreadLocalRandom.current().nextDouble(UNKNOWN_MS)));
    }

    /** The servers to ask, best first: throttled ones left out (all of them, when every one is throttled). */
    public List<K> order(List<K> addresses) {
        long now = clock.getAsLong();
        int n = addresses.size();
        List<K> out = new ArrayList<>(n);
        double[] keys = new double[n];
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (K a : addresses) {
            Server s = of(a);
            if (s.throttled && now - s.throttledUntil < 0) {
                continue;
            }
            // insertion by jittered SRTT: the lists are a handful of servers long
            double k = s.srttMs * (0.9 + 0.2 * r.nextDouble());
            int at = out.size();
            while (at > 0 && keys[at - 1] > k) {
                keys[at] = keys[at - 1];
                at--;
            }
            keys[at] = k;
            out.add(at, a);
        }
        return out;
    }

    /** Whether {@code a} is throttled now. */
    public boolean throttled(K a) {
        Server s = servers.get(a);
        return s != null && s.throttled && clock.getAsLong() - s.throttledUntil < 0;
    }

    public void answered(K a, long rttNanos) {
        Server s = of(a);
        s.srttMs = 0.7 * s.srttMs + 0.3 * (rttNanos / 1e6);
        s.measured = true;
        s.timeouts = 0;
        s.throttled = false;
    }

    public void timedOut(K a) {
        Server s = of(a);
        s.srttMs = Math.max(s.srttMs * 2, TIMEOUT_PENALTY_MS);
        s.measured = true;
        int n = ++s.timeouts;
        if (n >= THROTTLE_AFTER) {
            long backoff = THROTTLE_BASE_NANOS << Math.min(n - THROTTLE_AFTER, 4);
            s.throttledUntil = clock.getAsLong() + Math.min(backoff, THROTTLE_MAX_NANOS);
            s.throttled = true;
        }
    }

    /** A lame or broken answer: the server is as good as slow for this purpose. */
    public void lame(K a) {
        Server s = of(a);
        s.srttMs = Math.max(s.srttMs * 1.5, 500);
    }

    public boolean noEdns(K a) {
        Server s = servers.get(a);
        return s != null && s.noEdns;
    }

    public void markNoEdns(K a) {
        of(a).noEdns = true;
    }

    public double srttMs(K a) {
        return of(a).srttMs;
    }

    /** What is known about one server, for the stats page and the control CLI. */
    public record Known<K>(K server, double srttMs, int timeouts, boolean throttled) {}

    /** Every server that answered or timed out so far (at most {@code max}, best SRTT first). */
    public List<Known<K>> known(int max) {
        long now = clock.getAsLong();
        List<Known<K>> out = new ArrayList<>();
        servers.forEach((k, s) -> {
            if (s.measured) {
                out.add(new Known<>(k, s.srttMs, s.timeouts, s.throttled && now - s.throttledUntil < 0));
            }
        });
        out.sort(Comparator.comparingDouble(Known::srttMs));
        return out.size() > max ? List.copyOf(out.subList(0, max)) : out;
    }
}
