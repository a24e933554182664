package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.lab.LabHierarchy;
import net.gate64.resolver.lab.LabServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Iteration from a root on loopback through a hierarchy with hostile and broken servers
 * (src/test/resources/lab/iter: one folder per server, 127.0.54.x:53). Needs the right to bind port 53 (root in CI);
 * skipped with a message otherwise.
 */
@Requires(what = "the iteration tests (the lab hierarchy on 127.0.54.x:53)", port53 = true,
        exclusive = "127.0.54")
class IterationEndToEndTest {
    static LabHierarchy lab;
    static Recursor recursor;
    static Path hints;

    @BeforeAll
    static void start() throws Exception {
        lab = LabHierarchy.start(Path.of("src/test/resources/lab/iter").toAbsolutePath());
        hints = lab.writeHints(Files.createTempFile("iter", ".hints"));
        lab.server("127.0.54.5").misbehave(q -> {
            try {
                Thread.sleep(3000); // slower than network-timeout: the recursor must move on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        lab.server("127.0.54.6").misbehave(IterationEndToEndTest::hostile);
        recursor = newRecursor("max-cnames-followed=10");
    }

    static Recursor newRecursor(String... extra) throws Exception {
        return newRecursor(com.github.benmanes.caffeine.cache.Ticker.systemTicker(), extra);
    }

    static Recursor newRecursor(com.github.benmanes.caffeine.cache.Ticker ticker, String... extra) throws Exception {
        List<String> o = new ArrayList<>(List.of("local-address=[\"127.0.0.1:0\"]", "webserver=false", "dnssec=off", "threads=1",
                "hint-file=\"" + hints + "\"", "dont-query=[]", "network-timeout=1000"));
        o.addAll(List.of(extra));
        return Recursor.start(SettingsLoader.load(null, o), ticker);
    }

    /** The poisoner: answers its own names but adds records for good.test, and sends wrong IDs for spoof.evil. */
    static Message hostile(Message q) {
        Record question = q.getQuestion();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.addRecord(question, Section.QUESTION);
        try {
            if (question.getName().equals(Name.fromConstantString("spoof.evil."))) {
                r.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
                r.addRecord(new ARecord(question.getName(), DClass.IN, 300, InetAddress.getByName("6.6.6.6")), Section.ANSWER);
                return r;
            }
            if (question.getName().equals(Name.fromConstantString("www.evil.")) && question.getType() == Type.A) {
                r.addRecord(new ARecord(question.getName(), DClass.IN, 300, InetAddress.getByName("192.0.2.66")), Section.ANSWER);
                r.addRecord(new ARecord(Name.fromConstantString("victim.good.test."), DClass.IN, 300, InetAddress.getByName("6.6.6.6")), Section.ANSWER);
                r.addRecord(new NSRecord(Name.fromConstantString("good.test."), DClass.IN, 300, Name.fromConstantString("ns.evil.")), Section.AUTHORITY);
                r.addRecord(new ARecord(Name.fromConstantString("ns.good.test."), DClass.IN, 300, InetAddress.getByName("6.6.6.6")), Section.ADDITIONAL);
                return r;
            }
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
        return null;
    }

    @AfterAll
    static void stop() {
        if (recursor != null) {
            recursor.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static Message ask(Recursor r, String name, int type) throws Exception {
        SimpleResolver c = new SimpleResolver(r.dnsAddresses().get(0));
        c.setTimeout(Duration.ofSeconds(15));
        return c.send(LabFixture.question(name, type, true));
    }

    static List<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(x -> x instanceof ARecord).map(Record::rdataToString).toList();
    }

    static long metric(String name, String... labels) {
        return recursor.metrics().value(name, labels);
    }

    @Test
    void resolvesThroughTheHierarchy() throws Exception {
        assertEquals(List.of("192.0.2.1"), addresses(ask(recursor, "www.good.test.", Type.A)));
        assertEquals(List.of("192.0.2.2"), addresses(ask(recursor, "deep.a.b.c.good.test.", Type.A)), "through empty non-terminals");
    }

    /** forward-zones (RD=0) point at authorities; a referral to a subzone is followed, as PowerDNS does. */
    @Test
    void forwardZonesFollowSubzoneReferrals() throws Exception {
        Path dead = Files.createTempFile("dead", ".hints");
        Files.writeString(dead, ". 3600000 NS a.root.dead.\na.root.dead. 3600000 A 127.0.54.99\n"); // nothing there
        try (Recursor r = newRecursor("forward-zones={\"test\"=[\"127.0.54.2:53\"]}", "hint-file=\"" + dead + "\"")) {
            assertEquals(List.of("192.0.2.1"), addresses(ask(r, "www.good.test.", Type.A)));
            assertEquals(List.of("192.0.2.2"), addresses(ask(r, "deep.a.b.c.good.test.", Type.A)));
            assertEquals(1, r.metrics().value("gate64_iterator_events_total", "kind", "forward-zone-referral"),
                    "the second name went straight to good.test's server, whose NS set was cached");
        }
    }

    /** RFC 9156: each server sees only as much of the name as it needs. */
    @Test
    void qnameMinimisationIsVisibleAtTheServers() throws Exception {
        LabServer root = lab.server("127.0.54.1");
        LabServer tld = lab.server("127.0.54.2");
        try (Recursor fresh = newRecursor()) {
            root.clearReceived();
            tld.clearReceived();
            assertEquals(List.of("192.0.2.2"), addresses(ask(fresh, "deep.a.b.c.good.test.", Type.A)));
        }
        for (Record q : root.received()) {
            assertTrue(q.getName().labels() <= 2, "root was asked " + q.getName());
        }
        for (Record q : tld.received()) {
            assertTrue(q.getName().labels() <= 3, "test. was asked " + q.getName());
        }
        assertTrue(tld.received().stream().anyMatch(q -> q.getName().equals(Name.fromConstantString("good.test."))));
    }

    @Test
    void outOfBailiwickNsNamesAreResolved() throws Exception {
        assertEquals(List.of("192.0.2.3"), addresses(ask(recursor, "www.glueless.test.", Type.A)));
    }

    @Test
    void cnameChasedAcrossZones() throws Exception {
        Message m = ask(recursor, "away.good.test.", Type.A);
        assertEquals(Type.CNAME, m.getSection(Section.ANSWER).get(0).getType());
        assertEquals(List.of("192.0.2.3"), addresses(m));
    }

    @Test
    void lameServersAreSkipped() throws Exception {
        for (int i = 0; i < 3; i++) {
            recursor.wipeCache(Name.fromConstantString("lame.test."), true);
            assertEquals(List.of("192.0.2.4"), addresses(ask(recursor, "www.lame.test.", Type.A)));
        }
    }

    @Test
    void slowServersAreNotWaitedFor() throws Exception {
        assertEquals(List.of("192.0.2.5"), addresses(ask(recursor, "www.slow.test.", Type.A)));
    }

    @Test
    void authoritativeNxdomainFeedsTheNegativeCache() throws Exception {
        Message m = ask(recursor, "nothing.good.test.", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
        long sent = metric("gate64_outgoing_queries_total", "transport", "udp");
        assertEquals(Rcode.NXDOMAIN, ask(recursor, "nothing.good.test.", Type.AAAA).getRcode());
        assertEquals(sent, metric("gate64_outgoing_queries_total", "transport", "udp"), "NXDOMAIN covers every type");
    }

    @Test
    void outOfBailiwickDataNeverReachesTheCache() throws Exception {
        assertEquals(List.of("192.0.2.66"), addresses(ask(recursor, "www.evil.", Type.A)));
        Message victim = ask(recursor, "victim.good.test.", Type.A);
        assertEquals(List.of("192.0.2.99"), addresses(victim));
        assertEquals(List.of("127.0.54.3"), addresses(ask(recursor, "ns.good.test.", Type.A)));
        Message ns = ask(recursor, "good.test.", Type.NS);
        assertTrue(ns.getSection(Section.ANSWER).stream().allMatch(r -> r.rdataToString().equals("ns.good.test.")));
    }

    @Test
    void answersWithTheWrongIdAreIgnored() throws Exception {
        long mismatched = metric("gate64_outgoing_mismatched_answers_total");
        Message m = ask(recursor, "spoof.evil.", Type.A);
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        assertFalse(addresses(m).contains("6.6.6.6"));
        assertTrue(metric("gate64_outgoing_mismatched_answers_total") > mismatched);
    }

    /** NXNS (CVE-2020-12662): a delegation to many unresolvable NS names costs a bounded number of lookups. */
    @Test
    void nxnsDelegationIsBounded() throws Exception {
        long before = lab.servers().stream().mapToLong(s -> s.received().size()).sum();
        Message m = ask(recursor, "www.nxns.test.", Type.A);
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        long sent = lab.servers().stream().mapToLong(s -> s.received().size()).sum() - before;
        assertTrue(sent <= 50, "lab saw " + sent + " queries");
        assertTrue(metric("gate64_limit_hits_total", "limit", "ns-address-queries")
                + metric("gate64_limit_hits_total", "limit", "outgoing-queries") >= 1);
    }

    @Test
    void mutuallyDependentGluelessDelegationsFail() throws Exception {
        long start = System.nanoTime();
        assertEquals(Rcode.SERVFAIL, ask(recursor, "www.loop-a.test.", Type.A).getRcode());
        assertTrue(System.nanoTime() - start < 8_000_000_000L, "no hang");
    }

    @Test
    void longCnameChainsHitTheLimit() throws Exception {
        assertEquals(Rcode.SERVFAIL, ask(recursor, "c1.good.test.", Type.A).getRcode());
        assertTrue(metric("gate64_limit_hits_total", "limit", "cname-chain") >= 1);
        assertEquals(List.of("192.0.2.1"), addresses(ask(recursor, "c5.good.test.", Type.A)), "9 hops are fine");
    }

    @Test
    void outgoingQueryLimitEndsInServfail() throws Exception {
        try (Recursor tight = newRecursor("max-qperq=2")) {
            assertEquals(Rcode.SERVFAIL, ask(tight, "www.glueless.test.", Type.A).getRcode());
            assertTrue(tight.metrics().value("gate64_limit_hits_total", "limit", "outgoing-queries") >= 1);
        }
    }

    /**
     * Issue 11: the NS set of shortglue.test lives a day, its server's address 60 s. Once the address expired, a new
     * name under the zone is still answered: the referral is fetched from the parent again.
     */
    @Test
    void expiredGlueUnderACachedNsSetIsFetchedAgain() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        try (Recursor r = newRecursor(now::get)) {
            assertEquals(List.of("192.0.2.7"), addresses(ask(r, "www.shortglue.test.", Type.A)));
            assertEquals(Rcode.NOERROR, ask(r, "shortglue.test.", Type.NS).getRcode()); // caches the day-long NS set
            now.addAndGet(Duration.ofSeconds(120).toNanos());
            assertEquals(List.of("192.0.2.8"), addresses(ask(r, "www2.shortglue.test.", Type.A)));
            assertTrue(r.metrics().value("gate64_iterator_events_total", "kind", "glue-refetch") >= 1);
        }
    }

    /**
     * Issue 11: a zone whose only server never answers. Two timeouts throttle it; the next question fails at once,
     * without a query to it, instead of waiting out the network timeout again.
     */
    @Test
    void aDeadAuthorityIsThrottled() throws Exception {
        LabServer dead = lab.server("127.0.54.5");
        try (Recursor r = newRecursor()) {
            assertEquals(Rcode.SERVFAIL, ask(r, "n1.dead.test.", Type.A).getRcode());
            assertEquals(Rcode.SERVFAIL, ask(r, "n2.dead.test.", Type.A).getRcode());
            int before = dead.received().size();
            assertEquals(Rcode.SERVFAIL, ask(r, "n3.dead.test.", Type.A).getRcode());
            assertEquals(before, dead.received().size(), "the throttled server was asked again");
            assertTrue(r.metrics().value("gate64_iterator_events_total", "kind", "throttled") >= 1);
        }
    }

    /**
     * Issue 11: a silent forwarder beside a healthy one costs at most a timeout or two, not one per query: once it has
     * timed out it is passed over while the other answers.
     */
    @Test
    void aSilentForwarderBesideAHealthyOneIsPassedOver() throws Exception {
        LabServer silent = lab.server("127.0.54.5");
        try (Recursor r = newRecursor("forward-zones={\"good.test\"=[\"127.0.54.5:53\",\"127.0.54.3:53\"]}")) {
            int before = silent.received().size();
            for (int i = 0; i < 8; i++) {
                assertEquals(Rcode.NXDOMAIN, ask(r, "n" + i + ".good.test.", Type.A).getRcode());
            }
            assertTrue(silent.received().size() - before <= 2, "the silent forwarder was asked "
                    + (silent.received().size() - before) + " times for 8 questions");
        }
    }

    /**
     * threads=2: two event loops, each with its own SO_REUSEPORT listener and outgoing sockets, sharing the caches.
     * Many clients at once (their source ports spread them over both listeners), the same names among them, so
     * identical questions from two loops join one fetch and each hears the result on its own loop.
     */
    @Test
    void twoEventLoopsShareTheCaches() throws Exception {
        try (Recursor r = newRecursor("threads=2");
             java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Message>> www = new ArrayList<>();
            List<java.util.concurrent.Future<Message>> glueless = new ArrayList<>();
            List<java.util.concurrent.Future<Message>> missing = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                www.add(clients.submit(() -> ask(r, "www.good.test.", Type.A)));
                glueless.add(clients.submit(() -> ask(r, "www.glueless.test.", Type.A)));
                missing.add(clients.submit(() -> ask(r, "m" + n + ".good.test.", Type.A)));
            }
            for (int i = 0; i < 16; i++) {
                assertEquals(List.of("192.0.2.1"), addresses(www.get(i).get()));
                assertEquals(List.of("192.0.2.3"), addresses(glueless.get(i).get()));
                assertEquals(Rcode.NXDOMAIN, missing.get(i).get().getRcode());
            }
        }
    }
}
