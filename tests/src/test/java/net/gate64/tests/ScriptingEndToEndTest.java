package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.config.ConfigError;
import net.gate64.scripting.ScriptLoadError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Hook scripts in the real recursor against the lab, over UDP: every hook, the follow-ups, per-client prefixes,
 * error and reload paths, for Lua and for JavaScript alike, plus contrib/dns64.{lua,js} and the DNS64 script from the
 * PowerDNS documentation unchanged. Clients are 127.0.0.1, 127.0.0.2 (another NAT64 site) and 127.0.0.3 (blocked).
 */
class ScriptingEndToEndTest {
    static final Path SCRIPTS = LabFixture.REPO.resolve("tests/src/test/resources/scripting");

    static LabFixture start(Path script, String... more) throws Exception {
        String[] o = new String[more.length + 1];
        o[0] = "lua-dns-script=\"" + script + "\"";
        System.arraycopy(more, 0, o, 1, more.length);
        return LabFixture.start(o);
    }

    /**
     * The answer section equals {@code expected} ("name ttl type data" lines), except that each TTL may be up to 5 s
     * below the expected one: the record cache ages TTLs by the real clock, so an answer given a second after the
     * record was cached says 299 for 300 (a test that compared exact TTLs failed on a busy machine).
     */
    static void assertAnswers(List<String> expected, Message m, String... message) {
        List<String> actual = answers(m);
        String why = "expected " + expected + " but got " + actual + (message.length > 0 ? ": " + message[0] : "");
        assertEquals(expected.size(), actual.size(), why);
        for (int i = 0; i < expected.size(); i++) {
            String[] e = expected.get(i).split(" ", 3);
            String[] a = actual.get(i).split(" ", 3);
            long aged = Long.parseLong(e[1]) - Long.parseLong(a[1]);
            assertTrue(e[0].equals(a[0]) && e[2].equals(a[2]) && aged >= 0 && aged <= 5, why);
        }
    }

