package net.gate64.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import net.gate64.resolver.cache.PacketKey;
import net.gate64.resolver.wire.QueryView;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The event loop's query parser ({@link QueryView}) and the packet-cache key built from it, on any bytes a client
 * can send. Properties: no exception escapes; a view that says OK agrees with dnsjava's full parse about the
 * question; the key ignores the ID and the qname's case (RFC 1035 §2.3.3) and nothing else it is built from.
 */
class QueryWireFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void queryViewAndPacketKey(byte[] data) {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        QueryView view = QueryView.parse(buf);
        if (view.status() != QueryView.Status.OK) {
            return;
        }
        view.maxUdpAnswer(1232);
        Message full = null;
        try {
            full = new Message(data);
        } catch (IOException | RuntimeException unparsable) {
            // e.g. EDNS options dnsjava rejects: the slow path answers FORMERR; the view only reads the header
        }
        if (full != null) {
            Record q = full.getQuestion();
            assertEquals(1, full.getSection(Section.QUESTION).size());
            assertEquals(q.getType(), view.qtype(), "qtype");
            assertEquals(q.getDClass(), view.qclass(), "qclass");
            assertEquals(q.getName().length() + 12, view.qnameEnd(), "qname end");
        }
        PacketKey key = PacketKey.of(buf, view, 7, 3);
        byte[] other = data.clone();
        other[0] ^= 0x5a; // another ID
        other[1] ^= (byte) 0xa5;
        for (int i = 12; i < view.qnameEnd(); i++) {
            byte c = other[i];
            if (c >= 'a' && c <= 'z') {
                other[i] = (byte) (c - 32); // label length bytes are below 64 and never letters
            }
        }
        ByteBuf otherBuf = Unpooled.wrappedBuffer(other);
        QueryView otherView = QueryView.parse(otherBuf);
        assertEquals(QueryView.Status.OK, otherView.status(), "the ID and case do not change the parse");
        assertEquals(key, PacketKey.of(otherBuf, otherView, 7, 3), "same question, same key");
        assertEquals(key.hashCode(), PacketKey.of(otherBuf, otherView, 7, 3).hashCode());
        if (key.equals(PacketKey.of(buf, view, 8, 3)) || key.equals(PacketKey.of(buf, view, 7, 4))) {
            throw new AssertionError("tags are part of the key");
        }
    }
}
