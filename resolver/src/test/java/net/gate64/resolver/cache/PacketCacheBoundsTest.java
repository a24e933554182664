package net.gate64.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import net.gate64.resolver.FakeTicker;
import net.gate64.resolver.wire.QueryView;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** max-packetcache-entries and max-packetcache-bytes hold; eviction keeps what is used; readers never see a wrong answer. */
class PacketCacheBoundsTest {
    private final FakeTicker ticker = new FakeTicker();

    private static ByteBuf query(int i) {
        Message m = new Message(1);
        m.getHeader().setFlag(Flags.RD);
        m.addRecord(Record.newRecord(Name.fromConstantString("n" + i + ".example."), Type.A, DClass.IN), Section.QUESTION);
        return Unpooled.wrappedBuffer(m.toWire());
    }

    private static byte[] answer(int i) {
        try {
            Message r = new Message(1);
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setFlag(Flags.RD);
            Name n = Name.fromConstantString("n" + i + ".example.");
            r.addRecord(Record.newRecord(n, Type.A, DClass.IN), Section.QUESTION);
            r.addRecord(new ARecord(n, DClass.IN, 300, InetAddress.getByAddress(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i})),
                    Section.ANSWER);
            return r.toWire();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void put(PacketCache c, int i) {
        ByteBuf q = query(i);
        c.put(PacketKey.of(q, QueryView.parse(q), 0), answer(i), PacketCache.Kind.POSITIVE);
    }

    private static ByteBuf get(PacketCache c, int i) {
        ByteBuf q = query(i);
        return c.serve(q, QueryView.parse(q), 0, 0, 512, ByteBufAllocator.DEFAULT);
    }

    /** The IPv4 address in a served answer: which entry answered. */
    private static int servedIndex(ByteBuf out) {
        int n = out.readableBytes();
        return out.getUnsignedMedium(out.readerIndex() + n - 3);
    }

    @Test
    void entryBoundHoldsExactlyForASmallCache() {
        PacketCache c = new PacketCache(100, 86400, 60, 60, ticker);
        for (int i = 0; i < 1000; i++) {
            put(c, i);
            assertTrue(c.size() <= 100, "size " + c.size() + " after " + i);
        }
        assertEquals(100, c.size());
        assertEquals(900, c.evictions());
    }

    @Test
    void entryBoundHoldsAcrossShards() {
        PacketCache c = new PacketCache(50_000, 86400, 60, 60, ticker);
        for (int i = 0; i < 120_000; i++) {
            put(c, i);
        }
        assertTrue(c.size() <= 50_000 && c.size() > 49_000, "size " + c.size());
    }

    @Test
    void usedEntriesSurviveAScanOfOneTimeNames() {
        PacketCache c = new PacketCache(1000, 86400, 60, 60, ticker);
        for (int i = 0; i < 100; i++) {
            put(c, i);
        }
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 100; i++) {
                assertNotNull(get(c, i), "hot entry " + i + " evicted in round " + round);
            }
            for (int i = 0; i < 200; i++) {
                put(c, 1000 + round * 200 + i); // names asked once
            }
        }
    }

    @Test
    void expiredEntriesAreEvictedFirst() {
        PacketCache c = new PacketCache(100, 86400, 60, 60, ticker);
        ByteBuf q = query(-1);
        Message r = new Message(1);
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setRcode(3);
        r.addRecord(Record.newRecord(Name.fromConstantString("n-1.example."), Type.A, DClass.IN), Section.QUESTION);
        c.put(PacketKey.of(q, QueryView.parse(q), 0), r.toWire(), PacketCache.Kind.FAILURE); // lives 60 s
        for (int i = 0; i < 99; i++) {
            put(c, i);
            get(c, i);
        }
        ticker.advance(java.time.Duration.ofSeconds(61));
        put(c, 500);
        assertEquals(100, c.size());
        for (int i = 0; i < 99; i++) {
            assertNotNull(get(c, i), "live entry " + i + " evicted before the expired one");
        }
    }

    @Test
    void byteBoundHolds() {
        long budget = 64 * 1024;
        PacketCache c = new PacketCache(1_000_000, budget, 86400, 60, 60, ticker);
        for (int i = 0; i < 10_000; i++) {
            put(c, i);
            assertTrue(c.bytes() <= budget, "bytes " + c.bytes() + " after " + i);
        }
        assertTrue(c.size() > 300, "a 64 KiB budget holds several hundred small answers, not " + c.size());
        assertNotNull(get(c, 9_999), "the latest answer is kept");
    }

    @Test
    void zeroEntriesMeansNoPacketCache() {
        PacketCache c = new PacketCache(0, 86400, 60, 60, ticker); // max-packetcache-entries = 0, as in PowerDNS
        put(c, 1);
        assertNull(get(c, 1));
        assertEquals(0, c.size());
    }

    @Test
    void replacingAnAnswerKeepsOneEntry() {
        PacketCache c = new PacketCache(100, 86400, 60, 60, ticker);
        put(c, 1);
        long bytes = c.bytes();
        put(c, 1);
        assertEquals(1, c.size());
        assertEquals(bytes, c.bytes());
        c.clear();
        assertEquals(0, c.size());
        assertNull(get(c, 1));
    }

    @Test
    void readersRacingWritersGetTheirOwnAnswerOrAMiss() throws Exception {
        PacketCache c = new PacketCache(2_000, 86400, 60, 60, ticker); // small: stores evict and shift constantly
        int names = 5_000;
        AtomicReference<String> wrong = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int seed = t;
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < 200_000 && wrong.get() == null; k++) {
                    int i = (k * 7919 + seed) % names;
                    ByteBuf out = get(c, i);
                    if (out != null) {
                        if (servedIndex(out) != i) {
                            wrong.set("asked for " + i + ", got " + servedIndex(out));
                        }
                        out.release();
                    }
                }
            }));
        }
        go.countDown();
        for (int k = 0; k < 100_000; k++) {
            put(c, (k * 104_729) % names);
        }
        for (Thread t : readers) {
            t.join();
        }
        assertNull(wrong.get());
        assertTrue(c.size() <= 2_000);
    }
}
