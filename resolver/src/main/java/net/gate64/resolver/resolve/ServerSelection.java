package net.gate64.resolver.resolve;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What we know about each authoritative server: smoothed round-trip time (exponentially weighted, as BIND and
 * Unbound do), consecutive timeouts (throttling an unresponsive server for a while) and whether it chokes on EDNS.
 * Servers never measured get a small random SRTT so every server is explored before the fastest is favoured, and a
 * little jitter keeps a slower server from being starved of fresh measurements.
 */
public final class ServerSelection {
    private static final double UNKNOWN_MS = 50;
    private static final double TIMEOUT_PENALTY_MS = 2000;
    private static final int THROTTLE_AFTER = 3;
    private static final long THROTTLE_NANOS = 60_000_000_000L;

    private static final class Server {
        volatile double srttMs;
        volatile int timeouts;
        volatile long throttledUntil;
        volatile boolean noEdns;

        Server(double srtt) {
            srttMs = srtt;
        }
    }

    private final ConcurrentHashMap<InetAddress, Server> servers = new ConcurrentHashMap<>();

    private Server of(InetAddress a) {
        return servers.computeIfAbsent(a, k -> new Server(ThreadLocalRandom.current().nextDouble(UNKNOWN_MS)));
    }

    /** The addresses best first; throttled servers last (still tried when nothing else answers). */
    public List<InetAddress> order(List<InetAddress> addresses) {
        long now = System.nanoTime();
        List<InetAddress> out = new ArrayList<>(addresses);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        java.util.Map<InetAddress, Double> key = new java.util.HashMap<>();
        for (InetAddress a : out) {
            Server s = of(a);
            double k = s.srttMs * (0.9 + 0.2 * r.nextDouble());
            if (s.throttledUntil > now) {
                k += 1e9;
            }
            key.put(a, k);
        }
        out.sort(Comparator.comparingDouble(key::get));
        return out;
    }

    public void answered(InetAddress a, long rttNanos) {
        Server s = of(a);
        s.srttMs = 0.7 * s.srttMs + 0.3 * (rttNanos / 1e6);
        s.timeouts = 0;
        s.throttledUntil = 0;
    }

    public void timedOut(InetAddress a) {
        Server s = of(a);
        s.srttMs = Math.max(s.srttMs * 2, TIMEOUT_PENALTY_MS);
        if (++s.timeouts >= THROTTLE_AFTER) {
            s.throttledUntil = System.nanoTime() + THROTTLE_NANOS;
        }
    }

    /** A lame or broken answer: the server is as good as slow for this purpose. */
    public void lame(InetAddress a) {
        Server s = of(a);
        s.srttMs = Math.max(s.srttMs * 1.5, 500);
    }

    public boolean noEdns(InetAddress a) {
        Server s = servers.get(a);
        return s != null && s.noEdns;
    }

    public void markNoEdns(InetAddress a) {
        of(a).noEdns = true;
    }

    public double srttMs(InetAddress a) {
        return of(a).srttMs;
    }
}
