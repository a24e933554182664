package net.gate64.resolver.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.FakeTicker;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.stats.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The iterator's state machine against a fake network: given these zones on these servers (and these misbehaving
 * ones), exactly these queries go out, in this order, and this answer comes back. No sockets, no clock.
 */
class IterationTest {
    static final String ROOT = """
            . 3600 IN SOA a.root. admin.root. 1 3600 600 86400 300
            . 3600 IN NS a.root.
            a.root. 3600 IN A 10.0.0.1
            test. 3600 IN NS ns.test.
            ns.test. 3600 IN A 10.0.0.2
            org. 3600 IN NS ns.org.
            ns.org. 3600 IN A 10.0.0.5
            """;
    static final String TEST = """
            test. 3600 IN SOA ns.test. admin.test. 1 3600 600 86400 300
            test. 3600 IN NS ns.test.
            ns.test. 3600 IN A 10.0.0.2
            example.test. 3600 IN NS ns.example.test.
            ns.example.test. 3600 IN A 10.0.0.3
            glueless.test. 3600 IN NS ns.example.org.
            """;
    static final String ORG = """
            org. 3600 IN SOA ns.org. admin.org. 1 3600 600 86400 300
            org. 3600 IN NS ns.org.
            ns.org. 3600 IN A 10.0.0.5
            example.org. 3600 IN NS ns.example.org.
            ns.example.org. 3600 IN A 10.0.0.3
            """;
    static final String EXAMPLE_TEST = """
            example.test. 3600 IN SOA ns.example.test. admin.example.test. 1 3600 600 86400 300
            example.test. 3600 IN NS ns.example.test.
            ns.example.test. 3600 IN A 10.0.0.3
            www.example.test. 300 IN A 192.0.2.1
            deep.a.b.example.test. 300 IN A 192.0.2.2
            away.example.test. 300 IN CNAME www.example.org.
            """;
    static final String EXAMPLE_ORG = """
            example.org. 3600 IN SOA ns.example.org. admin.example.org. 1 3600 600 86400 300
            example.org. 3600 IN NS ns.example.org.
            ns.example.org. 3600 IN A 10.0.0.3
            www.example.org. 300 IN A 192.0.2.3
            """;
    static final String GLUELESS = """
            glueless.test. 3600 IN SOA ns.example.org. admin.glueless.test. 1 3600 600 86400 300
            glueless.test. 3600 IN NS ns.example.org.
            www.glueless.test. 300 IN A 192.0.2.9
            """;

    /** The standard lab: root, test., org., and one server for the three leaf zones. */
    static FakeNetwork lab() {
        return new FakeNetwork()
                .serve("10.0.0.1", ROOT)
                .serve("10.0.0.2", TEST)
                .serve("10.0.0.5", ORG)
                .serve("10.0.0.3", EXAMPLE_TEST, EXAMPLE_ORG, GLUELESS);
    }

    /** A recursor's resolving stack over a fake network, on a real (local) event loop. */
    static final class Stack implements AutoCloseable {
        final FakeTicker ticker = new FakeTicker();
        final Metrics metrics = new Metrics();
        final RecordCache records = new RecordCache(10_000, 86400, ticker);
        final NegativeCache negatives = new NegativeCache(10_000, 3600, ticker);
        final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        final ServerSelection<java.net.InetAddress> servers = new ServerSelection<>(nanos::get);
        final EventLoop loop = new DefaultEventLoop();
        final CachingResolver resolver;
        final FakeNetwork net;
        int maxQueries = 50;

        Stack(FakeNetwork net, boolean qnameMinimisation) {
            this.net = net;
            RootHints hints = new RootHints(List.of(Name.fromConstantString("a.root.")),
                    List.of(new ARecord(Name.fromConstantString("a.root."), DClass.IN, 3600, FakeNetwork.address("10.0.0.1"))));
            ResponseReader reader = new ResponseReader(records, negatives, 3600);
            IteratingFetcher iterator = new IteratingFetcher(records, negatives, reader, net, servers, hints,
                    new IteratingFetcher.Options(qnameMinimisation, true, false, NetworkSet.of(List.of()), 53, 30), metrics);
            resolver = new CachingResolver(records, negatives, reader, new CoalescingFetcher(iterator, metrics), 10, metrics);
            iterator.resolveNsNamesWith(() -> resolver);
        }

