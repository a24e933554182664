package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** A corpus of broken packets over UDP and TCP: each is counted and dropped or answered FORMERR; service goes on. */
class MalformedPacketsTest {
    static List<byte[]> corpus() {
        List<byte[]> c = new ArrayList<>();
        c.add(new byte[0]);
        c.add(new byte[] {1});
        c.add(new byte[11]); // shorter than a header
        c.add(new byte[] {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}); // header promises a question that is absent
        c.add(new byte[] {0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1}); // pointer to itself
        c.add(new byte[] {0, 3, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 14, (byte) 0xc0, 12, 0, 1, 0, 1}); // pointer loop
        c.add(new byte[] {0, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 70, 'a', 0, 0, 1, 0, 1}); // label length 70
        c.add(new byte[] {0, 5, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0x80, 'a', 0, 0, 1, 0, 1}); // reserved label type
        c.add(new byte[] {0, 6, 1, 0, 0, 1, 0, 0, 0, 0, 0, 5, 0, 0, 1, 0, 1}); // 5 additional records promised
        c.add(new byte[] {0, 7, 1, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0}); // 65535 questions promised
        byte[] longName = new byte[12 + 300 + 5];
        longName[3] = 0;
        longName[5] = 1;
        for (int i = 12; i < 12 + 300; i += 50) {
            longName[i] = 49; // labels adding up past 255 bytes
        }
        c.add(longName);
        byte[] response = LabFixture.question("v4only.demo.test.", Type.A, false).toWire();
        response[2] |= (byte) 0x80; // a response: must be dropped, never answered
        c.add(response);
        Random random = new Random(64);
        for (int i = 0; i < 200; i++) {
            byte[] g = new byte[random.nextInt(600)];
            random.nextBytes(g);
            c.add(g);
        }
        byte[] oversized = new byte[65000];
        random.nextBytes(oversized);
        c.add(oversized);
        return c;
    }

    @Test
    void brokenPacketsNeverStopTheServer() throws Exception {
        try (LabFixture f = LabFixture.start()) {
            List<byte[]> corpus = corpus();
            try (DatagramSocket s = new DatagramSocket()) {
                for (byte[] p : corpus) {
                    if (p.length <= 65000) {
                        s.send(new DatagramPacket(p, p.length, f.dns()));
                    }
                }
            }
            for (byte[] p : corpus) {
                try (Socket s = new Socket(f.dns().getAddress(), f.dns().getPort())) {
                    OutputStream out = s.getOutputStream();
                    int len = Math.min(p.length, 65535);
                    out.write(new byte[] {(byte) (len >>> 8), (byte) len});
                    out.write(p, 0, len);
                    out.flush();
                    s.setSoTimeout(2000);
                    s.shutdownOutput();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    try {
                        byte[] r = new byte[in.readUnsignedShort()];
                        in.readFully(r);
                        assertTrue((r[2] & 0x80) != 0, "anything sent back is a response");
                    } catch (java.io.EOFException | java.net.SocketTimeoutException dropped) {
                        // dropped: fine
                    }
                }
            }
            for (boolean tcp : new boolean[] {false, true}) {
                Message m = f.client(tcp).send(LabFixture.question("v4only.demo.test.", Type.A, true));
                assertEquals(Rcode.NOERROR, m.getRcode(), "still answering after the corpus");
            }
            long counted = f.metric("gate64_drops_total", "reason", "malformed") + f.metric("gate64_drops_total", "reason", "short")
                    + f.metric("gate64_drops_total", "reason", "response-bit") + f.metric("gate64_answers_total", "rcode", "formerr");
            assertTrue(counted >= 20, "broken packets are counted, got " + counted);
            assertTrue(f.metric("gate64_answers_total", "rcode", "formerr") > 0, "FORMERR answers are answers");
            assertTrue(f.metric("gate64_malformed_queries_total") >= f.metric("gate64_answers_total", "rcode", "formerr"));
            MetricsAddUpTest.awaitBalanced(f);
        }
    }
}
