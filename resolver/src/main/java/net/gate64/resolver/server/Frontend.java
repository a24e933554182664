package net.gate64.resolver.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.cache.PacketKey;
import net.gate64.resolver.query.ClientQuery;
import net.gate64.resolver.pipeline.DropReason;
import net.gate64.resolver.pipeline.QueryPipeline;
import net.gate64.resolver.query.Transport;
import net.gate64.resolver.stats.Histogram;
import net.gate64.resolver.stats.Metrics;
import net.gate64.resolver.stats.RecentQueries;
import net.gate64.resolver.wire.QueryView;
import net.gate64.scripting.ScriptHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a query on the event loop, for UDP and TCP alike: count it, check the ACL, serve a packet-cache
 * hit from wire bytes, or start the {@link QueryPipeline} for it on the same loop when both a slot
 * ({@code max-mthreads}) and room in the {@link MemoryBudget} are free. Nothing here blocks. Every query ends in one
 * call of its {@link Responder}, which counts it as answered or dropped.
 */
public final class Frontend implements QueryHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Frontend.class);
    private static final FastThreadLocal<QueryView> VIEWS = new FastThreadLocal<>() {
        @Override
        protected QueryView initialValue() {
            return QueryView.reusable();
        }
    };

    /** The part of a query's cache key that depends on who asks (e.g. the client's DNS64 prefix choice). */
    public interface ViewTagger {
        int tag(java.net.InetAddress client, int qtype);
    }

    /**
     * A script's gettag hook, run before the packet-cache lookup: its tag joins the key. -1 = no script instance was
     * free right now; the query then bypasses the packet cache rather than wait on the event loop.
     */
    public interface ScriptTagger {
        ScriptTagger NONE = new ScriptTagger() {
            @Override
            public ScriptHooks snapshot() {
                return ScriptHooks.NONE;
            }

            @Override
            public int tag(ScriptHooks script, ByteBuf query, QueryView view, InetSocketAddress remote,
                           InetSocketAddress local, Transport transport) {
                return 0;
            }
        };

        /** The script in service now, pinned for the whole of the query that arrives. */
        ScriptHooks snapshot();

        int tag(ScriptHooks script, ByteBuf query, QueryView view, InetSocketAddress remote, InetSocketAddress local,
                Transport transport);
    }

    /**
     * What one settings snapshot decides here: who is answered, the client's view tag, the slow path, the UDP answer
     * size. Swapped whole by a config reload; each query reads it once on arrival and keeps it to its answer.
     */
    public record Config(NetworkSet allowFrom, ViewTagger tagger, QueryPipeline pipeline, int udpThreshold) {}

    private volatile Config config;
    private final ScriptTagger scriptTagger;
    private final PacketCache packetCache;
    private final Semaphore inFlight;
    private final MemoryBudget memory;
    /** The queries on the slow path now, for {@code current-queries}; touched only by slow-path queries. */
    private final java.util.Set<ClientQuery> slowPath = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Where resolved queries answered SERVFAIL are noted ({@code top-servfail-queries}), or null. */
    private volatile RecentQueries servfails;
    private final LongAdder udpQueries;
    private final LongAdder tcpQueries;
    private final LongAdder aclRefusals;
    private final Histogram latency;

    /**
     * What one slow-path query is reckoned to hold besides its own bytes (parsed message, query context, resolution
     * state); a guess on the high side, so that the budget errs towards refusing work.
     */
    static final int SLOW_PATH_OVERHEAD = 8192;

    /** @param maxInFlight queries on the slow path at once ({@code max-mthreads}); more are dropped and counted */
    public Frontend(NetworkSet allowFrom, ViewTagger tagger, PacketCache packetCache, QueryPipeline pipeline,
                    int maxInFlight, int udpThreshold, Metrics metrics, ScriptTagger scriptTagger, MemoryBudget memory) {
        this.config = new Config(allowFrom, tagger, pipeline, udpThreshold);
        this.scriptTagger = scriptTagger;
        this.packetCache = packetCache;
        this.inFlight = new Semaphore(maxInFlight);
        this.memory = memory;
        String q = "Client queries received, by transport";
        this.udpQueries = metrics.counter("gate64_queries_total", q, "transport", "udp");
        this.tcpQueries = metrics.counter("gate64_queries_total", q, "transport", "tcp");
        this.aclRefusals = metrics.counter("gate64_acl_refusals_total",
                "Queries from clients outside allow-from (answered REFUSED, or dropped when QR=1)");
        this.latency = metrics.histogram("gate64_answer_seconds", "Time from query to answer",
                new double[] {0.0001, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 2, 5});
        metrics.gauge("gate64_queries_in_flight", "Client queries on the slow path now (being resolved)",
                () -> maxInFlight - inFlight.availablePermits());
        metrics.gauge("gate64_inflight_bytes", "Bytes of max-inflight-bytes held by slow-path queries and queued TCP answers",
                memory::used);
    }

    /** Puts a new snapshot's ACL, view tagger, pipeline and UDP size in service for the queries that arrive next. */
    public void reconfigure(Config next) {
        this.config = next;
    }

    public Config config() {
        return config;
    }

    /** Notes the resolved queries that end in SERVFAIL in {@code ring} (as pdns-recursor's servfail ring). */
    public void recordServfailsIn(RecentQueries ring) {
        this.servfails = ring;
    }

    /** The queries being resolved now (the slow path), oldest first by arrival. */
    public java.util.List<ClientQuery> currentQueries() {
        java.util.List<ClientQuery> out = new java.util.ArrayList<>(slowPath);
        out.sort(java.util.Comparator.comparingLong(ClientQuery::receivedNanos));
        return out;
    }

    /**
     * Handles one query on {@code loop}, the event loop that read it: {@code respond} is called exactly once, with
     * the answer or the reason for dropping it; at once for a packet-cache hit or a drop, later (on the same loop)
     * for a query that needed the slow path. The query's bytes are copied before this returns when it is kept.
     */
    @Override
    public void onQuery(ByteBuf query, InetSocketAddress remote, InetSocketAddress local, Transport transport,
                        ByteBufAllocator alloc, EventLoop loop, Responder respond) {
        long start = System.nanoTime();
        Config c = config; // one snapshot from arrival to answer
        (transport == Transport.UDP ? udpQueries : tcpQueries).increment();
        QueryView view = VIEWS.get().reset(query); // nothing keeps it past this call: one per thread, reused
        if (view.status() == QueryView.Status.NO_HEADER) {
            respond.drop(DropReason.SHORT);
            return;
        }
        if (!c.allowFrom().contains(remote.getAddress())) {
            aclRefusals.increment();
            if (view.flag(QueryView.FLAG_QR)) {
                respond.drop(DropReason.ACL);
            } else {
                respond.send(Refusal.refused(query, view, alloc), org.xbill.DNS.Rcode.REFUSED);
            }
            return;
        }
        PacketKey key = null;
        int maxAnswer = transport == Transport.UDP ? view.maxUdpAnswer(c.udpThreshold()) : 65535;
        ScriptHooks script = scriptTagger.snapshot();
        int scriptTag = view.status() == QueryView.Status.OK ? scriptTagger.tag(script, query, view, remote, local, transport) : -1;
        if (scriptTag >= 0) {
            int viewTag = c.tagger().tag(remote.getAddress(), view.qtype());
            ByteBuf hit = packetCache.serve(query, view, viewTag, scriptTag, maxAnswer, alloc); // allocates only the answer
            if (hit != null) {
                int rcode = hit.getByte(hit.readerIndex() + 3) & 0x0F; // stored answers carry no extended rcode
                respond.send(hit, rcode);
                latency.observeNanos(System.nanoTime() - start);
                return;
            }
            key = PacketKey.of(query, view, viewTag, scriptTag); // for storing the answer the slow path builds
        }
        if (!inFlight.tryAcquire()) {
            respond.drop(DropReason.OVERLOAD);
            return;
        }
        long held = query.readableBytes() + (long) SLOW_PATH_OVERHEAD;
        if (!memory.tryReserve(held)) {
            inFlight.release();
            respond.drop(DropReason.MEMORY);
            return;
        }
        ClientQuery cq = new ClientQuery(ByteBufUtil.getBytes(query), remote, local, transport, key, maxAnswer, start, script);
        Responder later = respond.keep(); // the one passed in may be reused for the next query once this returns
        CompletableFuture<QueryPipeline.Reply> reply;
        slowPath.add(cq);
        try {
            reply = c.pipeline().process(cq, loop);
        } catch (RuntimeException e) {
            slowPath.remove(cq);
            memory.release(held);
            inFlight.release();
            LOG.error("query from {} failed unexpectedly", cq.remote(), e);
            later.drop(DropReason.INTERNAL_ERROR);
            return;
        }
        reply.whenComplete((r, e) -> {
            try {
                if (e != null) {
                    LOG.error("query from {} failed unexpectedly", cq.remote(), e);
                    later.drop(DropReason.INTERNAL_ERROR);
                } else if (r.wire() == null) {
                    later.drop(r.dropped());
                } else {
                    later.send(alloc.buffer(r.wire().length).writeBytes(r.wire()), r.rcode());
                    latency.observeNanos(System.nanoTime() - cq.receivedNanos());
                    RecentQueries ring = servfails;
                    if (r.rcode() == org.xbill.DNS.Rcode.SERVFAIL && ring != null && loop.inEventLoop()) {
                        ring.record(io.netty.buffer.Unpooled.wrappedBuffer(cq.wire()), loop, cq.remote().getAddress());
                    }
                }
            } finally {
                slowPath.remove(cq);
                // Released after the outcome is counted: with nothing in flight, every query so far has been counted.
                memory.release(held);
                inFlight.release();
            }
        });
    }
}
