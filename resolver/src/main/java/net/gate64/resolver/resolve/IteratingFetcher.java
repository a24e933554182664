package net.gate64.resolver.resolve;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.Rank;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.stats.Metrics;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Iterative resolution from the root: start at the closest zone cut the cache knows (the primed root, or the root
 * hints), ask that zone's servers, follow referrals down, and return the authoritative answer. Referral NS sets and
 * glue are cached only when they lie inside the referring server's zone; NS names without glue are resolved through
 * the full resolver, bounded by the query's budget (NXNS defence) and never in a loop; in-zone NS names whose glue
 * expired under a still-cached NS set are re-learnt from the parent's referral. QNAME minimisation (RFC 9156,
 * relaxed) asks each zone only for the next label, falling back to the full name when a server answers an
 * intermediate name oddly, and keeps those answers so that names known to hold no cut are not asked again. The
 * steps of one fetch are the states of {@link Iteration}.
 */
public final class IteratingFetcher implements Fetcher {
    /** How a response relates to the question asked of a zone. */
    enum Kind { ANSWER, NXDOMAIN, REFERRAL, LAME }

    /** A zone cut: the zone, its server names, and addresses for them that came with the referral. */
    record Delegation(Name zone, List<Name> nsNames, List<InetAddress> glue) {}

    record Classified(Kind kind, Message message, Name newZone) {}

    /** Settings for iteration. */
    public record Options(boolean qnameMinimisation, boolean ipv4, boolean ipv6, NetworkSet dontQuery, int port,
                          int maxReferrals) {}

    private final RecordCache cache;
    final Upstream transport;
    final ServerSelection<InetAddress> servers;
    private final NegativeCache negatives;
    private final ResponseReader reader;
    private final RootHints hints;
    final Options options;
    private final Metrics metrics;
    private Supplier<CachingResolver> resolver = () -> null;
    volatile boolean primed;

    /**
     * @param negatives and {@code reader}: where answers to minimised questions are kept, so that a name known to
     *     hold no zone cut is not asked about again (RFC 9156 §2.4, as Unbound reuses them)
     */
    public IteratingFetcher(RecordCache cache, NegativeCache negatives, ResponseReader reader, Upstream transport,
                            ServerSelection<InetAddress> servers, RootHints hints, Options options, Metrics metrics) {
        this.cache = cache;
        this.negatives = negatives;
        this.reader = reader;
        this.transport = transport;
        this.servers = servers;
        this.hints = hints;
        this.options = options;
        this.metrics = metrics;
    }

    /** The resolver used for NS names without glue (set after construction: the two depend on each other). */
    public void resolveNsNamesWith(Supplier<CachingResolver> resolver) {
        this.resolver = resolver;
    }

    CachingResolver resolver() {
        return resolver.get();
    }

    @Override
    public CompletableFuture<Fetch> fetch(Name qname, int qtype, QueryBudget budget) {
        return new Iteration(this, null, qname, qtype, budget).start();
    }

    /**
     * For a forward zone whose servers are authorities (forward-zones, RD=0): when the cache already knows a zone
     * cut strictly below {@code forwardZone} on the way to {@code qname}, iterate from there, as PowerDNS follows
     * subzone NS records; null when it knows none (ask the forwarders).
     */
    public CompletableFuture<Fetch> fetchBelow(Name forwardZone, Name qname, int qtype, QueryBudget budget) {
        for (Name n = above(qname, qtype); n.subdomain(forwardZone) && !n.equals(forwardZone); n = new Name(n, 1)) {
            RecordCache.Hit ns = cache.get(n, Type.NS);
            if (ns != null) {
                return new Iteration(this, new Delegation(n, targets(ns.records()), List.of()), qname, qtype, budget).start();
            }
        }
        return null;
    }

