package net.gate64.resolver;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetSocketAddress;
import java.util.List;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.dns46.Dns46;
import net.gate64.resolver.dns64.Dns64;
import net.gate64.resolver.script.ScriptStage;
import net.gate64.resolver.dnssec.DnssecPolicy;
import net.gate64.resolver.dnssec.Validator;
import net.gate64.resolver.pipeline.QueryPipeline;
import net.gate64.resolver.pipeline.ResponseBuilder;
import net.gate64.resolver.resolve.CachingResolver;
import net.gate64.resolver.resolve.CoalescingFetcher;
import net.gate64.resolver.resolve.NettyUpstream;
import net.gate64.resolver.resolve.ForwardingFetcher;
import net.gate64.resolver.resolve.IteratingFetcher;
import net.gate64.resolver.resolve.RootHints;
import net.gate64.resolver.resolve.ServerSelection;
import net.gate64.resolver.resolve.ResponseReader;
import net.gate64.resolver.server.DnsServer;
import net.gate64.resolver.server.Frontend;
import net.gate64.resolver.health.HealthChecks;
import net.gate64.resolver.health.Primer;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.server.MemoryBudget;
import net.gate64.resolver.server.QueryCounters;
import net.gate64.resolver.server.QueryHandler;
import net.gate64.resolver.server.QueryLogHandler;
import net.gate64.resolver.server.RecordingHandler;
import net.gate64.resolver.stats.Control;
import net.gate64.resolver.stats.GatewayStats;
import net.gate64.resolver.stats.RecentQueries;
import net.gate64.resolver.stats.StatsCollector;
import net.gate64.resolver.stats.Metrics;
import net.gate64.resolver.stats.WebServer;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** A running recursor: caches, resolver, pipeline, listeners and the web endpoint, built from one settings snapshot. */
public final class Recursor implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Recursor.class);
    private final RecursorSettings settings;
    private final Metrics metrics = new Metrics();
    private final RecordCache recordCache;
    private final NegativeCache negativeCache;
    private final PacketCache packetCache;
    private final DnsServer server;
    private final WebServer web;
    private final ScriptStage scripts;
    private final Validator validator;
    private final HealthChecks health;
    private final StatsCollector stats;

    private Recursor(RecursorSettings s, Ticker ticker, RootHints hints) {
        this.settings = s;
        recordCache = new RecordCache(s.maxCacheEntries(), s.maxCacheBytes(), s.maxCacheTtl(), ticker);
        negativeCache = new NegativeCache(Math.max(1, s.maxCacheEntries() / 8), s.maxNegativeTtl(), ticker);
        packetCache = new PacketCache(s.maxPacketCacheEntries(), s.maxPacketCacheBytes(), s.packetCacheTtl(), s.packetCacheNegativeTtl(),
                s.packetCacheServfailTtl(), ticker);
        NettyUpstream transport = new NettyUpstream(s.networkTimeout(), s.ednsOutgoingBufsize(), s.queryLocalAddresses(),
                io.netty.channel.epoll.Epoll.isAvailable(), metrics);
        boolean v4 = s.queryLocalAddresses().stream().anyMatch(a -> a.getAddress() instanceof java.net.Inet4Address);
        boolean v6 = s.queryLocalAddresses().stream().anyMatch(a -> a.getAddress() instanceof java.net.Inet6Address);
        ResponseReader reader = new ResponseReader(recordCache, negativeCache, s.maxNegativeTtl());
        ServerSelection<java.net.InetAddress> authorities = new ServerSelection<>();
        ServerSelection<InetSocketAddress> forwarders = new ServerSelection<>();
        IteratingFetcher iterator = new IteratingFetcher(recordCache, negativeCache, reader, transport,
                authorities, hints,
                new IteratingFetcher.Options(s.qnameMinimization(), v4, v6, s.dontQuery(), 53, s.maxReferrals()), metrics);
        ForwardingFetcher forwarding = new ForwardingFetcher(s.forwardZones(), transport, iterator,
                forwarders, metrics);
        CachingResolver resolver = new CachingResolver(recordCache, negativeCache, reader,
                new CoalescingFetcher(forwarding, metrics), s.maxCnamesFollowed(), metrics);
        iterator.resolveNsNamesWith(() -> resolver);
        transport.requestDnssecRecords(s.dnssec().mode().requestsDnssecRecords());
        validator = switch (s.dnssec().mode()) {
            case PROCESS, LOG_FAIL, VALIDATE -> new Validator(resolver, s.dnssec(), s.maxCacheEntries(), ticker, metrics);
            default -> null;
        };
        DnssecPolicy dnssec = new DnssecPolicy(s.dnssec().mode(), resolver, validator);
        Dns64 dns64 = new Dns64(s.dns64(), resolver, metrics);
        Dns46 dns46 = new Dns46(s.dns46(), metrics);
        scripts = ScriptStage.start(s.script(), dns64, metrics); // a broken script refuses to start
        QueryPipeline pipeline = new QueryPipeline(dnssec, dns64, dns46, packetCache, new ResponseBuilder(s.udpTruncationThreshold()),
                new QueryPipeline.Limits(s.maxQueriesPerQuery(), s.maxTotalTime().toNanos(), s.maxNsAddressQueries(),
                        s.maxRecursionDepth()), metrics, scripts);
        Frontend.ScriptTagger tagger = new Frontend.ScriptTagger() {
            @Override
            public net.gate64.scripting.ScriptHooks snapshot() {
                return scripts.snapshot();
            }

            @Override
            public int tag(net.gate64.scripting.ScriptHooks script, io.netty.buffer.ByteBuf query,
                           net.gate64.resolver.wire.QueryView view, InetSocketAddress remote, InetSocketAddress local,
                           net.gate64.resolver.pipeline.Transport t) {
                return scripts.tag(script, query, view, remote, local, t);
            }
        };
        MemoryBudget memory = new MemoryBudget(s.clientLimits().maxInflightBytes());
        // the client's view in the packet-cache key: DNS64's prefix choice (AAAA), DNS46 or not (A, PTR)
        Frontend.ViewTagger views = (client, qtype) -> dns64.tag(client, qtype) + dns46.tag(client, qtype);
        Frontend frontend = new Frontend(s.allowFrom(), views, packetCache, pipeline, s.maxMThreads(),
                s.udpTruncationThreshold(), metrics, tagger, memory);
        RecentQueries recent = new RecentQueries();
        QueryHandler handler = new RecordingHandler(frontend, recent);
        if (!s.quiet()) {
            handler = new QueryLogHandler(handler, s.queryLogSample());
        }
        server = new DnsServer(handler, s.eventLoopThreads(), metrics,
                new QueryCounters(metrics), memory, s.clientLimits());
        if (s.allowFrom().isEmpty()) {
            LOG.warn("allow-from is empty: every query is refused (to serve everyone, list 0.0.0.0/0 and ::/0)");
        }
        health = new HealthChecks(s.health(), server.loops(), () -> metrics.value("gate64_queries_in_flight"),
                s.maxMThreads(), primer(s, forwarding, iterator, server.loops().get(0)), System::nanoTime, metrics);
        stats = new StatsCollector(metrics, recent, () -> upstreams(authorities, forwarders),
                s.nat64Stats() == null ? null : new GatewayStats(s.nat64Stats(), System::nanoTime), System::nanoTime);
        web = s.webserver() ? new WebServer(s.webserverAddress(), s.webserverAccess(), new Controls()) : null;
        registerCacheMetrics();
    }

    /**
     * Asks for ". NS" as a client query would, on an event loop: through the iterator (which primes the root from the
     * hints, RFC 8109) or, when "." is a forward zone, from its forwarders. Ready once that worked.
     */
    private static Primer primer(RecursorSettings s, ForwardingFetcher forwarding, IteratingFetcher iterator, EventLoop loop) {
        boolean forwardOnly = s.forwardZones().containsKey(Name.root);
        return new Primer(() -> {
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            loop.execute(() -> {
                QueryBudget budget = new QueryBudget(s.maxQueriesPerQuery(), s.maxTotalTime().toNanos(),
                        s.maxNsAddressQueries(), s.maxRecursionDepth(), loop);
                forwarding.fetch(Name.root, Type.NS, budget).whenComplete((f, e) -> done.complete(e == null
                        && (forwardOnly ? f != null && f.response().getRcode() == Rcode.NOERROR : iterator.primed())));
            });
            return done;
        }, loop::schedule, forwardOnly ? "a forwarder of \".\" to answer \". NS\"" : "the root to be primed from the hints");
    }

    /** The servers the iterator and the forwarders asked, with their smoothed RTT, for the stats page. */
    private static List<StatsCollector.Upstream> upstreams(ServerSelection<java.net.InetAddress> authorities,
                                                           ServerSelection<InetSocketAddress> forwarders) {
        List<StatsCollector.Upstream> out = new java.util.ArrayList<>();
        for (ServerSelection.Known<InetSocketAddress> k : forwarders.known(50)) {
            out.add(new StatsCollector.Upstream("forwarder", net.gate64.resolver.config.HostPort.format(k.server()),
                    k.srttMs(), k.timeouts(), k.throttled()));
        }
        for (ServerSelection.Known<java.net.InetAddress> k : authorities.known(50)) {
            out.add(new StatsCollector.Upstream("authority", k.server().getHostAddress(), k.srttMs(), k.timeouts(),
                    k.throttled()));
        }
        return out;
    }

    /** What the web server may do with this recursor. */
    private final class Controls implements Control {
        @Override
        public String metricsText() {
            return metrics.prometheusText();
        }

        @Override
        public Status health() {
            return health.health();
        }

        @Override
        public Status readiness() {
            return health.readiness();
        }

        @Override
        public String statsJson() {
            return stats.json(health.health(), health.readiness());
        }

        @Override
        public long wipeCache(Name name, boolean subtree) {
            return Recursor.this.wipeCache(name, subtree);
        }

        @Override
        public String reloadScript() throws Refused {
            if (settings.script().file() == null) {
                throw new Refused(400, "no script is configured (lua-dns-script is empty)");
            }
            try {
                return Recursor.this.reloadScript(null);
            } catch (net.gate64.scripting.ScriptLoadError e) {
                throw new Refused(500, "reload failed, the previous script stays in service: " + e.getMessage());
            }
        }
    }

    /** Starts listening; returns once every socket is bound. */
    public static Recursor start(RecursorSettings settings) throws Exception {
        return start(settings, Ticker.systemTicker());
    }

    public static Recursor start(RecursorSettings settings, Ticker ticker) throws Exception {
        RootHints hints;
        try {
            hints = RootHints.load(settings.hintFile());
        } catch (java.io.IOException e) {
            throw new net.gate64.config.ConfigError("invalid value for 'hint-file': " + e.getMessage());
        }
        Recursor r;
        try {
            r = new Recursor(settings, ticker, hints);
        } catch (net.gate64.scripting.ScriptLoadError e) {
            throw new net.gate64.config.ConfigError("invalid value for 'lua-dns-script': " + e.getMessage());
        }
        try {
            r.health.start(); // priming and the watchdog; /ready says what it waits for from the first request on
            if (r.web != null) {
                r.web.start();
            }
            r.server.start(settings.localAddresses(), settings.eventLoopThreads());
            r.health.listening();
        } catch (Exception e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void registerCacheMetrics() {
        // Families whose label values appear with their first event; declared so that a fresh recursor lists them.
        metrics.declare("gate64_limit_hits_total", "Client queries ended by a work limit", "counter");
        metrics.declare("gate64_iterator_events_total", "Iterator events, by kind", "counter");
        String hits = "Cache hits, by cache";
        String misses = "Cache misses, by cache";
        String entries = "Entries held, by cache";
        metrics.counter("gate64_cache_hits_total", hits, packetCache::hits, "cache", "packet");
        metrics.counter("gate64_cache_misses_total", misses, packetCache::misses, "cache", "packet");
        metrics.gauge("gate64_cache_entries", entries, packetCache::size, "cache", "packet");
        metrics.gauge("gate64_cache_bytes", "Heap bytes held by the packet cache (entries and table slots)",
                packetCache::bytes, "cache", "packet");
        metrics.counter("gate64_cache_evictions_total", "Entries evicted to stay within the cache's bounds",
                packetCache::evictions, "cache", "packet");
        metrics.counter("gate64_cache_hits_total", hits, recordCache::hits, "cache", "record");
        metrics.counter("gate64_cache_misses_total", misses, recordCache::misses, "cache", "record");
        metrics.gauge("gate64_cache_entries", entries, recordCache::size, "cache", "record");
        metrics.counter("gate64_cache_hits_total", hits, negativeCache::hits, "cache", "negative");
        metrics.counter("gate64_cache_misses_total", misses, negativeCache::misses, "cache", "negative");
        metrics.gauge("gate64_cache_entries", entries, negativeCache::size, "cache", "negative");
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            metrics.counter("gate64_jvm_allocated_bytes_total", "Bytes allocated on the heap by all threads so far",
                    t::getTotalThreadAllocatedBytes);
        }
    }

    /** Wipes a name (and with {@code subtree} everything below it) from the record and negative caches, and the
     *  whole packet cache (its keys are wire bytes). Returns the record and negative entries removed. */
    public long wipeCache(Name name, boolean subtree) {
        long n = recordCache.wipe(name, subtree) + negativeCache.wipe(name, subtree);
        packetCache.clear();
        if (validator != null) {
            validator.wipe();
        }
        return n;
    }

    /**
     * Loads the hook script again ({@code file} null: the same file) and swaps it in without stopping queries, then
     * empties the packet cache; when the new script fails to load, the old one stays in service and nothing changes.
     *
     * @return a description of the script now in service
     * @throws net.gate64.scripting.ScriptLoadError naming file:line
     */
    public String reloadScript(java.nio.file.Path file) {
        String loaded = scripts.reload(file);
        packetCache.clear(); // answers the old script shaped must not outlive it
        return loaded;
    }

    public Metrics metrics() {
        return metrics;
    }

    public RecursorSettings settings() {
        return settings;
    }

    /** The DNS addresses actually bound (useful with port 0). */
    public List<InetSocketAddress> dnsAddresses() {
        return server.boundAddresses();
    }

    public InetSocketAddress webAddress() {
        return web == null ? null : web.address();
    }

    /** The probes' verdicts, as /health and /ready give them. */
    public Control.Status health() {
        return health.health();
    }

    public Control.Status readiness() {
        return health.readiness();
    }

    /** Completes once the root is primed from the hints, or a forwarder of "." answered (never, if none does). */
    public CompletableFuture<Void> primed() {
        return health.whenPrimed();
    }

    @Override
    public void close() {
        health.close();
        if (web != null) {
            web.close();
        }
        server.close();
        scripts.close();
    }
}
