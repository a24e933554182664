package net.gate64.common.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** {@link WebAccess} applied to a JDK {@code HttpServer} handler: refused requests get the status and a text reason. */
public final class HttpGuard {
    private HttpGuard() {}

    public static HttpHandler guard(WebAccess access, WebAccess.Kind kind, HttpHandler handler) {
        return ex -> {
            try (ex) {
                var h = ex.getRequestHeaders();
                WebAccess.Refusal no = access.check(kind, new WebAccess.Request(ex.getRemoteAddress().getAddress(),
                        ex.getRequestMethod(), h.getFirst("Host"), h.getFirst("Origin"), h.getFirst(WebAccess.KEY_HEADER),
                        h.getFirst("Authorization")));
                if (no != null) {
                    if (no.challenge()) {
                        ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"gate64\", charset=\"UTF-8\"");
                    }
                    reply(ex, no.status(), no.message() + "\n");
                    return;
                }
                ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                handler.handle(ex);
            }
        };
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }
}
