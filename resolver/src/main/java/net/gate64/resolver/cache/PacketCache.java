package net.gate64.resolver.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.wire.QueryView;
import net.gate64.resolver.wire.ResponseWalker;

/**
 * Whole answers in wire form. A hit is served by copying the stored bytes into a buffer from the channel's pooled
 * allocator, patching in the query's ID and qname spelling (0x20 case), and ageing every TTL at offsets found when
 * the answer was stored: no parsing, no DNS objects, no key object and no other allocation. The entry lives for the
 * smallest TTL in the answer, capped per kind (positive, negative, failure) as in PowerDNS.
 *
 * <p>Storage is {@link PacketTable}: why not Caffeine is in docs/benchmarks.md (a Caffeine read records the access
 * in a striped buffer, drained under a lock, and needs a key object; here a hit reads the query's own bytes and
 * writes at most a reference bit).
 */
public final class PacketCache {
    /** Which cap applies to an answer. */
    public enum Kind { POSITIVE, NEGATIVE, FAILURE }

    private final PacketTable table; // null: max-packetcache-entries = 0, caching off
    private final Ticker ticker;
    private final long positiveTtl;
    private final long negativeTtl;
    private final long failureTtl;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public PacketCache(long maxEntries, long positiveTtl, long negativeTtl, long failureTtl, Ticker ticker) {
        this(maxEntries, 0, positiveTtl, negativeTtl, failureTtl, ticker);
    }

    /** @param maxBytes bound on the memory the cache holds ({@code max-packetcache-bytes}), 0 for none */
    public PacketCache(long maxEntries, long maxBytes, long positiveTtl, long negativeTtl, long failureTtl, Ticker ticker) {
        this.table = maxEntries == 0 ? null : new PacketTable(maxEntries, maxBytes);
        this.ticker = ticker;
        this.positiveTtl = positiveTtl;
        this.negativeTtl = negativeTtl;
        this.failureTtl = failureTtl;
    }

    /**
     * Stores an answer (any ID). Answers with a zero lifetime after capping are not stored.
     *
     * @param wire the full, untruncated answer
     */
    public void put(PacketKey key, byte[] wire, Kind kind) {
        if (table == null || wire.length > 65535) {
            return; // TTL offsets are stored in 16 bits; no DNS message is longer
        }
        int[] offsets = ResponseWalker.ttlOffsets(wire);
        long cap = switch (kind) {
            case POSITIVE -> positiveTtl;
            case NEGATIVE -> negativeTtl;
            case FAILURE -> failureTtl;
        };
        long lifetime = Math.min(cap, ResponseWalker.minTtl(wire, offsets, cap));
        if (lifetime <= 0) {
            return;
        }
        long now = ticker.read();
        table.put(key, PacketEntry.create(key, wire, offsets, now, lifetime), now);
    }

    /**
     * Serves a hit for {@code query}, or returns null on a miss or when the answer is larger than {@code maxSize}
     * (the caller then builds a truncated answer the slow way). Allocates nothing but the answer's buffer.
     *
     * @param view      the query's view; its status must be {@link QueryView.Status#OK}
     * @param tag       the client's view tag (DNS64 prefix choice)
     * @param scriptTag what the script's gettag chose (0 without one)
     */
    public ByteBuf serve(ByteBuf query, QueryView view, int tag, int scriptTag, int maxSize, ByteBufAllocator alloc) {
        if (table == null) {
            misses.increment();
            return null;
        }
        int base = query.readerIndex();
        int nameLength = view.qnameEnd() - 12;
        byte[] e = table.find(PacketKey.hash(query, view, tag, scriptTag), query, base + 12, nameLength,
                PacketKey.typeClass(view), PacketKey.flags(view), PacketKey.tags(tag, scriptTag));
        long now = ticker.read();
        if (e == null || PacketEntry.expires(e) <= now) {
            misses.increment();
            return null;
        }
        int wireOffset = PacketEntry.wireOffset(e);
        int length = e.length - wireOffset;
        if (length > maxSize) {
            return null;
        }
        hits.increment();
        ByteBuf out = alloc.buffer(length);
        out.writeBytes(e, wireOffset, length);
        out.setShort(0, query.getUnsignedShort(base));
        copyName(query, base + 12, out, nameLength);
        long elapsed = (now - PacketEntry.inserted(e)) / 1_000_000_000L;
        if (elapsed > 0) {
            for (int i = 0, n = PacketEntry.ttlCount(e); i < n; i++) {
                int o = PacketEntry.ttlOffset(e, i);
                out.setInt(o, (int) Math.max(0, PacketEntry.storedTtl(e, wireOffset, o) - elapsed));
            }
        }
        return out;
    }

    /**
     * The query's spelling of the qname over the stored one (0x20 case), eight bytes at a time: a ByteBuf-to-ByteBuf
     * {@code setBytes} would make two NIO buffer views of direct buffers per hit.
     */
    private static void copyName(ByteBuf query, int from, ByteBuf out, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            out.setLong(12 + i, query.getLong(from + i));
        }
        for (; i < length; i++) {
            out.setByte(12 + i, query.getByte(from + i));
        }
    }

    public void clear() {
        if (table != null) {
            table.clear();
        }
    }

    public long size() {
        return table == null ? 0 : table.size();
    }

    /** Bytes the cache holds: entries with their array headers, and the hash tables' slots. */
    public long bytes() {
        return table == null ? 0 : table.bytes();
    }

    public long evictions() {
        return table == null ? 0 : table.evictions();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
