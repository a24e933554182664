package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BooleanSupplier;
import net.gate64.resolver.stats.Metrics;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Every received query is exactly one answer (by rcode) or one drop (by reason): after a mix of hits, misses,
 * refusals, errors and broken packets over UDP and TCP, {@code gate64_queries_total} equals
 * {@code gate64_answers_total} plus {@code gate64_drops_total}.
 */
class MetricsAddUpTest {
    /** Waits (for the thing itself; 20 s only as a safety net) until {@code done} holds. */
    static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /**
     * Asserts the identity once nothing is in flight: answers and drops never exceed what was received, and they reach
     * it (a query still being resolved is neither yet).
     */
    static void awaitBalanced(LabFixture f) throws InterruptedException {
        Metrics m = f.recursor.metrics();
        await(() -> {
            long received = m.sum("gate64_queries_total");
            long ended = m.sum("gate64_answers_total") + m.sum("gate64_drops_total");
            assertTrue(ended <= received, "ended " + ended + " > received " + received + "\n" + m.prometheusText());
            return ended == received && f.metric("gate64_queries_in_flight") == 0;
        }, "answers + drops = queries received\n" + m.prometheusText());
    }

    @Test
    void answersAndDropsAddUpToQueriesReceived() throws Exception {
        try (LabFixture f = LabFixture.start("allow-from=[\"127.0.0.1/32\"]")) {
            try (DatagramSocket udp = new DatagramSocket()) {
                for (int round = 0; round < 2; round++) { // the second round is served from the packet cache
                    for (int i = 0; i < 10; i++) {
                        f.ask("n" + i + ".demo.test.", Type.A); // NXDOMAIN: the lab has no such names
                        f.ask("v4only.demo.test.", Type.A);
                    }
                }
                Message notimp = LabFixture.question("v4only.demo.test.", Type.A, true);
                notimp.getHeader().setOpcode(Opcode.STATUS);
                Message badvers = LabFixture.question("v4only.demo.test.", Type.A, false);
                badvers.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
                Message twoQuestions = LabFixture.question("v4only.demo.test.", Type.A, false);
                twoQuestions.addRecord(Record.newRecord(org.xbill.DNS.Name.fromConstantString("x.demo.test."), Type.A, 1),
                        Section.QUESTION);
                for (Message q : new Message[] {notimp, badvers, twoQuestions}) {
                    byte[] w = q.toWire();
                    udp.send(new DatagramPacket(w, w.length, f.dns()));
                }
                byte[] response = LabFixture.question("v4only.demo.test.", Type.A, false).toWire();
                response[2] |= (byte) 0x80;
                udp.send(new DatagramPacket(response, response.length, f.dns()));
                udp.send(new DatagramPacket(new byte[5], 5, f.dns()));
                for (byte[] p : MalformedPacketsTest.corpus()) {
                    if (p.length < 60000) {
                        udp.send(new DatagramPacket(p, p.length, f.dns()));
                    }
                }
            }
            try (DatagramSocket outside = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0))) {
                byte[] w = LabFixture.question("v4only.demo.test.", Type.A, true).toWire();
                outside.send(new DatagramPacket(w, w.length, f.dns()));
                outside.setSoTimeout(5000);
                DatagramPacket in = new DatagramPacket(new byte[512], 512);
                outside.receive(in);
                assertEquals(org.xbill.DNS.Rcode.REFUSED, new Message(in.getData()).getRcode());
            }
            try (Socket tcp = new Socket(f.dns().getAddress(), f.dns().getPort())) { // pipelined on one connection
                tcp.setSoTimeout(5000);
                DataOutputStream out = new DataOutputStream(tcp.getOutputStream());
                int sent = 0;
                for (int i = 0; i < 8; i++) {
                    byte[] w = LabFixture.question("t" + (i % 4) + ".demo.test.", Type.A, true).toWire();
                    out.writeShort(w.length);
                    out.write(w);
                    sent++;
                }
                out.writeShort(3);
                out.write(new byte[3]); // short: dropped, the connection goes on
                out.flush();
                DataInputStream in = new DataInputStream(tcp.getInputStream());
                for (int i = 0; i < sent; i++) {
                    byte[] r = new byte[in.readUnsignedShort()];
                    in.readFully(r);
                    assertTrue((r[2] & 0x80) != 0);
                }
            }
            Message axfr = LabFixture.question("demo.test.", Type.AXFR, false);
            assertEquals(org.xbill.DNS.Rcode.REFUSED, f.rawTcp(axfr).getRcode());

            awaitBalanced(f);
            assertTrue(f.metric("gate64_answers_total", "rcode", "notimp") >= 1);
            assertTrue(f.metric("gate64_answers_total", "rcode", "badvers") >= 1);
            assertTrue(f.metric("gate64_answers_total", "rcode", "formerr") >= 1);
            assertTrue(f.metric("gate64_answers_total", "rcode", "refused") >= 2, "ACL and AXFR refusals are answers");
            assertTrue(f.metric("gate64_drops_total", "reason", "response-bit") >= 1);
            assertTrue(f.metric("gate64_drops_total", "reason", "short") >= 2);
            assertTrue(f.recursor.metrics().value("gate64_cache_hits_total", "cache", "packet") >= 10);
            assertTrue(f.metric("gate64_queries_total", "transport", "tcp") >= 10);
        }
    }

    @Test
    void flagsOfAnUnparsableQueryDoNotMatter() throws Exception {
        // RD=0 and CD=1 on a FORMERR: still one answer.
        try (LabFixture f = LabFixture.start(); DatagramSocket udp = new DatagramSocket()) {
            Message q = LabFixture.question("v4only.demo.test.", Type.A, false);
            q.getHeader().unsetFlag(Flags.RD);
            q.getHeader().setFlag(Flags.CD);
            byte[] w = q.toWire();
            byte[] broken = java.util.Arrays.copyOf(w, w.length - 2); // qclass cut off
            udp.send(new DatagramPacket(broken, broken.length, f.dns()));
            udp.setSoTimeout(5000);
            DatagramPacket in = new DatagramPacket(new byte[512], 512);
            udp.receive(in);
            assertEquals(org.xbill.DNS.Rcode.FORMERR, in.getData()[3] & 0x0F);
            awaitBalanced(f);
            assertEquals(1, f.metric("gate64_answers_total", "rcode", "formerr"));
            assertEquals(0, f.metric("gate64_drops_total", "reason", "malformed"), "an answered query is not a drop");
        }
    }
}
