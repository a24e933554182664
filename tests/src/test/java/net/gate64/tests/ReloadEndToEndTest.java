package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.gate64.common.log.LogFormat;
import net.gate64.common.log.LogLevel;
import net.gate64.common.log.Logs;
import net.gate64.config.ConfigError;
import net.gate64.resolver.ReloadOutcome;
import net.gate64.resolver.lab.LabServer;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.SettingsSource;
import net.gate64.resolver.lab.LabHierarchy;
import net.gate64.testing.Requires;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Live reload of the config file (issue 17 item 1), one test per reloadable setting: the recursor starts from a file,
 * the file changes, {@code reloadConfig()} (what SIGHUP, {@code control reload-config} and the web API call) puts it
 * in service, and the new behaviour shows on the next query without a restart, while the caches keep what the change
 * does not touch: the lab's log of questions shows that nothing was asked again.
 */
class ReloadEndToEndTest {
    @TempDir
    Path dir;

    Path conf() {
        return dir.resolve("recursor.conf");
    }

    ReloadOutcome reload(LabFixture f, String... lines) throws Exception {
        Files.writeString(conf(), LabFixture.baseConfig(f.lab, lines));
        return f.recursor.reloadConfig();
    }

    static List<String> data(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(r -> r.getType() != Type.CNAME)
                .map(r -> r instanceof org.xbill.DNS.AAAARecord a ? compact(a.getAddress().getHostAddress()) : r.rdataToString())
                .toList();
    }

    /** An IPv6 address as people write it (64:ff9b::c000:20a), for comparing with expected values. */
    static String compact(String v6) {
        return v6.replaceFirst("(^|:)(0(:|$)){2,}", "::").replaceFirst(":::", "::");
    }

