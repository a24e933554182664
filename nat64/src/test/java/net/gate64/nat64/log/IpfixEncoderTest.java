package net.gate64.nat64.log;

import static net.gate64.nat64.testing.Wire.addr;
import static net.gate64.nat64.testing.Wire.v4;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.packet.Bytes;
import org.junit.jupiter.api.Test;

/** RFC 7011 message structure and RFC 8158 NAT64 records, read back by an independent decoder. */
class IpfixEncoderTest {
    private static final List<Nat64Prefix> POOL6 = List.of(Nat64Prefix.parse("2001:db8:64::/96"),
            Nat64Prefix.parse("64:ff9b::/96"));
    private final IpfixEncoder encoder = new IpfixEncoder(7, IpfixExporter.MAX_MESSAGE, POOL6);
    private final IpfixReader reader = new IpfixReader();

    static NatEvent session(NatEvent.Type type, long time, int clientPort) {
        byte[] client = addr("2001:db8:1::2");
        return new NatEvent(type, time, 17, Bytes.i64(client, 0), Bytes.i64(client, 8), clientPort, v4("203.0.113.1"),
                1024 + clientPort % 1000, v4("198.51.100.2"), 7007, 1, 128, 0, 0);
    }

    static NatEvent bib(NatEvent.Type type, long time) {
        byte[] client = addr("2001:db8:1::2");
        return new NatEvent(type, time, 58, Bytes.i64(client, 0), Bytes.i64(client, 8), 77, v4("203.0.113.1"), 1030,
                0, 0, -1, 128, 0, 0);
    }

    static NatEvent block(NatEvent.Type type, long time) {
        byte[] client = addr("2001:db8:1::");
        return new NatEvent(type, time, 0, Bytes.i64(client, 0), Bytes.i64(client, 8), 0, v4("203.0.113.1"), 0, 0, 0,
                -1, 64, 2048, 2111);
    }

    @Test
    void templatesDescribeTheRfc8158Nat64Records() {
        reader.read(encoder.templates(1_700_000_000L));
        assertArrayEquals(new int[] {323, 8, 234, 4, 27, 16, 225, 4, 4, 1, 7, 2, 227, 2, 28, 16, 226, 4, 11, 2, 228, 2, 230, 1},
                reader.templates.get(256));
        assertArrayEquals(new int[] {323, 8, 234, 4, 27, 16, 225, 4, 4, 1, 7, 2, 227, 2, 230, 1}, reader.templates.get(257));
        assertArrayEquals(new int[] {323, 8, 234, 4, 27, 16, 29, 1, 225, 4, 361, 2, 362, 2, 363, 2, 364, 2, 230, 1},
                reader.templates.get(258));
        IpfixReader.Header h = reader.headers.getFirst();
        assertEquals(10, h.version());
        assertEquals(1_700_000_000L, h.exportTime());
        assertEquals(7, h.domain());
        assertEquals(0, h.sequence());
    }

    @Test
    void sessionRecordCarriesBothSidesOfTheMapping() {
        reader.read(encoder.templates(1));
        assertTrue(encoder.add(session(NatEvent.Type.SESSION_CREATE, 1_700_000_000_123L, 40000)));
        reader.read(encoder.finish(1_700_000_000L));
        IpfixReader.Record r = reader.records.getFirst();
        assertEquals(256, r.templateId());
        assertEquals(1_700_000_000_123L, r.number(323));
        assertEquals(0, r.number(234));
        assertArrayEquals(addr("2001:db8:1::2"), r.fields().get(27));
        assertEquals(v4("203.0.113.1") & 0xffffffffL, r.number(225));
        assertEquals(17, r.number(4));
        assertEquals(40000, r.number(7));
        assertEquals(1024, r.number(227));
        assertArrayEquals(addr("64:ff9b::c633:6402"), r.fields().get(28), "prefix index 1: the second pool6 prefix");
        assertEquals(v4("198.51.100.2") & 0xffffffffL, r.number(226));
        assertEquals(7007, r.number(11));
        assertEquals(7007, r.number(228));
        assertEquals(6, r.number(230), "natEvent 6: NAT64 session create");
    }

