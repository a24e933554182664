package net.gate64.resolver;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.common.log.Logs;
import net.gate64.config.ConfigError;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.config.SettingsSource;
import net.gate64.resolver.dnssec.DnssecSettings;
import net.gate64.resolver.dnssec.Verdicts;
import net.gate64.resolver.health.HealthChecks;
import net.gate64.resolver.health.Primer;
import net.gate64.resolver.resolve.ForwardingFetcher;
import net.gate64.resolver.resolve.IteratingFetcher;
import net.gate64.resolver.resolve.QueryBudget;
import net.gate64.resolver.resolve.RootHints;
import net.gate64.resolver.resolve.ServerSelection;
import net.gate64.resolver.script.ScriptStage;
import net.gate64.resolver.server.DnsServer;
import net.gate64.resolver.server.Frontend;
import net.gate64.resolver.server.MemoryBudget;
import net.gate64.resolver.server.QueryCounters;
import net.gate64.resolver.server.SwappableHandler;
import net.gate64.resolver.stats.Control;
import net.gate64.resolver.stats.GatewayStats;
import net.gate64.resolver.stats.Metrics;
import net.gate64.resolver.stats.RecentQueries;
import net.gate64.resolver.stats.StatsCollector;
import net.gate64.resolver.stats.WebServer;
import net.gate64.scripting.ReloadableScript;
import net.gate64.scripting.ScriptLoadError;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A running recursor: the caches, listeners, web endpoint and health checks, which live as long as the process, and
 * the {@link QueryPath} of the settings snapshot in service, which a reload replaces whole ({@link #reloadConfig}).
 */
public final class Recursor implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Recursor.class);
    private final RecursorSettings started; // what runs until a restart (SettingsChange.RESTART)
    private final SettingsSource source; // null: started from settings alone, nothing to reload from
    private final Metrics metrics = new Metrics();
    private final QueryPath.Shared shared;
    private final ScriptStage scripts;
    private final Frontend frontend;
    private final SwappableHandler handlers;
    private final RecentQueries servfails = new RecentQueries();
    private final DnsServer server;
    private final WebServer web;
    private final HealthChecks health;
    private final StatsCollector stats;
    private final Object reloadLock = new Object();
    private final LongAdder reloadsOk;
    private final LongAdder reloadsFailed;
    private volatile QueryPath path;
    private ConfigReader config; // what path was built from; guarded by reloadLock
    private volatile Runnable onQuit;

    private Recursor(RecursorSettings s, ConfigReader config, SettingsSource source, Ticker ticker, RootHints hints) {
        this.started = s;
        this.config = config;
        this.source = source;
        RecordCache recordCache = new RecordCache(s.maxCacheEntries(), s.maxCacheBytes(), s.maxCacheTtl(), ticker);
        NegativeCache negativeCache = new NegativeCache(Math.max(1, s.maxCacheEntries() / 8), s.maxNegativeTtl(), ticker);
        PacketCache packetCache = new PacketCache(s.maxPacketCacheEntries(), s.maxPacketCacheBytes(), s.packetCacheTtl(),
                s.packetCacheNegativeTtl(), s.packetCacheServfailTtl(), ticker);
        ServerSelection<java.net.InetAddress> authorities = new ServerSelection<>();
        ServerSelection<InetSocketAddress> forwarders = new ServerSelection<>();
        RecentQueries recent = new RecentQueries();
        shared = new QueryPath.Shared(recordCache, negativeCache, packetCache, new Verdicts(s.maxCacheEntries(), ticker),
                authorities, forwarders, recent, new TraceRegex(metrics), metrics, ticker);
        String reloads = "Config reloads (reload-config, SIGHUP), by result";
        reloadsOk = metrics.counter("gate64_config_reloads_total", reloads, "result", "ok");
        reloadsFailed = metrics.counter("gate64_config_reloads_total", reloads, "result", "failed");
        QueryPath first = null;
        ScriptStage script = ScriptStage.start(s.script(), null, metrics); // a broken script refuses to start
        try {
            first = QueryPath.build(s, hints, shared, script);
        } catch (RuntimeException e) {
            script.close();
            throw e;
        }
        scripts = script;
        path = first;
        Frontend.ScriptTagger tagger = new Frontend.ScriptTagger() {
            @Override
            public net.gate64.scripting.ScriptHooks snapshot() {
                return scripts.snapshot();
            }

            @Override
            public int tag(net.gate64.scripting.ScriptHooks hooks, io.netty.buffer.ByteBuf query,
                           net.gate64.resolver.wire.QueryView view, InetSocketAddress remote, InetSocketAddress local,
                           net.gate64.resolver.query.Transport t) {
                return scripts.tag(hooks, query, view, remote, local, t);
            }
        };
        MemoryBudget memory = new MemoryBudget(s.clientLimits().maxInflightBytes());
        Frontend.Config fc = first.frontendConfig();
        frontend = new Frontend(fc.allowFrom(), fc.tagger(), packetCache, fc.pipeline(), s.maxMThreads(),
                fc.udpThreshold(), metrics, tagger, memory);
        frontend.recordServfailsIn(servfails);
        handlers = new SwappableHandler(first.handlers(frontend, shared));
        server = new DnsServer(handlers, s.eventLoopThreads(), metrics, new QueryCounters(metrics), memory, s.clientLimits());
        if (s.allowFrom().isEmpty()) {
            LOG.warn("allow-from is empty: every query is refused (to serve everyone, list 0.0.0.0/0 and ::/0)");
        }
        health = new HealthChecks(s.health(), server.loops(), () -> metrics.value("gate64_queries_in_flight"),
                s.maxMThreads(), primer(s, first.forwarding, first.iterator, server.loops().get(0)), System::nanoTime, metrics);
        stats = new StatsCollector(metrics, recent, () -> upstreams(authorities, forwarders),
                s.nat64Stats() == null ? null : new GatewayStats(s.nat64Stats(), System::nanoTime), System::nanoTime);
        web = s.webserver() ? new WebServer(s.webserverAddress(), s.webserverAccess(), new RecursorControl(this)) : null;
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
            out.add(new StatsCollector.Upstream("forwarder", net.gate64.common.HostPort.format(k.server()),
                    k.srttMs(), k.timeouts(), k.throttled()));
        }
        for (ServerSelection.Known<java.net.InetAddress> k : authorities.known(50)) {
            out.add(new StatsCollector.Upstream("authority", k.server().getHostAddress(), k.srttMs(), k.timeouts(),
                    k.throttled()));
        }
        return out;
    }

    /** Starts listening; returns once every socket is bound. Without a settings source, reload-config is refused. */
    public static Recursor start(RecursorSettings settings) throws Exception {
        return start(settings, Ticker.systemTicker());
    }

    public static Recursor start(RecursorSettings settings, Ticker ticker) throws Exception {
        return start(settings, null, null, ticker);
    }

    /** Reads {@code source} and starts; {@link #reloadConfig} reads it again. */
    public static Recursor start(SettingsSource source) throws Exception {
        return start(source, source.load());
    }

    /** Starts with settings already read from {@code source} (as {@code loaded}). */
    public static Recursor start(SettingsSource source, ConfigReader loaded) throws Exception {
        return start(SettingsLoader.read(loaded), loaded, source, Ticker.systemTicker());
    }

    private static Recursor start(RecursorSettings settings, ConfigReader loaded, SettingsSource source, Ticker ticker)
            throws Exception {
        RootHints hints = hints(settings);
        Recursor r;
        try {
            r = new Recursor(settings, loaded, source, ticker, hints);
        } catch (ScriptLoadError e) {
            throw new ConfigError("invalid value for 'lua-dns-script': " + e.getMessage());
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

    private static RootHints hints(RecursorSettings s) {
        try {
            return RootHints.load(s.hintFile());
        } catch (java.io.IOException e) {
            throw new ConfigError("invalid value for 'hint-file': " + e.getMessage());
        }
    }

    private void registerCacheMetrics() {
        RecordCache recordCache = shared.records();
        NegativeCache negativeCache = shared.negatives();
        PacketCache packetCache = shared.packets();
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

    /**
     * Reads the settings source again and puts the new snapshot in service: the whole of it or, when anything in it
     * is wrong (a key, a value, a script that does not load, anchors that do not), nothing, and the running settings
     * keep serving. Settings that cannot change live keep their running value and are reported.
     *
     * @return the outcome, for the operator
     * @throws ConfigError naming the key and position; counted in {@code gate64_config_reloads_total{result="failed"}}
     */
    public ReloadOutcome reloadConfig() {
        synchronized (reloadLock) {
            try {
                if (source == null) {
                    throw new ConfigError("this recursor was started from settings alone (no --config file or "
                            + "command line to read again): nothing to reload from");
                }
                ConfigReader next = source.load();
                RecursorSettings s = SettingsLoader.read(next).withRestartOnlyFrom(started);
                RootHints hints = hints(s);
                QueryPath current = path;
                SettingsChange change = SettingsChange.between(config, current.settings, current.hints, next, s, hints);
                ReloadableScript.Prepared script = null;
                if (s.script().file() != null || scripts.file() != null) {
                    try {
                        script = scripts.prepare(s.script());
                    } catch (ScriptLoadError e) {
                        throw new ConfigError("invalid value for 'lua-dns-script': " + e.getMessage());
                    }
                }
                QueryPath fresh;
                try {
                    fresh = QueryPath.build(s, hints, shared, scripts);
                } catch (RuntimeException e) {
                    if (script != null) {
                        ReloadableScript.discard(script);
                    }
                    throw new ConfigError("invalid value for 'trust-anchors': " + e.getMessage());
                }
                String loaded = script == null ? null : scripts.install(script);
                swap(fresh, change);
                if (change.changed().contains("loglevel") || change.changed().contains("log-format")) {
                    Logs.configure(s.logLevel(), s.logFormat());
                }
                config = next;
                reloadsOk.increment();
                ReloadOutcome outcome = new ReloadOutcome(source.describe(), change, loaded);
                LOG.info(outcome.summary());
                return outcome;
            } catch (ConfigError e) {
                reloadsFailed.increment();
                LOG.warn("reload refused, the running settings stay in service: {}", e.getMessage());
                throw e;
            }
        }
    }

    /**
     * Changes the trust anchors or negative trust anchors of the snapshot in service (add-ta, add-nta and their
     * clear verbs): a new path with those DNSSEC settings, swapped in as a reload would, the verdicts of the zones
     * concerned wiped. The next reload-config goes back to the file's anchors, as PowerDNS's reload-lua-config does.
     */
    String changeAnchors(java.util.function.UnaryOperator<DnssecSettings> change) {
        synchronized (reloadLock) {
            QueryPath current = path;
            RecursorSettings s = current.settings.withDnssec(change.apply(current.settings.dnssec()));
            QueryPath fresh = QueryPath.build(s, current.hints, shared, scripts);
            java.util.Set<Name> zones = new java.util.HashSet<>(
                    SettingsChange.changedAnchors(current.settings.dnssec().anchors(), s.dnssec().anchors()));
            java.util.Map<Name, String> a = current.settings.dnssec().negativeAnchors();
            java.util.Map<Name, String> b = s.dnssec().negativeAnchors();
            a.keySet().stream().filter(n -> !b.containsKey(n)).forEach(zones::add);
            b.keySet().stream().filter(n -> !a.containsKey(n)).forEach(zones::add);
            swap(fresh, new SettingsChange(List.of(), List.of(), java.util.Set.of(), java.util.Set.copyOf(zones),
                    false, false, !zones.isEmpty()));
            return zones.isEmpty() ? "nothing changed" : "verdicts wiped for " + zones.stream().map(Name::toString).sorted().toList();
        }
    }

    /** Puts {@code fresh} in service and wipes what the change invalidates, now and once more when every query the old
     *  path started has ended (its answers may still be on their way into the caches). */
    private void swap(QueryPath fresh, SettingsChange change) {
        QueryPath old = path;
        path = fresh;
        frontend.reconfigure(fresh.frontendConfig());
        handlers.swap(fresh.handlers(frontend, shared));
        old.pipeline.retire();
        if (wipe(change)) {
            long later = old.settings.maxTotalTime().toMillis() + old.settings.networkTimeout().toMillis();
            server.loops().get(0).schedule(() -> wipe(change), later, TimeUnit.MILLISECONDS);
        }
    }

    /** Returns whether anything was wiped. */
    private boolean wipe(SettingsChange c) {
        boolean any = false;
        if (c.wipeAll()) {
            shared.records().clear();
            shared.negatives().clear();
            any = true;
        }
        for (Name zone : c.subtrees()) {
            shared.records().wipe(zone, true);
            shared.negatives().wipe(zone, true);
            any = true;
        }
        if (c.allVerdicts()) {
            shared.verdicts().clear();
            any = true;
        }
        for (Name zone : c.verdictSubtrees()) {
            shared.verdicts().wipe(zone, true);
            any = true;
        }
        if (c.packetCache()) {
            shared.packets().clear();
            any = true;
        }
        return any;
    }

    /** Wipes a name (and with {@code subtree} everything below it) from the record, negative and validation caches,
     *  and the whole packet cache (its keys are wire bytes). Returns the record and negative entries removed. */
    public long wipeCache(Name name, boolean subtree) {
        long n = shared.records().wipe(name, subtree) + shared.negatives().wipe(name, subtree);
        shared.verdicts().wipe(name, subtree);
        shared.packets().clear();
        return n;
    }

    /**
     * Loads the hook script again ({@code file} null: the same file) and swaps it in without stopping queries, then
     * empties the packet cache; when the new script fails to load, the old one stays in service and nothing changes.
     *
     * @return a description of the script now in service
     * @throws ScriptLoadError naming file:line
     */
    public String reloadScript(java.nio.file.Path file) {
        String loaded = scripts.reload(file);
        shared.packets().clear(); // answers the old script shaped must not outlive it
        return loaded;
    }

    /** What {@code quit-nicely} runs: by default closing this recursor; the program makes it end the process. */
    public void onQuit(Runnable action) {
        this.onQuit = action;
    }

    void quit() {
        Runnable r = onQuit;
        if (r != null) {
            r.run();
        } else {
            close();
        }
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The settings of the snapshot in service (those that need a restart run as they were at start). */
    public RecursorSettings settings() {
        return path.settings;
    }

    /** Where the settings came from, or null when started from settings alone. */
    public SettingsSource source() {
        return source;
    }

    QueryPath path() {
        return path;
    }

    QueryPath.Shared shared() {
        return shared;
    }

    Frontend frontend() {
        return frontend;
    }

    RecentQueries servfails() {
        return servfails;
    }

    StatsCollector stats() {
        return stats;
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

    private volatile boolean closed;

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        health.close();
        if (web != null) {
            web.close();
        }
        server.close();
        scripts.close();
    }
}
