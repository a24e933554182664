package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The attacks of issue 10 on the client side, each against a real recursor on loopback: the bound holds (the
 * connection is closed and counted, memory returns), and the server goes on answering other clients over UDP and
 * TCP while and after it happens. Timing enters only as the attack itself (a drip) and as safety-net deadlines.
 */
class TcpAttacksTest {
    private static Socket connect(LabFixture f, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(f.dns(), 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void writeQuery(OutputStream out, String name, int type) throws IOException {
        byte[] w = LabFixture.question(name, type, true).toWire();
        out.write(new byte[] {(byte) (w.length >>> 8), (byte) w.length});
        out.write(w);
    }

    /** Blocks until the server closes the connection (EOF or reset); reads and discards whatever comes first. */
    private static void awaitClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] sink = new byte[65536];
        try {
            while (in.read(sink) >= 0) {
                // discard
            }
        } catch (java.net.SocketException reset) {
            // closed with unread data: a reset
        }
    }

    private static void othersStillServed(LabFixture f) throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message m = f.client(tcp).send(LabFixture.question("v4only.demo.test.", Type.A, true));
            assertEquals(Rcode.NOERROR, m.getRcode(), (tcp ? "tcp" : "udp") + " client answered");
        }
    }

    private static long closed(LabFixture f, String reason) {
        return f.metric("gate64_tcp_closed_total", "reason", reason);
    }

    /** Issue 10 defect 2: pipelined queries whose answers are never read. */
    @Test
    void aClientThatNeverReadsIsStoppedAndClosed() throws Exception {
        try (LabFixture f = LabFixture.start("max-tcp-queued-answer-bytes=131072")) {
            f.client(true).send(LabFixture.question("big.demo.test.", Type.TXT, true)); // cached: answered on the loop
            Socket attacker = new Socket();
            attacker.setReceiveBufferSize(4096); // before connect: a small window fills fast
            attacker.connect(f.dns(), 5000);
            AtomicLong sent = new AtomicLong();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = new java.io.BufferedOutputStream(attacker.getOutputStream(), 65536);
                    for (int i = 0; i < 200_000; i++) { // ~10 MB of queries asking for ~500 MB of answers
                        writeQuery(out, "big.demo.test.", Type.TXT);
                        sent.incrementAndGet();
                    }
                    out.flush();
                } catch (IOException closedByServer) {
                    // expected: the server stops reading, then closes
                }
            });
            long peak = 0;
            long giveUp = System.nanoTime() + 60_000_000_000L; // safety net only
            while (closed(f, "output-limit") + closed(f, "output-stalled") == 0) {
                assertTrue(System.nanoTime() < giveUp, "the unread connection was never closed");
                peak = Math.max(peak, f.metric("gate64_inflight_bytes"));
                othersStillServed(f);
                assertTrue(writer.isAlive() || closed(f, "output-limit") + closed(f, "output-stalled") > 0
                        || sent.get() < 200_000, "the server kept reading every query");
                Thread.sleep(50);
            }
            writer.join(30_000);
            assertTrue(sent.get() < 200_000, "reading stopped before the client had sent all, sent " + sent.get());
            assertTrue(peak <= 131072 + 65537 + 64 * 8192, "queued answers stayed bounded, peak " + peak);
            MetricsAddUpTest.await(() -> f.metric("gate64_inflight_bytes") == 0, "the queued answers are freed");
            attacker.close();
            othersStillServed(f);
            MetricsAddUpTest.await(() -> f.metric("gate64_tcp_clients") == 0, "every connection closed");
            MetricsAddUpTest.awaitBalanced(f);
        }
    }

    /** Issue 10 defect 4: slow-drip clients holding every TCP slot. */
    @Test
    void slowDripClientsAreClosedAndCannotHoldEverySlot() throws Exception {
        try (LabFixture f = LabFixture.start("client-tcp-timeout=1", "max-tcp-clients=6", "max-tcp-per-client=0")) {
            List<Socket> drips = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                drips.add(connect(f, "127.0.0." + (10 + i)));
            }
            MetricsAddUpTest.await(() -> f.metric("gate64_tcp_clients") == 6, "six connections open");
            byte[] q = LabFixture.question("v4only.demo.test.", Type.A, true).toWire();
            byte[] framed = new byte[q.length + 2];
            framed[0] = (byte) (q.length >>> 8);
            framed[1] = (byte) q.length;
            System.arraycopy(q, 0, framed, 2, q.length);
            // Each drips a byte every 100 ms: under the old per-byte idle timer this held the slot for ever.
            List<Thread> drippers = new ArrayList<>();
            for (Socket s : drips) {
                drippers.add(Thread.ofVirtual().start(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        for (byte b : framed) {
                            out.write(b);
                            out.flush();
                            Thread.sleep(100);
                        }
                    } catch (IOException | InterruptedException closedByServer) {
                        // expected
                    }
                }));
            }
            for (Socket s : drips) {
                awaitClosedByServer(s);
                s.close();
            }
            MetricsAddUpTest.await(() -> closed(f, "slow-query") == 6, "every dripper counted as slow");
            othersStillServed(f); // the slots are free again
            for (Thread t : drippers) {
                t.join(10_000);
            }
            MetricsAddUpTest.awaitBalanced(f);
        }
    }

    @Test
    void oneClientCannotTakeEveryConnection() throws Exception {
        try (LabFixture f = LabFixture.start("max-tcp-per-client=3", "client-tcp-timeout=30")) {
            List<Socket> mine = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                mine.add(connect(f, "127.0.0.1"));
            }
            MetricsAddUpTest.await(() -> f.metric("gate64_tcp_clients") == 3, "three connections open");
            try (Socket fourth = connect(f, "127.0.0.1")) {
                awaitClosedByServer(fourth);
            }
            MetricsAddUpTest.await(() -> closed(f, "per-client-limit") == 1, "the fourth connection counted as over the limit");
            // Another address is served over TCP; the three held connections still work too.
            try (Socket other = connect(f, "127.0.0.2")) {
                writeQuery(other.getOutputStream(), "v4only.demo.test.", Type.A);
                DataInputStream in = new DataInputStream(other.getInputStream());
                byte[] r = new byte[in.readUnsignedShort()];
                in.readFully(r);
                assertEquals(Rcode.NOERROR, new Message(r).getRcode());
            }
            Socket held = mine.get(0);
            writeQuery(held.getOutputStream(), "v4only.demo.test.", Type.A);
            DataInputStream in = new DataInputStream(held.getInputStream());
            byte[] r = new byte[in.readUnsignedShort()];
            in.readFully(r);
            assertEquals(Rcode.NOERROR, new Message(r).getRcode());
            for (Socket s : mine) {
                s.close();
            }
        }
    }

    @Test
    void theConnectionCapClosesTheNewestAndCountsIt() throws Exception {
        try (LabFixture f = LabFixture.start("max-tcp-clients=2", "max-tcp-per-client=0", "client-tcp-timeout=30")) {
            try (Socket a = connect(f, "127.0.0.1"); Socket b = connect(f, "127.0.0.2")) {
                MetricsAddUpTest.await(() -> f.metric("gate64_tcp_clients") == 2, "two connections open");
                try (Socket c = connect(f, "127.0.0.3")) {
                    awaitClosedByServer(c);
                }
                MetricsAddUpTest.await(() -> closed(f, "client-limit") == 1, "the third connection counted as over the cap");
                Message m = f.client(false).send(LabFixture.question("v4only.demo.test.", Type.A, true));
                assertEquals(Rcode.NOERROR, m.getRcode(), "UDP unaffected");
            }
        }
    }

    /** Backpressure must not lose or stall queries: 200 pipelined misses with 2 in flight at a time all get answers. */
    @Test
    void pipelinedQueriesBeyondTheConcurrencyLimitAreAllAnswered() throws Exception {
        try (LabFixture f = LabFixture.start("max-concurrent-requests-per-tcp-connection=2");
             Socket s = connect(f, "127.0.0.1")) {
            OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream());
            int n = 200;
            for (int i = 0; i < n; i++) {
                writeQuery(out, "p" + i + ".demo.test.", Type.A); // NXDOMAIN, each one a miss
            }
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            java.util.Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                byte[] r = new byte[in.readUnsignedShort()];
                in.readFully(r);
                Message m = new Message(r);
                assertEquals(Rcode.NXDOMAIN, m.getRcode());
                names.add(m.getQuestion().getName().toString());
            }
            assertEquals(n, names.size(), "one answer per query");
            MetricsAddUpTest.awaitBalanced(f);
        }
    }

    /** A flood of slow cache misses cannot take more than max-inflight-bytes; the rest are dropped and counted. */
    @Test
    void theMemoryBudgetBoundsQueriesInFlight() throws Exception {
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) { // never answers
            String zone = "forward-zones={\"hole.test\"=[\"127.0.0.1:" + blackHole.getLocalPort() + "\"]}";
            long budget = 1 << 20;
            try (LabFixture f = LabFixture.start(zone, "max-inflight-bytes=" + budget, "network-timeout=3000",
                    "max-total-msec=4000");
                 DatagramSocket client = new DatagramSocket()) {
                othersStillServed(f); // now cached: hits need no room in the budget
                int n = 400; // 400 x (8 KiB + query) is three times the budget
                for (int i = 0; i < n; i++) {
                    byte[] w = LabFixture.question("q" + i + ".hole.test.", Type.A, true).toWire();
                    client.send(new DatagramPacket(w, w.length, f.dns()));
                }
                MetricsAddUpTest.await(() -> f.metric("gate64_drops_total", "reason", "memory") > 0
                        && f.metric("gate64_queries_total", "transport", "udp") >= n, "the budget refuses work");
                assertTrue(f.metric("gate64_inflight_bytes") <= budget);
                assertTrue(f.metric("gate64_queries_in_flight") <= budget / 8192);
                othersStillServed(f); // cache hits go on, over TCP too (a connection may always queue one answer)
                MetricsAddUpTest.awaitBalanced(f);
                assertEquals(0, f.metric("gate64_inflight_bytes"));
            }
        }
    }
}
