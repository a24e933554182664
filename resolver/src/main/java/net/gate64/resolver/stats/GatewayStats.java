package net.gate64.resolver.stats;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The NAT64 gateway's counters for the stats page: its {@code /metrics} (at {@code stats-nat64-url}) read at most once
 * a second however many pages are open, and only the {@code gate64_nat64_*} series kept. The URL comes from the
 * operator's config file, never from a request.
 */
public final class GatewayStats {
    /** Where the gateway's metrics are ({@code stats-nat64-url}) and its {@code http-password} (may be empty). */
    public record Source(URI url, String password) {
        /** Refuses anything but an absolute http(s) URL. */
        public static Source of(String url, String password) {
            if (url == null || url.isBlank()) {
                return null;
            }
            URI u;
            try {
                u = new URI(url.trim());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getMessage());
            }
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException("'" + url + "' is not an http:// or https:// URL with a host");
            }
            return new Source(u, password == null ? "" : password);
        }
    }

    /** What the last read gave: the series, or why there are none. */
    public record Reading(String url, Map<String, Double> series, String error) {}

    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final URI url;
    private final String authorization;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final LongSupplier clock;
    private Reading last;
    private long readAt;

    public GatewayStats(Source source, LongSupplier clock) {
        this.url = source.url();
        String password = source.password();
        this.authorization = password == null || password.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(("gate64:" + password).getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    public synchronized Reading read() {
        long now = clock.getAsLong();
        if (last != null && now - readAt < MAX_AGE_NANOS) {
            return last;
        }
        readAt = now;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(1)).GET();
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            last = r.statusCode() == 200 ? new Reading(url.toString(), parse(r.body()), null)
                    : new Reading(url.toString(), Map.of(), "HTTP " + r.statusCode() + ": " + firstLine(r.body()));
        } catch (java.io.IOException e) {
            last = new Reading(url.toString(), Map.of(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            last = new Reading(url.toString(), Map.of(), "interrupted");
        }
        return last;
    }

    /** The {@code gate64_nat64_*} series of a Prometheus text exposition. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("gate64_nat64_")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).trim()));
            } catch (NumberFormatException ignored) {
                // not a sample line
            }
        }
        return out;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