        Answer resolve(String name, int type) throws Exception {
            return loop.submit(() -> resolver.resolve(Name.fromConstantString(name), type,
                    new QueryBudget(maxQueries, TimeUnit.SECONDS.toNanos(30), 10, 16, loop)))
                    .get(20, TimeUnit.SECONDS).get(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private Stack stack;

    @AfterEach
    void close() {
        if (stack != null) {
            stack.close();
        }
    }

    static List<String> addresses(Answer a) {
        return a.answer().stream().filter(r -> r instanceof ARecord).map(Record::rdataToString).toList();
    }

    /** name, type, QNAME minimisation, lab changes, expected answer addresses, expected queries in order. */
    static Stream<Arguments> cases() {
        Consumer<FakeNetwork> none = n -> { };
        return Stream.of(
                Arguments.of("referrals, minimised", "www.example.test.", Type.A, true, none, List.of("192.0.2.1"), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 test./A",
                        "10.0.0.2 example.test./A",
                        "10.0.0.3 www.example.test./A")),
                Arguments.of("referrals, full names", "www.example.test.", Type.A, false, none, List.of("192.0.2.1"), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 www.example.test./A",
                        "10.0.0.2 www.example.test./A",
                        "10.0.0.3 www.example.test./A")),
                Arguments.of("empty non-terminals walked label by label", "deep.a.b.example.test.", Type.A, true, none,
                        List.of("192.0.2.2"), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 test./A",
                        "10.0.0.2 example.test./A",
                        "10.0.0.3 b.example.test./A",
                        "10.0.0.3 a.b.example.test./A",
                        "10.0.0.3 deep.a.b.example.test./A")),
                Arguments.of("glueless NS name resolved from the root", "www.glueless.test.", Type.A, true, none,
                        List.of("192.0.2.9"), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 test./A",
                        "10.0.0.2 glueless.test./A",
                        "10.0.0.1 org./A",
                        "10.0.0.5 example.org./A",
                        "10.0.0.3 ns.example.org./A",
                        "10.0.0.3 www.glueless.test./A")),
                Arguments.of("CNAME into another zone", "away.example.test.", Type.A, false, none, List.of("192.0.2.3"), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 away.example.test./A",
                        "10.0.0.2 away.example.test./A",
                        "10.0.0.3 away.example.test./A",
                        "10.0.0.1 www.example.org./A",
                        "10.0.0.5 www.example.org./A",
                        "10.0.0.3 www.example.org./A")),
                Arguments.of("FORMERR to EDNS: asked again without", "www.example.test.", Type.A, false,
                        (Consumer<FakeNetwork>) n -> n.misbehave("10.0.0.2", IterationTest::formerrToEdns),
                        List.of("192.0.2.1"), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 www.example.test./A",
                        "10.0.0.2 www.example.test./A",
                        "10.0.0.2 www.example.test./A-edns",
                        "10.0.0.3 www.example.test./A")),
                Arguments.of("NXDOMAIN for an empty non-terminal: the full name is asked (RFC 9156 §2.3)",
                        "deep.a.b.example.test.", Type.A, true,
                        (Consumer<FakeNetwork>) n -> n.misbehave("10.0.0.3", IterationTest::nxdomainForEnts),
                        List.of("192.0.2.2"), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 test./A",
                        "10.0.0.2 example.test./A",
                        "10.0.0.3 b.example.test./A",
                        "10.0.0.3 deep.a.b.example.test./A")),
                Arguments.of("a silent root: throttled after two timeouts, then not asked", "www.example.test.", Type.A,
                        true, (Consumer<FakeNetwork>) n -> n.silent("10.0.0.1"), List.of(), List.of(
                        "10.0.0.1 ./NS",
                        "10.0.0.1 test./A")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void queriesSentAndAnswer(String title, String name, int type, boolean minimise, Consumer<FakeNetwork> change,
                              List<String> answer, List<String> queries) throws Exception {
        FakeNetwork net = lab();
        change.accept(net);
        stack = new Stack(net, minimise);
        Answer a = stack.resolve(name, type);
        assertEquals(queries, net.sent());
        assertEquals(answer, addresses(a));
        assertEquals(answer.isEmpty() ? Rcode.SERVFAIL : Rcode.NOERROR, a.rcode());
    }

    @Test
    void aSecondNameUnderAKnownZoneGoesStraightToItsServer() throws Exception {
        FakeNetwork net = lab();
        stack = new Stack(net, true);
        stack.resolve("www.example.test.", Type.A);
        net.clear();
        assertEquals(Rcode.NXDOMAIN, stack.resolve("nothing.example.test.", Type.A).rcode());
        assertEquals(List.of("10.0.0.3 nothing.example.test./A"), net.sent());
        net.clear();
        assertEquals(Rcode.NXDOMAIN, stack.resolve("nothing.example.test.", Type.AAAA).rcode());
        assertEquals(List.of(), net.sent(), "the NXDOMAIN was cached for every type");
    }

    @Test
    void theOutgoingQueryLimitEndsInServfailAndIsCounted() throws Exception {
        FakeNetwork net = lab();
        stack = new Stack(net, true);
        stack.maxQueries = 2;
        assertEquals(Rcode.SERVFAIL, stack.resolve("www.example.test.", Type.A).rcode());
        assertEquals(2, net.sent().size());
        assertEquals(1, stack.metrics.value("gate64_limit_hits_total", "limit", "outgoing-queries"));
    }

    @Test
    void aSilentServerIsPassedOverForAHealthyOneOfTheSameZone() throws Exception {
        String twoServers = TEST.replace("example.test. 3600 IN NS ns.example.test.",
                "example.test. 3600 IN NS ns.example.test.\nexample.test. 3600 IN NS ns2.example.test.\nns2.example.test. 3600 IN A 10.0.0.9");
        FakeNetwork net = lab().serve("10.0.0.2", twoServers).silent("10.0.0.9");
        stack = new Stack(net, false);
        assertEquals(List.of("192.0.2.1"), addresses(stack.resolve("www.example.test.", Type.A)));
        assertTrue(net.sent().contains("10.0.0.3 www.example.test./A"));
    }

    /**
     * One server for the root, test. and example.test. (no referral between them): the NODATA answers to the
     * minimised questions are kept, so a second name costs one outgoing query, as in Unbound (issue 11).
     */
    @Test
    void minimisedAnswersAreReusedWhenOneServerServesParentAndChild() throws Exception {
        FakeNetwork net = new FakeNetwork().serve("10.0.0.1", ROOT.replace("test. 3600 IN NS ns.test.\nns.test. 3600 IN A 10.0.0.2\n", ""),
                TEST.replace("ns.test. 3600 IN A 10.0.0.2", "ns.test. 3600 IN A 10.0.0.1")
                        .replace("example.test. 3600 IN NS ns.example.test.\nns.example.test. 3600 IN A 10.0.0.3\n", "")
                        .replace("test. 3600 IN NS ns.test.", "test. 3600 IN NS a.root."),
                EXAMPLE_TEST.replace("10.0.0.3", "10.0.0.1"));
        stack = new Stack(net, true);
        assertEquals(List.of("192.0.2.1"), addresses(stack.resolve("www.example.test.", Type.A)));
        assertEquals(List.of(
                "10.0.0.1 ./NS",
                "10.0.0.1 test./A",
                "10.0.0.1 example.test./A",
                "10.0.0.1 www.example.test./A"), net.sent());
        net.clear();
        assertEquals(Rcode.NXDOMAIN, stack.resolve("www2.example.test.", Type.A).rcode());
        assertEquals(List.of("10.0.0.1 www2.example.test./A"), net.sent(), "one outgoing query for a new name");
        net.clear();
        assertEquals(List.of("192.0.2.2"), addresses(stack.resolve("deep.a.b.example.test.", Type.A)));
        assertEquals(List.of(
                "10.0.0.1 b.example.test./A",
                "10.0.0.1 a.b.example.test./A",
                "10.0.0.1 deep.a.b.example.test./A"), net.sent());
        net.clear();
        stack.resolve("other.a.b.example.test.", Type.A);
        assertEquals(List.of("10.0.0.1 other.a.b.example.test./A"), net.sent(), "below known empty non-terminals");
    }

    /**
     * Glue that expires before the NS set it serves (issue 11): the parent is asked again for the referral, instead
     * of every name under the zone failing without a query until the NS set expires.
     */
    @Test
    void expiredGlueUnderACachedNsSetIsFetchedFromTheParent() throws Exception {
        FakeNetwork net = lab().serve("10.0.0.2", TEST.replace("ns.example.test. 3600 IN A 10.0.0.3", "ns.example.test. 60 IN A 10.0.0.3"))
                .serve("10.0.0.3", EXAMPLE_TEST.replace("ns.example.test. 3600 IN A", "ns.example.test. 60 IN A"), EXAMPLE_ORG, GLUELESS);
        stack = new Stack(net, true);
        assertEquals(List.of("192.0.2.1"), addresses(stack.resolve("www.example.test.", Type.A)));
        stack.resolve("example.test.", Type.NS); // the child's NS set, with the zone's longer TTL
        stack.ticker.advance(java.time.Duration.ofSeconds(120));
        net.clear();
        assertEquals(List.of("192.0.2.2"), addresses(stack.resolve("deep.a.b.example.test.", Type.A)));
        assertEquals("10.0.0.2 b.example.test./A", net.sent().get(0), "the parent's referral brings the glue again");
        assertEquals(1, stack.metrics.value("gate64_iterator_events_total", "kind", "glue-refetch"));
    }

    /**
     * A zone whose only server stopped answering: after two timeouts it is throttled and the next question fails at
     * once without a query; when the throttle ends, one question probes it again (issue 11).
     */
    @Test
    void aDeadServerIsThrottledWithBackOff() throws Exception {
        FakeNetwork net = lab().silent("10.0.0.3");
        stack = new Stack(net, false);
        stack.resolve("www.example.test.", Type.A);
        stack.resolve("www.example.org.", Type.A);
        long toDead = net.sent().stream().filter(q -> q.startsWith("10.0.0.3 ")).count();
        assertEquals(2, toDead);
        net.clear();
        assertEquals(Rcode.SERVFAIL, stack.resolve("other.example.test.", Type.A).rcode());
        assertEquals(List.of(), net.sent(), "throttled: nothing sent");
        assertTrue(stack.metrics.value("gate64_iterator_events_total", "kind", "throttled") >= 1);
        stack.nanos.addAndGet(java.time.Duration.ofSeconds(6).toNanos());
        stack.resolve("third.example.test.", Type.A);
        assertEquals(List.of("10.0.0.3 third.example.test./A"), net.sent(), "probed once the throttle ended");
        net.clear();
        stack.nanos.addAndGet(java.time.Duration.ofSeconds(6).toNanos());
        stack.resolve("fourth.example.test.", Type.A);
        assertEquals(List.of(), net.sent(), "the throttle doubled after the failed probe");
    }

    /** Answers FORMERR to any query with an OPT record, like an old server without EDNS (RFC 6891 §7). */
    static Message formerrToEdns(Message q) {
        net.gate64.resolver.lab.AuthoritativeAnswerer auth =
                new net.gate64.resolver.lab.AuthoritativeAnswerer(List.of(FakeNetwork.zone(TEST)));
        if (q.getOPT() != null) {
            Message r = new Message(q.getHeader().getID());
            r.getHeader().setFlag(org.xbill.DNS.Flags.QR);
            r.getHeader().setRcode(Rcode.FORMERR);
            r.addRecord(q.getQuestion(), org.xbill.DNS.Section.QUESTION);
            return r;
        }
        return auth.answer(q);
    }

    /** A broken server that says NXDOMAIN for the empty non-terminals of example.test. */
    static Message nxdomainForEnts(Message q) {
        net.gate64.resolver.lab.AuthoritativeAnswerer auth = new net.gate64.resolver.lab.AuthoritativeAnswerer(
                List.of(FakeNetwork.zone(EXAMPLE_TEST), FakeNetwork.zone(EXAMPLE_ORG), FakeNetwork.zone(GLUELESS)));
        Message r = auth.answer(q);
        Name n = q.getQuestion().getName();
        if (n.equals(Name.fromConstantString("a.b.example.test.")) || n.equals(Name.fromConstantString("b.example.test."))) {
            r.removeAllRecords(org.xbill.DNS.Section.ANSWER);
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return r;
    }

}
