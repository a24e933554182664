package net.gate64.resolver.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RecentQueriesTest {
    private static ByteBuf query(String name, int type) {
        Message m = new Message();
        m.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        return Unpooled.wrappedBuffer(m.toWire());
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void countsNamesWithTheirTypeAndClientsOnTheLoopThatRecorded() throws Exception {
        RecentQueries recent = new RecentQueries();
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            loop.submit(() -> {
                for (int i = 0; i < 3; i++) {
                    recent.record(query("Example.ORG.", Type.A), loop, ip("192.0.2.1"));
                }
                recent.record(query("example.org.", Type.AAAA), loop, ip("2001:db8::1"));
                recent.record(query("other.test.", Type.A), loop, ip("192.0.2.1"));
                return null;
            }).get(30, TimeUnit.SECONDS);
            RecentQueries.Top top = recent.top(10);
            assertEquals(5, top.sampled());
            assertEquals(List.of(new RecentQueries.Count("example.org. A", 3), new RecentQueries.Count("example.org. AAAA", 1),
                    new RecentQueries.Count("other.test. A", 1)), top.names(), "case folded; ties by name");
            assertEquals(List.of(new RecentQueries.Count("192.0.2.1", 4), new RecentQueries.Count("2001:db8:0:0:0:0:0:1", 1)),
                    top.clients());
            assertEquals(1, recent.top(1).names().size());
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void onlyTheLastQueriesAreKeptAndOverwrittenNamesAreLeftOut() throws Exception {
        RecentQueries recent = new RecentQueries();
        InetAddress c = ip("127.0.0.1");
        for (int i = 0; i < RecentQueries.SLOTS + 100; i++) {
            recent.record(query("n" + i + ".test.", Type.A), null, c); // not on a loop: read in place (tests only)
        }
        RecentQueries.Top top = recent.top(RecentQueries.SLOTS);
        assertEquals(RecentQueries.SLOTS, top.sampled());
        assertEquals(RecentQueries.SLOTS, top.clients().get(0).count());
        assertEquals(false, top.names().stream().anyMatch(n -> n.key().equals("n99.test. A")), "pushed out");
        RecentQueries big = new RecentQueries();
        String longName = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(60) + ".";
        int fit = RecentQueries.AREA / 245; // names of 4 x (1 + 60) + 1 = 245 wire bytes: fewer fit than there are slots
        for (int i = 0; i < RecentQueries.SLOTS; i++) {
            big.record(query(longName, Type.A), null, c);
        }
        int sampled = big.top(1).sampled();
        assertEquals(fit, sampled, "the names the area still holds, no torn ones");
    }

    @Test
    void whatIsNotAPlainQueryIsLeftOut() throws Exception {
        RecentQueries recent = new RecentQueries();
        InetAddress c = ip("127.0.0.1");
        recent.record(Unpooled.wrappedBuffer(new byte[11]), null, c); // short
        ByteBuf response = query("example.org.", Type.A);
        response.setByte(2, 0x80);
        recent.record(response, null, c);
        ByteBuf pointer = Unpooled.buffer().writeBytes(new byte[] {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1});
        recent.record(pointer, null, c);
        ByteBuf cut = query("example.org.", Type.A);
        cut.writerIndex(cut.writerIndex() - 3); // the type cut off
        recent.record(cut, null, c);
        assertEquals(0, recent.top(10).sampled());
    }
}
