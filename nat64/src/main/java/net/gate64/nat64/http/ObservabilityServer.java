package net.gate64.nat64.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import net.gate64.common.web.HttpGuard;
import net.gate64.common.web.WebAccess;

/**
 * The gateway's HTTP endpoint (JDK httpserver, one thread), on a loopback address by default: {@code /metrics} in
 * Prometheus text format, {@code /sessions} and {@code /bib} listing the stateful tables (text, one entry per line,
 * at most {@code ?limit=} lines, {@code ?filter=} to select), {@code /health} and {@code /ready} (200 or 503), and the
 * control verbs of {@code gate64 nat64 control}: {@code POST /control/bib-add}, {@code /control/bib-remove},
 * {@code /control/flush}, {@code /control/reload-config}. Every request passes {@link WebAccess}
 * ({@code http-allow-from}, Host and Origin, {@code http-password} for reads, POST with the {@code api-key} for state
 * changes). It knows the gateway only through {@link GatewayControl}.
 */
public final class ObservabilityServer {
    private static final int DEFAULT_LIMIT = 10_000;
    private static final int MAX_LIMIT = 1_000_000;
    private final HttpServer server;
    private final GatewayControl control;

    /** A verb: parameters in, text out. */
    @FunctionalInterface
    private interface Verb {
        String run(Map<String, String> p) throws GatewayControl.Refused;
    }

    public ObservabilityServer(InetSocketAddress address, WebAccess access, GatewayControl control) throws IOException {
        this.control = control;
        try {
            this.server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw net.gate64.common.ListenError.of("http-address", address, e);
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("nat64-http").unstarted(r)));
        server.createContext("/metrics", HttpGuard.guard(access, WebAccess.Kind.READ,
                ex -> send(ex, "text/plain; version=0.0.4", control.metricsText(), 200)));
        verb(access, WebAccess.Kind.READ, "/sessions", Set.of("limit", "filter"),
                p -> control.sessions(p.get("filter"), limit(p)));
        verb(access, WebAccess.Kind.READ, "/bib", Set.of("limit", "filter"), p -> control.bindings(p.get("filter"), limit(p)));
        verb(access, WebAccess.Kind.CONTROL, "/control/bib-add", Set.of("protocol", "ipv6", "ipv4"),
                p -> control.addStaticBinding(required(p, "protocol"), required(p, "ipv6"), required(p, "ipv4")));
        verb(access, WebAccess.Kind.CONTROL, "/control/bib-remove", Set.of("protocol", "ipv6"),
                p -> control.removeStaticBinding(required(p, "protocol"), required(p, "ipv6")));
        verb(access, WebAccess.Kind.CONTROL, "/control/flush", Set.of(), p -> control.flush());
        verb(access, WebAccess.Kind.CONTROL, "/control/reload-config", Set.of(), p -> control.reloadConfig());
        server.createContext("/control/", HttpGuard.guard(access, WebAccess.Kind.CONTROL, ex -> send(ex, "text/plain",
                "unknown control verb '" + ex.getRequestURI().getPath().substring("/control/".length())
                        + "' (verbs: bib-add, bib-remove, flush, reload-config)\n", 404)));
        server.createContext("/health", HttpGuard.guard(access, WebAccess.Kind.PROBE, ex -> probe(ex, control.health())));
        server.createContext("/ready", HttpGuard.guard(access, WebAccess.Kind.PROBE, ex -> probe(ex, control.readiness())));
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

    private void verb(WebAccess access, WebAccess.Kind kind, String path, Set<String> allowed, Verb v) {
        server.createContext(path, HttpGuard.guard(access, kind, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                send(ex, "text/plain", "not found: " + ex.getRequestURI().getPath() + "\n", 404);
                return;
            }
            try {
                String out = v.run(params(ex, allowed));
                send(ex, "text/plain; charset=utf-8", out.endsWith("\n") ? out : out + "\n", 200);
            } catch (GatewayControl.Refused e) {
                send(ex, "text/plain; charset=utf-8", e.getMessage() + "\n", e.status());
            }
        }));
    }

    /** The query string, each name at most once and among those the verb takes. */
    private static Map<String, String> params(HttpExchange ex, Set<String> allowed) throws GatewayControl.Refused {
        Map<String, String> m = new LinkedHashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q == null || q.isEmpty()) {
            return m;
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            if (!allowed.contains(k)) {
                List<String> names = new ArrayList<>(new java.util.TreeSet<>(allowed));
                throw new GatewayControl.Refused(400, "unknown parameter '" + k + "'"
                        + (names.isEmpty() ? " (this verb takes none)" : " (this verb takes " + String.join(", ", names) + ")"));
            }
            if (m.put(k, v) != null) {
                throw new GatewayControl.Refused(400, "'" + k + "' given more than once");
            }
        }
        return m;
    }

    private static String required(Map<String, String> p, String key) throws GatewayControl.Refused {
        String v = p.get(key);
        if (v == null || v.isBlank()) {
            throw new GatewayControl.Refused(400, "'" + key + "' is missing");
        }
        return v;
    }

    private static int limit(Map<String, String> p) throws GatewayControl.Refused {
        String v = p.get("limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0 || n > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new GatewayControl.Refused(400, "bad limit: " + v + " (0.." + MAX_LIMIT + ")");
        }
    }

    /** 200 with the checks when they pass, 503 with the failing ones first when not. */
    private static void probe(HttpExchange ex, GatewayControl.Probe p) throws IOException {
        send(ex, "text/plain", p.text(), p.ok() ? 200 : 503);
    }

    private static void send(HttpExchange ex, String type, String body, int status) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }
}
