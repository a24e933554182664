package net.gate64.resolver.resolve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Sends questions for forward zones to their servers (longest zone match; "." catches all): RD=1 for
 * forward-zones-recurse, RD=0 for forward-zones. Servers are tried from a random start, each once per question;
 * SERVFAIL, REFUSED and silence move on to the next. Questions outside every forward zone go to {@code next}
 * (the iterator), or fail when there is none. For RD=0 zones a referral to a subzone is followed by iterating from
 * it, and later questions under a subzone whose NS set is cached go straight to its servers, as in PowerDNS.
 */
public final class ForwardingFetcher implements Fetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingFetcher.class);

    private final Map<Name, ForwardZone> zones;
    private final DnsTransport transport;
    private final Fetcher next;
    private final IteratingFetcher iterator;

    public ForwardingFetcher(Map<Name, ForwardZone> zones, DnsTransport transport, Fetcher next) {
        this.zones = Map.copyOf(zones);
        this.transport = transport;
        this.next = next;
        this.iterator = next instanceof IteratingFetcher it ? it : null;
    }

    /** The forward zone covering {@code name}, or null. */
    public ForwardZone zoneFor(Name name) {
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
    public Fetch fetch(Name name, int type, QueryBudget budget) {
        ForwardZone zone = zoneFor(name);
        if (zone == null) {
            return next == null ? null : next.fetch(name, type, budget);
        }
        if (!zone.recurse() && iterator != null) {
            Fetch below = iterator.fetchBelow(zone.zone(), name, type, budget); // a subzone whose NS we learned
            if (below != null) {
                return below;
            }
        }
        List<InetSocketAddress> servers = zone.servers();
        int start = ThreadLocalRandom.current().nextInt(servers.size());
        Message last = null;
        for (int i = 0; i < servers.size(); i++) {
            InetSocketAddress server = servers.get((start + i) % servers.size());
            budget.spendQuery();
            try {
                Message m = transport.query(server, new DnsTransport.Question(name, type, zone.recurse(), false));
                int rcode = m.getRcode();
                if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
                    if (!zone.recurse() && iterator != null && !m.getHeader().getFlag(org.xbill.DNS.Flags.AA)) {
                        Fetch followed = iterator.followReferral(m, zone.zone(), name, type, budget);
                        if (followed != null) {
                            return followed; // PowerDNS: NS records learned for subzones are followed
                        }
                    }
                    return new Fetch(m, !zone.recurse(), zone.recurse() ? Name.root : zone.zone());
                }
                last = m;
            } catch (IOException e) {
                LOG.debug("forwarder {} failed for {}/{}: {}", server, name, type, e.toString());
            }
        }
        return last == null ? null : new Fetch(last, !zone.recurse(), zone.recurse() ? Name.root : zone.zone());
    }
}
