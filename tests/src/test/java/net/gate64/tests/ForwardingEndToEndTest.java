package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The recursor on loopback, forwarding to the lab, queried over real UDP and TCP sockets. */
class ForwardingEndToEndTest {
    static LabFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = LabFixture.start();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList();
    }

    @Test
    void answersOverUdpAndTcp() throws Exception {
        for (boolean tcp : new boolean[] {false, true}) {
            Message m = f.client(tcp).send(LabFixture.question("v4only.demo.test.", Type.A, true));
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertEquals(List.of("v4only.demo.test. A 192.0.2.10"), answers(m));
            assertTrue(m.getHeader().getFlag(Flags.RA));
            assertTrue(m.getHeader().getFlag(Flags.RD));
            assertFalse(m.getHeader().getFlag(Flags.AA), "a recursor's answers are not authoritative");
            assertEquals(1232, m.getOPT().getPayloadSize(), "EDNS echoed with our payload size");
        }
    }

    @Test
    void cnameChainsInsideAndAcrossZones() throws Exception {
        assertEquals(List.of("chain.demo.test. CNAME alias.demo.test.", "alias.demo.test. CNAME v4only.demo.test.",
                "v4only.demo.test. A 192.0.2.10"), answers(f.ask("chain.demo.test.", Type.A)));
        assertEquals(List.of("away.demo.test. CNAME web.other.test.", "web.other.test. A 198.51.100.7"),
                answers(f.ask("away.demo.test.", Type.A)));
    }

    @Test
    void negativeAnswersCarryTheSoaWithTheNegativeTtl() throws Exception {
        Message nx = f.ask("nonexistent.demo.test.", Type.A);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        Record soa = nx.getSection(Section.AUTHORITY).get(0);
        assertEquals(Type.SOA, soa.getType());
        assertTrue(soa.getTTL() <= 60, "RFC 2308 §3: SOA TTL is the negative TTL");

        Message nodata = f.ask("txtonly.demo.test.", Type.A);
        assertEquals(Rcode.NOERROR, nodata.getRcode());
        assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
        assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void qnameCaseIsPreserved() throws Exception {
        f.ask("dual.demo.test.", Type.AAAA); // cached in lower case first
        Message m = f.ask("DuAl.DeMo.TeSt.", Type.AAAA);
        assertEquals("DuAl.DeMo.TeSt.", m.getQuestion().getName().toString());
    }

    @Test
    void packetCacheServesRepeats() throws Exception {
        f.ask("multi.demo.test.", Type.A);
        long hits = f.metric("gate64_cache_hits_total", "cache", "packet");
        long labQueries = f.lab.received().size();
        Message again = f.ask("multi.demo.test.", Type.A);
        assertEquals(2, again.getSection(Section.ANSWER).size());
        assertEquals(hits + 1, f.metric("gate64_cache_hits_total", "cache", "packet"));
        assertEquals(labQueries, f.lab.received().size(), "no upstream query for a cached answer");
    }

    @Test
    void largeAnswersAreTruncatedOverUdpAndWholeOverTcp() throws Exception {
        Message udp = f.client(false).send(LabFixture.question("big.demo.test.", Type.TXT, true));
        assertTrue(udp.getHeader().getFlag(Flags.TC));
        Message tcp = f.client(true).send(LabFixture.question("big.demo.test.", Type.TXT, true));
        assertFalse(tcp.getHeader().getFlag(Flags.TC));
        assertEquals(7, tcp.getSection(Section.ANSWER).size());
        Message noEdns = f.client(false).send(LabFixture.question("big.demo.test.", Type.TXT, false));
        assertTrue(noEdns.getHeader().getFlag(Flags.TC), "512 bytes without EDNS");
        assertTrue(noEdns.toWire().length <= 512);
    }

    @Test
    void severalQueriesOnOneTcpConnection() throws Exception {
        try (Socket s = new Socket(f.dns().getAddress(), f.dns().getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (String name : List.of("v4only.demo.test.", "dual.demo.test.", "multi.demo.test.")) {
                byte[] q = LabFixture.question(name, Type.A, false).toWire();
                out.writeShort(q.length);
                out.write(q);
            }
            out.flush();
            for (int i = 0; i < 3; i++) {
                byte[] r = new byte[in.readUnsignedShort()];
                in.readFully(r);
                assertEquals(Rcode.NOERROR, new Message(r).getRcode());
            }
        }
    }

    @Test
    void unsupportedOpcodeGetsNotimp() throws Exception {
        Message q = LabFixture.question("v4only.demo.test.", Type.A, false);
        q.getHeader().setOpcode(org.xbill.DNS.Opcode.STATUS);
        assertEquals(Rcode.NOTIMP, f.client(false).send(q).getRcode());
    }

    @Test
    void unknownEdnsVersionGetsBadvers() throws Exception {
        Message q = LabFixture.question("v4only.demo.test.", Type.A, false);
        q.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 1), Section.ADDITIONAL);
        assertEquals(16, f.client(false).send(q).getRcode());
    }

    @Test
    void zoneTransfersAreRefused() throws Exception {
        assertEquals(Rcode.REFUSED, f.rawTcp(LabFixture.question("demo.test.", Type.AXFR, false)).getRcode());
    }

    @Test
    void unparsableQuestionWithReadableHeaderGetsFormerr() throws Exception {
        byte[] bad = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'a', 'b'}; // label runs past the end
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(bad, bad.length, f.dns()));
            byte[] buf = new byte[512];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            assertEquals(0x1234, ((buf[0] & 0xff) << 8) | (buf[1] & 0xff), "ID echoed");
            assertEquals(Rcode.FORMERR, buf[3] & 0xf);
            assertTrue((buf[2] & 0x80) != 0, "QR set");
        }
    }
}
