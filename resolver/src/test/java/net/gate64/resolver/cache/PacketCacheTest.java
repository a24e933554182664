package net.gate64.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.time.Duration;
import net.gate64.resolver.FakeTicker;
import net.gate64.resolver.wire.QueryView;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class PacketCacheTest {
    private final FakeTicker ticker = new FakeTicker();
    private final PacketCache cache = new PacketCache(100, 86400, 60, 60, ticker);

    private static Message query(String name, int type, int dclass, boolean rd, boolean cd, boolean edns, boolean dnssecOk) {
        Message m = new Message(0x1234);
        if (rd) {
            m.getHeader().setFlag(Flags.RD);
        }
        if (cd) {
            m.getHeader().setFlag(Flags.CD);
        }
        m.addRecord(Record.newRecord(Name.fromConstantString(name), type, dclass), Section.QUESTION);
        if (edns) {
            m.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? Flags.DO : 0), Section.ADDITIONAL);
        }
        return m;
    }

    private static PacketKey key(Message m, int tag) {
        ByteBuf b = Unpooled.wrappedBuffer(m.toWire());
        return PacketKey.of(b, QueryView.parse(b), tag);
    }

    @Test
    void keysSeparateEverythingThatChangesTheAnswer() {
        PacketKey base = key(query("a.example.", Type.A, DClass.IN, true, false, true, false), 0);
        assertEquals(base, key(query("A.Example.", Type.A, DClass.IN, true, false, true, false), 0), "case-insensitive");
        assertNotEquals(base, key(query("a.example.", Type.AAAA, DClass.IN, true, false, true, false), 0), "qtype");
        assertNotEquals(base, key(query("a.example.", Type.A, DClass.CH, true, false, true, false), 0), "qclass");
        assertNotEquals(base, key(query("a.example.", Type.A, DClass.IN, false, false, true, false), 0), "RD");
        assertNotEquals(base, key(query("a.example.", Type.A, DClass.IN, true, true, true, false), 0), "CD");
        assertNotEquals(base, key(query("a.example.", Type.A, DClass.IN, true, false, false, false), 0), "EDNS");
        assertNotEquals(base, key(query("a.example.", Type.A, DClass.IN, true, false, true, true), 0), "DO");
        assertNotEquals(base, key(query("a.example.", Type.A, DClass.IN, true, false, true, false), 1), "tag");
        assertNotEquals(base, key(query("b.example.", Type.A, DClass.IN, true, false, true, false), 0), "name");
    }

    @Test
    void hitPatchesIdAndCaseAndAgesTtls() throws Exception {
        Message q = query("www.example.", Type.A, DClass.IN, true, false, true, false);
        Message r = new Message(0x1234);
        r.getHeader().setFlag(Flags.QR);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        r.addRecord(new ARecord(Name.fromConstantString("www.example."), DClass.IN, 300, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
        r.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        cache.put(key(q, 0), r.toWire(), PacketCache.Kind.POSITIVE);

        ticker.advance(Duration.ofSeconds(42));
        Message q2 = query("WwW.eXample.", Type.A, DClass.IN, true, false, true, false);
        q2.getHeader().setID(0x4321);
        ByteBuf in = Unpooled.wrappedBuffer(q2.toWire());
        QueryView v = QueryView.parse(in);
        ByteBuf out = cache.serve(in, v, 0, 0, 1232, ByteBufAllocator.DEFAULT);
        assertNotNull(out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        Message served = new Message(bytes);
        assertEquals(0x4321, served.getHeader().getID());
        assertEquals("WwW.eXample.", served.getQuestion().getName().toString());
        assertEquals(258, served.getSection(Section.ANSWER).get(0).getTTL());
        assertEquals(1232, served.getOPT().getPayloadSize(), "OPT is not aged");

        assertNull(cache.serve(in, v, 0, 0, 20, ByteBufAllocator.DEFAULT), "too big: slow path");
        ticker.advance(Duration.ofSeconds(300));
        assertNull(cache.serve(in, v, 0, 0, 1232, ByteBufAllocator.DEFAULT), "expired");
    }

    @Test
    void negativeAnswersUseTheNegativeCap() {
        Message q = query("nx.example.", Type.A, DClass.IN, true, false, false, false);
        Message r = new Message(1);
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setRcode(3);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        r.addRecord(new org.xbill.DNS.SOARecord(Name.fromConstantString("example."), DClass.IN, 3600,
                Name.fromConstantString("ns.example."), Name.fromConstantString("h.example."), 1, 1, 1, 1, 3600), Section.AUTHORITY);
        cache.put(key(q, 0), r.toWire(), PacketCache.Kind.NEGATIVE);
        ticker.advance(Duration.ofSeconds(61));
        ByteBuf in = Unpooled.wrappedBuffer(q.toWire());
        QueryView v = QueryView.parse(in);
        assertNull(cache.serve(in, v, 0, 0, 512, ByteBufAllocator.DEFAULT));
    }
}
