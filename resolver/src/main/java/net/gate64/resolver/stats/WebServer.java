package net.gate64.resolver.stats;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import net.gate64.common.web.HttpGuard;
import net.gate64.common.web.WebAccess;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The HTTP endpoint: {@code GET /stats} (the stats page and its data, read only), {@code GET /metrics} (Prometheus text), {@code /health} and {@code /ready} (200, or 503 with
 * the reason: {@link Control#health()}, {@link Control#readiness()}), and the control
 * calls {@code ./gate64 control} makes ({@code POST /control/wipe-cache?name=example.org[&subtree=true]},
 * {@code POST /control/reload-lua-script}, which reloads the configured {@code lua-dns-script} and nothing else).
 * Every request passes {@link WebAccess}: the client in {@code webserver-allow-from}, the Host and Origin headers
 * naming this server; {@code /metrics} needs {@code webserver-password} when one is set; {@code /control/*} needs
 * POST with the {@code api-key} in an {@code X-API-Key} header. It knows the recursor only through {@link Control}.
 */
public final class WebServer implements AutoCloseable {
    private final HttpServer http;
    private final WebAccess access;
    private final Control control;

    public WebServer(InetSocketAddress address, WebAccess access, Control control) {
        try {
            this.http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw net.gate64.common.ListenError.of("webserver-address", address, e);
        }
        this.access = access;
        this.control = control;
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/metrics", HttpGuard.guard(access, WebAccess.Kind.READ,
                ex -> reply(ex, 200, "text/plain; version=0.0.4", control.metricsText())));
        http.createContext("/health", HttpGuard.guard(access, WebAccess.Kind.PROBE, ex -> probe(ex, control.health(), "ok")));
        http.createContext("/ready", HttpGuard.guard(access, WebAccess.Kind.PROBE, ex -> probe(ex, control.readiness(), "ready")));
        http.createContext("/control/wipe-cache", HttpGuard.guard(access, WebAccess.Kind.CONTROL, this::wipeCache));
        http.createContext("/control/reload-lua-script", HttpGuard.guard(access, WebAccess.Kind.CONTROL, this::reloadScript));
        ControlEndpoints.register(http, access, control);
        http.createContext("/control/", HttpGuard.guard(access, WebAccess.Kind.CONTROL, ex -> reply(ex, 404, "text/plain",
                "unknown control verb '" + ex.getRequestURI().getPath().substring("/control/".length()) + "' (verbs: "
                        + String.join(", ", VERBS) + ")\n")));
        http.createContext("/stats", HttpGuard.guard(access, WebAccess.Kind.READ, this::stats));
        http.createContext("/", HttpGuard.guard(access, WebAccess.Kind.PROBE, ex -> {
            if (ex.getRequestURI().getPath().equals("/")) {
                ex.getResponseHeaders().set("Location", "/stats");
                reply(ex, 302, "text/plain", "the stats page is at /stats\n");
            } else {
                reply(ex, 404, "text/plain", "not found: " + ex.getRequestURI().getPath() + "\n");
            }
        }));
    }

    /** The verbs under /control/, for the error an unknown one gets. */
    static final java.util.List<String> VERBS = java.util.List.of("wipe-cache", "reload-lua-script", "reload-config",
            "dump-cache", "add-nta", "clear-nta", "get-ntas", "add-ta", "clear-ta", "get-tas", "set-loglevel",
            "trace-regex", "top-queries", "top-remotes", "top-servfail-queries", "current-queries", "quit-nicely");

    public void start() {
        http.start();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    private void wipeCache(HttpExchange ex) throws IOException {
        String name = query(ex.getRequestURI(), "name");
        boolean subtree = "true".equals(query(ex.getRequestURI(), "subtree"));
        try {
            long n = control.wipeCache(Name.fromString(name == null ? "." : name, Name.root), subtree);
            reply(ex, 200, "text/plain", "wiped " + n + " record and negative cache entries; packet cache cleared\n");
        } catch (TextParseException e) {
            reply(ex, 400, "text/plain", "bad name: " + e.getMessage() + "\n");
        }
    }

    /**
     * {@code POST /control/reload-lua-script}: reloads the configured script (never a file named by the request);
     * 200 with what is loaded now, 400 when a file is named or none is configured, 500 naming file:line.
     */
    private void reloadScript(HttpExchange ex) throws IOException {
        if (ex.getRequestURI().getRawQuery() != null) {
            reply(ex, 400, "text/plain", "reload-lua-script reloads the configured lua-dns-script; it takes no "
                    + "file or other parameter\n");
            return;
        }
        try {
            reply(ex, 200, "text/plain", "reloaded " + control.reloadScript() + "\n");
        } catch (Control.Refused e) {
            reply(ex, e.status(), "text/plain", e.getMessage() + "\n");
        }
    }

    /** The page's files, read once: no external assets, nothing inline (the CSP below forbids both). */
    private static final Map<String, Asset> ASSETS = Map.of(
            "/stats", Asset.load("stats.html", "text/html; charset=utf-8"),
            "/stats/", Asset.load("stats.html", "text/html; charset=utf-8"),
            "/stats/stats.js", Asset.load("stats.js", "text/javascript; charset=utf-8"),
            "/stats/stats.css", Asset.load("stats.css", "text/css; charset=utf-8"),
            "/stats/favicon.svg", Asset.load("favicon.svg", "image/svg+xml"));

    private record Asset(byte[] bytes, String type) {
        static Asset load(String file, String type) {
            try (java.io.InputStream in = WebServer.class.getResourceAsStream("page/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("stats page file missing from the jar: " + file);
                }
                return new Asset(in.readAllBytes(), type);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * {@code GET /stats}: the stats page (live charts of {@code /stats/data.json}, drawn on canvas by stats.js), read
     * only, behind the same checks as {@code /metrics}. The page may load its own files and fetch from this server,
     * nothing else.
     */
    private void stats(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        var h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        h.set("Referrer-Policy", "no-referrer");
        if (path.equals("/stats/data.json")) {
            reply(ex, 200, "application/json", control.statsJson());
            return;
        }
        Asset a = ASSETS.get(path);
        if (a == null) {
            reply(ex, 404, "text/plain", "not found: " + path + "\n");
            return;
        }
        h.set("Content-Type", a.type());
        ex.sendResponseHeaders(200, a.bytes().length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(a.bytes());
        }
    }

    /** 200 with {@code word}, or 503 with the reason: what a probe needs, and what an operator reads. */
    private static void probe(HttpExchange ex, Control.Status status, String word) throws IOException {
        if (status.ok()) {
            reply(ex, 200, "text/plain", word + "\n");
        } else {
            reply(ex, 503, "text/plain", "not " + word + ": " + status.reason() + "\n");
        }
    }

    private static String query(URI uri, String key) {
        String q = uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(key)) {
                return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
