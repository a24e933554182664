package net.gate64.resolver.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import net.gate64.resolver.stats.Metrics;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The outgoing UDP exchange: how long it waits, and what it does with an answer larger than it allows. */
class DnsTransportTest {
    private static final Name NAME = Name.fromConstantString("www.example.test.");
    private static final DnsTransport.Question QUESTION = new DnsTransport.Question(NAME, Type.A, false, false);

    private final Metrics metrics = new Metrics();

    @Test
    void aSilentServerTimesOutAfterTheNetworkTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DnsTransport transport = new DnsTransport(Duration.ofMillis(300), 1232, metrics);
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class,
                    () -> transport.query((InetSocketAddress) silent.getLocalSocketAddress(), QUESTION));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 300 && ms < 1300, "waited " + ms + " ms for a 300 ms timeout");
            assertEquals(1, metrics.value("gate64_outgoing_timeouts_total"));
        }
    }

    @Test
    void anAnswerLargerThanAdvertisedIsFetchedOverTcp() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket tcp = new ServerSocket(0, 1, lo);
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, tcp.getLocalPort()))) {
            Thread.ofVirtual().start(() -> serveOversizedUdp(udp));
            Thread.ofVirtual().start(() -> serveTcp(tcp));
            DnsTransport transport = new DnsTransport(Duration.ofSeconds(2), 1232, metrics);
            Message m = transport.query(new InetSocketAddress(lo, tcp.getLocalPort()), QUESTION);
            assertEquals("192.0.2.7", ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
            assertEquals(1, metrics.value("gate64_outgoing_queries_total", "transport", "tcp"));
        }
    }

    /** Answers every query with 1,500 bytes of padding after the header: more than the 1,232 we advertise. */
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

    private static void serveTcp(ServerSocket tcp) {
        try (Socket s = tcp.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] query = new byte[in.readUnsignedShort()];
            in.readFully(query);
            byte[] wire = answer(new Message(query)).toWire();
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
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
