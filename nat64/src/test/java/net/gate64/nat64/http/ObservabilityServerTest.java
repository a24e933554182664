package net.gate64.nat64.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.NetworkSet;
import net.gate64.common.web.Secret;
import net.gate64.common.web.WebAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's HTTP endpoint over a fake {@link GatewayControl} (what the interface is for): each path reaches its
 * verb with its parameters, state changes need POST and the api-key (HttpGuard), reads the password, and bad
 * requests get a 4xx naming the problem without reaching the gateway.
 */
class ObservabilityServerTest {
    private static final String KEY = "test-key";
    private static final String PASSWORD = "test-password";
    private final List<String> calls = new ArrayList<>();
    private ObservabilityServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Records each call; refuses a bib-remove of port 1 as the gateway would (404). */
    private final GatewayControl fake = new GatewayControl() {
        @Override
        public String metricsText() {
            calls.add("metrics");
            return "gate64_nat64_x 1\n";
        }

        @Override
        public Probe health() {
            return new Probe(true, "ok\n");
        }

        @Override
        public Probe readiness() {
            return new Probe(false, "not ready\ntun nat64: down\n");
        }

        @Override
        public String sessions(String filter, int limit) {
            calls.add("sessions " + filter + " " + limit);
            return "# sessions\n";
        }

        @Override
        public String bindings(String filter, int limit) {
            calls.add("bib " + filter + " " + limit);
            return "# bib\n";
        }

        @Override
        public String addStaticBinding(String protocol, String ipv6, String ipv4) {
            calls.add("bib-add " + protocol + " " + ipv6 + " " + ipv4);
            return "added";
        }

        @Override
        public String removeStaticBinding(String protocol, String ipv6) throws Refused {
            calls.add("bib-remove " + protocol + " " + ipv6);
            if (ipv6.endsWith(":1")) {
                throw new Refused(404, "no static binding for " + protocol + " " + ipv6);
            }
            return "removed";
        }

        @Override
        public String flush() {
            calls.add("flush");
            return "flushed 0 sessions";
        }

        @Override
        public String reloadConfig() throws Refused {
            calls.add("reload-config");
            throw new Refused(400, "reload refused, the running settings stay in service: x: 3: bad");
        }
    };

    @BeforeEach
    void start() throws Exception {
        WebAccess access = new WebAccess(NetworkSet.of(List.of("127.0.0.1")), Secret.parse(KEY), Secret.parse(PASSWORD),
                List.of());
        server = new ObservabilityServer(new InetSocketAddress("127.0.0.1", 0), access, fake);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(("any:" + PASSWORD).getBytes());
    }

    @Test
    void readsNeedThePasswordAndPassTheirParameters() throws Exception {
        assertEquals(401, send("GET", "/sessions").statusCode());
        HttpResponse<String> r = send("GET", "/sessions?filter=tcp%202001:db8::/64&limit=5", "Authorization", basic());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("# sessions\n", r.body());
        assertEquals(200, send("GET", "/bib", "X-API-Key", KEY).statusCode(), "or the api-key");
        assertEquals(List.of("sessions tcp 2001:db8::/64 5", "bib null 10000"), calls);
        assertEquals(200, send("GET", "/health").statusCode(), "probes need no password");
        HttpResponse<String> ready = send("GET", "/ready");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("tun nat64: down"), ready.body());
    }

    @Test
    void stateChangesNeedPostAndTheKey() throws Exception {
        assertEquals(401, send("POST", "/control/flush").statusCode(), "no key");
        assertEquals(401, send("POST", "/control/flush", "X-API-Key", "wrong").statusCode());
        assertEquals(405, send("GET", "/control/flush", "X-API-Key", KEY).statusCode(), "not with GET");
        assertEquals(List.of(), calls, "none reached the gateway");
        HttpResponse<String> ok = send("POST", "/control/bib-add?protocol=tcp&ipv6=%5B2001:db8::5%5D:80&ipv4=192.0.2.1:80",
                "X-API-Key", KEY);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("added\n", ok.body());
        assertEquals(200, send("POST", "/control/flush", "X-API-Key", KEY).statusCode());
        assertEquals(List.of("bib-add tcp [2001:db8::5]:80 192.0.2.1:80", "flush"), calls);
    }

    @Test
    void refusalsAndBadRequestsNameTheProblem() throws Exception {
        HttpResponse<String> gone = send("POST", "/control/bib-remove?protocol=tcp&ipv6=%5B2001:db8::5%5D:1", "X-API-Key", KEY);
        assertEquals(404, gone.statusCode());
        assertEquals("no static binding for tcp [2001:db8::5]:1\n", gone.body());
        HttpResponse<String> reload = send("POST", "/control/reload-config", "X-API-Key", KEY);
        assertEquals(400, reload.statusCode());
        assertTrue(reload.body().startsWith("reload refused, the running settings stay in service"), reload.body());
        calls.clear();

        HttpResponse<String> unknownParam = send("POST", "/control/flush?all=1", "X-API-Key", KEY);
        assertEquals(400, unknownParam.statusCode());
        assertEquals("unknown parameter 'all' (this verb takes none)\n", unknownParam.body());
        HttpResponse<String> twice = send("GET", "/bib?limit=1&limit=2", "X-API-Key", KEY);
        assertEquals(400, twice.statusCode());
        assertEquals("'limit' given more than once\n", twice.body());
        HttpResponse<String> limit = send("GET", "/sessions?limit=-1", "X-API-Key", KEY);
        assertEquals(400, limit.statusCode());
        assertTrue(limit.body().startsWith("bad limit: -1"), limit.body());
        HttpResponse<String> missing = send("POST", "/control/bib-add?protocol=tcp", "X-API-Key", KEY);
        assertEquals(400, missing.statusCode());
        assertEquals("'ipv6' is missing\n", missing.body());
        HttpResponse<String> verb = send("POST", "/control/frobnicate", "X-API-Key", KEY);
        assertEquals(404, verb.statusCode());
        assertTrue(verb.body().contains("unknown control verb 'frobnicate' (verbs: bib-add, bib-remove, flush, reload-config)"),
                verb.body());
        assertEquals(List.of(), calls, "none reached the gateway");
    }
}