    static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(ScriptingEndToEndTest::text).toList();
    }

    /** The answer records' data only (for answers that may come from the packet cache, TTLs aged). */
    static List<String> data(Message m) {
        return m.getSection(Section.ANSWER).stream()
                .map(r -> r instanceof AAAARecord a ? Nat64Prefix.format(a.rdataToWireCanonical()) : r.rdataToString()).toList();
    }

    static String text(Record r) {
        return r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " "
                + (r instanceof AAAARecord a ? Nat64Prefix.format(a.rdataToWireCanonical()) : r.rdataToString());
    }

    static Message ask(LabFixture f, String client, String name, int type) throws Exception {
        SimpleResolver r = f.client(false);
        r.setLocalAddress(new InetSocketAddress(client, 0));
        return r.send(LabFixture.question(name, type, true));
    }

    static String ptrName(String ipv6) throws Exception {
        return ReverseMap.fromAddress(ipv6).toString();
    }

    /** The same behaviours, whichever language the script is in. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Hooks {
        LabFixture f;

        abstract String script();

        @BeforeAll
        void start() throws Exception {
            f = ScriptingEndToEndTest.start(SCRIPTS.resolve(script()));
        }

        @AfterAll
        void stop() {
            f.close();
        }

        @Test
        void preresolveAnswersWithoutAskingUpstream() throws Exception {
            Message m = ask(f, "127.0.0.1", "scripted.demo.test.", Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertEquals(List.of("192.0.2.99", "192.0.2.98"), data(m));
            long ttl = m.getSection(Section.ANSWER).get(0).getTTL();
            assertTrue(ttl > 0 && ttl <= 60, "dq:addAnswer's TTL, aged at most by the packet cache: " + ttl);
        }

        @Test
        void preresolveRcodeIsSent() throws Exception {
            assertEquals(Rcode.REFUSED, ask(f, "127.0.0.1", "refused.demo.test.", Type.A).getRcode());
        }

        @Test
        void nxdomainHookRewritesTheAnswer() throws Exception {
            Message m = ask(f, "127.0.0.1", "nonexistent.demo.test.", Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertAnswers(List.of("nonexistent.demo.test. 30 A 192.0.2.250"), m);
            // other types are left to the normal answer
            assertEquals(Rcode.NXDOMAIN, ask(f, "127.0.0.1", "nonexistent.demo.test.", Type.TXT).getRcode());
        }

        @Test
        void nodataWithGetFakeAaaaRecordsUsesThePrefixOfEachClient() throws Exception {
            assertAnswers(List.of("v4only.demo.test. 300 AAAA 64:ff9b::c000:20a"), ask(f, "127.0.0.1", "v4only.demo.test.", Type.AAAA));
            // dq.variable: the first client's answer is not served to the second from the packet cache
            assertAnswers(List.of("v4only.demo.test. 300 AAAA 2001:db8:64::c000:20a"), ask(f, "127.0.0.2", "v4only.demo.test.", Type.AAAA));
            assertAnswers(List.of("v4only.demo.test. 300 AAAA 64:ff9b::c000:20a"), ask(f, "127.0.0.1", "v4only.demo.test.", Type.AAAA));
            assertAnswers(List.of("multi.demo.test. 300 AAAA 2001:db8:64::c000:21f", "multi.demo.test. 300 AAAA 2001:db8:64::c000:220"), ask(f, "127.0.0.2", "multi.demo.test.", Type.AAAA));
        }

        @Test
        void getFakeAaaaRecordsKeepsTheCnameChain() throws Exception {
            assertAnswers(List.of("chain.demo.test. 300 CNAME alias.demo.test.", "alias.demo.test. 300 CNAME v4only.demo.test.",
                    "v4only.demo.test. 300 AAAA 64:ff9b::c000:20a"), ask(f, "127.0.0.1", "chain.demo.test.", Type.AAAA));
        }

        @Test
        void getFakePtrRecordsAnswersThroughInAddrArpa() throws Exception {
            Message m = ask(f, "127.0.0.1", ptrName("64:ff9b::192.0.2.10"), Type.PTR);
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertAnswers(List.of(ptrName("64:ff9b::192.0.2.10") + " 300 CNAME 10.2.0.192.in-addr.arpa.",
                    "10.2.0.192.in-addr.arpa. 300 PTR v4only.demo.test."), m);
            Message none = ask(f, "127.0.0.1", ptrName("64:ff9b::192.0.2.77"), Type.PTR);
            assertEquals(Rcode.NXDOMAIN, none.getRcode()); // the in-addr.arpa lookup's rcode, CNAME kept (as PowerDNS)
            assertAnswers(List.of(ptrName("64:ff9b::192.0.2.77") + " 1 CNAME 77.2.0.192.in-addr.arpa."), none);
        }

        @Test
        void followCnameRecordsResolvesTheTarget() throws Exception {
            assertAnswers(List.of("follow.demo.test. 60 CNAME v4only.demo.test.", "v4only.demo.test. 300 A 192.0.2.10"), ask(f, "127.0.0.1", "follow.demo.test.", Type.A));
        }

        @Test
        void postresolveRewritesRecordsAndSeesDataFromPreresolve() throws Exception {
            assertAnswers(List.of("dual.demo.test. 42 A 192.0.2.21", "dual.demo.test. 42 TXT preresolve:dual.demo.test."), ask(f, "127.0.0.1", "dual.demo.test.", Type.A));
            // untouched types and names pass through
            assertAnswers(List.of("dual.demo.test. 300 AAAA 2001:db8::20"), ask(f, "127.0.0.1", "dual.demo.test.", Type.AAAA));
        }

        @Test
        void ipfilterDropsTheBlockedClient() throws Exception {
            long before = f.metric("gate64_drops_total", "reason", "ipfilter");
            SimpleResolver r = f.client(false);
            r.setLocalAddress(new InetSocketAddress("127.0.0.3", 0));
            r.setTimeout(Duration.ofMillis(700));
            assertThrows(java.io.IOException.class, () -> r.send(LabFixture.question("v4only.demo.test.", Type.A, true)));
            assertEquals(before + 1, f.metric("gate64_drops_total", "reason", "ipfilter"));
            assertEquals(Rcode.NOERROR, ask(f, "127.0.0.2", "v4only.demo.test.", Type.A).getRcode());
        }

        @Test
        void runtimeErrorIsCountedAndTheQueryGoesOn() throws Exception {
            long before = f.metric("gate64_script_errors_total", "hook", "preresolve");
            Message m = ask(f, "127.0.0.1", "boom.demo.test.", Type.A);
            // preresolve failed → as if it returned false: resolved (NXDOMAIN), then the nxdomain hook ran
            assertAnswers(List.of("boom.demo.test. 30 A 192.0.2.250"), m);
            assertEquals(before + 1, f.metric("gate64_script_errors_total", "hook", "preresolve"));
        }

        @Test
        void runawayHookIsStoppedAndTheServerKeepsAnswering() throws Exception {
            long before = f.metric("gate64_script_timeouts_total", "hook", "preresolve");
            long start = System.nanoTime();
            Message m = ask(f, "127.0.0.1", "spin.demo.test.", Type.A);
            assertAnswers(List.of("spin.demo.test. 30 A 192.0.2.250"), m);
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "bounded by lua-hook-timeout-msec");
            assertEquals(before + 1, f.metric("gate64_script_timeouts_total", "hook", "preresolve"));
            assertEquals(List.of("192.0.2.99", "192.0.2.98"), data(ask(f, "127.0.0.1", "scripted.demo.test.", Type.A)));
        }
    }

    @Nested
    class Lua extends Hooks {
        @Override
        String script() {
            return "hooks.lua";
        }
    }

    @Nested
    class JavaScript extends Hooks {
        @Override
        String script() {
            return "hooks.js";
        }
    }

    /** contrib/dns64.lua and its twin: two clients, two prefixes, PTR for both prefixes. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contrib {
        LabFixture f;

        abstract String script();

        @BeforeAll
        void start() throws Exception {
            f = ScriptingEndToEndTest.start(LabFixture.REPO.resolve(script()));
        }

        @AfterAll
        void stop() {
            f.close();
        }

        @Test
        void eachClientGetsItsPrefix() throws Exception {
            for (int round = 0; round < 2; round++) {
                assertAnswers(List.of("v4only.demo.test. 300 AAAA 64:ff9b::c000:20a"), ask(f, "127.0.0.1", "v4only.demo.test.", Type.AAAA));
                assertAnswers(List.of("v4only.demo.test. 300 AAAA 2001:db8:64::c000:20a"), ask(f, "127.0.0.2", "v4only.demo.test.", Type.AAAA));
            }
            assertAnswers(List.of("away.demo.test. 300 CNAME web.other.test.", "web.other.test. 300 AAAA 2001:db8:64::c633:6407"), ask(f, "127.0.0.2", "away.demo.test.", Type.AAAA));
        }

        /** gettag puts the client's view into the packet-cache key: per-client answers stay cacheable. */
        @Test
        void answersArePacketCachedPerView() throws Exception {
            ask(f, "127.0.0.1", "multi.demo.test.", Type.AAAA);
            ask(f, "127.0.0.2", "multi.demo.test.", Type.AAAA);
            long hits = f.metric("gate64_cache_hits_total", "cache", "packet");
            assertEquals(List.of("64:ff9b::c000:21f", "64:ff9b::c000:220"), data(ask(f, "127.0.0.1", "multi.demo.test.", Type.AAAA)));
            assertEquals(List.of("2001:db8:64::c000:21f", "2001:db8:64::c000:220"), data(ask(f, "127.0.0.2", "multi.demo.test.", Type.AAAA)));
            assertEquals(hits + 2, f.metric("gate64_cache_hits_total", "cache", "packet"));
        }

        @Test
        void realAaaaAndOtherTypesAreUntouched() throws Exception {
            assertAnswers(List.of("dual.demo.test. 300 AAAA 2001:db8::20"), ask(f, "127.0.0.2", "dual.demo.test.", Type.AAAA));
            assertEquals(Rcode.NXDOMAIN, ask(f, "127.0.0.2", "nonexistent.demo.test.", Type.AAAA).getRcode());
            Message txt = ask(f, "127.0.0.1", "txtonly.demo.test.", Type.AAAA);
            assertEquals(Rcode.NOERROR, txt.getRcode());
            assertTrue(answers(txt).isEmpty());
        }

        @Test
        void ptrForBothPrefixes() throws Exception {
            for (String client : List.of("127.0.0.1", "127.0.0.2")) {
                for (String address : List.of("64:ff9b::192.0.2.10", "2001:db8:64::192.0.2.10")) {
                    assertAnswers(List.of(ptrName(address) + " 300 CNAME 10.2.0.192.in-addr.arpa.",
                            "10.2.0.192.in-addr.arpa. 300 PTR v4only.demo.test."), ask(f, client, ptrName(address), Type.PTR));
                }
            }
        }
    }

    @Nested
    class ContribLua extends Contrib {
        @Override
        String script() {
            return "contrib/dns64.lua";
        }
    }

    @Nested
    class ContribJavaScript extends Contrib {
        @Override
        String script() {
            return "contrib/dns64.js";
        }
    }

    /** The DNS64 script of the PowerDNS documentation (contrib/dns64.lua there), byte for byte, and its JS twin. */
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class PowerDnsDocumented {
        LabFixture f;

        abstract String script();

        @BeforeAll
        void start() throws Exception {
            f = ScriptingEndToEndTest.start(SCRIPTS.resolve(script()));
        }

        @AfterAll
        void stop() {
            f.close();
        }

        @Test
        void synthesisesWithTheDocumentedPrefix() throws Exception {
            // PowerDNS copies bytes 0-11 of the prefix and puts the IPv4 address in bytes 12-15
            assertAnswers(List.of("v4only.demo.test. 300 AAAA fe80::21b:77ff:c000:20a"), ask(f, "127.0.0.1", "v4only.demo.test.", Type.AAAA));
            assertAnswers(List.of("dual.demo.test. 300 AAAA 2001:db8::20"), ask(f, "127.0.0.1", "dual.demo.test.", Type.AAAA));
        }

        @Test
        void reverseNamesMapToInAddrArpa() throws Exception {
            String q = ptrName("fe80::21b:77ff:c000:20a");
            assertAnswers(List.of(q + " 300 CNAME 10.2.0.192.in-addr.arpa.", "10.2.0.192.in-addr.arpa. 300 PTR v4only.demo.test."), ask(f, "127.0.0.1", q, Type.PTR));
        }
    }

    @Nested
    class PowerDnsDocumentedLua extends PowerDnsDocumented {
        @Override
        String script() {
            return "powerdns-dns64.lua";
        }
    }

    @Nested
    class PowerDnsDocumentedJavaScript extends PowerDnsDocumented {
        @Override
        String script() {
            return "powerdns-dns64.js";
        }
    }

    /**
     * dq.validationState and the follow-ups against a hierarchy signed at start-up, in dnssec=validate mode, with the
     * PowerDNS-documented script (which refuses Bogus data itself) and no native DNS64. Needs port 53 (root in CI).
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @Requires(what = "the scripted DNSSEC tests (the signed lab on 127.0.58.x:53)", port53 = true,
        exclusive = "127.0.58")
    class Dnssec {
        net.gate64.resolver.lab.SignedLab lab;
        net.gate64.resolver.Recursor recursor;

        @BeforeAll
        void start() throws Exception {
            lab = net.gate64.resolver.lab.SignedLab.start("127.0.58", 53);
            Path hints = lab.writeHints(Files.createTempFile("signed", ".hints"));
            recursor = net.gate64.resolver.Recursor.start(net.gate64.resolver.config.SettingsLoader.load(null, List.of(
                    "local-address=[\"127.0.0.1:0\"]", "webserver=false", "threads=1", "hint-file=\"" + hints + "\"",
                    "dont-query=[]", "network-timeout=1000", "dnssec=validate",
                    "trust-anchors={\".\"=[\"" + lab.rootAnchor() + "\"]}",
                    "lua-dns-script=\"" + SCRIPTS.resolve("powerdns-dns64.lua") + "\"")));
        }

        @AfterAll
        void stop() {
            if (recursor != null) {
                recursor.close();
            }
            if (lab != null) {
                lab.close();
            }
        }

        Message askSigned(String name, int type) throws Exception {
            SimpleResolver r = new SimpleResolver(recursor.dnsAddresses().get(0));
            r.setTimeout(Duration.ofSeconds(10));
            r.setTCP(true);
            return r.send(LabFixture.question(name, type, true));
        }

        @Test
        void secureDataIsSynthesisedByTheScript() throws Exception {
            Message m = askSigned("v4only.secure.test.", Type.AAAA);
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertTrue(data(m).stream().anyMatch(a -> a.startsWith("fe80::21b:77ff:")), data(m).toString());
            assertTrue(!m.getHeader().getFlag(org.xbill.DNS.Flags.AD), "script answers never carry AD");
        }

        @Test
        void bogusDenialReachesNodataAsBogusAndIsNotSynthesised() throws Exception {
            Message m = askSigned("v4only.forged.test.", Type.AAAA);
            assertEquals(Rcode.SERVFAIL, m.getRcode(), "validationState == pdns.validationstates.Bogus: the script declines");
            assertTrue(data(m).isEmpty());
        }

        @Test
        void validationStateReachesTheHooks() throws Exception {
            recursor.reloadScript(SCRIPTS.resolve("validation.lua"));
            try {
                assertEquals(List.of("2"), data(askSigned("www.secure.test.", Type.TXT)), "Secure");
                assertEquals(List.of("1"), data(askSigned("www.insecure.test.", Type.TXT)), "Insecure");
                assertEquals(List.of("255"), data(askSigned("www.expired.test.", Type.TXT)), "every Bogus is 255");
            } finally {
                recursor.reloadScript(SCRIPTS.resolve("powerdns-dns64.lua"));
            }
        }

        @Test
        void bogusAIsNotSynthesisedByGetFakeAaaaRecords() throws Exception {
            Message m = askSigned("v4only.nosig.test.", Type.AAAA);
            assertEquals(Rcode.SERVFAIL, m.getRcode());
            assertTrue(data(m).isEmpty());
        }
    }

    @Test
    void brokenScriptRefusesToStartNamingFileAndLine() {
        for (String name : List.of("broken.lua", "broken.js")) {
            ConfigError e = assertThrows(ConfigError.class, () -> start(SCRIPTS.resolve(name)).close());
            assertTrue(e.getMessage().contains(SCRIPTS.resolve(name) + ":4"), e.getMessage());
            assertTrue(e.getMessage().contains("lua-dns-script"), e.getMessage());
        }
    }

    /** SIGHUP to a recursor started from the command line reloads its script (and a broken one is refused). */
    @Test
    void sighupReloadsTheScript(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("hup.lua");
        String template = "function preresolve(dq) dq:addAnswer(pdns.A, \"%s\", 60) return true end\n";
        Files.writeString(script, template.formatted("192.0.2.71"));
        // the OS gives it a port, read from its log (a probed free port can be taken before the child binds it)
        RecursorProcess child = RecursorProcess.startWith(List.of("-Dlocal-address=[\"127.0.0.1:0\"]", "-Dwebserver=false",
                "-Dthreads=1", "-Ddnssec=off", "-Dlua-dns-script=\"" + script + "\""), dir.resolve("recursor.log"),
                LabFixture.question("anything.example.", Type.A, true));
        Process p = child.process;
        try {
            SimpleResolver r = new SimpleResolver(child.dns);
            r.setTimeout(Duration.ofMillis(500));
            assertEquals(List.of("192.0.2.71"), poll(r, List.of("192.0.2.71")), "started");
            Files.writeString(script, "function preresolve(dq) return true\n"); // broken: the old one must stay
            hup(p);
            // wait for the reload itself (its refusal in the log), not for a guessed time
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!Files.readString(dir.resolve("recursor.log")).contains("script reload failed")
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.readString(dir.resolve("recursor.log")).contains("script reload failed"),
                    Files.readString(dir.resolve("recursor.log")));
            assertEquals(List.of("192.0.2.71"), poll(r, List.of("192.0.2.71")), "broken script refused");
            Files.writeString(script, template.formatted("192.0.2.72"));
            hup(p);
            assertEquals(List.of("192.0.2.72"), poll(r, List.of("192.0.2.72")), "reloaded:\n" + Files.readString(dir.resolve("recursor.log")));
        } finally {
            child.close();
        }
    }

    private static void hup(Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor());
    }

    /** Asks until the answer is {@code want} or 20 s passed; returns the last answer seen. */
    private static List<String> poll(SimpleResolver r, List<String> want) throws Exception {
        List<String> last = List.of();
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                last = data(r.send(LabFixture.question("anything.example.", Type.A, true)));
                if (last.equals(want)) {
                    return last;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return last;
    }

    /** The endpoint behind {@code ./gate64 control reload-lua-script}: the configured file, with the API key. */
    @Test
    void reloadOverTheControlEndpoint(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("live.lua");
        Files.copy(SCRIPTS.resolve("empty.lua"), script);
        try (LabFixture f = start(script, "webserver=true", "webserver-address=\"127.0.0.1:0\"", "api-key=\"k\"")) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest reload = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + f.recursor.webAddress().getPort() + "/control/reload-lua-script")).header("X-API-Key", "k")
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
            Files.copy(SCRIPTS.resolve("broken.lua"), script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.net.http.HttpResponse<String> bad = http.send(reload, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(500, bad.statusCode());
            assertTrue(bad.body().contains("live.lua:4"), bad.body());
            assertEquals(Rcode.NXDOMAIN, ask(f, "127.0.0.1", "scripted.demo.test.", Type.A).getRcode());
            Files.copy(SCRIPTS.resolve("hooks.lua"), script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.net.http.HttpResponse<String> ok = http.send(reload, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().startsWith("reloaded " + script), ok.body());
            assertEquals(List.of("192.0.2.99", "192.0.2.98"), data(ask(f, "127.0.0.1", "scripted.demo.test.", Type.A)));
        }
    }

    /** A postresolve hook that stamps every A answer with {@code address}: which script version answered. */
    static String stamping(String address) {
        return """
                function postresolve(dq)
                  if dq.qtype ~= pdns.A then return false end
                  local records = dq:getRecords()
                  for _, r in ipairs(records) do
                    if r.type == pdns.A then r:changeContent("%s") end
                  end
                  dq:setRecords(records)
                  return true
                end
                """.formatted(address);
    }

    /**
     * Issue 11: the script version is pinned when a query arrives. A reload while the query waits for its upstream
     * answer does not hand its later hooks to the new script; the next query gets the new one.
     */
    @Test
    void aReloadNeverSplitsAQueryBetweenTwoScriptVersions(@TempDir Path dir) throws Exception {
        Path v1 = Files.writeString(dir.resolve("v1.lua"), stamping("192.0.2.101"));
        Path v2 = Files.writeString(dir.resolve("v2.lua"), stamping("192.0.2.102"));
        org.xbill.DNS.Name held = org.xbill.DNS.Name.fromConstantString("v4only.demo.test.");
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (LabFixture f = start(v1, "network-timeout=20000");
             java.util.concurrent.ExecutorService client = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            f.lab.misbehave(q -> {
                if (q.getQuestion() != null && q.getQuestion().getName().equals(held)) {
                    arrived.countDown();
                    try {
                        release.await(30, java.util.concurrent.TimeUnit.SECONDS); // the upstream answer waits here
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return null; // then the normal answer
            });
            java.util.concurrent.Future<Message> pending = client.submit(() -> ask(f, "127.0.0.1", "v4only.demo.test.", Type.A));
            assertTrue(arrived.await(30, java.util.concurrent.TimeUnit.SECONDS), "the query reached the lab");
            f.recursor.reloadScript(v2);
            release.countDown();
            assertEquals(List.of("192.0.2.101"), data(pending.get(30, java.util.concurrent.TimeUnit.SECONDS)),
                    "answered by the script it arrived under");
            assertEquals(List.of("192.0.2.102"), data(ask(f, "127.0.0.1", "v4only.demo.test.", Type.A)), "the next query");
        }
    }

    @Test
    void reloadSwapsScriptsAndKeepsTheOldOneWhenTheNewOneFails(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("live.lua");
        Files.copy(SCRIPTS.resolve("hooks.lua"), script);
        try (LabFixture f = start(script)) {
            assertEquals(List.of("192.0.2.99", "192.0.2.98"),
                    data(ask(f, "127.0.0.1", "scripted.demo.test.", Type.A)));
            Files.copy(SCRIPTS.resolve("broken.lua"), script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            ScriptLoadError e = assertThrows(ScriptLoadError.class, () -> f.recursor.reloadScript(null));
            assertTrue(e.getMessage().contains(script + ":4"), e.getMessage());
            assertEquals(1, f.metric("gate64_script_reloads_total", "result", "failed"));
            assertEquals(List.of("192.0.2.99", "192.0.2.98"),
                    data(ask(f, "127.0.0.1", "scripted.demo.test.", Type.A)), "the old script still runs");
            // a script without hooks: the name the old one invented now resolves for real, because script answers
            // never entered the record cache (and the reload emptied the packet cache)
            f.recursor.reloadScript(SCRIPTS.resolve("empty.lua"));
            assertEquals(1, f.metric("gate64_script_reloads_total", "result", "ok"));
            assertEquals(Rcode.NXDOMAIN, ask(f, "127.0.0.1", "scripted.demo.test.", Type.A).getRcode());
            f.recursor.reloadScript(SCRIPTS.resolve("hooks.js"));
            assertEquals(List.of("192.0.2.99", "192.0.2.98"),
                    data(ask(f, "127.0.0.1", "scripted.demo.test.", Type.A)), "Lua replaced by JavaScript");
        }
    }
}
