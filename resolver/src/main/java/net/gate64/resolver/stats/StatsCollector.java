package net.gate64.resolver.stats;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The stats page's data, as one JSON object ({@code GET /stats/data.json}): every metric series by name, the answer
 * latency histogram, the top names and clients of the recent queries, the upstream servers with their smoothed RTT,
 * the probes' verdicts, and the NAT64 gateway's counters when {@code stats-nat64-url} is set. Counters are totals
 * since start; the page turns them into rates from one reading to the next. The top lists are recomputed at most
 * every two seconds however many pages are open.
 */
public final class StatsCollector {
    /** An upstream server: an authority the iterator asked, or a forwarder. */
    public record Upstream(String kind, String server, double srttMs, int timeouts, boolean throttled) {}

    private static final long TOP_MAX_AGE_NANOS = 2_000_000_000L;
    private static final int TOP_N = 20;

    private final Metrics metrics;
    private final RecentQueries recent;
    private final Supplier<List<Upstream>> upstreams;
    private final GatewayStats gateway;
    private final LongSupplier clock;
    private final long startedNanos;
    private RecentQueries.Top top;
    private long topAt;

    /** @param gateway the gateway's counters, or null when {@code stats-nat64-url} is empty */
    public StatsCollector(Metrics metrics, RecentQueries recent, Supplier<List<Upstream>> upstreams, GatewayStats gateway,
                          LongSupplier clock) {
        this.metrics = metrics;
        this.recent = recent;
        this.upstreams = upstreams;
        this.gateway = gateway;
        this.clock = clock;
        this.startedNanos = clock.getAsLong();
    }

    private synchronized RecentQueries.Top top() {
        long now = clock.getAsLong();
        if (top == null || now - topAt > TOP_MAX_AGE_NANOS) {
            top = recent.top(TOP_N);
            topAt = now;
        }
        return top;
    }

    public String json(Control.Status health, Control.Status ready) {
        Json j = new Json().open();
        j.key("time").value(System.currentTimeMillis());
        j.key("uptime").value((clock.getAsLong() - startedNanos) / 1e9);
        status(j.key("health"), health);
        status(j.key("ready"), ready);
        series(j.key("series"), metrics.snapshot());
        Histogram h = metrics.findHistogram("gate64_answer_seconds");
        j.key("latency").open();
        if (h != null) {
            j.key("bounds").openArray();
            for (double b : h.bounds()) {
                j.value(b);
            }
            j.closeArray().key("counts").openArray();
            for (long c : h.counts()) {
                j.value(c);
            }
            j.closeArray().key("count").value(h.count()).key("sum").value(h.sumSeconds());
        }
        j.close();
        RecentQueries.Top t = top();
        j.key("top").open().key("sampled").value(t.sampled());
        counts(j.key("names"), t.names());
        counts(j.key("clients"), t.clients());
        j.close();
        j.key("upstreams").openArray();
        for (Upstream u : upstreams.get()) {
            j.open().key("kind").value(u.kind()).key("server").value(u.server()).key("srtt_ms").value(u.srttMs())
                    .key("timeouts").value(u.timeouts()).key("throttled").value(u.throttled()).close();
        }
        j.closeArray();
        j.key("nat64");
        if (gateway == null) {
            j.value((String) null);
        } else {
            GatewayStats.Reading r = gateway.read();
            j.open().key("url").value(r.url()).key("error").value(r.error());
            series(j.key("series"), r.series());
            j.close();
        }
        return j.close().toString();
    }

    private static void status(Json j, Control.Status s) {
        j.open().key("ok").value(s.ok()).key("reason").value(s.reason()).close();
    }

    private static void series(Json j, Map<String, Double> series) {
        j.open();
        series.forEach((k, v) -> j.key(k).value(v));
        j.close();
    }

    private static void counts(Json j, List<RecentQueries.Count> counts) {
        j.openArray();
        for (RecentQueries.Count c : counts) {
            j.open().key("key").value(c.key()).key("count").value(c.count()).close();
        }
        j.closeArray();
    }
}
