package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.gate64.common.log.LogLevel;
import net.gate64.common.log.Logs;
import net.gate64.resolver.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Every verb of {@code gate64 control} against a running recursor (issue 17 item 3), through the CLI as an operator
 * types it ({@code Main.run}, in this JVM): what it prints, and that it did what it says. Verbs that change state
 * need the API key; the read-only ones do not.
 */
class ControlVerbsTest {
    static final String KEY = ControlPlaneTest.KEY;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    /** {@code gate64 control --address=... --api-key=KEY ARGS}, in this JVM. */
    static Run cli(LabFixture f, String... args) {
        List<String> argv = new ArrayList<>(List.of("control", "--address=127.0.0.1:" + f.recursor.webAddress().getPort(),
                "--api-key=" + KEY));
        argv.addAll(List.of(args));
        return run(argv.toArray(new String[0]));
    }

    static Run run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static LabFixture start(String... more) throws Exception {
        List<String> o = new ArrayList<>(List.of("webserver=true", "webserver-address=\"127.0.0.1:0\"", "api-key=\"" + KEY + "\""));
        o.addAll(List.of(more));
        return LabFixture.start(o.toArray(new String[0]));
    }

    @Test
    void pingStatsMetricsGetAndGetAll() throws Exception {
        try (LabFixture f = start()) {
            assertEquals("pong\n", cli(f, "ping").out());
            f.ask("v4only.demo.test.", Type.A);
            f.ask("v4only.demo.test.", Type.A);
            Run one = cli(f, "get", "questions", "packetcache-hits", "gate64_answers_total{rcode=\"noerror\"}");
            assertEquals(0, one.code(), one.err());
            assertEquals(List.of("2", "1", "2"), one.out().lines().toList());
            Run family = cli(f, "get", "gate64_cache_entries");
            assertTrue(family.out().contains("gate64_cache_entries{cache=\"record\"} "), family.out());
            assertTrue(cli(f, "metrics").out().contains("# TYPE gate64_queries_total counter"));
            assertTrue(cli(f, "stats").out().lines().anyMatch(l -> l.equals("gate64_queries_total{transport=\"udp\"} 2")));
            Run all = cli(f, "get-all");
            assertTrue(all.out().lines().anyMatch(l -> l.equals("questions 2")), all.out());
            assertTrue(all.out().contains("gate64_queries_total{transport=\"udp\"} 2"), all.out());
            Run unknown = cli(f, "get", "questons");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("unknown statistic 'questons' (did you mean 'questions'?)"), unknown.err());
        }
    }

    @Test
    void dumpCache() throws Exception {
        try (LabFixture f = start()) {
            f.ask("v4only.demo.test.", Type.A);
            f.ask("nonexistent.demo.test.", Type.A);
            f.ask("txtonly.demo.test.", Type.A);
            Path file = dir.resolve("cache.dump");
            Run r = cli(f, "dump-cache", file.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("dumped "), r.out());
            List<String> lines = Files.readAllLines(file);
            assertTrue(lines.stream().anyMatch(l -> l.matches("v4only\\.demo\\.test\\.\\s+\\d+\\s+IN\\s+A\\s+192\\.0\\.2\\.10 ; "
                    + "validation=indeterminate rank=auth-answer")), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.matches("nonexistent\\.demo\\.test\\. \\d+ IN NXDOMAIN ; soa=demo\\.test\\. "
                    + "validation=indeterminate")), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.matches("txtonly\\.demo\\.test\\. \\d+ IN A NODATA ; soa=demo\\.test\\. .*")),
                    String.join("\n", lines));
            assertTrue(lines.get(lines.size() - 1).startsWith("; packet cache: "), lines.get(lines.size() - 1));
            Run noKey = run("control", "--address=127.0.0.1:" + f.recursor.webAddress().getPort(), "dump-cache", file.toString());
            assertEquals(2, noKey.code(), "the cache's contents need the api-key");
        }
    }

    @Test
    void wipeCache() throws Exception {
        try (LabFixture f = start()) {
            f.ask("v4only.demo.test.", Type.A);
            int asked = f.lab.received().size();
            Run r = cli(f, "wipe-cache", "demo.test$");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("wiped "), r.out());
            f.ask("v4only.demo.test.", Type.A);
            assertEquals(asked + 1, f.lab.received().size(), "asked again after the wipe");
        }
    }

    @Test
    void negativeTrustAnchors() throws Exception {
        try (LabFixture f = start("dnssec=validate")) {
            assertEquals(Rcode.SERVFAIL, f.ask("v4only.demo.test.", Type.A).getRcode(), "Bogus under the IANA anchors");
            Run add = cli(f, "add-nta", "demo.test", "lab", "is", "unsigned");
            assertEquals(0, add.code(), add.err());
            assertTrue(add.out().startsWith("added negative trust anchor for demo.test. (lab is unsigned)"), add.out());
            assertEquals(Rcode.NOERROR, f.ask("v4only.demo.test.", Type.A).getRcode());
            assertEquals("demo.test.\tlab is unsigned\n", cli(f, "get-ntas").out());
            Run unknown = cli(f, "clear-nta", "other.test");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().contains("no negative trust anchor for other.test."), unknown.err());
            Run clear = cli(f, "clear-nta", "demo.test");
            assertEquals(0, clear.code(), clear.err());
            assertEquals(Rcode.SERVFAIL, f.ask("v4only.demo.test.", Type.A).getRcode(), "validated again");
            cli(f, "add-nta", "demo.test");
            cli(f, "add-nta", "other.test");
            assertEquals(0, cli(f, "clear-nta", "*").code());
            assertEquals("no negative trust anchors\n", cli(f, "get-ntas").out());
        }
    }

    @Test
    void trustAnchors() throws Exception {
        try (LabFixture f = start()) {
            Run tas = cli(f, "get-tas");
            assertEquals(0, tas.code(), tas.err());
            assertTrue(tas.out().contains(".\tDS\t20326 8 2 "), tas.out());
            String ds = "12345 13 2 0000000000000000000000000000000000000000000000000000000000000001";
            Run add = cli(f, "add-ta", "example.org", "12345", "13", "2",
                    "0000000000000000000000000000000000000000000000000000000000000001");
            assertEquals(0, add.code(), add.err());
            assertTrue(cli(f, "get-tas").out().contains("example.org.\tDS\t" + ds), cli(f, "get-tas").out());
            Run bad = cli(f, "add-ta", "example.org", "x", "y", "z", "w");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("not the data of a DS record"), bad.err());
            Run root = cli(f, "clear-ta", ".");
            assertEquals(1, root.code());
            assertTrue(root.err().contains("refusing to remove the root's trust anchors"), root.err());
            assertEquals(0, cli(f, "clear-ta", "example.org").code());
            assertFalse(cli(f, "get-tas").out().contains("example.org."));
        }
    }

    @Test
    void setLoglevel() throws Exception {
        LogLevel before = Logs.level();
        try (LabFixture f = start()) {
            Run r = cli(f, "set-loglevel", "debug");
            assertEquals(0, r.code(), r.err());
            assertEquals(LogLevel.DEBUG, Logs.level());
            Run bad = cli(f, "set-loglevel", "loud");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("refused") && bad.err().contains("loud"), bad.err());
            assertEquals(LogLevel.DEBUG, Logs.level(), "unchanged by the refused one");
        } finally {
            Logs.setLevel(before);
        }
    }

    @Test
    void traceRegexToTheLogAndToAFile() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream old = Logs.redirect(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (LabFixture f = start()) {
            Run on = cli(f, "trace-regex", "^v4only\\.");
            assertEquals(0, on.code(), on.err());
            f.ask("v4only.demo.test.", Type.A);
            f.ask("dual.demo.test.", Type.A);
            String text = log.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("query=\"v4only.demo.test. A\"") && text.contains("cache miss: v4only.demo.test. A"), text);
            assertTrue(text.contains("-> 127.0.0.1#" + f.lab.address().getPort() + " v4only.demo.test. A"), text);
            assertTrue(text.contains("answer: NOERROR"), text);
            assertFalse(text.contains("dual.demo.test. A\""), "only the names that match");
            assertEquals(0, cli(f, "trace-regex").code());
            f.ask("v4only.demo.test.", Type.AAAA);
            assertFalse(log.toString(StandardCharsets.UTF_8).contains("v4only.demo.test. AAAA"), "tracing is off");
            Run bad = cli(f, "trace-regex", "(");
            assertEquals(1, bad.code());
            assertTrue(bad.err().contains("not a regular expression"), bad.err());

            Path file = dir.resolve("trace.txt");
            CompletableFuture<Run> following = CompletableFuture.supplyAsync(() -> cli(f, "trace-regex", "^multi\\.",
                    file.toString(), "--seconds", "8"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(file) && Files.readString(file).startsWith("# tracing")) && System.nanoTime() < deadline) {
                Thread.sleep(10); // the follower is not registered yet
            }
            f.ask("multi.demo.test.", Type.A);
            Run done = following.get(60, TimeUnit.SECONDS);
            assertEquals(0, done.code(), done.err());
            String traced = Files.readString(file);
            assertTrue(traced.contains("multi.demo.test. A: answer: NOERROR"), traced);
            f.ask("multi.demo.test.", Type.TXT);
            assertFalse(log.toString(StandardCharsets.UTF_8).contains("multi.demo.test. TXT"), "stopped when the file was done");
        } finally {
            Logs.redirect(old);
        }
    }

    @Test
    void topQueriesRemotesAndServfails() throws Exception {
        try (LabFixture f = start("max-cnames-followed=1")) {
            for (int i = 0; i < 3; i++) {
                f.ask("v4only.demo.test.", Type.A);
            }
            f.ask("dual.demo.test.", Type.AAAA);
            assertEquals(Rcode.SERVFAIL, f.ask("chain.demo.test.", Type.A).getRcode(), "too long a chain");
            Run top = cli(f, "top-queries", "2");
            assertEquals(0, top.code(), top.err());
            assertEquals(List.of("Over last 5 entries:", " 60.00%\tv4only.demo.test./A", " 20.00%\tchain.demo.test./A"),
                    top.out().lines().toList());
            Run remotes = cli(f, "top-remotes");
            assertEquals(List.of("Over last 5 entries:", "100.00%\t127.0.0.1"), remotes.out().lines().toList());
            Run servfails = cli(f, "top-servfail-queries");
            assertEquals(List.of("Over last 1 entries:", "100.00%\tchain.demo.test./A"), servfails.out().lines().toList());
        }
    }

    @Test
    void currentQueries() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout(30_000);
            try (LabFixture f = start("forward-zones-recurse={\"silent.test\"=[\"127.0.0.1:" + silent.getLocalPort() + "\"]}",
                    "network-timeout=20000", "max-total-msec=30000")) {
                assertEquals("0 queries being resolved\n", cli(f, "current-queries").out());
                CompletableFuture<Message> pending = f.client(false).sendAsync(
                        LabFixture.question("stuck.silent.test.", Type.A, true)).toCompletableFuture();
                silent.receive(new java.net.DatagramPacket(new byte[512], 512)); // the recursor asked: the query is in flight
                Run r = cli(f, "current-queries");
                assertEquals(0, r.code(), r.err());
                List<String> lines = r.out().lines().toList();
                assertEquals("1 queries being resolved", lines.get(0));
                assertEquals("qname\tqtype\tremote\ttransport\tage-ms", lines.get(1));
                assertTrue(lines.get(2).matches("stuck\\.silent\\.test\\.\tA\t127\\.0\\.0\\.1\tudp\t\\d+"), lines.get(2));
                pending.cancel(true);
            }
        }
    }

    @Test
    void quitNicelyStopsTheRecursor() throws Exception {
        try (LabFixture f = start()) {
            InetSocketAddress web = f.recursor.webAddress();
            Run r = cli(f, "quit-nicely");
            assertEquals(0, r.code(), r.err());
            assertEquals("bye: stopping as on SIGTERM\n", r.out());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean stopped = false;
            while (!stopped && System.nanoTime() < deadline) {
                try (java.net.Socket s = new java.net.Socket(web.getAddress(), web.getPort())) {
                    Thread.sleep(20); // still there: look again shortly
                } catch (java.io.IOException refused) {
                    stopped = true;
                }
            }
            assertTrue(stopped, "the web endpoint closed");
        }
    }

    @Test
    void reloadLuaScriptAndHashPassword() throws Exception {
        String template = "function preresolve(dq)\n  if dq.qname:equal('hook.demo.test') then\n"
                + "    dq:addAnswer(pdns.A, '%s', 60)\n    return true\n  end\n  return false\nend\n";
        Path script = dir.resolve("hooks.lua");
        Files.writeString(script, template.formatted("192.0.2.211"));
        try (LabFixture f = start("lua-dns-script=\"" + script + "\"")) {
            assertEquals("192.0.2.211", f.ask("hook.demo.test.", Type.A).getSection(org.xbill.DNS.Section.ANSWER).get(0)
                    .rdataToString());
            Files.writeString(script, "function preresolve(dq\n");
            Run broken = cli(f, "reload-lua-script");
            assertEquals(1, broken.code(), broken.out());
            assertTrue(broken.err().contains("hooks.lua:"), "names file:line: " + broken.err());
            assertEquals("192.0.2.211", f.ask("hook.demo.test.", Type.A).getSection(org.xbill.DNS.Section.ANSWER).get(0)
                    .rdataToString(), "the running script stays");
            Files.writeString(script, template.formatted("192.0.2.212"));
            Run ok = cli(f, "reload-lua-script");
            assertEquals(0, ok.code(), ok.err());
            assertTrue(ok.out().startsWith("reloaded " + script), ok.out());
            assertEquals("192.0.2.212", f.ask("hook.demo.test.", Type.A).getSection(org.xbill.DNS.Section.ANSWER).get(0)
                    .rdataToString());
        }
        Run hashed = run("control", "hash-password", "s3cret");
        assertEquals(0, hashed.code(), hashed.err());
        String form = hashed.out().strip();
        assertTrue(form.startsWith("$pbkdf2-sha256$"), form);
        assertTrue(net.gate64.common.web.Secret.parse(form).matches("s3cret"));
        assertFalse(net.gate64.common.web.Secret.parse(form).matches("other"));
        try (LabFixture f = ControlVerbsTest.startWith("api-key=\"" + form + "\"")) {
            Run withIt = run("control", "--address=127.0.0.1:" + f.recursor.webAddress().getPort(), "--api-key=s3cret",
                    "wipe-cache", "demo.test$");
            assertEquals(0, withIt.code(), "the hashed form in the file accepts the plain key: " + withIt.err());
        }
    }

    /** A recursor with its web endpoint and the given settings (api-key among them). */
    static LabFixture startWith(String... more) throws Exception {
        List<String> o = new ArrayList<>(List.of("webserver=true", "webserver-address=\"127.0.0.1:0\""));
        o.addAll(List.of(more));
        return LabFixture.start(o.toArray(new String[0]));
    }

    @Test
    void unknownVerbsListTheValidOnesAndStateChangesNeedTheKey() throws Exception {
        try (LabFixture f = start()) {
            Run unknown = cli(f, "frobnicate");
            assertEquals(2, unknown.code());
            assertTrue(unknown.err().contains("unknown command 'frobnicate' (commands: ") && unknown.err().contains("reload-config")
                    && unknown.err().contains("trace-regex"), unknown.err());
            String address = "--address=127.0.0.1:" + f.recursor.webAddress().getPort();
            for (String verb : List.of("reload-config", "quit-nicely", "set-loglevel", "add-nta", "clear-ta")) {
                List<String> argv = new ArrayList<>(List.of("control", address, verb));
                if (!verb.equals("reload-config") && !verb.equals("quit-nicely")) {
                    argv.add(verb.equals("set-loglevel") ? "debug" : "example.org");
                }
                Run r = run(argv.toArray(new String[0]));
                assertEquals(2, r.code(), verb + ": " + r.err());
                assertTrue(r.err().contains("needs the recursor's api-key"), verb + ": " + r.err());
            }
            Run wrong = run("control", address, "--api-key=nope", "reload-config");
            assertEquals(1, wrong.code());
            assertTrue(wrong.err().contains("refused: wrong API key (HTTP 401)"), wrong.err());
            assertEquals(0, run("control", address, "get-ntas").code(), "read-only verbs need no key");
        }
    }
}
