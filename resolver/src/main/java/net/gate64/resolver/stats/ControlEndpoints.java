package net.gate64.resolver.stats;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import net.gate64.common.web.HttpGuard;
import net.gate64.common.web.WebAccess;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The control verbs of {@code gate64 control} as HTTP endpoints, one per verb at {@code /control/VERB}: those that
 * change state are {@link WebAccess.Kind#CONTROL} (POST with the API key), those that only read are
 * {@link WebAccess.Kind#READ} (GET, with the webserver password when one is set). Parameters are in the query string;
 * an unknown or repeated one, or a missing one, is a 400 naming it. Everything they do goes through {@link Control}.
 */
final class ControlEndpoints {
    private final Control control;

    private ControlEndpoints(Control control) {
        this.control = control;
    }

    /** A verb's handler: the parameters in, the text for the operator out. */
    @FunctionalInterface
    private interface Verb {
        String run(Params p) throws Control.Refused, IOException;
    }

    static void register(HttpServer http, WebAccess access, Control control) {
        ControlEndpoints c = new ControlEndpoints(control);
        c.verb(http, access, WebAccess.Kind.CONTROL, "reload-config", Set.of(), p -> control.reloadConfig());
        c.verb(http, access, WebAccess.Kind.CONTROL, "add-nta", Set.of("zone", "reason"),
                p -> control.addNegativeAnchor(p.name("zone"), p.optional("reason")));
        c.verb(http, access, WebAccess.Kind.CONTROL, "clear-nta", Set.of("zone", "all"), p -> {
            if ("true".equals(p.optional("all"))) {
                return control.clearNegativeAnchors(null);
            }
            return control.clearNegativeAnchors(p.names("zone"));
        });
        c.verb(http, access, WebAccess.Kind.READ, "get-ntas", Set.of(), p -> control.negativeAnchors());
        c.verb(http, access, WebAccess.Kind.CONTROL, "add-ta", Set.of("zone", "ds"),
                p -> control.addTrustAnchor(p.name("zone"), p.required("ds")));
        c.verb(http, access, WebAccess.Kind.CONTROL, "clear-ta", Set.of("zone"),
                p -> control.clearTrustAnchor(p.name("zone")));
        c.verb(http, access, WebAccess.Kind.READ, "get-tas", Set.of(), p -> control.trustAnchors());
        c.verb(http, access, WebAccess.Kind.CONTROL, "set-loglevel", Set.of("level"),
                p -> control.setLogLevel(p.required("level")));
        for (String top : List.of("queries", "remotes", "servfail-queries")) {
            c.verb(http, access, WebAccess.Kind.READ, "top-" + top, Set.of("n"), p -> control.top(top, p.number("n", 20)));
        }
        c.verb(http, access, WebAccess.Kind.READ, "current-queries", Set.of(), p -> control.currentQueries());
        http.createContext("/control/dump-cache", HttpGuard.guard(access, WebAccess.Kind.CONTROL, c::dumpCache));
        http.createContext("/control/trace-regex", HttpGuard.guard(access, WebAccess.Kind.CONTROL, c::traceRegex));
        http.createContext("/control/quit-nicely", HttpGuard.guard(access, WebAccess.Kind.CONTROL, c::quitNicely));
    }

    private void verb(HttpServer http, WebAccess access, WebAccess.Kind kind, String name, Set<String> allowed, Verb v) {
        http.createContext("/control/" + name, HttpGuard.guard(access, kind, ex -> {
            if (!ex.getRequestURI().getPath().equals("/control/" + name)) {
                reply(ex, 404, "not found: " + ex.getRequestURI().getPath() + "\n");
                return;
            }
            try {
                String out = v.run(Params.of(ex, allowed));
                reply(ex, 200, out.endsWith("\n") ? out : out + "\n");
            } catch (Control.Refused e) {
                reply(ex, e.status(), e.getMessage() + "\n");
            }
        }));
    }

    /** {@code POST /control/dump-cache}: the caches as text, streamed as they are read. */
    private void dumpCache(HttpExchange ex) throws IOException {
        try {
            Params.of(ex, Set.of());
        } catch (Control.Refused e) {
            reply(ex, e.status(), e.getMessage() + "\n");
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0); // chunked: the size is not known before the end
        try (Writer w = new BufferedWriter(new OutputStreamWriter(ex.getResponseBody(), StandardCharsets.UTF_8), 1 << 16)) {
            control.dumpCache(w);
        }
    }

    /**
     * {@code POST /control/trace-regex?regex=R} traces matching queries to the log (an empty or absent regex stops
     * it); with {@code &follow=SECONDS} the answer also streams every trace line for that long (at most an hour),
     * which is how the CLI writes a trace into a file.
     */
    private void traceRegex(HttpExchange ex) throws IOException {
        Params p;
        String set;
        int follow;
        try {
            p = Params.of(ex, Set.of("regex", "follow"));
            follow = p.number("follow", 0);
            if (follow > 3600) {
                throw new Control.Refused(400, "follow is at most 3600 seconds");
            }
            set = control.traceRegex(p.optional("regex"));
        } catch (Control.Refused e) {
            reply(ex, e.status(), e.getMessage() + "\n");
            return;
        }
        if (follow <= 0) {
            reply(ex, 200, set + "\n");
            return;
        }
        BlockingQueue<String> lines = control.followTrace();
        try {
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            o.write(("# " + set + "; following for " + follow + " s\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(follow);
            while (System.nanoTime() < end) {
                String line = lines.poll(Math.min(1000, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + 1),
                        TimeUnit.MILLISECONDS);
                if (line != null) {
                    o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    o.flush(); // a client that went away ends this with an IOException
                }
            }
            o.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            control.unfollowTrace(lines);
        }
    }

    /** {@code POST /control/quit-nicely}: answers first, then stops as SIGTERM would. */
    private void quitNicely(HttpExchange ex) throws IOException {
        try {
            Params.of(ex, Set.of());
        } catch (Control.Refused e) {
            reply(ex, e.status(), e.getMessage() + "\n");
            return;
        }
        reply(ex, 200, "bye: stopping as on SIGTERM\n");
        ex.close();
        control.quitNicely();
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    /** A request's query-string parameters, checked against the names the verb takes. */
    record Params(Map<String, List<String>> values) {
        static Params of(HttpExchange ex, Set<String> allowed) throws Control.Refused {
            Map<String, List<String>> m = new LinkedHashMap<>();
            String q = ex.getRequestURI().getRawQuery();
            if (q != null && !q.isEmpty()) {
                for (String part : q.split("&")) {
                    int eq = part.indexOf('=');
                    String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                    if (!allowed.contains(k)) {
                        throw new Control.Refused(400, "unknown parameter '" + k + "'"
                                + (allowed.isEmpty() ? " (this verb takes none)" : " (this verb takes " + String.join(", ",
                                        new java.util.TreeSet<>(allowed)) + ")"));
                    }
                    m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
                }
            }
            return new Params(m);
        }

        String optional(String key) throws Control.Refused {
            List<String> v = values.get(key);
            if (v == null) {
                return null;
            }
            if (v.size() > 1) {
                throw new Control.Refused(400, "'" + key + "' given more than once");
            }
            return v.get(0);
        }

        String required(String key) throws Control.Refused {
            String v = optional(key);
            if (v == null || v.isBlank()) {
                throw new Control.Refused(400, "'" + key + "' is missing");
            }
            return v;
        }

        int number(String key, int fallback) throws Control.Refused {
            String v = optional(key);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new Control.Refused(400, "'" + key + "' must be a whole number, not " + v);
            }
        }

        Name name(String key) throws Control.Refused {
            return parse(required(key));
        }

        List<Name> names(String key) throws Control.Refused {
            List<String> v = values.get(key);
            if (v == null || v.isEmpty()) {
                throw new Control.Refused(400, "'" + key + "' is missing");
            }
            List<Name> out = new ArrayList<>();
            for (String s : v) {
                out.add(parse(s));
            }
            return out;
        }

        private static Name parse(String s) throws Control.Refused {
            try {
                return Name.fromString(s, Name.root);
            } catch (TextParseException e) {
                throw new Control.Refused(400, "not a domain name: " + s + " (" + e.getMessage() + ")");
            }
        }
    }
}
