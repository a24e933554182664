package net.gate64.nat64.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import net.gate64.common.web.HttpGuard;
import net.gate64.common.web.WebAccess;
import net.gate64.nat64.GatewayHealth;
import net.gate64.nat64.Nat64Service;
import net.gate64.nat64.state.Session;
import net.gate64.nat64.translate.Counters;
import net.gate64.nat64.translate.DropReason;

/**
 * A tiny HTTP endpoint (JDK httpserver, one thread) on a loopback address: {@code /metrics} in Prometheus text
 * format, {@code /sessions} listing the stateful table (text, one session per line, at most {@code ?limit=} lines),
 * {@code /health} and {@code /ready} (200 or 503, see {@link GatewayHealth}).
 * Every request passes {@link WebAccess} ({@code http-allow-from}, Host and Origin, {@code http-password}).
 */
public final class ObservabilityServer {
    private static final int DEFAULT_LIMIT = 10_000;
    private final HttpServer server;
    private final Nat64Service service;

    public ObservabilityServer(InetSocketAddress address, WebAccess access, Nat64Service service) throws IOException {
        this.service = service;
        try {
            this.server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw net.gate64.common.ListenError.of("http-address", address, e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("nat64-http").unstarted(r)));
        server.createContext("/metrics", HttpGuard.guard(access, WebAccess.Kind.READ, this::metrics));
        server.createContext("/sessions", HttpGuard.guard(access, WebAccess.Kind.READ, this::sessions));
        server.createContext("/health", HttpGuard.guard(access, WebAccess.Kind.PROBE,
                ex -> probe(ex, service.health(), "ok", "unhealthy")));
        server.createContext("/ready", HttpGuard.guard(access, WebAccess.Kind.PROBE,
                ex -> probe(ex, service.readiness(), "ready", "not ready")));
        server.createContext("/", HttpGuard.guard(access, WebAccess.Kind.PROBE,
                ex -> send(ex, "text/plain", "not found: " + ex.getRequestURI().getPath() + "\n", 404)));
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop(0);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void metrics(HttpExchange ex) throws IOException {
        send(ex, "text/plain; version=0.0.4", MetricsFormat.render(service));
    }

    /** 200 with the checks when they pass, 503 with the failing ones first when not. */
    private static void probe(HttpExchange ex, GatewayHealth.Report r, String ok, String bad) throws IOException {
        send(ex, "text/plain", r.text(ok, bad), r.ok() ? 200 : 503);
    }

    private void sessions(HttpExchange ex) throws IOException {
        if (service.sessions() == null) {
            send(ex, "text/plain", "# siit mode keeps no sessions\n");
            return;
        }
        int limit = DEFAULT_LIMIT;
        String q = ex.getRequestURI().getQuery();
        if (q != null && q.startsWith("limit=")) {
            try {
                limit = Math.max(0, Integer.parseInt(q.substring(6)));
            } catch (NumberFormatException e) {
                send(ex, "text/plain", "bad limit\n", 400);
                return;
            }
        }
        long now = service.nanoTime();
        List<Session> list = service.sessions().list();
        list.sort(Comparator.comparingLong(Session::expiresAtNanos));
        StringBuilder sb = new StringBuilder("# proto [ipv6]:port <-> pool4:port <-> remote:port state expires-in-s\n");
        int n = 0;
        for (Session s : list) {
            if (n++ >= limit) {
                sb.append("# ... ").append(list.size() - limit).append(" more\n");
                break;
            }
            sb.append(s).append(s.tcpState() == null ? " -" : "").append(' ')
                    .append(Math.max(0, (s.expiresAtNanos() - now) / 1_000_000_000L)).append('\n');
        }
        send(ex, "text/plain", sb.toString());
    }

    private static void send(HttpExchange ex, String type, String body) throws IOException {
        send(ex, type, body, 200);
    }

    private static void send(HttpExchange ex, String type, String body, int status) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** Prometheus text exposition of the gateway's counters and table sizes. */
    static final class MetricsFormat {
        private MetricsFormat() {}

        static String render(Nat64Service service) {
            Counters c = service.counters();
            StringBuilder sb = new StringBuilder();
            counter(sb, "gate64_nat64_packets_received_total", "Packets read from the TUN device by IP version.");
            sb.append("gate64_nat64_packets_received_total{family=\"ipv6\"} ").append(c.received6.sum()).append('\n');
            sb.append("gate64_nat64_packets_received_total{family=\"ipv4\"} ").append(c.received4.sum()).append('\n');
            counter(sb, "gate64_nat64_packets_translated_total", "Packets translated, by direction.");
            sb.append("gate64_nat64_packets_translated_total{direction=\"6to4\"} ").append(c.translated6to4.sum()).append('\n');
            sb.append("gate64_nat64_packets_translated_total{direction=\"4to6\"} ").append(c.translated4to6.sum()).append('\n');
            counter(sb, "gate64_nat64_bytes_translated_total", "Bytes written after translation, by direction.");
            sb.append("gate64_nat64_bytes_translated_total{direction=\"6to4\"} ").append(c.bytes6to4.sum()).append('\n');
            sb.append("gate64_nat64_bytes_translated_total{direction=\"4to6\"} ").append(c.bytes4to6.sum()).append('\n');
            counter(sb, "gate64_nat64_dropped_total", "Packets not translated, by reason.");
            for (DropReason r : DropReason.values()) {
                sb.append("gate64_nat64_dropped_total{reason=\"").append(r.label()).append("\"} ").append(c.drops(r)).append('\n');
            }
            simple(sb, "gate64_nat64_hairpinned_total", "counter", "Packets hairpinned between two IPv6 clients.", c.hairpinned.sum());
            simple(sb, "gate64_nat64_icmp_errors_sent_total", "counter", "ICMP errors the gateway originated.", c.icmpErrorsSent.sum());
            simple(sb, "gate64_nat64_icmp_errors_suppressed_total", "counter", "ICMP errors suppressed by the rate limit.",
                    c.icmpErrorsSuppressed.sum());
            simple(sb, "gate64_nat64_write_errors_total", "counter", "Packets the TUN device refused.", c.writeErrors.sum());
            simple(sb, "gate64_nat64_handler_failures_total", "counter", "Packets whose handling failed unexpectedly.",
                    c.handlerFailures.sum());
            if (service.sessions() != null) {
                int[] sessions = service.sessions().sizes();
                int[] bibs = service.bib().sizes();
                String[] protos = {"tcp", "udp", "icmp"};
                sb.append("# HELP gate64_nat64_sessions Current sessions by protocol.\n# TYPE gate64_nat64_sessions gauge\n");
                for (int i = 0; i < 3; i++) {
                    sb.append("gate64_nat64_sessions{proto=\"").append(protos[i]).append("\"} ").append(sessions[i]).append('\n');
                }
                sb.append("# HELP gate64_nat64_bib_entries Current bindings by protocol.\n# TYPE gate64_nat64_bib_entries gauge\n");
                for (int i = 0; i < 3; i++) {
                    sb.append("gate64_nat64_bib_entries{proto=\"").append(protos[i]).append("\"} ").append(bibs[i]).append('\n');
                }
                simple(sb, "gate64_nat64_sessions_created_total", "counter", "Sessions created.", service.sessions().createdTotal());
                simple(sb, "gate64_nat64_sessions_expired_total", "counter", "Sessions expired.", service.sessions().expiredTotal());
                simple(sb, "gate64_nat64_bib_created_total", "counter", "Bindings created.", service.bib().createdTotal());
                StatefulMetrics.render(sb, service.bib(), service.sessions());
            }
            List<long[]> workers = service.workerStats();
            counter(sb, "gate64_nat64_worker_packets_total", "Packets read from the TUN, by worker (one TUN queue each).");
            for (int i = 0; i < workers.size(); i++) {
                sb.append("gate64_nat64_worker_packets_total{worker=\"").append(i).append("\"} ").append(workers.get(i)[0]).append('\n');
            }
            counter(sb, "gate64_nat64_super_packets_total", "Segmentation-offload super-packets read, by transport.");
            long tcp = 0;
            long udp = 0;
            for (long[] w : workers) {
                tcp += w[1];
                udp += w[2];
            }
            sb.append("gate64_nat64_super_packets_total{proto=\"tcp\"} ").append(tcp).append('\n');
            sb.append("gate64_nat64_super_packets_total{proto=\"udp\"} ").append(udp).append('\n');
            counter(sb, "gate64_nat64_worker_waits_total", "Times a worker found its queue empty and waited, by worker.");
            for (int i = 0; i < workers.size(); i++) {
                sb.append("gate64_nat64_worker_waits_total{worker=\"").append(i).append("\"} ").append(workers.get(i)[3]).append('\n');
            }
            sb.append("# HELP gate64_nat64_worker_io_uring Whether the worker moves packets through io_uring (1) or read/write (0).\n")
                    .append("# TYPE gate64_nat64_worker_io_uring gauge\n");
            for (int i = 0; i < workers.size(); i++) {
                sb.append("gate64_nat64_worker_io_uring{worker=\"").append(i).append("\"} ").append(workers.get(i)[4]).append('\n');
            }
            if (service.eventLog() != null) {
                service.eventLog().appendMetrics(sb);
            }
            if (service.routerAdvertiser() != null) {
                service.routerAdvertiser().appendMetrics(sb);
            }
            return sb.toString();
        }

        private static void counter(StringBuilder sb, String name, String help) {
            sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n");
        }

        private static void simple(StringBuilder sb, String name, String type, String help, long value) {
            sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                    .append(type).append('\n').append(name).append(' ').append(value).append('\n');
        }
    }
}
