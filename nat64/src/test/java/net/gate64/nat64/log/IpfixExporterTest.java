package net.gate64.nat64.log;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exporter against a collector socket on loopback (port from the OS), with the time handed in. */
class IpfixExporterTest {
    private final DatagramChannel collector;
    private final IpfixReader reader = new IpfixReader();

    IpfixExporterTest() throws Exception {
        collector = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        collector.socket().setSoTimeout(10_000);
    }

    @AfterEach
    void close() throws Exception {
        collector.close();
    }

    private ByteBuffer receive() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(65536);
        java.net.DatagramPacket p = new java.net.DatagramPacket(b.array(), b.capacity());
        collector.socket().receive(p);
        return ByteBuffer.wrap(p.getData(), 0, p.getLength());
    }

    private boolean nothingWaiting() throws Exception {
        collector.socket().setSoTimeout(200);
        try {
            receive();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            collector.socket().setSoTimeout(10_000);
        }
    }

    @Test
    void templatesFirstThenDataThenTemplatesAgainAfterTheRefreshTime() throws Exception { // RFC 7011 §10.3.6
        try (IpfixExporter x = new IpfixExporter((InetSocketAddress) collector.getLocalAddress(), 42,
                Duration.ofSeconds(60), List.of(Nat64Prefix.parse("64:ff9b::/96")))) {
            x.tick(1_000_000);
            reader.read(receive());
            assertEquals(3, reader.templates.size(), "templates at start");
            x.write(IpfixEncoderTest.session(NatEvent.Type.SESSION_CREATE, 1_000_500, 1));
            x.write(IpfixEncoderTest.bib(NatEvent.Type.BIB_CREATE, 1_000_500));
            x.flush();
            reader.read(receive());
            assertEquals(2, reader.records.size(), "both records in one message");
            x.tick(1_059_000);
            assertTrue(nothingWaiting(), "no templates before the refresh time");
            reader.templates.clear();
            x.tick(1_061_000);
            reader.read(receive());
            assertEquals(3, reader.templates.size(), "templates again after 60 s");
            assertEquals(List.of(0L, 0L, 2L), reader.headers.stream().map(IpfixReader.Header::sequence).toList());
            assertTrue(reader.headers.stream().allMatch(h -> h.domain() == 42));
            assertEquals(3, x.messages());
        }
    }

    @Test
    void aLongBurstIsSplitIntoMessagesThatFitTheLimit() throws Exception {
        try (IpfixExporter x = new IpfixExporter((InetSocketAddress) collector.getLocalAddress(), 1,
                Duration.ofSeconds(60), List.of(Nat64Prefix.parse("64:ff9b::/96")))) {
            for (int i = 0; i < 100; i++) {
                x.write(IpfixEncoderTest.session(NatEvent.Type.SESSION_CREATE, 5000 + i, i));
            }
            x.flush();
            for (long m = x.messages(); m > 0; m--) {
                ByteBuffer b = receive();
                assertTrue(b.remaining() <= IpfixExporter.MAX_MESSAGE);
                reader.read(b);
            }
            assertEquals(100, reader.records.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(5000 + i, reader.records.get(i).number(323), "in order");
            }
        }
    }
}
