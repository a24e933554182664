package net.gate64.tests;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the NAT64 gateway's {@code /metrics} (its names, as nat64/http serves them): sessions that grow with
 * each read, and drops by reason. For the stats page's gateway section.
 */
final class FakeGateway implements AutoCloseable {
    final HttpServer http;
    final AtomicInteger reads = new AtomicInteger();

    FakeGateway() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        http.createContext("/metrics", ex -> {
            int n = reads.incrementAndGet();
            String body = """
                    # TYPE gate64_nat64_sessions gauge
                    gate64_nat64_sessions{proto="tcp"} %d
                    gate64_nat64_sessions{proto="udp"} %d
                    gate64_nat64_sessions{proto="icmp"} 1
                    # TYPE gate64_nat64_dropped_total counter
                    gate64_nat64_dropped_total{reason="no-binding"} %d
                    gate64_nat64_dropped_total{reason="ttl-exceeded"} 2
                    """.formatted(10 + n, 5 + n, 3 * n);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/metrics";
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