    @Test
    void allowFromChangesFromTheNextQueryAndTheCacheStays() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf())) {
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
            int asked = f.lab.received().size();
            ReloadOutcome o = reload(f, "allow-from = [\"10.0.0.0/8\"]");
            assertEquals(List.of("allow-from"), o.applied(), o.text());
            assertEquals(List.of(), o.needRestart());
            assertTrue(o.text().contains("caches kept\n") || o.text().endsWith("caches kept"), o.text());
            assertEquals(Rcode.REFUSED, f.ask("v4only.demo.test.", Type.A).getRcode(), "127.0.0.1 is outside allow-from now");
            long hits = f.metric("gate64_cache_hits_total", "cache", "packet");
            reload(f);
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
            assertEquals(hits + 1, f.metric("gate64_cache_hits_total", "cache", "packet"), "the packet cache survived both reloads");
            assertEquals(asked, f.lab.received().size(), "nothing asked upstream again");
            assertEquals(2, f.metric("gate64_config_reloads_total", "result", "ok"));
        }
    }

    @Test
    void aChangedForwardZoneIsWipedForItsSubtreeOnly() throws Exception {
        Path zones = dir.resolve("zones");
        Files.createDirectories(zones);
        Files.writeString(zones.resolve("demo.test.zone"), Files.readString(
                LabFixture.REPO.resolve("contrib/lab/demo/127.0.53.3/demo.test.zone")).replace("192.0.2.10", "192.0.2.99"));
        try (LabServer other = LabServer.start(new InetSocketAddress("127.0.0.1", 0), LabServer.loadZones(zones));
             LabFixture f = LabFixture.startFromFile(conf())) {
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
            assertEquals(List.of("198.51.100.7"), data(f.ask("web.other.test.", Type.A)));
            int asked = f.lab.received().size();
            String mine = "\"demo.test\"=[\"127.0.0.1:" + f.lab.address().getPort() + "\"]";
            String zonesSetting = f.lab.forwardZonesSetting();
            assertTrue(zonesSetting.contains(mine), zonesSetting);
            ReloadOutcome o = reload(f, "forward-zones = " + zonesSetting.replace(mine,
                    "\"demo.test\"=[\"127.0.0.1:" + other.address().getPort() + "\"]"));
            assertEquals(List.of("forward-zones"), o.applied());
            assertTrue(o.text().contains("demo.test. and below"), o.text());
            assertEquals(List.of("192.0.2.99"), data(f.ask("v4only.demo.test.", Type.A)), "from the new forwarder");
            assertEquals(List.of("198.51.100.7"), data(f.ask("web.other.test.", Type.A)));
            assertEquals(asked, f.lab.received().size(), "other.test. stayed in the cache; demo.test. went to the other server");
            assertFalse(other.received().isEmpty());
        }
    }

    @Test
    void dns64PrefixesChangeAndTheRecordCacheStays() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "dns64-prefix = [\"64:ff9b::/96\"]")) {
            assertEquals(List.of("64:ff9b::c000:20a"), data(f.ask("v4only.demo.test.", Type.AAAA)));
            int asked = f.lab.received().size();
            ReloadOutcome o = reload(f, "dns64-prefix = [\"2001:db8:99::/96\"]");
            assertEquals(List.of("dns64-prefix"), o.applied());
            assertTrue(o.text().contains("the packet cache"), o.text());
            assertEquals(List.of("2001:db8:99::c000:20a"), data(f.ask("v4only.demo.test.", Type.AAAA)));
            assertEquals(asked, f.lab.received().size(), "the A and the AAAA denial came from the record caches");
        }
    }

    @Test
    void perClientPrefixesChange() throws Exception {
        String clients = "dns64-clients = [{ networks = [\"127.0.0.2/32\"], prefix = [\"%s\"] }]";
        try (LabFixture f = LabFixture.startFromFile(conf(), "dns64-prefix = [\"64:ff9b::/96\"]",
                clients.formatted("2001:db8:64::/96"))) {
            assertEquals(List.of("2001:db8:64::c000:20a"), data(from(f, "127.0.0.2", "v4only.demo.test.", Type.AAAA)));
            reload(f, "dns64-prefix = [\"64:ff9b::/96\"]", clients.formatted("2001:db8:65::/96"));
            assertEquals(List.of("2001:db8:65::c000:20a"), data(from(f, "127.0.0.2", "v4only.demo.test.", Type.AAAA)));
            assertEquals(List.of("64:ff9b::c000:20a"), data(f.ask("v4only.demo.test.", Type.AAAA)), "other clients");
        }
    }

    /** dns64-exclude and dns64-mapped change which AAAA count and which A are synthesised; dns64-ptr the PTR form. */
    @Test
    void dns64ExcludeMappedAndPtrChange() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "dns64-prefix = [\"64:ff9b::/96\"]")) {
            assertEquals(List.of("2001:db8::20"), data(f.ask("dual.demo.test.", Type.AAAA)), "a real AAAA");
            assertEquals(List.of("64:ff9b::c000:20a"), data(f.ask("v4only.demo.test.", Type.AAAA)));
            String ptr = org.xbill.DNS.ReverseMap.fromAddress(java.net.InetAddress.getByName("64:ff9b::c000:20a")).toString();
            assertEquals(Type.CNAME, f.ask(ptr, Type.PTR).getSection(Section.ANSWER).get(0).getType(), "dns64-ptr = cname");
            assertEquals(List.of("192.0.2.20"), data(f.ask("dual.demo.test.", Type.A)));
            int asked = f.lab.received().size();
            ReloadOutcome o = reload(f, "dns64-prefix = [\"64:ff9b::/96\"]",
                    "dns64-exclude = [\"::ffff:0:0/96\", \"2001:db8::/32\"]",
                    "dns64-mapped = [\"0.0.0.0/0\", \"!192.0.2.10/32\"]", "dns64-ptr = ptr");
            assertEquals(List.of("dns64-exclude", "dns64-mapped", "dns64-ptr"), o.applied(), o.text());
            assertEquals(List.of("64:ff9b::c000:214"), data(f.ask("dual.demo.test.", Type.AAAA)),
                    "its AAAA is excluded now: synthesised from the A");
            Message none = f.ask("v4only.demo.test.", Type.AAAA);
            assertEquals(Rcode.NOERROR, none.getRcode());
            assertEquals(List.of(), data(none), "192.0.2.10 is not mapped any more");
            assertEquals(asked, f.lab.received().size(), "the A, AAAA and PTR data came from the record caches");
            List<Record> answer = f.ask(ptr, Type.PTR).getSection(Section.ANSWER);
            assertEquals(List.of(ptr + " PTR v4only.demo.test."),
                    answer.stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList(),
                    "dns64-ptr = ptr: the PTR under the ip6.arpa name");
        }
    }

    /** A zone moved from forward-zones (RD=0) to forward-zones-recurse (RD=1): its subtree asks again, with RD. */
    @Test
    void aZoneMovedToForwardZonesRecurseIsAskedWithRecursionDesired() throws Exception {
        try (LabServer other = LabServer.start(new InetSocketAddress("127.0.0.1", 0), LabServer.loadZones(
                LabFixture.REPO.resolve("contrib/lab/demo/127.0.53.3")));
             LabFixture f = LabFixture.startFromFile(conf())) {
            other.misbehave(q -> { // a recursive resolver's answer when asked with RD=1, an authority's otherwise
                if (!q.getHeader().getFlag(Flags.RD)) {
                    return null;
                }
                Message r = new Message(q.getHeader().getID());
                r.getHeader().setFlag(Flags.QR);
                r.getHeader().setFlag(Flags.RD);
                r.getHeader().setFlag(Flags.RA);
                r.addRecord(q.getQuestion(), Section.QUESTION);
                r.addRecord(new org.xbill.DNS.ARecord(q.getQuestion().getName(), org.xbill.DNS.DClass.IN, 60,
                        java.net.InetAddress.ofLiteral("192.0.2.77")), Section.ANSWER);
                return r;
            });
            String mine = "\"demo.test\"=[\"127.0.0.1:" + f.lab.address().getPort() + "\"]";
            String theirs = "\"demo.test\"=[\"127.0.0.1:" + other.address().getPort() + "\"]";
            String zones = f.lab.forwardZonesSetting();
            assertTrue(zones.contains(mine), zones);
            reload(f, "forward-zones = " + zones.replace(mine, theirs));
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)), "asked with RD=0");
            String without = zones.replace("," + mine, "").replace(mine + ",", "").replace(mine, "");
            ReloadOutcome o = reload(f, "forward-zones = " + without, "forward-zones-recurse = {" + theirs + "}");
            assertTrue(o.applied().contains("forward-zones-recurse"), o.text());
            assertTrue(o.text().contains("demo.test. and below"), o.text());
            assertEquals(List.of("192.0.2.77"), data(f.ask("v4only.demo.test.", Type.A)), "asked again, with RD=1");
        }
    }

    static Message from(LabFixture f, String source, String name, int type) throws Exception {
        SimpleResolver r = new SimpleResolver(f.dns());
        r.setLocalAddress(new InetSocketAddress(source, 0));
        r.setTimeout(Duration.ofSeconds(5));
        return r.send(LabFixture.question(name, type, true));
    }

    /**
     * The demo lab is unsigned under the IANA root anchors, so validating it is Bogus; a negative trust anchor
     * added to the file makes its zone answer (Insecure), and taking it out again makes it Bogus again: the verdicts
     * of that subtree are wiped, the data stays cached.
     */
    @Test
    void negativeTrustAnchorsTakeEffect() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "dnssec = validate")) {
            assertEquals(Rcode.SERVFAIL, f.ask("v4only.demo.test.", Type.A).getRcode(), "Bogus under the IANA anchors");
            int asked = f.lab.received().size();
            ReloadOutcome o = reload(f, "dnssec = validate", "negative-trust-anchors = { \"demo.test\" = \"lab\" }");
            assertEquals(List.of("negative-trust-anchors"), o.applied());
            assertTrue(o.text().contains("validation verdicts for demo.test. and below"), o.text());
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
            assertEquals(asked, f.lab.received().size(), "the A record was cached when it was judged Bogus");
            reload(f, "dnssec = validate");
            assertEquals(Rcode.SERVFAIL, f.ask("v4only.demo.test.", Type.A).getRcode());
        }
    }

    @Test
    void workLimitsApplyFromTheNextQuery() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "max-cnames-followed = 1")) {
            assertEquals(Rcode.SERVFAIL, f.ask("chain.demo.test.", Type.A).getRcode(), "two CNAMEs, one allowed");
            ReloadOutcome o = reload(f, "max-cnames-followed = 10");
            assertEquals(List.of("max-cnames-followed"), o.applied());
            Message m = f.ask("chain.demo.test.", Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode(), "the cached SERVFAIL went with the packet cache");
            assertEquals(List.of("192.0.2.10"), data(m));
        }
    }

    @Test
    void udpTruncationThresholdChanges() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf())) {
            assertTrue(big(f).getHeader().getFlag(Flags.TC), "over 1232 bytes: truncated");
            long hits = f.metric("gate64_cache_hits_total", "cache", "packet");
            reload(f, "udp-truncation-threshold = 4096");
            Message m = big(f);
            assertFalse(m.getHeader().getFlag(Flags.TC));
            assertEquals(7, m.getSection(Section.ANSWER).size());
            assertEquals(hits + 1, f.metric("gate64_cache_hits_total", "cache", "packet"), "served from the packet cache");
        }
    }

    static Message big(LabFixture f) throws Exception {
        Message q = LabFixture.question("big.demo.test.", Type.TXT, false);
        q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        return f.client(false).send(q);
    }

    @Test
    void logLevelAndQueryLoggingFromTheFile() throws Exception {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        PrintStream old = Logs.redirect(new PrintStream(lines, true, StandardCharsets.UTF_8));
        LogLevel level = Logs.level();
        LogFormat format = Logs.format();
        try (LabFixture f = LabFixture.startFromFile(conf())) {
            f.ask("v4only.demo.test.", Type.A);
            assertFalse(lines.toString(StandardCharsets.UTF_8).contains("qname=v4only.demo.test."), "quiet by default");
            ReloadOutcome o = reload(f, "loglevel = debug", "log-format = json", "quiet = false");
            assertEquals(List.of("log-format", "loglevel", "quiet"), o.applied());
            assertEquals(LogLevel.DEBUG, Logs.level());
            assertEquals(LogFormat.JSON, Logs.format());
            f.ask("dual.demo.test.", Type.A);
            String log = lines.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("\"qname\":\"dual.demo.test.\""), log);
        } finally {
            Logs.configure(level, format);
            Logs.redirect(old);
        }
    }

    @Test
    void theHookScriptComesWithTheFile() throws Exception {
        String template = "function preresolve(dq)\n  if dq.qname:equal('hook.demo.test') then\n"
                + "    dq:addAnswer(pdns.A, '%s', 60)\n    return true\n  end\n  return false\nend\n";
        Path one = dir.resolve("one.lua");
        Path two = dir.resolve("two.lua");
        Files.writeString(one, template.formatted("192.0.2.201"));
        Files.writeString(two, template.formatted("192.0.2.202"));
        try (LabFixture f = LabFixture.startFromFile(conf(), "lua-dns-script = \"" + one + "\"")) {
            assertEquals(List.of("192.0.2.201"), data(f.ask("hook.demo.test.", Type.A)));
            ReloadOutcome o = reload(f, "lua-dns-script = \"" + two + "\"");
            assertEquals(List.of("lua-dns-script"), o.applied());
            assertTrue(o.text().contains("hook script: " + two), o.text());
            assertEquals(List.of("192.0.2.202"), data(f.ask("hook.demo.test.", Type.A)));
            ReloadOutcome none = reload(f);
            assertTrue(none.applied().contains("lua-dns-script"), none.text());
            assertEquals(Rcode.NXDOMAIN, f.ask("hook.demo.test.", Type.A).getRcode(), "no script any more");
        }
    }

    /** A bad file is refused whole: nothing of it applies, even the parts that were fine, and it is counted. */
    @Test
    void aBadFileIsRefusedAndTheRunningSettingsStay() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf())) {
            ConfigError unknown = assertThrows(ConfigError.class, () -> reload(f, "alow-from = [\"10.0.0.0/8\"]"));
            assertTrue(unknown.getMessage().contains(conf() + ": 7: unknown setting 'alow-from' (did you mean 'allow-from'?)"),
                    unknown.getMessage());
            ConfigError value = assertThrows(ConfigError.class, () -> reload(f, "dns64-prefix = [\"64:ff9b::/72\"]"));
            assertTrue(value.getMessage().contains("dns64-prefix") && value.getMessage().contains(": 7: "), value.getMessage());
            Path broken = dir.resolve("broken.lua");
            Files.writeString(broken, "function preresolve(dq\n");
            ConfigError script = assertThrows(ConfigError.class, () -> reload(f, "allow-from = [\"10.0.0.0/8\"]",
                    "lua-dns-script = \"" + broken + "\""));
            assertTrue(script.getMessage().contains("lua-dns-script") && script.getMessage().contains("broken.lua:"),
                    script.getMessage());
            assertEquals(3, f.metric("gate64_config_reloads_total", "result", "failed"));
            assertEquals(0, f.metric("gate64_config_reloads_total", "result", "ok"));
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)),
                    "allow-from of the refused file did not apply");
        }
    }

    @Test
    void settingsThatNeedARestartAreReportedAndKept() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf())) {
            InetSocketAddress before = f.dns();
            ReloadOutcome o = reload(f, "threads = 2", "max-mthreads = 10", "local-address = [\"127.0.0.1:0\", \"[::1]:0\"]",
                    "max-cnames-followed = 9");
            assertEquals(List.of("max-cnames-followed"), o.applied());
            assertEquals(List.of("local-address", "max-mthreads", "threads"), o.needRestart());
            assertTrue(o.text().contains("needs a restart to take effect (running as before until then): "
                    + "local-address, max-mthreads, threads"), o.text());
            assertEquals(List.of(before), f.recursor.dnsAddresses(), "still on the address it started on, and only there");
            assertEquals(1, f.recursor.settings().threads(), "threads as it started");
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
        }
    }

    /** The web API and the CLI (in-process, as {@code ./gate64 control} runs it) reach the same reload. */
    @Test
    void overTheWebApiAndTheCli() throws Exception {
        String[] web = {"webserver = true", "webserver-address = \"127.0.0.1:0\"", "api-key = \"" + ControlPlaneTest.KEY + "\""};
        try (LabFixture f = LabFixture.startFromFile(conf(), web)) {
            InetSocketAddress at = f.recursor.webAddress();
            assertEquals(401, ControlPlaneTest.http(at, "POST", "/control/reload-config", ControlPlaneTest.headers(at)).status());
            assertEquals(405, ControlPlaneTest.http(at, "GET", "/control/reload-config",
                    ControlPlaneTest.headers(at, "X-API-Key", ControlPlaneTest.KEY)).status());
            Files.writeString(conf(), LabFixture.baseConfig(f.lab, web) + "allow-from = [\"10.0.0.0/8\"]\n");
            ControlPlaneTest.Response ok = ControlPlaneTest.http(at, "POST", "/control/reload-config",
                    ControlPlaneTest.headers(at, "X-API-Key", ControlPlaneTest.KEY));
            assertEquals(200, ok.status(), ok.body());
            assertTrue(ok.body().startsWith("reloaded " + conf() + ": changed allow-from\n"), ok.body());
            assertEquals(Rcode.REFUSED, f.ask("v4only.demo.test.", Type.A).getRcode());

            Files.writeString(conf(), LabFixture.baseConfig(f.lab, web) + "max-cache-tl = 5\n");
            ControlPlaneTest.Response bad = ControlPlaneTest.http(at, "POST", "/control/reload-config",
                    ControlPlaneTest.headers(at, "X-API-Key", ControlPlaneTest.KEY));
            assertEquals(400, bad.status());
            assertTrue(bad.body().startsWith("reload refused, the running settings stay in service: " + conf()
                    + ": 9: unknown setting 'max-cache-tl'"), bad.body());

            Files.writeString(conf(), LabFixture.baseConfig(f.lab, web));
            ControlVerbsTest.Run cli = ControlVerbsTest.cli(f, "reload-config");
            assertEquals(0, cli.code(), cli.err());
            assertTrue(cli.out().startsWith("reloaded " + conf() + ": changed allow-from"), cli.out());
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
        }
    }

    /**
     * edns-outgoing-bufsize: the UDP size the recursor offers upstream in its OPT record. The lab sees the new size
     * on the next query that goes out, while the name asked before it stays in the cache.
     */
    @Test
    void ednsOutgoingBufsizeIsWhatTheNextUpstreamQueryOffers() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "edns-outgoing-bufsize = 1232")) {
            java.util.Map<String, Integer> offered = new java.util.concurrent.ConcurrentHashMap<>();
            f.lab.misbehave(q -> {
                OPTRecord opt = q.getOPT();
                offered.put(q.getQuestion().getName() + " " + Type.string(q.getQuestion().getType()),
                        opt == null ? -1 : opt.getPayloadSize());
                return null; // answer normally
            });
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
            assertEquals(1232, offered.get("v4only.demo.test. A"), offered.toString());
            int asked = f.lab.received().size();
            ReloadOutcome o = reload(f, "edns-outgoing-bufsize = 1400");
            assertEquals(List.of("edns-outgoing-bufsize"), o.applied(), o.text());
            assertEquals(List.of("192.0.2.20"), data(f.ask("dual.demo.test.", Type.A)));
            assertEquals(1400, offered.get("dual.demo.test. A"), offered.toString());
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
            assertEquals(asked + 1, f.lab.received().size(), "only dual.demo.test. went upstream: v4only stayed cached");
        }
    }

    /**
     * The demo lab answering one name only after {@code millis}; {@link #awaitAnswered} waits until the lab has worked
     * through every try of it the recursor sent, so that a query after a reload does not queue behind them.
     */
    private static final class SlowName {
        private final LabFixture f;
        private final org.xbill.DNS.Name name;
        private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();

        SlowName(LabFixture f, String name, long millis) {
            this.f = f;
            this.name = org.xbill.DNS.Name.fromConstantString(name);
            f.lab.misbehave(q -> {
                if (q.getQuestion().getName().equals(this.name)) {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    synchronized (done) {
                        done.incrementAndGet();
                        done.notifyAll();
                    }
                }
                return null;
            });
        }

        void awaitAnswered() throws InterruptedException {
            long tries = f.lab.received().stream().filter(r -> r.getName().equals(name)).count();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos(); // a safety net only
            synchronized (done) {
                while (done.get() < tries && System.nanoTime() < deadline) {
                    done.wait(1000);
                }
            }
        }
    }

    /**
     * network-timeout: a forwarder that takes 1.5 s to answer is given up on under a 300 ms timeout (SERVFAIL), and
     * waited for once the file says 5 s. Between the two the test waits until the lab has worked through the tries it
     * was sent, so the query after the reload does not queue behind them.
     */
    @Test
    void networkTimeoutAppliesToTheNextUpstreamQuery() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "network-timeout = 300", "max-total-msec = 20000")) {
            SlowName slow = new SlowName(f, "v4only.demo.test.", 1500);
            assertEquals(List.of("192.0.2.20"), data(f.ask("dual.demo.test.", Type.A)), "a prompt answer is taken");
            SimpleResolver patient = f.client(false);
            patient.setTimeout(Duration.ofSeconds(30));
            assertEquals(Rcode.SERVFAIL, patient.send(LabFixture.question("v4only.demo.test.", Type.A, true)).getRcode(),
                    "1.5 s is longer than network-timeout = 300");
            slow.awaitAnswered();
            int asked = f.lab.received().size();
            ReloadOutcome o = reload(f, "network-timeout = 5000", "max-total-msec = 20000");
            assertEquals(List.of("network-timeout"), o.applied(), o.text());
            assertEquals(List.of("192.0.2.10"), data(patient.send(LabFixture.question("v4only.demo.test.", Type.A, true))),
                    "waited for under network-timeout = 5000");
            assertEquals(List.of("192.0.2.20"), data(f.ask("dual.demo.test.", Type.A)));
            assertEquals(asked + 1, f.lab.received().size(), "dual.demo.test. came from the record cache");
        }
    }

    /**
     * max-total-msec: the lab takes 1.5 s over one name; under 500 ms the query ends with SERVFAIL (network-timeout is
     * longer), after the reload to 20 s the next query waits for the answer. As above, the lab's slow answers to the
     * first query are waited for before the reload.
     */
    @Test
    void maxTotalMsecAppliesFromTheNextQuery() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "network-timeout = 5000", "max-total-msec = 500")) {
            SlowName slow = new SlowName(f, "v4only.demo.test.", 1500);
            SimpleResolver patient = f.client(false);
            patient.setTimeout(Duration.ofSeconds(30));
            assertEquals(Rcode.SERVFAIL, patient.send(LabFixture.question("v4only.demo.test.", Type.A, true)).getRcode(),
                    "1.5 s is longer than max-total-msec = 500");
            slow.awaitAnswered();
            ReloadOutcome o = reload(f, "network-timeout = 5000", "max-total-msec = 20000");
            assertEquals(List.of("max-total-msec"), o.applied(), o.text());
            assertEquals(List.of("192.0.2.10"), data(patient.send(LabFixture.question("v4only.demo.test.", Type.A, true))),
                    "waited for under max-total-msec = 20000");
        }
    }

    /**
     * query-local-address: the next upstream query leaves from the new source address. A zone of its own is forwarded
     * to a socket of this test, which sees each query's source and answers it.
     */
    @Test
    void queryLocalAddressIsTheSourceOfTheNextUpstreamQuery() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf());
             java.net.DatagramSocket upstream = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            upstream.setSoTimeout(30_000);
            String lab = f.lab.forwardZonesSetting();
            String zones = "forward-zones = " + lab.substring(0, lab.length() - 1) + ",\"qla.test\"=[\"127.0.0.1:"
                    + upstream.getLocalPort() + "\"]}";
            ReloadOutcome first = reload(f, zones, "query-local-address = [\"127.0.0.2\"]");
            assertTrue(first.applied().contains("query-local-address"), first.text());
            assertEquals(List.of("127.0.0.2"), sourcesOfOneResolution(f, upstream, "a.qla.test."));
            ReloadOutcome o = reload(f, zones, "query-local-address = [\"127.0.0.3\"]");
            assertEquals(List.of("query-local-address"), o.applied(), o.text());
            assertEquals(List.of("127.0.0.3"), sourcesOfOneResolution(f, upstream, "b.qla.test."));
        }
    }

    /** Asks {@code name}, answering every query {@code upstream} gets meanwhile; the source addresses seen, once each. */
    private static List<String> sourcesOfOneResolution(LabFixture f, java.net.DatagramSocket upstream, String name)
            throws Exception {
        java.util.concurrent.CompletableFuture<Message> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return f.ask(name, Type.A);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        java.util.Set<String> sources = new java.util.LinkedHashSet<>();
        byte[] buf = new byte[4096];
        while (!answer.isDone()) {
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            try {
                upstream.receive(p);
            } catch (java.net.SocketTimeoutException e) {
                break; // the recursor asked nothing more: its answer (or failure) is below
            }
            sources.add(p.getAddress().getHostAddress());
            Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            Message r = new Message(q.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setFlag(Flags.AA);
            r.addRecord(q.getQuestion(), Section.QUESTION);
            if (q.getQuestion().getType() == Type.A) {
                r.addRecord(new org.xbill.DNS.ARecord(q.getQuestion().getName(), org.xbill.DNS.DClass.IN, 60,
                        java.net.InetAddress.getByName("192.0.2.77")), Section.ANSWER);
            }
            byte[] wire = r.toWire();
            upstream.send(new java.net.DatagramPacket(wire, wire.length, p.getSocketAddress()));
            if (q.getQuestion().getName().equals(org.xbill.DNS.Name.fromConstantString(name))
                    && q.getQuestion().getType() == Type.A) {
                break;
            }
        }
        assertEquals(List.of("192.0.2.77"), data(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)));
        return List.copyOf(sources);
    }

    /**
     * The dnssec mode: the demo lab is Bogus under the IANA anchors, so {@code validate} answers SERVFAIL and
     * {@code log-fail} answers the same data (logging the failure). Both modes fetch DNSSEC records, so the data
     * fetched under {@code validate} is kept; from {@code off} to a validating mode everything is fetched again.
     */
    @Test
    void theDnssecModeSwitches() throws Exception {
        try (LabFixture f = LabFixture.startFromFile(conf(), "dnssec = off")) {
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)));
            ReloadOutcome on = reload(f, "dnssec = validate");
            assertEquals(List.of("dnssec"), on.applied(), on.text());
            assertTrue(on.text().contains("every record and negative cache entry"), on.text());
            assertEquals(Rcode.SERVFAIL, f.ask("v4only.demo.test.", Type.A).getRcode(), "Bogus under the IANA anchors");
            int asked = f.lab.received().size();
            ReloadOutcome logFail = reload(f, "dnssec = log-fail");
            assertEquals(List.of("dnssec"), logFail.applied(), logFail.text());
            assertFalse(logFail.text().contains("every record"), logFail.text());
            assertEquals(List.of("192.0.2.10"), data(f.ask("v4only.demo.test.", Type.A)), "log-fail serves Bogus data");
            assertEquals(asked, f.lab.received().size(), "from the record cache");
        }
    }

    /**
     * The settings that only iteration uses (dont-query, qname-minimization, hint-file, the per-query limits), against
     * the iteration lab hierarchy (127.0.54.x:53, shared with {@link IterationEndToEndTest}, held exclusively).
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @Requires(what = "the reload tests of iteration settings (the lab hierarchy on 127.0.54.x:53)", port53 = true,
            exclusive = "127.0.54")
    class Iterating {
        LabHierarchy lab;
        Path hints;

        @BeforeAll
        void startLab() throws Exception {
            lab = LabHierarchy.start(LabFixture.REPO.resolve("tests/src/test/resources/lab/iter"));
            hints = lab.writeHints(Files.createTempFile("reload-iter", ".hints"));
        }

        @AfterAll
        void stopLab() throws Exception {
            if (lab != null) {
                lab.close();
            }
            if (hints != null) {
                Files.deleteIfExists(hints);
            }
        }

        String config(Path hintFile, String... extra) {
            java.util.Map<String, String> base = new java.util.LinkedHashMap<>();
            base.put("local-address", "[\"127.0.0.1:0\"]");
            base.put("webserver", "false");
            base.put("dnssec", "off");
            base.put("threads", "1");
            base.put("hint-file", "\"" + hintFile + "\"");
            base.put("dont-query", "[]");
            base.put("network-timeout", "1000");
            base.put("max-total-msec", "3000");
            StringBuilder sb = new StringBuilder();
            base.forEach((k, v) -> {
                if (java.util.Arrays.stream(extra).noneMatch(e -> e.startsWith(k + " "))) {
                    sb.append(k).append(" = ").append(v).append('\n');
                }
            });
            for (String e : extra) {
                sb.append(e).append('\n');
            }
            return sb.toString();
        }

        Recursor start(String... extra) throws Exception {
            Files.writeString(conf(), config(hints, extra));
            Recursor r = Recursor.start(new SettingsSource(conf(), List.of()));
            try {
                r.primed().get(60, java.util.concurrent.TimeUnit.SECONDS);
                return r;
            } catch (Exception e) {
                r.close();
                throw e;
            }
        }

        ReloadOutcome reload(Recursor r, String... extra) throws Exception {
            Files.writeString(conf(), config(hints, extra));
            return r.reloadConfig();
        }

        Message ask(Recursor r, String name, int type) throws Exception {
            SimpleResolver c = new SimpleResolver(r.dnsAddresses().get(0));
            c.setTimeout(Duration.ofSeconds(15));
            return c.send(LabFixture.question(name, type, true));
        }

        List<String> names(String server, int from) throws Exception {
            List<Record> got = lab.server(server).received();
            return got.subList(Math.min(from, got.size()), got.size()).stream().map(q -> q.getName().toString()).toList();
        }

        int count(String server) throws Exception {
            return lab.server(server).received().size();
        }

        @Test
        void dontQueryStopsQueriesToTheNewlyListedServer() throws Exception {
            try (Recursor r = start()) {
                assertEquals(List.of("192.0.2.1"), data(ask(r, "www.good.test.", Type.A)));
                int good = count("127.0.54.3");
                ReloadOutcome o = reload(r, "dont-query = [\"127.0.54.3/32\"]");
                assertEquals(List.of("dont-query"), o.applied(), o.text());
                assertEquals(Rcode.SERVFAIL, ask(r, "deep.a.b.c.good.test.", Type.A).getRcode(),
                        "good.test.'s only server is on the dont-query list now");
                assertEquals(List.of("192.0.2.1"), data(ask(r, "www.good.test.", Type.A)), "from the record cache");
                assertEquals(good, count("127.0.54.3"), "nothing sent to 127.0.54.3 after the reload");
            }
        }

        @Test
        void qnameMinimizationTurnsOn() throws Exception {
            try (Recursor r = start("qname-minimization = false")) {
                int root = count("127.0.54.1");
                assertEquals(List.of("192.0.2.1"), data(ask(r, "www.good.test.", Type.A)));
                assertTrue(names("127.0.54.1", root).contains("www.good.test."), "the root saw the full name: " + names("127.0.54.1", root));
                int good = count("127.0.54.3");
                root = count("127.0.54.1");
                ReloadOutcome o = reload(r, "qname-minimization = true");
                assertEquals(List.of("qname-minimization"), o.applied(), o.text());
                assertEquals(List.of("192.0.2.2"), data(ask(r, "deep.a.b.c.good.test.", Type.A)));
                List<String> seen = names("127.0.54.3", good);
                assertTrue(seen.contains("c.good.test.") && !seen.get(0).equals("deep.a.b.c.good.test."),
                        "good.test.'s server was asked label by label: " + seen);
                assertEquals(root, count("127.0.54.1"), "the delegations stayed cached");
            }
        }

        /** The hint file is read again on reload, and its content counts: the same path naming another root. */
        @Test
        void hintFileContentIsReadAgain() throws Exception {
            try (Recursor r = start()) {
                assertEquals(List.of("192.0.2.1"), data(ask(r, "www.good.test.", Type.A)));
                String good = Files.readString(hints);
                try {
                    Files.writeString(hints, good.replace("127.0.54.1", "127.0.54.250")); // nothing listens there
                    ReloadOutcome o = reload(r);
                    assertEquals(List.of("hint-file"), o.applied(), o.text());
                    assertTrue(o.text().contains("every record and negative cache entry"), o.text());
                    int root = count("127.0.54.1");
                    assertEquals(Rcode.SERVFAIL, ask(r, "www.good.test.", Type.A).getRcode(), "the new root does not answer");
                    assertEquals(root, count("127.0.54.1"), "the old root is not asked");
                } finally {
                    Files.writeString(hints, good);
                }
                ReloadOutcome back = reload(r);
                assertEquals(List.of("hint-file"), back.applied(), back.text());
                assertEquals(List.of("192.0.2.1"), data(ask(r, "www.good.test.", Type.A)));
            }
        }

        /** max-qperq: a glueless delegation needs more outgoing queries than 2. */
        @Test
        void maxQperqAppliesFromTheNextQuery() throws Exception {
            try (Recursor r = start("max-qperq = 2")) {
                assertEquals(Rcode.SERVFAIL, ask(r, "www.glueless.test.", Type.A).getRcode());
                assertTrue(r.metrics().value("gate64_limit_hits_total", "limit", "outgoing-queries") >= 1);
                int root = count("127.0.54.1");
                ReloadOutcome o = reload(r, "max-qperq = 50");
                assertEquals(List.of("max-qperq"), o.applied(), o.text());
                assertEquals(List.of("192.0.2.3"), data(ask(r, "www.glueless.test.", Type.A)),
                        "the cached SERVFAIL went with the packet cache");
                assertEquals(root, count("127.0.54.1"), "the delegation of test. stayed cached");
            }
        }

        /**
         * max-ns-address-qperq: test.'s server has no address for deepglue.test.'s NS name (ns.glueless.test.), so
         * its address is looked up; 0 allows no such lookup. (glueless.test.'s NS name has sibling glue there.)
         */
        @Test
        void maxNsAddressQperqAppliesFromTheNextQuery() throws Exception {
            try (Recursor r = start("max-ns-address-qperq = 0")) {
                assertEquals(Rcode.SERVFAIL, ask(r, "www.deepglue.test.", Type.A).getRcode());
                assertTrue(r.metrics().value("gate64_limit_hits_total", "limit", "ns-address-queries") >= 1);
                ReloadOutcome o = reload(r, "max-ns-address-qperq = 10");
                assertEquals(List.of("max-ns-address-qperq"), o.applied(), o.text());
                assertEquals(List.of("192.0.2.9"), data(ask(r, "www.deepglue.test.", Type.A)),
                        "the cached SERVFAIL went with the packet cache");
            }
        }

        /**
         * max-recursion-depth: deeper.test.'s NS name is in deepglue.test., whose NS name is in glueless.test.: two
         * nested NS lookups on a cold cache, and 1 allows one.
         */
        @Test
        void maxRecursionDepthAppliesFromTheNextQuery() throws Exception {
            try (Recursor r = start("max-recursion-depth = 1")) {
                assertEquals(Rcode.SERVFAIL, ask(r, "www.deeper.test.", Type.A).getRcode());
                assertTrue(r.metrics().value("gate64_limit_hits_total", "limit", "recursion-depth") >= 1);
                ReloadOutcome o = reload(r, "max-recursion-depth = 16");
                assertEquals(List.of("max-recursion-depth"), o.applied(), o.text());
                assertEquals(List.of("192.0.2.11"), data(ask(r, "www.deeper.test.", Type.A)));
            }
        }

        /** max-referrals: root -> test. -> good.test. is two referrals. */
        @Test
        void maxReferralsAppliesFromTheNextQuery() throws Exception {
            try (Recursor r = start("max-referrals = 1")) {
                assertEquals(Rcode.SERVFAIL, ask(r, "www.good.test.", Type.A).getRcode());
                int root = count("127.0.54.1");
                ReloadOutcome o = reload(r, "max-referrals = 30");
                assertEquals(List.of("max-referrals"), o.applied(), o.text());
                assertEquals(List.of("192.0.2.1"), data(ask(r, "www.good.test.", Type.A)));
                assertEquals(root, count("127.0.54.1"), "the delegation of test. stayed cached");
            }
        }
    }
}
