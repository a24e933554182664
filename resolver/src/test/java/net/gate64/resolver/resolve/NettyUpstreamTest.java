package net.gate64.resolver.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.gate64.resolver.stats.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The outgoing exchange on the event loop: how long it waits (the network timeout, and never past the client query's
 * deadline, over UDP or TCP), what it does with an answer larger than it allows, spoofed answers, and source ports.
 */
class NettyUpstreamTest {
    private static final Name NAME = Name.fromConstantString("www.example.test.");
    private static final Upstream.Question QUESTION = new Upstream.Question(NAME, Type.A, false, false);
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    private final Metrics metrics = new Metrics();
    private final boolean epoll = useEpoll();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    private final EventLoop loop = group.next();

    /** The transport under test: epoll where it is available (a bare socket per query), NIO in the subclass. */
    boolean useEpoll() {
        return Epoll.isAvailable();
    }

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private NettyUpstream upstream(Duration timeout) {
        return new NettyUpstream(timeout, 1232, List.of(), epoll, metrics);
    }

    private QueryBudget budget(long maxMillis) {
        return new QueryBudget(50, TimeUnit.MILLISECONDS.toNanos(maxMillis), 10, 16, loop);
    }

    private static Throwable failure(CompletableFuture<Message> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
            throw new AssertionError("an answer arrived");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aSilentServerTimesOutAfterTheNetworkTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            long start = System.nanoTime();
            Throwable t = failure(upstream(Duration.ofMillis(300))
                    .query((InetSocketAddress) silent.getLocalSocketAddress(), QUESTION, budget(10_000)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertInstanceOf(Upstream.Timeout.class, t);
            assertTrue(ms >= 290, "waited " + ms + " ms for a 300 ms timeout");
            assertEquals(1, metrics.value("gate64_outgoing_timeouts_total"));
        }
    }

    /** max-total-msec bounds the wait even when the network timeout is longer. */
    @Test
    void theQueryDeadlineCutsAUdpWaitShort() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            long start = System.nanoTime();
            Throwable t = failure(upstream(Duration.ofSeconds(30))
                    .query((InetSocketAddress) silent.getLocalSocketAddress(), QUESTION, budget(300)));
            assertInstanceOf(Upstream.Timeout.class, t);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "the 30 s network timeout was not the bound");
        }
    }

    @Test
    void anAnswerLargerThanAdvertisedIsFetchedOverTcp() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, LO);
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LO, tcp.getLocalPort()))) {
            Thread.ofVirtual().start(() -> serveOversizedUdp(udp));
            Thread.ofVirtual().start(() -> serveTcp(tcp, false));
            Message m = upstream(Duration.ofSeconds(5)).query(new InetSocketAddress(LO, tcp.getLocalPort()), QUESTION,
                    budget(10_000)).get(20, TimeUnit.SECONDS);
            assertEquals("192.0.2.7", ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
            assertEquals(1, metrics.value("gate64_outgoing_queries_total", "transport", "tcp"));
        }
    }

    /**
     * Issue 10 item 3: an authority that drips its TCP answer one byte at a time (each byte well inside the network
     * timeout) cannot hold the query past max-total-msec.
     */
    @Test
    void aSlowDripTcpAnswerCannotOutlastTheQueryDeadline() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, LO);
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LO, tcp.getLocalPort()))) {
            Thread.ofVirtual().start(() -> serveTruncatedUdp(udp));
            Thread.ofVirtual().start(() -> serveTcp(tcp, true));
            long start = System.nanoTime();
            Throwable t = failure(upstream(Duration.ofSeconds(2))
                    .query(new InetSocketAddress(LO, tcp.getLocalPort()), QUESTION, budget(1500)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertInstanceOf(Upstream.Timeout.class, t);
            assertTrue(ms < 10_000, "the drip held the query " + ms + " ms");
            assertEquals(1, metrics.value("gate64_outgoing_queries_total", "transport", "tcp"));
        }
    }

    /** An answer with the wrong ID is counted and ignored; the real one that follows is taken. */
    @Test
    void aSpoofedAnswerIsIgnoredAndTheRealOneTaken() throws Exception {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] buf = new byte[1500];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udp.receive(p);
                    Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                    Message spoof = answer(q);
                    spoof.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
                    byte[] s = spoof.toWire();
                    udp.send(new DatagramPacket(s, s.length, p.getSocketAddress()));
                    byte[] real = answer(q).toWire();
                    udp.send(new DatagramPacket(real, real.length, p.getSocketAddress()));
                } catch (Exception e) {
                    // socket closed
                }
            });
            Message m = upstream(Duration.ofSeconds(5)).query((InetSocketAddress) udp.getLocalSocketAddress(), QUESTION,
                    budget(10_000)).get(20, TimeUnit.SECONDS);
            assertEquals(1, m.getSection(Section.ANSWER).size());
            assertEquals(1, metrics.value("gate64_outgoing_mismatched_answers_total"));
        }
    }

    /**
     * Only the server's own address and port can answer: a datagram with the right ID and question sent to our
     * port from another port of the same host is never taken (the connected socket drops it), nor is one from the
     * server that repeats another question (counted); the real answer after both is.
     */
    @Test
    void anAnswerFromAnotherPortOrForAnotherQuestionIsNotTaken() throws Exception {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LO, 0));
             DatagramSocket other = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            CompletableFuture<Message> f = upstream(Duration.ofSeconds(5)).query(
                    (InetSocketAddress) udp.getLocalSocketAddress(), QUESTION, budget(10_000));
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
            Message forged = answer(q);
            forged.removeAllRecords(Section.ANSWER);
            forged.addRecord(new ARecord(NAME, DClass.IN, 300, InetAddress.getByName("192.0.2.66")), Section.ANSWER);
            byte[] w = forged.toWire();
            other.send(new DatagramPacket(w, w.length, p.getSocketAddress())); // right ID, wrong source port
            Message wrongQuestion = new Message(q.getHeader().getID());
            wrongQuestion.getHeader().setFlag(Flags.QR);
            wrongQuestion.addRecord(org.xbill.DNS.Record.newRecord(Name.fromConstantString("other.example.test."),
                    Type.A, DClass.IN), Section.QUESTION);
            w = wrongQuestion.toWire();
            udp.send(new DatagramPacket(w, w.length, p.getSocketAddress())); // right source and ID, other question
            byte[] real = answer(q).toWire();
            udp.send(new DatagramPacket(real, real.length, p.getSocketAddress()));
            Message m = f.get(20, TimeUnit.SECONDS);
            assertEquals("192.0.2.7", ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
            assertEquals(1, metrics.value("gate64_outgoing_mismatched_answers_total"));
        }
    }

    /**
     * A positive answer is read without the NS set and glue behind it (AnswerOnly); with DNSSEC records asked for
     * (DO), the whole response is read, as the validator and wildcard proofs need.
     */
    @Test
    void aPositiveAnswerIsReadWithoutAuthorityUnlessDnssecRecordsWereAsked() throws Exception {
        for (boolean dnssec : new boolean[] {false, true}) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LO, 0))) {
                NettyUpstream upstream = upstream(Duration.ofSeconds(5));
                upstream.requestDnssecRecords(dnssec);
                CompletableFuture<Message> f = upstream.query((InetSocketAddress) udp.getLocalSocketAddress(), QUESTION,
                        budget(10_000));
                byte[] buf = new byte[1500];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message a = answer(new Message(java.util.Arrays.copyOf(buf, p.getLength())));
                Name zone = Name.fromConstantString("example.test.");
                Name ns = Name.fromConstantString("ns.example.test.");
                a.addRecord(new org.xbill.DNS.NSRecord(zone, DClass.IN, 3600, ns), Section.AUTHORITY);
                a.addRecord(new ARecord(ns, DClass.IN, 3600, InetAddress.getByName("192.0.2.53")), Section.ADDITIONAL);
                byte[] w = a.toWire();
                udp.send(new DatagramPacket(w, w.length, p.getSocketAddress()));
                Message m = f.get(20, TimeUnit.SECONDS);
                assertEquals(a.getSection(Section.ANSWER), m.getSection(Section.ANSWER), "dnssec " + dnssec);
                assertEquals(dnssec ? 1 : 0, m.getSection(Section.AUTHORITY).size(), "dnssec " + dnssec);
                assertEquals(dnssec ? 1 : 0, m.getSection(Section.ADDITIONAL).size(), "dnssec " + dnssec);
            }
        }
    }

    /**
     * Every query leaves from a fresh socket on a random port: 40 queries see (nearly) 40 different ports spread over
     * the range, and IDs that are not a sequence.
     */
    @Test
    void eachQueryHasItsOwnRandomSourcePortAndId() throws Exception {
        int n = 40;
        Set<Integer> ports = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            NettyUpstream upstream = upstream(Duration.ofSeconds(5));
            for (int i = 0; i < n; i++) {
                CompletableFuture<Message> f = upstream.query((InetSocketAddress) udp.getLocalSocketAddress(), QUESTION,
                        budget(10_000));
                byte[] buf = new byte[1500];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                ports.add(p.getPort());
                ids.add(q.getHeader().getID());
                byte[] a = answer(q).toWire();
                udp.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
                f.get(20, TimeUnit.SECONDS);
            }
        }
        assertTrue(ports.size() >= n - 2, "ports " + ports);
        assertTrue(ids.size() >= n - 2, "ids " + ids);
        int below = (int) ports.stream().filter(p -> p < 33_000).count();
        assertTrue(below > 5 && below < n - 5, "ports not spread over 1024-65535: " + ports);
    }

    /**
     * A server port with nobody behind it answers with ICMP port unreachable; the connected socket reports it and the
     * exchange fails at once instead of waiting out the network timeout.
     */
    @Test
    void aClosedPortFailsAtOnceRatherThanTimingOut() throws Exception {
        InetSocketAddress closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            closed = (InetSocketAddress) s.getLocalSocketAddress(); // free once this closes
        }
        Throwable t = failure(upstream(Duration.ofSeconds(60)).query(closed, QUESTION, budget(120_000)));
        assertInstanceOf(java.io.IOException.class, t);
        assertTrue(!(t instanceof Upstream.Timeout), "waited for the timeout: " + t);
        assertEquals(0, metrics.value("gate64_outgoing_timeouts_total"));
    }

    /**
     * Every exchange closes its socket however it ends (answered, timed out, refused): after 30 of each, no socket of
     * this process is still connected to any of the three servers' ports (read from /proc: the process's socket
     * inodes against the kernel's UDP table, so nothing else the JVM opens or closes meanwhile can disturb it).
     */
    @Test
    void noSocketOutlivesItsExchange() throws Exception {
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        java.nio.file.Path table = java.nio.file.Path.of("/proc/self/net/udp");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(fds)
                && java.nio.file.Files.isReadable(table), "no /proc/self/fd or /proc/self/net/udp on this system");
        // answered exchanges get a patient upstream (a loaded machine must not turn them into timeouts); the silent
        // server's exchanges a short one, so that the test sees many sockets closed by their timer
        NettyUpstream patient = upstream(Duration.ofSeconds(10));
        NettyUpstream upstream = upstream(Duration.ofMillis(200));
        InetSocketAddress closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            closed = (InetSocketAddress) s.getLocalSocketAddress();
        }
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LO, 0));
             DatagramSocket silent = new DatagramSocket(new InetSocketAddress(LO, 0))) {
            Set<Integer> servers = Set.of(udp.getLocalPort(), silent.getLocalPort(), closed.getPort());
            // a socket of an earlier test may happen to be connected to a port these servers now reuse
            Set<String> earlier = socketsConnectedTo(servers, fds, table, Set.of());
            CompletableFuture<Message> open = patient.query((InetSocketAddress) silent.getLocalSocketAddress(), QUESTION,
                    budget(10_000));
            loop.submit(() -> { }).get(20, TimeUnit.SECONDS); // the query is out: its socket exists
            assertEquals(1, socketsConnectedTo(servers, fds, table, earlier).size(), "the check does not see an open exchange");
            answerOne(silent);
            open.get(20, TimeUnit.SECONDS);
            for (int i = 0; i < 30; i++) {
                CompletableFuture<Message> f = patient.query((InetSocketAddress) udp.getLocalSocketAddress(), QUESTION,
                        budget(10_000));
                answerOne(udp);
                f.get(20, TimeUnit.SECONDS);
                failure(upstream.query((InetSocketAddress) silent.getLocalSocketAddress(), QUESTION, budget(10_000)));
                failure(upstream.query(closed, QUESTION, budget(10_000)));
            }
            // the loop closes a socket after completing the future (on NIO the channel's close is itself a later
            // task): wait for the sockets to go, up to 20 s; a socket that outlives its exchange stays and fails this
            Set<String> left = socketsConnectedTo(servers, fds, table, earlier);
            for (long end = System.nanoTime() + 20_000_000_000L; !left.isEmpty() && System.nanoTime() < end; ) {
                loop.submit(() -> { }).get(20, TimeUnit.SECONDS);
                Thread.sleep(20);
                left = socketsConnectedTo(servers, fds, table, earlier);
            }
            assertEquals(Set.of(), left);
        }
    }

    /** The inodes of this process's UDP sockets whose peer is a port in {@code ports}, but for those in {@code except}. */
    private static Set<String> socketsConnectedTo(Set<Integer> ports, java.nio.file.Path fds, java.nio.file.Path table,
                                                  Set<String> except) throws java.io.IOException {
        Set<String> inodes = new HashSet<>();
        try (var s = java.nio.file.Files.list(fds)) {
            for (java.nio.file.Path fd : (Iterable<java.nio.file.Path>) s::iterator) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (java.io.IOException gone) {
                    // closed while listing
                }
            }
        }
        // "sl local_address rem_address st ... uid timeout inode": rem_address is HEXIP:HEXPORT
        return java.nio.file.Files.readAllLines(table).stream().skip(1).map(l -> l.trim().split("\\s+"))
                .filter(f -> inodes.contains(f[9]) && ports.contains(Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16)))
                .map(f -> f[9]).filter(i -> !except.contains(i))
                .collect(java.util.stream.Collectors.toSet());
    }

    private static void answerOne(DatagramSocket udp) throws Exception {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        byte[] a = answer(new Message(java.util.Arrays.copyOf(buf, p.getLength()))).toWire();
        udp.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
    }

    /** The query is written by hand: byte for byte what dnsjava's Message would have written. */
    @Test
    void theQueryWireIsWhatAMessageWouldBe() {
        NettyUpstream u = upstream(Duration.ofSeconds(1));
        for (boolean edns : new boolean[] {true, false}) {
            for (boolean rd : new boolean[] {true, false}) {
                for (boolean dnssecOk : new boolean[] {true, false}) {
                    Upstream.Question q = new Upstream.Question(Name.fromConstantString("Www.Example.TEST."), Type.AAAA, rd,
                            dnssecOk, edns);
                    Message m = new Message(0x1234);
                    if (rd) {
                        m.getHeader().setFlag(Flags.RD);
                    }
                    m.addRecord(org.xbill.DNS.Record.newRecord(q.name(), q.type(), DClass.IN), Section.QUESTION);
                    if (edns) {
                        m.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, dnssecOk ? Flags.DO : 0), Section.ADDITIONAL);
                    }
                    assertEquals(java.util.HexFormat.of().formatHex(m.toWire()),
                            java.util.HexFormat.of().formatHex(u.build(q, 0x1234)), "edns " + edns + " rd " + rd + " do " + dnssecOk);
                }
            }
        }
    }

    private static void serveOversizedUdp(DatagramSocket udp) {
        try {
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
            byte[] answer = java.util.Arrays.copyOf(answer(q).toWire(), 1500);
            udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        } catch (Exception e) {
            // the socket closed at the end of the test
        }
    }

    private static void serveTruncatedUdp(DatagramSocket udp) {
        try {
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udp.receive(p);
            Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
            Message tc = answer(q);
            tc.removeAllRecords(Section.ANSWER);
            tc.getHeader().setFlag(Flags.TC);
            byte[] answer = tc.toWire();
            udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
        } catch (Exception e) {
            // the socket closed at the end of the test
        }
    }

    private static void serveTcp(ServerSocket tcp, boolean drip) {
        try (Socket s = tcp.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] query = new byte[in.readUnsignedShort()];
            in.readFully(query);
            byte[] wire = answer(new Message(query)).toWire();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            if (drip) {
                for (byte b : wire) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(500); // each byte inside the 2 s network timeout; the whole far beyond the deadline
                }
            } else {
                out.write(wire);
            }
            out.flush();
        } catch (Exception e) {
            // the socket closed at the end of the test
        }
    }

    private static Message answer(Message query) throws Exception {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(query.getQuestion(), Section.QUESTION);
        m.addRecord(new ARecord(NAME, DClass.IN, 300, InetAddress.getByName("192.0.2.7")), Section.ANSWER);
        return m;
    }
}