    /**
     * Follows a referral that a forward zone's server sent for a zone below it (forward-zones, RD=0): caches the NS
     * set and in-zone glue as any referral, and iterates from the new zone. Null when {@code m} is no such referral.
     */
    public CompletableFuture<Fetch> followReferral(Message m, Name forwardZone, Name qname, int qtype, QueryBudget budget) {
        Classified c = classify(m, forwardZone, qname);
        if (c.kind != Kind.REFERRAL) {
            return null;
        }
        count("forward-zone-referral");
        return new Iteration(this, delegationFrom(m, forwardZone, c.newZone), qname, qtype, budget).start();
    }

    static Name above(Name qname, int qtype) {
        return qtype == Type.DS && qname.labels() > 1 ? new Name(qname, 1) : qname;
    }

    /** One more label of {@code qname} below {@code zone}. */
    static Name nextLabel(Name zone, Name qname) {
        if (!qname.subdomain(zone) || qname.equals(zone)) {
            return qname;
        }
        return new Name(qname, qname.labels() - zone.labels() - 1);
    }

    static boolean hasCname(Message m, Name name) {
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r.getType() == Type.CNAME && r.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The deepest cut above {@code qname} whose NS set the cache holds, or null when not even the root's is. */
    Delegation cachedDelegation(Name qname) {
        for (Name n = qname; ; n = new Name(n, 1)) {
            List<Record> ns = cache.peek(n, Type.NS);
            if (ns != null) {
                // the hint addresses stay a fallback for the root, whose server names are all in-zone
                return new Delegation(n, targets(ns), n.equals(Name.root) ? hints.addresses(options.ipv4, options.ipv6) : List.of());
            }
            if (n.equals(Name.root)) {
                return null;
            }
        }
    }

    /** Whether the root's NS set came from a hint server since start (RFC 8109 priming): readiness waits for it. */
    public boolean primed() {
        return primed;
    }

    /** The root as the hints describe it. */
    Delegation hinted() {
        return new Delegation(Name.root, hints.names(), hints.addresses(options.ipv4, options.ipv6));
    }

    /** Root priming (RFC 8109): keeps the root NS set and its glue from a hint server's answer. */
    void primed(Message m) {
        List<Record> ns = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof NSRecord && r.getName().equals(Name.root)) {
                ns.add(r);
            }
        }
        if (!ns.isEmpty()) {
            cache.put(ns, List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
            cacheGlue(m, Name.root, targets(ns));
            primed = true;
        }
    }

    static List<Name> targets(List<Record> ns) {
        List<Name> out = new ArrayList<>();
        for (Record r : ns) {
            if (r instanceof NSRecord n) {
                out.add(n.getTarget());
            }
        }
        return out;
    }

