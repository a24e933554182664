package net.gate64.nat64;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /health} and {@code /ready} report, from the gateway's real state.
 *
 * <ul>
 *   <li><b>health</b> (liveness: restart me when it fails): every worker thread is running and has come round its
 *       loop within {@link #STALL_NANOS} (a worker beats after each wait for packets, at least every 200 ms when
 *       idle, and every {@value #BEAT_EVERY} packets when busy), and in stateful mode the expiry sweep ran within
 *       that time too. A worker that stopped (fatal TUN error) or hangs fails it.</li>
 *   <li><b>ready</b> (send me traffic): healthy, started, not stopping, and the TUN interface exists and is up
 *       and running (IFF_UP and IFF_RUNNING: someone may have set it down, or deleted it).</li>
 * </ul>
 * Pure: the inputs are handed in, so the rules are tested without a device.
 */
public final class GatewayHealth {
    /** How long a worker or the sweep may go without a beat before the gateway counts as hung. */
    static final long STALL_NANOS = 10_000_000_000L;
    /** Packets a busy worker handles between beats. */
    static final int BEAT_EVERY = 1024;

    private GatewayHealth() {}

    /** One worker's beat, written only by that worker. */
    static final class Beat {
        volatile long at;
        /** Null while running; why it stopped otherwise. */
        volatile String stopped;

        Beat(long now) {
            at = now;
        }
    }

    /** A verdict and the lines that explain it (failures first). */
    public record Report(boolean ok, List<String> lines) {
        public Report {
            lines = List.copyOf(lines);
        }

        /** The response body: {@code okWord} or {@code badWord}, then one line per check. */
        public String text(String okWord, String badWord) {
            StringBuilder sb = new StringBuilder(ok ? okWord : badWord).append('\n');
            for (String l : lines) {
                sb.append(l).append('\n');
            }
            return sb.toString();
        }
    }

    /** The TUN interface as the kernel sees it. */
    public enum Link { UP, DOWN, MISSING }

    /**
     * @param lastSweep nanotime of the last expiry sweep, or {@code Long.MIN_VALUE} when there is none (SIIT)
     * @param started   whether start() finished (before that the sweep has had no chance to run)
     */
    static Report health(long now, List<Beat> beats, long lastSweep, boolean started) {
        List<String> bad = new ArrayList<>();
        List<String> good = new ArrayList<>();
        if (!started) {
            bad.add("starting");
        }
        int running = 0; // workers beating in time
        for (int i = 0; i < beats.size(); i++) {
            Beat b = beats.get(i);
            long idle = now - b.at;
            if (b.stopped != null) {
                bad.add("worker " + i + ": stopped (" + b.stopped + ")");
            } else if (idle > STALL_NANOS) {
                bad.add("worker " + i + ": no progress for " + seconds(idle) + " s");
            } else {
                running++;
            }
        }
        if (started) {
            good.add("workers: " + running + " of " + beats.size() + " running");
        }
        if (started && lastSweep != Long.MIN_VALUE) {
            long since = now - lastSweep;
            (since > STALL_NANOS ? bad : good).add("expiry sweep: last ran " + seconds(since) + " s ago");
        }
        boolean ok = bad.isEmpty();
        bad.addAll(good);
        return new Report(ok, bad);
    }

    /** Readiness: {@code health} plus the interface, and not while stopping. */
    static Report ready(Report health, String tunName, Link link, boolean stopping) {
        List<String> bad = new ArrayList<>();
        if (stopping) {
            bad.add("stopping");
        }
        String tun = "tun " + tunName + ": " + link.name().toLowerCase();
        List<String> lines = new ArrayList<>(bad);
        if (link != Link.UP) {
            lines.add(tun);
        }
        lines.addAll(health.lines());
        if (link == Link.UP) {
            lines.add(tun);
        }
        return new Report(health.ok() && link == Link.UP && !stopping, lines);
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
