package net.gate64.resolver.stats;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.Recursor;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The HTTP endpoint: {@code GET /metrics} (Prometheus text), {@code /health}, {@code /ready}, and the control
 * calls {@code ./gate64 control} makes ({@code POST /control/wipe-cache?name=example.org[&subtree=true]},
 * {@code POST /control/reload-lua-script[?file=PATH]}). Only
 * clients in {@code webserver-allow-from} are served.
 */
public final class WebServer implements AutoCloseable {
    private final HttpServer http;
    private final NetworkSet allowFrom;
    private final Metrics metrics;
    private final Recursor recursor;

    public WebServer(InetSocketAddress address, NetworkSet allowFrom, Metrics metrics, Recursor recursor) {
        try {
            this.http = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw net.gate64.common.ListenError.of("webserver-address", address, e);
        }
        this.allowFrom = allowFrom;
        this.metrics = metrics;
        this.recursor = recursor;
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/metrics", guarded(ex -> reply(ex, 200, "text/plain; version=0.0.4", metrics.prometheusText())));
        http.createContext("/health", guarded(ex -> reply(ex, 200, "text/plain", "ok\n")));
        http.createContext("/ready", guarded(ex -> reply(ex, 200, "text/plain", "ready\n")));
        http.createContext("/control/wipe-cache", guarded(this::wipeCache));
        http.createContext("/control/reload-lua-script", guarded(this::reloadScript));
    }

    public void start() {
        http.start();
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    private HttpHandler guarded(HttpHandler h) {
        return ex -> {
            try (ex) {
                if (!allowFrom.contains(ex.getRemoteAddress().getAddress())) {
                    reply(ex, 403, "text/plain", "forbidden\n");
                    return;
                }
                h.handle(ex);
            }
        };
    }

    private void wipeCache(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            reply(ex, 405, "text/plain", "use POST\n");
            return;
        }
        String name = query(ex.getRequestURI(), "name");
        boolean subtree = "true".equals(query(ex.getRequestURI(), "subtree"));
        try {
            long n = recursor.wipeCache(Name.fromString(name == null ? "." : name, Name.root), subtree);
            reply(ex, 200, "text/plain", "wiped " + n + " record and negative cache entries; packet cache cleared\n");
        } catch (TextParseException e) {
            reply(ex, 400, "text/plain", "bad name: " + e.getMessage() + "\n");
        }
    }

    /** {@code POST /control/reload-lua-script[?file=PATH]}: 200 with what is loaded now, 500 naming file:line. */
    private void reloadScript(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            reply(ex, 405, "text/plain", "use POST\n");
            return;
        }
        String file = query(ex.getRequestURI(), "file");
        try {
            String now = recursor.reloadScript(file == null || file.isBlank() ? null : java.nio.file.Path.of(file));
            reply(ex, 200, "text/plain", "reloaded " + now + "\n");
        } catch (net.gate64.scripting.ScriptLoadError e) {
            reply(ex, 500, "text/plain", "reload failed, the previous script stays in service: " + e.getMessage() + "\n");
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