    /** Caches a referral's NS set and its in-bailiwick glue, and returns the new delegation. */
    Delegation delegationFrom(Message m, Name parent, Name zone) {
        List<Record> ns = new ArrayList<>();
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r instanceof NSRecord && r.getName().equals(zone)) {
                ns.add(r);
            }
        }
        cache.put(ns, List.of(), Rank.NONAUTH_AUTHORITY, Security.INDETERMINATE);
        List<Name> names = targets(ns);
        return new Delegation(zone, names, cacheGlue(m, parent, names));
    }

    /**
     * Glue is accepted only for NS names inside the zone of the server that sent it: a server for {@code parent}
     * cannot tell us addresses for names elsewhere (the classic Kashpureff-style poisoning).
     */
    private List<InetAddress> cacheGlue(Message m, Name parent, List<Name> nsNames) {
        List<InetAddress> glue = new ArrayList<>();
        for (Name ns : nsNames) {
            if (!ns.subdomain(parent)) {
                continue;
            }
            for (int type : new int[] {Type.A, Type.AAAA}) {
                List<Record> set = new ArrayList<>();
                for (Record r : m.getSection(Section.ADDITIONAL)) {
                    if (r.getName().equals(ns) && r.getType() == type) {
                        set.add(r);
                        glue.add(address(r));
                    }
                }
                cache.put(set, List.of(), Rank.ADDITIONAL, Security.INDETERMINATE);
            }
        }
        return glue;
    }

    private static InetAddress address(Record r) {
        try {
            return InetAddress.getByAddress(r.rdataToWireCanonical()); // getAddress() would build a host name string
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an A or AAAA record without an address", e);
        }
    }

    static void addAddresses(Answer a, List<InetAddress> into) {
        for (Record r : a.answer()) {
            if (r instanceof ARecord || r instanceof AAAARecord) {
                into.add(address(r));
            }
        }
    }

    List<InetAddress> cachedAddresses(Name ns) {
        List<InetAddress> out = new ArrayList<>(2);
        if (options.ipv4) {
            addresses(cache.peek(ns, Type.A), out);
        }
        if (options.ipv6) {
            addresses(cache.peek(ns, Type.AAAA), out);
        }
        return out;
    }

    private static void addresses(List<Record> set, List<InetAddress> out) {
        if (set != null) {
            for (Record r : set) {
                out.add(address(r));
            }
        }
    }

    /** Addresses of the families we query over, outside dont-query. */
    List<InetAddress> usable(List<InetAddress> addresses) {
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            boolean family = (a instanceof Inet4Address && options.ipv4) || (a instanceof Inet6Address && options.ipv6);
            if (!family) {
                continue;
            }
            if (options.dontQuery.contains(a)) {
                count("dont-query");
                continue;
            }
            out.add(a);
        }
        return out;
    }

    /** What the caches say about a name on the way down, for QNAME minimisation. */
    enum Known { NOTHING, NO_CUT, ALIAS }

    /**
     * Whether an earlier answer showed that {@code name} holds no zone cut: its A data or a NODATA for A (what a
     * minimised question asks) came from the servers of a zone above it. A CNAME there means the full question must
     * be asked. A cut that does exist would have been found by the deepest-cut search first.
     */
    Known known(Name name) {
        if (cache.get(name, Type.CNAME) != null) {
            return Known.ALIAS;
        }
        NegativeCache.Hit negative = negatives.get(name, Type.A);
        if (negative != null && negative.rcode() == Rcode.NOERROR) {
            return Known.NO_CUT;
        }
        return cache.get(name, Type.A) != null ? Known.NO_CUT : Known.NOTHING;
    }

    /** Keeps the answer to a minimised question (data or NODATA) for {@link #known}. */
    void keepMinimisedAnswer(Message m, Name asked, Name zone) {
        reader.read(m, asked, Type.A, true, zone, 1);
    }

    /** What a response from a server for {@code zone} says about {@code name}. */
    static Classified classify(Message m, Name zone, Name name) {
        int rcode = m.getRcode();
        boolean aa = m.getHeader().getFlag(Flags.AA);
        if (rcode == Rcode.NXDOMAIN) {
            return new Classified(aa || soaIn(m, zone) ? Kind.NXDOMAIN : Kind.LAME, m, null);
        }
        if (rcode != Rcode.NOERROR) {
            return new Classified(Kind.LAME, m, null);
        }
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r.getName().equals(name)) {
                return new Classified(Kind.ANSWER, m, null);
            }
        }
        Name cut = null;
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r instanceof NSRecord && name.subdomain(r.getName()) && r.getName().subdomain(zone)
                    && !r.getName().equals(zone)) {
                cut = r.getName();
            }
        }
        if (cut != null && !aa) {
            return new Classified(Kind.REFERRAL, m, cut);
        }
        if (aa || soaIn(m, zone)) {
            return new Classified(Kind.ANSWER, m, null); // NODATA
        }
        return new Classified(Kind.LAME, m, null); // e.g. an upward referral, or a non-authoritative empty answer
    }

    private static boolean soaIn(Message m, Name zone) {
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord && r.getName().subdomain(zone)) {
                return true;
            }
        }
        return false;
    }

    void count(String what) {
        metrics.counter("gate64_iterator_events_total", "Iterator events, by kind", "kind", what).increment();
    }

    void limitHit(String limit) {
        metrics.counter("gate64_limit_hits_total", "Client queries ended by a work limit", "limit", limit).increment();
    }
}