    @Test
    void bindingRecordsUseTheirOwnTemplateAndSetsSwitchWithTheEventKind() {
        reader.read(encoder.templates(1));
        encoder.add(bib(NatEvent.Type.BIB_CREATE, 5));
        encoder.add(session(NatEvent.Type.SESSION_CREATE, 6, 1));
        encoder.add(session(NatEvent.Type.SESSION_DELETE, 7, 1));
        encoder.add(bib(NatEvent.Type.BIB_DELETE, 8));
        reader.read(encoder.finish(1));
        assertEquals(List.of(257, 256, 256, 257), reader.records.stream().map(IpfixReader.Record::templateId).toList());
        assertEquals(List.of(10L, 6L, 7L, 11L), reader.records.stream().map(r -> r.number(230)).toList());
        IpfixReader.Record b = reader.records.getFirst();
        assertEquals(58, b.number(4), "ICMPv6 echo binding");
        assertEquals(77, b.number(7));
        assertEquals(1030, b.number(227));
        assertEquals(8, b.fields().size());
    }

    @Test
    void sequenceNumberCountsDataRecordsBeforeEachMessage() { // RFC 7011 §3.1
        reader.read(encoder.templates(1));
        for (int i = 0; i < 3; i++) {
            encoder.add(session(NatEvent.Type.SESSION_CREATE, i, i));
        }
        reader.read(encoder.finish(1));
        reader.read(encoder.templates(2));
        encoder.add(session(NatEvent.Type.SESSION_DELETE, 9, 9));
        reader.read(encoder.finish(2));
        assertEquals(List.of(0L, 0L, 3L, 3L), reader.headers.stream().map(IpfixReader.Header::sequence).toList());
        assertEquals(4, encoder.sequence());
    }

    @Test
    void aFullMessageRefusesTheNextRecordAndStaysWithinTheSizeLimit() {
        reader.read(encoder.templates(1));
        int added = 0;
        while (encoder.add(session(NatEvent.Type.SESSION_CREATE, added, added))) {
            added++;
        }
        ByteBuffer m = encoder.finish(1);
        assertTrue(m.remaining() <= IpfixExporter.MAX_MESSAGE, m.remaining() + " bytes");
        assertTrue(m.remaining() > IpfixExporter.MAX_MESSAGE - IpfixEncoder.SESSION_RECORD);
        reader.read(m);
        assertEquals(added, reader.records.size());
        assertEquals((IpfixExporter.MAX_MESSAGE - 16 - 4) / IpfixEncoder.SESSION_RECORD, added);
        assertFalse(encoder.hasRecords());
        assertTrue(encoder.add(session(NatEvent.Type.SESSION_CREATE, 0, 0)), "a new message has room again");
    }

    @Test
    void portBlockRecordCarriesTheClientPrefixAndTheRange() { // RFC 8158 port block allocation, natEvent 16/17
        reader.read(encoder.templates(1));
        encoder.add(block(NatEvent.Type.PORT_BLOCK_CREATE, 1_700_000_000_456L));
        encoder.add(session(NatEvent.Type.SESSION_CREATE, 1_700_000_000_457L, 2050));
        encoder.add(block(NatEvent.Type.PORT_BLOCK_DELETE, 1_700_000_000_999L));
        reader.read(encoder.finish(1));
        assertEquals(List.of(258, 256, 258), reader.records.stream().map(IpfixReader.Record::templateId).toList());
        IpfixReader.Record b = reader.records.getFirst();
        assertEquals(1_700_000_000_456L, b.number(323));
        assertArrayEquals(addr("2001:db8:1::"), b.fields().get(27));
        assertEquals(64, b.number(29));
        assertEquals(v4("203.0.113.1") & 0xffffffffL, b.number(225));
        assertEquals(2048, b.number(361));
        assertEquals(2111, b.number(362));
        assertEquals(1, b.number(363));
        assertEquals(64, b.number(364));
        assertEquals(16, b.number(230));
        assertEquals(17, reader.records.get(2).number(230));
    }
}
