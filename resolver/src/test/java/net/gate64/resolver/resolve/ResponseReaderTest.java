package net.gate64.resolver.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.ByteArrayOutputStream;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.RecordCache;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Regressions found by fuzz/ResponseReaderFuzzTest (its crash input is replayed there too). */
class ResponseReaderTest {
    /**
     * A "response" with opcode UPDATE: dnsjava reads its zero-length records as EmptyRecord, and a DNAME
     * without a target was cast to DNAMERecord (ClassCastException, the client query lost). Only QUERY answers a query.
     */
    @Test
    void aResponseWhoseOpcodeIsNotQueryIsAFailureNotACrash() throws Exception {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        w.writeBytes(new byte[] {0x12, 0x34, (byte) (0x80 | (5 << 3)), 0, 0, 1, 0, 1, 0, 0, 0, 0}); // QR, UPDATE, 1 + 1
        w.writeBytes(Name.fromString("www.demo.test.").toWire());
        w.writeBytes(new byte[] {0, 1, 0, 1}); // A IN
        w.writeBytes(Name.fromString("demo.test.").toWire());
        w.writeBytes(new byte[] {0, (byte) Type.DNAME, 0, 1, 0, 0, 0, 60, 0, 0}); // DNAME IN ttl 60, no rdata
        Message m = new Message(w.toByteArray());
        assertTrue(!(m.getSection(Section.ANSWER).get(0) instanceof org.xbill.DNS.DNAMERecord),
                "the parse this guards against: a DNAME record that is not a DNAMERecord");
        RecordCache records = new RecordCache(100, 86400, Ticker.systemTicker());
        ResponseReader reader = new ResponseReader(records, new NegativeCache(100, 3600, Ticker.systemTicker()), 3600);
        ResponseReader.Step step = reader.read(m, Name.fromString("www.demo.test."), Type.A, true, 10);
        assertEquals(ResponseReader.Kind.FAILURE, step.kind());
        assertNull(records.get(Name.fromString("demo.test."), Type.DNAME), "nothing cached");
    }
}
