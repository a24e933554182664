package net.gate64.common.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The client side of {@link WebAccess}: what {@code gate64 control} (the recursor) and {@code gate64 nat64 control}
 * (the gateway) send. Reads are GET with the password as HTTP basic (or the API key when no password is known);
 * state changes are POST with the key in {@value WebAccess#KEY_HEADER}, never in the URL. A failure says which of two
 * things happened: nothing listens ("no server at ...") or the server refused ("the server at ... refused: REASON
 * (HTTP n)"), as a {@link Failure} whose message is complete.
 */
public final class ControlClient {
    private final String address;
    private final String apiKey;
    private final String password;
    private final String hint;

    /**
     * @param address  HOST:PORT of the web endpoint
     * @param apiKey   the plain API key, or null
     * @param password the plain read password, or null
     * @param hint     what to check when nothing answers, e.g. "is the recursor running, with webserver = true?"
     */
    public ControlClient(String address, String apiKey, String password, String hint) {
        this.address = address;
        this.apiKey = apiKey;
        this.password = password;
        this.hint = hint;
    }

    /** What went wrong talking to the server, in full; the CLI prints it and exits with status 1. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failure(String message) {
            super(message, null, false, false);
        }
    }

    public boolean hasKey() {
        return apiKey != null;
    }

    public String address() {
        return address;
    }

    /** A read-only request; the body of a 200. */
    public String get(String path) {
        return text(send(read(path)));
    }

    /** A state change (POST with the key); the body of a 200. The caller checks {@link #hasKey()} first. */
    public String post(String path) {
        return text(send(change(path)));
    }

    /** A state change whose answer is long (a cache dump, a trace): copied to {@code out} as it arrives. */
    public void postStreaming(String path, OutputStream out) throws IOException {
        HttpResponse<InputStream> r = send(change(path), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw refused(r.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            in.transferTo(out);
        }
        out.flush();
    }

    private HttpRequest read(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (password != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    ("gate64:" + password).getBytes(StandardCharsets.UTF_8)));
        } else if (apiKey != null) {
            b.header(WebAccess.KEY_HEADER, apiKey);
        }
        return b.build();
    }

    private HttpRequest change(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (apiKey != null) {
            b.header(WebAccess.KEY_HEADER, apiKey);
        }
        return b.build();
    }

    private URI uri(String path) {
        return URI.create("http://" + address + path);
    }

    private HttpResponse<String> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        try {
            return http.send(request, body);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Failure("no server at " + address + " (" + hint + " give --config FILE or --address=HOST:PORT)");
        } catch (IOException e) {
            throw new Failure("no answer from " + address + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while waiting for " + address);
        }
    }

    private String text(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw refused(r.statusCode(), r.body());
        }
        return r.body();
    }

    private Failure refused(int status, String body) {
        String reason = body.strip();
        return new Failure("the server at " + address + " refused: " + (reason.isEmpty() ? "" : reason + " ")
                + "(HTTP " + status + ")");
    }
}
