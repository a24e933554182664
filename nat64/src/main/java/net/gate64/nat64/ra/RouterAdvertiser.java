package net.gate64.nat64.ra;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.config.RaSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Router Advertisements with the NAT64 prefix (PREF64, RFC 8781) and optionally RDNSS (RFC 8106) on the
 * configured interfaces, so that hosts learn the prefix the way current Android, iOS and macOS do. One thread for
 * all interfaces: unsolicited advertisements on {@link RaSchedule}'s timetable, an answer to each Router
 * Solicitation (rate-limited to one per 3 s), and when stopping a last advertisement with every lifetime zero, which
 * withdraws the prefix and the DNS servers from the hosts (RFC 4861 §6.2.5, RFC 8781 §5).
 *
 * <p>The lifetimes advertised are three times {@code interval} (RFC 8781 §4.1 and RFC 8106 §5.1 ask for at least
 * that; PREF64 is capped at 65528 s). With router lifetime 0 (the default) the host does not take this machine as its
 * default router; it still uses the options.
 */
public final class RouterAdvertiser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterAdvertiser.class);
    private static final long RETRY_NANOS = 1_000_000_000L;

    /** One interface's counters. */
    public record Stats(String iface, long sent, long solicitations, long errors) {}

    private static final class Link {
        final Icmp6Socket socket;
        final byte[] mac;
        long next;
        long last = Long.MIN_VALUE;
        int sent;
        final AtomicLong sentTotal = new AtomicLong();
        final AtomicLong solicitations = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        long lastErrorLog = Long.MIN_VALUE;

        Link(Icmp6Socket socket, byte[] mac, long now) {
            this.socket = socket;
            this.mac = mac;
            this.next = now;
        }
    }

    private final RaSettings settings;
    private final LongSupplier clock;
    private final RaSchedule schedule;
    private final List<Link> links = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private RouterAdvertiser(RaSettings settings, LongSupplier nanoClock, RandomGenerator random) {
        this.settings = settings;
        this.clock = nanoClock;
        this.schedule = new RaSchedule(settings.interval(), random);
        this.thread = Thread.ofPlatform().daemon().name("nat64-ra").unstarted(this::run);
    }

    /** Opens a socket on every interface (failing on the first that does not exist) and starts advertising. */
    public static RouterAdvertiser start(RaSettings settings) throws IOException {
        RouterAdvertiser ra = new RouterAdvertiser(settings, System::nanoTime, RandomGenerator.getDefault());
        long now = System.nanoTime();
        try {
            for (String name : settings.interfaces()) {
                ra.links.add(new Link(Icmp6Socket.open(name), macOf(name), now));
            }
        } catch (IOException e) {
            ra.closeSockets();
            throw e;
        }
        ra.thread.start();
        LOG.info("router advertisements on {}: pref64={} rdnss={} interval={}s router-lifetime={}s", settings.interfaces(),
                settings.pref64(), settings.rdnss().stream().map(Nat64Prefix::format).toList(),
                settings.interval().toSeconds(), settings.routerLifetime().toSeconds());
        return ra;
    }

    /** The interface's Ethernet address for the source link-layer address option, or null (no MAC, e.g. a TUN). */
    private static byte[] macOf(String name) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            byte[] mac = nif == null ? null : nif.getHardwareAddress();
            return mac != null && mac.length == 6 ? mac : null;
        } catch (SocketException e) {
            return null;
        }
    }

    private byte[] message(Link l, boolean last) {
        Duration lifetime = last ? Duration.ZERO : settings.optionLifetime();
        return RouterAdvertisement.encode(last ? Duration.ZERO : settings.routerLifetime(), l.mac, settings.pref64(),
                lifetime, settings.rdnss(), lifetime);
    }

    private void run() {
        Icmp6Socket[] sockets = links.stream().map(l -> l.socket).toArray(Icmp6Socket[]::new);
        while (running) {
            long now = clock.getAsLong();
            long wake = Long.MAX_VALUE;
            for (Link l : links) {
                if (now - l.next >= 0) {
                    if (send(l, false, now)) {
                        l.sent++;
                        l.last = now;
                        l.next = schedule.nextUnsolicited(now, l.sent);
                    } else {
                        l.next = now + RETRY_NANOS; // e.g. the link-local address is still tentative (DAD)
                    }
                }
                wake = Math.min(wake, l.next - now);
            }
            int millis = (int) Math.max(1, Math.min(wake / 1_000_000, 1000)); // at least once a second: see running
            boolean[] ready = Icmp6Socket.awaitReadable(sockets, millis);
            for (int i = 0; i < ready.length; i++) {
                if (!ready[i]) {
                    continue;
                }
                Link l = links.get(i);
                try {
                    int rs = l.socket.drainSolicitations();
                    if (rs > 0) {
                        l.solicitations.addAndGet(rs);
                        l.next = schedule.solicited(clock.getAsLong(), l.last, l.next);
                    }
                } catch (IOException e) {
                    failed(l, e, clock.getAsLong());
                }
            }
        }
        for (Link l : links) {
            send(l, true, clock.getAsLong()); // withdraw the prefix and the DNS servers
        }
        closeSockets();
    }

    private boolean send(Link l, boolean last, long now) {
        try {
            if (l.socket.source() == null) {
                return false; // no usable link-local address yet (duplicate address detection still running)
            }
            l.socket.sendAllNodes(message(l, last));
            l.sentTotal.incrementAndGet();
            return true;
        } catch (IOException e) {
            failed(l, e, now);
            return false;
        }
    }

    private void failed(Link l, IOException e, long now) {
        l.errors.incrementAndGet();
        if (l.lastErrorLog == Long.MIN_VALUE || now - l.lastErrorLog > 60_000_000_000L) {
            l.lastErrorLog = now;
            LOG.warn("router advertisement: {} (counted; logged at most once a minute per interface)", e.getMessage());
        }
    }

    private void closeSockets() {
        for (Link l : links) {
            l.socket.close();
        }
    }

    public List<Stats> stats() {
        List<Stats> out = new ArrayList<>();
        for (Link l : links) {
            out.add(new Stats(l.socket.name(), l.sentTotal.get(), l.solicitations.get(), l.errors.get()));
        }
        return out;
    }

    /** The Prometheus text of {@link #stats()} ({@code gate64_nat64_ra_*}). */
    public void appendMetrics(StringBuilder sb) {
        List<Stats> all = stats();
        family(sb, "gate64_nat64_ra_sent_total", "Router Advertisements sent, by interface.");
        all.forEach(s -> series(sb, "gate64_nat64_ra_sent_total", s.iface(), s.sent()));
        family(sb, "gate64_nat64_ra_solicitations_total", "Router Solicitations received, by interface.");
        all.forEach(s -> series(sb, "gate64_nat64_ra_solicitations_total", s.iface(), s.solicitations()));
        family(sb, "gate64_nat64_ra_errors_total", "Router Advertisements that could not be sent, by interface.");
        all.forEach(s -> series(sb, "gate64_nat64_ra_errors_total", s.iface(), s.errors()));
    }

    private static void family(StringBuilder sb, String name, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
    }

    private static void series(StringBuilder sb, String name, String iface, long v) {
        sb.append(name).append("{interface=\"").append(iface).append("\"} ").append(v).append('\n');
    }

    /** Waits until the advertiser stops (after {@link #close}). */
    public void join() throws InterruptedException {
        thread.join();
    }

    /** Sends the final advertisement (lifetimes zero) on every interface, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
