package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.gate64.tests.ControlPlaneTest.Response;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The stats page and its data over HTTP: what it serves, what it reports, and that it is read-only and guarded. */
class StatsPageTest {
    @Test
    void theDataReportsQueriesTopNamesUpstreamsAndTheGateway() throws Exception {
        try (FakeGateway gw = new FakeGateway();
             LabFixture f = LabFixture.start("webserver=true", "webserver-address=\"127.0.0.1:0\"",
                     "dns64-prefix=\"64:ff9b::/96\"", "stats-nat64-url=\"" + gw.url() + "\"")) {
            for (int i = 0; i < 3; i++) {
                f.ask("v4only.demo.test.", Type.AAAA);
            }
            f.ask("chain.demo.test.", Type.A);
            InetSocketAddress web = f.recursor.webAddress();
            Response r = ControlPlaneTest.http(web, "GET", "/stats/data.json", ControlPlaneTest.headers(web));
            assertEquals(200, r.status(), r.body());
            String body = r.body();
            assertTrue(body.startsWith("{\"time\":"), body);
            assertTrue(body.contains("\"health\":{\"ok\":true,\"reason\":\"\"},\"ready\":{\"ok\":true,\"reason\":\"\"}"), body);
            assertTrue(body.contains("\"gate64_queries_total{transport=\\\"udp\\\"}\":4"), body);
            assertTrue(body.contains("\"gate64_dns64_synthesized_total\":1"), body); // then packet-cache hits
            assertTrue(body.contains("\"names\":[{\"key\":\"v4only.demo.test. AAAA\",\"count\":3},"), body);
            assertTrue(body.contains("\"clients\":[{\"key\":\"127.0.0.1\",\"count\":4}]"), body);
            assertTrue(body.contains("\"latency\":{\"bounds\":[0.0001,0.001,"), body);
            String lab = net.gate64.common.HostPort.format(f.lab.address());
            assertTrue(body.contains("{\"kind\":\"forwarder\",\"server\":\"" + lab + "\",\"srtt_ms\":"), body);
            assertTrue(body.contains("\"nat64\":{\"url\":\"" + gw.url() + "\",\"error\":null,\"series\":{"
                    + "\"gate64_nat64_dropped_total{reason=\\\"no-binding\\\"}\":3,"), body);
        }
    }

    @Test
    void thePageIsServedWithAStrictPolicyAndNothingFromElsewhere() throws Exception {
        try (LabFixture f = LabFixture.start("webserver=true", "webserver-address=\"127.0.0.1:0\"")) {
            InetSocketAddress web = f.recursor.webAddress();
            String raw = raw(web, "/stats");
            assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
            assertTrue(raw.contains("Content-security-policy: default-src 'none'; script-src 'self';")
                    || raw.contains("Content-Security-Policy: default-src 'none'; script-src 'self';"), raw);
            String html = raw.substring(raw.indexOf("\r\n\r\n"));
            assertTrue(html.contains("<script src=\"/stats/stats.js\" defer></script>"), html);
            assertTrue(!html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"), "no external assets");
            for (String asset : new String[] {"/stats/stats.js", "/stats/stats.css", "/stats/favicon.svg"}) {
                assertEquals(200, ControlPlaneTest.http(web, "GET", asset, ControlPlaneTest.headers(web)).status(), asset);
            }
            assertEquals(404, ControlPlaneTest.http(web, "GET", "/stats/../metrics", ControlPlaneTest.headers(web)).status());
            assertEquals(302, ControlPlaneTest.http(web, "GET", "/", ControlPlaneTest.headers(web)).status());
        }
    }

    @Test
    void itIsReadOnlyAndBehindTheWebserverPassword() throws Exception {
        try (LabFixture f = LabFixture.start("webserver=true", "webserver-address=\"127.0.0.1:0\"",
                "webserver-password=\"pw-7\"")) {
            InetSocketAddress web = f.recursor.webAddress();
            for (String path : new String[] {"/stats", "/stats/data.json", "/stats/stats.js"}) {
                assertEquals(401, ControlPlaneTest.http(web, "GET", path, ControlPlaneTest.headers(web)).status(), path);
            }
            String auth = "Basic " + Base64.getEncoder().encodeToString("any:pw-7".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, ControlPlaneTest.http(web, "GET", "/stats/data.json",
                    ControlPlaneTest.headers(web, "Authorization", auth)).status());
            assertEquals(405, ControlPlaneTest.http(web, "POST", "/stats/data.json",
                    ControlPlaneTest.headers(web, "Authorization", auth)).status());
            assertEquals(403, ControlPlaneTest.http(web, "GET", "/stats/data.json", ControlPlaneTest.headers(web,
                    "Authorization", auth, "Host", "attacker.example")).status(), "DNS rebinding");
            assertEquals(403, ControlPlaneTest.http(web, "GET", "/stats/data.json", ControlPlaneTest.headers(web,
                    "Authorization", auth, "Origin", "http://attacker.example")).status(), "another site's page");
        }
    }

    /** The whole response, headers included. */
    private static String raw(InetSocketAddress to, String path) throws Exception {
        try (java.net.Socket s = new java.net.Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + to.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
