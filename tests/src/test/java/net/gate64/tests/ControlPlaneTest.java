package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.gate64.config.ConfigError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Assertions;
import org.xbill.DNS.Type;

/**
 * The control-plane hole of issue 10, attacked as it was found: a POST that made the recursor load an arbitrary Lua
 * file which ran {@code id}, with no credential, from any local process or web page (no Host/Origin check). Each
 * attack must now be refused, change nothing, and leave the recursor answering; the operator's path (the CLI with the
 * key) must keep working.
 */
class ControlPlaneTest {
    static final String KEY = "test-key-3f9c";

    /** One raw HTTP/1.1 request (raw, so Host and Origin can be forged as a browser or a rebinding page would). */
    record Response(int status, String body) {}

    static Response http(InetSocketAddress to, String method, String path, Map<String, String> headers)
            throws IOException {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            OutputStream o = s.getOutputStream();
            o.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(all.substring(9, 12));
            int body = all.indexOf("\r\n\r\n");
            return new Response(status, body < 0 ? "" : all.substring(body + 4));
        }
    }

    static Map<String, String> headers(InetSocketAddress web, String... more) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + web.getPort());
        for (int i = 0; i + 1 < more.length; i += 2) {
            if (more[i + 1] == null) {
                h.remove(more[i]);
            } else {
                h.put(more[i], more[i + 1]);
            }
        }
        return h;
    }

    static LabFixture start(Path script, String... more) throws Exception {
        List<String> o = new ArrayList<>(List.of("webserver=true", "webserver-address=\"127.0.0.1:0\"",
                "lua-dns-script=\"" + script + "\""));
        o.addAll(List.of(more));
        return LabFixture.start(o.toArray(new String[0]));
    }

    @Test
    void theReproducedAttackIsRefusedAndRunsNothing(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("id-output");
        Path evil = dir.resolve("evil.lua");
        Files.writeString(evil, "io.popen('id > " + marker + "')\n");
        Path configured = dir.resolve("configured.lua");
        Files.writeString(configured, "-- no hooks\n");
        try (LabFixture f = start(configured, "api-key=\"" + KEY + "\"")) {
            InetSocketAddress web = f.recursor.webAddress();
            // as found: no key, a file named by the request
            assertEquals(401, http(web, "POST", "/control/reload-lua-script?file=" + evil, headers(web)).status());
            // even with the key, a request cannot name the file
            Response named = http(web, "POST", "/control/reload-lua-script?file=" + evil, headers(web, "X-API-Key", KEY));
            assertEquals(400, named.status(), named.body());
            assertFalse(Files.exists(marker), "the named file never ran");
            // and if the configured file itself is replaced by the attacker's, the sandbox stops it
            Files.copy(evil, configured, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Response sandboxed = http(web, "POST", "/control/reload-lua-script", headers(web, "X-API-Key", KEY));
            assertEquals(500, sandboxed.status(), sandboxed.body());
            assertTrue(sandboxed.body().contains("configured.lua:1"), sandboxed.body());
            assertFalse(Files.exists(marker), "io.popen is not available to scripts");
            assertEquals(1, f.metric("gate64_script_reloads_total", "result", "failed"));
            assertEquals(org.xbill.DNS.Rcode.NOERROR, f.ask("v4only.demo.test.", Type.A).getRcode(), "still answering");
        }
    }

    @Test
    void stateChangesNeedPostTheKeyAndTheServersOwnName(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("hooks.lua");
        Files.writeString(script, "-- no hooks\n");
        try (LabFixture f = start(script, "api-key=\"" + KEY + "\"")) {
            InetSocketAddress web = f.recursor.webAddress();
            String wipe = "/control/wipe-cache?name=demo.test&subtree=true";
            assertEquals(401, http(web, "POST", wipe, headers(web)).status(), "no key");
            assertEquals(401, http(web, "POST", wipe, headers(web, "X-API-Key", "guess")).status(), "wrong key");
            assertEquals(401, http(web, "POST", wipe + "&api-key=" + KEY, headers(web)).status(), "key in the URL");
            assertEquals(405, http(web, "GET", wipe, headers(web, "X-API-Key", KEY)).status(), "GET");
            assertEquals(403, http(web, "POST", wipe, headers(web, "X-API-Key", KEY, "Host", "attacker.example:"
                    + web.getPort())).status(), "DNS rebinding: the attacker's name in Host");
            assertEquals(403, http(web, "POST", wipe, headers(web, "X-API-Key", KEY, "Origin",
                    "http://attacker.example")).status(), "a cross-site request from a web page");
            assertEquals(400, http(web, "POST", wipe, headers(web, "X-API-Key", KEY, "Host", null)).status());
            assertEquals(200, http(web, "POST", wipe, headers(web, "X-API-Key", KEY)).status(), "the operator");
            assertEquals(200, http(web, "POST", wipe, headers(web, "X-API-Key", KEY, "Origin",
                    "http://127.0.0.1:" + web.getPort())).status(), "same origin");
            assertEquals(200, http(web, "POST", "/control/reload-lua-script", headers(web, "X-API-Key", KEY)).status());
            assertEquals(200, http(web, "GET", "/health", headers(web)).status(), "probes need no key");
            assertEquals(403, http(web, "GET", "/health", headers(web, "Host", "attacker.example")).status());
            assertEquals(200, http(web, "GET", "/metrics", headers(web)).status(), "no webserver-password set");
        }
    }

    @Test
    void withoutAnApiKeyControlIsOff(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("hooks.lua");
        Files.writeString(script, "-- no hooks\n");
        try (LabFixture f = start(script)) {
            InetSocketAddress web = f.recursor.webAddress();
            Response r = http(web, "POST", "/control/reload-lua-script", headers(web, "X-API-Key", ""));
            assertEquals(403, r.status());
            assertTrue(r.body().contains("api-key"), r.body());
        }
    }

    @Test
    void metricsNeedTheWebserverPasswordWhenSet(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("hooks.lua");
        Files.writeString(script, "-- no hooks\n");
        String hashed = net.gate64.common.web.Secret.hash("pw-42");
        try (LabFixture f = start(script, "webserver-password=\"" + hashed + "\"", "api-key=\"" + KEY + "\"")) {
            InetSocketAddress web = f.recursor.webAddress();
            String ok = "Basic " + Base64.getEncoder().encodeToString("me:pw-42".getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("me:pw-43".getBytes(StandardCharsets.UTF_8));
            assertEquals(401, http(web, "GET", "/metrics", headers(web)).status());
            assertEquals(401, http(web, "GET", "/metrics", headers(web, "Authorization", bad)).status());
            Response r = http(web, "GET", "/metrics", headers(web, "Authorization", ok));
            assertEquals(200, r.status());
            assertTrue(r.body().contains("gate64_"), r.body());
            assertEquals(200, http(web, "GET", "/metrics", headers(web, "X-API-Key", KEY)).status());
        }
    }

    @Test
    void aSandboxEscapeInTheConfiguredScriptRefusesToStart(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("marker");
        Path script = dir.resolve("escape.lua");
        Files.writeString(script, "local f = assert(io.open('" + marker + "', 'w'))\n");
        ConfigError e = Assertions.assertThrows(ConfigError.class, () -> start(script).close());
        assertTrue(e.getMessage().contains("escape.lua:1"), e.getMessage());
        assertFalse(Files.exists(marker));
    }

    @Test
    void theControlCliSendsTheKey(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("hooks.lua");
        Files.writeString(script, "-- no hooks\n");
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, KEY + "\n");
        try (LabFixture f = start(script, "api-key=\"" + net.gate64.common.web.Secret.hash(KEY) + "\"")) {
            String address = "--address=127.0.0.1:" + f.recursor.webAddress().getPort();
            Cli withKey = cli(address, "--api-key-file=" + keyFile, "wipe-cache", "demo.test$");
            assertEquals(0, withKey.code(), withKey.out());
            assertTrue(withKey.out().contains("wiped"), withKey.out());
            Cli noKey = cli(address, "wipe-cache", "demo.test$");
            assertEquals(2, noKey.code(), noKey.out());
            assertTrue(noKey.out().contains("api-key"), noKey.out());
            Cli wrong = cli(address, "--api-key=nope", "reload-lua-script");
            assertEquals(1, wrong.code(), wrong.out());
            assertTrue(wrong.out().contains(" refused: ") && wrong.out().contains("(HTTP 401)"), wrong.out());
            Cli file = cli(address, "--api-key=" + KEY, "reload-lua-script", "/tmp/other.lua");
            assertEquals(2, file.code(), file.out());
            Cli stats = cli(address, "stats");
            assertEquals(0, stats.code(), stats.out());
        }
    }

    record Cli(int code, String out) {}

    static Cli cli(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "net.gate64.resolver.cli.Main", "control"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("GATE64_API_KEY");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Cli(p.exitValue(), out);
    }
}
