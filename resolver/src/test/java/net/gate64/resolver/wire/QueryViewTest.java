package net.gate64.resolver.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryViewTest {
    @Test
    void readsQuestionAndOpt() {
        Message m = new Message(7);
        m.getHeader().setFlag(Flags.RD);
        m.addRecord(Record.newRecord(Name.fromConstantString("example.org."), Type.AAAA, DClass.IN), Section.QUESTION);
        m.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);
        QueryView v = QueryView.parse(Unpooled.wrappedBuffer(m.toWire()));
        assertEquals(QueryView.Status.OK, v.status());
        assertEquals(7, v.id());
        assertEquals(Type.AAAA, v.qtype());
        assertEquals(4096, v.ednsPayload());
        assertTrue(v.dnssecOk());
        assertEquals(1232, v.maxUdpAnswer(1232));
    }

    @Test
    void oddPacketsGoToTheFullParser() {
        assertEquals(QueryView.Status.NO_HEADER, QueryView.parse(Unpooled.wrappedBuffer(new byte[5])).status());
        byte[] pointer = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
        assertEquals(QueryView.Status.COMPLEX, QueryView.parse(Unpooled.wrappedBuffer(pointer)).status());
        byte[] truncated = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x'};
        assertEquals(QueryView.Status.COMPLEX, QueryView.parse(Unpooled.wrappedBuffer(truncated)).status());
    }

    @Test
    void ttlOffsetsSkipOpt() throws Exception {
        Message m = new Message(1);
        m.getHeader().setFlag(Flags.QR);
        Name n = Name.fromConstantString("a.example.");
        m.addRecord(Record.newRecord(n, Type.A, DClass.IN), Section.QUESTION);
        m.addRecord(Record.fromString(n, Type.A, DClass.IN, 77, "192.0.2.1", Name.root), Section.ANSWER);
        m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        byte[] w = m.toWire();
        int[] offsets = ResponseWalker.ttlOffsets(w);
        assertEquals(1, offsets.length);
        assertEquals(77, ResponseWalker.readTtl(w, offsets[0]));
    }
}
