package net.gate64.resolver.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.List;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.cache.PacketKey;
import net.gate64.resolver.cache.Rank;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.wire.QueryView;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Heap bytes per entry of the packet cache and of the record cache, each filled alone with N distinct names the way
 * a forwarded A answer fills it ({@code host-i.mem.test. 86400 IN A 192.0.2.1}, records parsed from wire as the
 * resolver parses them). Live heap after a full collection, before and after the fill, divided by N.
 * bench/memory.sh measures whole processes; this says which cache the bytes are in.
 *   bench/jmh.sh --main CacheFootprint [names] [packet|record|both|caffeine]   (caffeine: the previous packet cache)
 */
public final class CacheFootprint {
    private CacheFootprint() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String which = args.length > 1 ? args[1] : "both";
        if (!which.equals("record") && !which.equals("caffeine")) {
            long before = liveHeap();
            PacketCache packets = new PacketCache(n, 86400, 60, 60, Ticker.systemTicker());
            for (int i = 0; i < n; i++) {
                Message q = query(i);
                ByteBuf b = Unpooled.wrappedBuffer(q.toWire());
                packets.put(PacketKey.of(b, QueryView.parse(b), 0), answer(q).toWire(), PacketCache.Kind.POSITIVE);
            }
            long used = liveHeap() - before;
            System.out.printf("packet cache: %d entries, %.1f MB live heap, %.0f bytes per entry (own count %.0f)%n",
                    packets.size(), used / 1e6, (double) used / n, (double) packets.bytes() / n);
            reachable(packets);
        }
        if (which.equals("caffeine")) { // the packet cache as it was before PacketTable: Caffeine, a key object, an entry record
            long before = liveHeap();
            com.github.benmanes.caffeine.cache.Cache<PacketKey, PacketCacheBench.Entry> c =
                    com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(n)
                            .expireAfter(com.github.benmanes.caffeine.cache.Expiry.<PacketKey, PacketCacheBench.Entry>writing(
                                    (k, e) -> java.time.Duration.ofSeconds(e.lifetimeSeconds())))
                            .executor(Runnable::run).build();
            for (int i = 0; i < n; i++) {
                Message q = query(i);
                ByteBuf b = Unpooled.wrappedBuffer(q.toWire());
                byte[] wire = answer(q).toWire();
                c.put(PacketKey.of(b, QueryView.parse(b), 0), new PacketCacheBench.Entry(wire,
                        net.gate64.resolver.wire.ResponseWalker.ttlOffsets(wire), System.nanoTime(), 86400));
            }
            c.cleanUp();
            long used = liveHeap() - before;
            System.out.printf("Caffeine packet cache: %d entries, %.1f MB live heap, %.0f bytes per entry%n",
                    c.estimatedSize(), used / 1e6, (double) used / n);
            reachable(c);
            return;
        }
        if (!which.equals("packet")) {
            long before = liveHeap();
            RecordCache records = new RecordCache(2L * n, 86400, Ticker.systemTicker());
            for (int i = 0; i < n; i++) {
                Message parsed = new Message(answer(query(i)).toWire()); // names and records as read off the wire
                List<Record> rrset = parsed.getSection(Section.ANSWER);
                records.put(rrset, List.of(), Rank.NONAUTH_ANSWER, Security.INDETERMINATE);
            }
            long used = liveHeap() - before;
            System.out.printf("record cache: %d entries, %.1f MB live heap, %.0f bytes per entry%n",
                    records.size(), used / 1e6, (double) used / n);
            reachable(records);
        }
    }

    private static Message query(int i) throws Exception {
        Message q = new Message(i & 0xffff);
        q.getHeader().setFlag(Flags.RD);
        q.addRecord(Record.newRecord(Name.fromString("host-" + i + ".mem.test."), Type.A, DClass.IN), Section.QUESTION);
        return q;
    }

    private static Message answer(Message q) throws Exception {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RD);
        r.getHeader().setFlag(Flags.RA);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        r.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 86400, java.net.InetAddress.getByName("192.0.2.1")),
                Section.ANSWER);
        return r;
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static volatile Object sink;

    /** Keeps {@code o} reachable until measured; with -Dfootprint.hold=SECONDS, that long, for jcmd GC.class_histogram. */
    private static void reachable(Object o) throws InterruptedException {
        sink = o;
        Thread.sleep(Long.getLong("footprint.hold", 0) * 1000);
        sink = null;
    }
}
