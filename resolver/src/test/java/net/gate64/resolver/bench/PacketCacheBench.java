package net.gate64.resolver.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.gate64.resolver.cache.PacketCache;
import net.gate64.resolver.cache.PacketKey;
import net.gate64.resolver.wire.QueryView;
import net.gate64.resolver.wire.ResponseWalker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The packet-cache hit: key hash on the query bytes, the key object a map lookup would need, and a whole hit
 * (lookup, copy into a pooled buffer, ID/case/TTL patch) from {@link PacketCache} against the same hit from a
 * Caffeine cache (the previous implementation: key object, getIfPresent, copy). Run with bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Dio.netty.leakDetection.level=disabled"})
public class PacketCacheBench {
    /** A cached answer as the Caffeine version stored it. */
    record Entry(byte[] wire, int[] ttlOffsets, long insertedNanos, long lifetimeSeconds) {}

    @Param({"1000", "100000"})
    int names;

    ByteBuf[] queries;
    QueryView[] views;
    PacketCache table;
    Cache<PacketKey, Entry> caffeine;
    ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    int next;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        queries = new ByteBuf[names];
        views = new QueryView[names];
        table = new PacketCache(names * 2L, 86400, 60, 60, Ticker.systemTicker());
        caffeine = Caffeine.newBuilder().maximumSize(names * 2L)
                .expireAfter(Expiry.<PacketKey, Entry>writing((k, e) -> Duration.ofSeconds(e.lifetimeSeconds)))
                .executor(Runnable::run).build();
        for (int i = 0; i < names; i++) {
            Name name = Name.fromString("Host-" + i + ".Some-Zone.example.");
            Message q = new Message(i & 0xffff);
            q.getHeader().setFlag(Flags.RD);
            q.addRecord(Record.newRecord(name, Type.AAAA, DClass.IN), Section.QUESTION);
            q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            byte[] qw = q.toWire();
            ByteBuf b = alloc.directBuffer(qw.length).writeBytes(qw);
            queries[i] = b;
            views[i] = QueryView.parse(b);
            Message r = new Message(i & 0xffff);
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setFlag(Flags.RD);
            r.getHeader().setFlag(Flags.RA);
            r.addRecord(q.getQuestion(), Section.QUESTION);
            r.addRecord(new AAAARecord(name, DClass.IN, 3600, InetAddress.getByName("64:ff9b::c000:2" + (i % 100))), Section.ANSWER);
            r.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            byte[] wire = r.toWire();
            PacketKey key = PacketKey.of(b, views[i], 0, 0);
            table.put(key, wire, PacketCache.Kind.POSITIVE);
            int[] offsets = ResponseWalker.ttlOffsets(wire);
            caffeine.put(key, new Entry(wire.clone(), offsets, System.nanoTime() - 5_000_000_000L, 3600));
        }
    }

    private int pick() {
        int i = next++;
        if (next == names) {
            next = 0;
        }
        return (int) ((i * 2654435761L) % names); // not in storage order
    }

    @Benchmark
    public int keyHash() {
        int i = pick();
        return PacketKey.hash(queries[i], views[i], 0, 0);
    }

    @Benchmark
    public PacketKey keyObject() {
        int i = pick();
        return PacketKey.of(queries[i], views[i], 0, 0);
    }

    @Benchmark
    public int hitTable() {
        int i = pick();
        ByteBuf q = queries[i];
        ByteBuf out = table.serve(q, views[i], 0, 0, 1232, alloc);
        int n = out.readableBytes();
        out.release();
        return n;
    }

    @Benchmark
    public int hitCaffeine() {
        int i = pick();
        ByteBuf q = queries[i];
        QueryView v = views[i];
        Entry e = caffeine.getIfPresent(PacketKey.of(q, v, 0, 0));
        long now = System.nanoTime();
        if (e == null || e.insertedNanos + e.lifetimeSeconds * 1_000_000_000L <= now) {
            throw new IllegalStateException("miss");
        }
        long elapsed = (now - e.insertedNanos) / 1_000_000_000L;
        ByteBuf out = alloc.buffer(e.wire.length);
        out.writeBytes(e.wire);
        int base = q.readerIndex();
        out.setShort(0, q.getUnsignedShort(base));
        out.setBytes(12, q, base + 12, v.qnameEnd() - 12);
        for (int o : e.ttlOffsets) {
            out.setInt(o, (int) Math.max(0, ResponseWalker.readTtl(e.wire, o) - elapsed));
        }
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
