package net.gate64.resolver.resolve;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Sends questions for forward zones to their servers (longest zone match; "." catches all): RD=1 for
 * forward-zones-recurse, RD=0 for forward-zones. Servers are tried best first by smoothed RTT (unmeasured ones in
 * random order), each once per question; SERVFAIL, REFUSED and silence move on to the next. A forwarder that keeps
 * timing out is throttled ({@link ServerSelection}): skipped while another answers, and when every one of a zone's
 * forwarders is throttled the question fails at once instead of waiting out their timeouts. Questions outside every forward zone go to {@code next}
 * (the iterator), or fail when there is none. For RD=0 zones a referral to a subzone is followed by iterating from
 * it, and later questions under a subzone whose NS set is cached go straight to its servers, as in PowerDNS.
 */
public final class ForwardingFetcher implements Fetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingFetcher.class);

    private final Map<Name, ForwardZone> zones;
    private final Upstream transport;
    private final Fetcher next;
    private final IteratingFetcher iterator;
    private final ServerSelection<InetSocketAddress> selection;
    private final java.util.concurrent.atomic.LongAdder throttledSkips;

    public ForwardingFetcher(Map<Name, ForwardZone> zones, Upstream transport, Fetcher next,
                             ServerSelection<InetSocketAddress> selection, net.gate64.resolver.stats.Metrics metrics) {
        this.selection = selection;
        this.throttledSkips = metrics.counter("gate64_iterator_events_total", "Iterator events, by kind", "kind",
                "forwarder-throttled");
        this.zones = Map.copyOf(zones);
        this.transport = transport;
        this.next = next;
        this.iterator = next instanceof IteratingFetcher it ? it : null;
    }

    /** The forward zone covering {@code name}, or null. */
    public ForwardZone zoneFor(Name name) {
        if (zones.isEmpty()) {
            return null;
        }
        Name n = name;
        while (true) {
            ForwardZone z = zones.get(n);
            if (z != null || n.labels() <= 1) {
                return z;
            }
            n = new Name(n, 1);
        }
    }

    @Override
    public CompletableFuture<Fetch> fetch(Name name, int type, QueryBudget budget) {
        ForwardZone zone = zoneFor(name);
        if (zone == null) {
            return next == null ? CompletableFuture.completedFuture(null) : next.fetch(name, type, budget);
        }
        if (!zone.recurse() && iterator != null) {
            CompletableFuture<Fetch> below = iterator.fetchBelow(zone.zone(), name, type, budget); // a subzone we learned
            if (below != null) {
                return below;
            }
        }
        if (budget.trace() != null) {
            budget.trace().note("forward zone " + zone.zone() + (zone.recurse() ? " (recurse)" : "") + ": "
                    + zone.servers().stream().map(a -> a.getAddress().getHostAddress() + "#" + a.getPort()).toList());
        }
        return new Attempt(zone, name, type, budget).next();
    }

    /** The zone's servers, one after another from a random start, until one answers usefully. */
    private final class Attempt {
        final ForwardZone zone;
        final Name name;
        final int type;
        final QueryBudget budget;
        final List<InetSocketAddress> servers;
        int i;
        Message last;

        Attempt(ForwardZone zone, Name name, int type, QueryBudget budget) {
            this.zone = zone;
            this.name = name;
            this.type = type;
            this.budget = budget;
            this.servers = selection.order(zone.servers());
            if (servers.isEmpty()) {
                throttledSkips.increment(); // every forwarder of the zone has been timing out: fail now
            }
        }

        CompletableFuture<Fetch> next() {
            if (i >= servers.size()) {
                return CompletableFuture.completedFuture(last == null ? null : fetch(last));
            }
            InetSocketAddress server = servers.get(i++);
            long sent = System.nanoTime();
            return Futures.guard(() -> {
                budget.spendQuery();
                return transport.query(server, new Upstream.Question(name, type, zone.recurse(), false), budget);
            }).handle((m, e) -> {
                if (e != null) {
                    Throwable cause = Futures.cause(e);
                    if (cause instanceof QueryBudget.Exhausted x) {
                        return CompletableFuture.<Fetch>failedFuture(x);
                    }
                    selection.timedOut(server);
                    LOG.debug("forwarder {} failed for {}/{}: {}", server, name, type, cause.toString());
                    return next();
                }
                selection.answered(server, System.nanoTime() - sent);
                int rcode = m.getRcode();
                if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                    if (!zone.recurse() && iterator != null && !m.getHeader().getFlag(org.xbill.DNS.Flags.AA)) {
                        CompletableFuture<Fetch> followed = iterator.followReferral(m, zone.zone(), name, type, budget);
                        if (followed != null) {
                            return followed; // PowerDNS: NS records learned for subzones are followed
                        }
                    }
                    return CompletableFuture.completedFuture(fetch(m));
                }
                last = m;
                return next();
            }).thenCompose(f -> f);
        }

        Fetch fetch(Message m) {
            return new Fetch(m, !zone.recurse(), zone.recurse() ? Name.root : zone.zone());
        }
    }
}
