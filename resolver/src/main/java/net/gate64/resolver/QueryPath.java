package net.gate64.resolver;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.dns46.Dns46;
import net.gate64.resolver.dns64.Dns64;
import net.gate64.resolver.dnssec.DnssecPolicy;
import net.gate64.resolver.dnssec.Validator;
import net.gate64.resolver.dnssec.Verdicts;
import net.gate64.resolver.pipeline.QueryPipeline;
import net.gate64.resolver.pipeline.ResponseBuilder;
import net.gate64.resolver.resolve.CachingResolver;
import net.gate64.resolver.resolve.CoalescingFetcher;
import net.gate64.resolver.resolve.ForwardingFetcher;
import net.gate64.resolver.resolve.IteratingFetcher;
import net.gate64.resolver.resolve.NettyUpstream;
import net.gate64.resolver.resolve.ResponseReader;
import net.gate64.resolver.resolve.RootHints;
import net.gate64.resolver.resolve.ServerSelection;
import net.gate64.resolver.script.ScriptStage;
import net.gate64.resolver.server.Frontend;
import net.gate64.resolver.server.QueryHandler;
import net.gate64.resolver.server.QueryLogHandler;
import net.gate64.resolver.server.RecordingHandler;
import net.gate64.resolver.stats.Metrics;
import net.gate64.resolver.stats.RecentQueries;

/**
 * The query path one settings snapshot decides, built around the parts that outlive it: the caches, the validator's
 * verdicts, the servers' smoothed RTTs, the script, the metrics. Every reloadable setting is read here and nowhere
 * else, so a reload is: build a new path (nothing changes if that fails), then put it in service with one swap per
 * entry point ({@link Frontend#reconfigure}, {@link net.gate64.resolver.server.SwappableHandler#swap}). The keys it
 * reads are the live ones of {@link SettingsChange}; the others are read once at start by {@link Recursor}.
 */
final class QueryPath {
    /** What survives a reload, shared by every path. */
    record Shared(RecordCache records, NegativeCache negatives, PacketCache packets, Verdicts verdicts,
                  ServerSelection<InetAddress> authorities, ServerSelection<InetSocketAddress> forwarders,
                  RecentQueries recent, TraceRegex tracer, Metrics metrics, Ticker ticker) {}

    final RecursorSettings settings;
    final RootHints hints;
    final ForwardingFetcher forwarding;
    final IteratingFetcher iterator;
    final CachingResolver resolver;
    final Validator validator; // null when the mode never validates
    final Dns64 dns64;
    final Dns46 dns46;
    final ScriptStage scripts;
    final QueryPipeline pipeline;

    private QueryPath(RecursorSettings s, RootHints hints, Shared shared, ScriptStage root) {
        this.settings = s;
        this.hints = hints;
        Metrics metrics = shared.metrics();
        NettyUpstream transport = new NettyUpstream(s.networkTimeout(), s.ednsOutgoingBufsize(), s.queryLocalAddresses(),
                io.netty.channel.epoll.Epoll.isAvailable(), metrics);
        transport.requestDnssecRecords(s.dnssec().mode().requestsDnssecRecords());
        boolean v4 = s.queryLocalAddresses().stream().anyMatch(a -> a.getAddress() instanceof java.net.Inet4Address);
        boolean v6 = s.queryLocalAddresses().stream().anyMatch(a -> a.getAddress() instanceof java.net.Inet6Address);
        ResponseReader reader = new ResponseReader(shared.records(), shared.negatives(), s.maxNegativeTtl());
        iterator = new IteratingFetcher(shared.records(), shared.negatives(), reader, transport, shared.authorities(), hints,
                new IteratingFetcher.Options(s.qnameMinimization(), v4, v6, s.dontQuery(), 53, s.maxReferrals()), metrics);
        forwarding = new ForwardingFetcher(s.forwardZones(), transport, iterator, shared.forwarders(), metrics);
        resolver = new CachingResolver(shared.records(), shared.negatives(), reader,
                new CoalescingFetcher(forwarding, metrics), s.maxCnamesFollowed(), metrics);
        CachingResolver r = resolver;
        iterator.resolveNsNamesWith(() -> r);
        validator = switch (s.dnssec().mode()) {
            case PROCESS, LOG_FAIL, VALIDATE -> new Validator(resolver, s.dnssec(), shared.verdicts(), metrics);
            default -> null;
        };
        DnssecPolicy dnssec = new DnssecPolicy(s.dnssec().mode(), resolver, validator);
        dns64 = new Dns64(s.dns64(), resolver, metrics);
        dns46 = new Dns46(s.dns46(), metrics);
        scripts = root.withDns64(dns64);
        pipeline = new QueryPipeline(dnssec, dns64, dns46, shared.packets(), new ResponseBuilder(s.udpTruncationThreshold()),
                new QueryPipeline.Limits(s.maxQueriesPerQuery(), s.maxTotalTime().toNanos(), s.maxNsAddressQueries(),
                        s.maxRecursionDepth()), metrics, scripts);
        pipeline.traceWith(shared.tracer());
    }

    /**
     * Builds the path for {@code s}; nothing is in service yet.
     *
     * @throws IllegalStateException when the trust anchors do not load into the validator
     */
    static QueryPath build(RecursorSettings s, RootHints hints, Shared shared, ScriptStage root) {
        return new QueryPath(s, hints, shared, root);
    }

    /**
     * The front end's part: ACL, the client's view (DNS64's prefix choice for AAAA plus DNS46's 0/1 for A and PTR:
     * they never overlap), this path's pipeline, the UDP answer size.
     */
    Frontend.Config frontendConfig() {
        Dns64 d64 = dns64;
        Dns46 d46 = dns46;
        Frontend.ViewTagger views = (client, qtype) -> d64.tag(client, qtype) + d46.tag(client, qtype);
        return new Frontend.Config(settings.allowFrom(), views, pipeline, settings.udpTruncationThreshold());
    }

    /** The handler chain the listeners call: recording for the stats page, per-query logging when asked. */
    QueryHandler handlers(Frontend frontend, Shared shared) {
        QueryHandler handler = new RecordingHandler(frontend, shared.recent());
        return settings.quiet() ? handler : new QueryLogHandler(handler, settings.queryLogSample());
    }
}
