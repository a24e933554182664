package net.gate64.resolver.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.wire.ResponseWalker;

/**
 * Whole answers in wire form. A hit is served by copying the stored bytes, patching in the query's ID and qname
 * spelling (0x20 case), and ageing every TTL by the time spent in the cache — no parsing, no DNS objects. The entry
 * lives for the smallest TTL in the answer, capped per kind (positive, negative, failure) as in PowerDNS.
 */
public final class PacketCache {
    /** A stored answer: bytes with ID zero, where its TTLs sit, when it was stored and for how long it lives. */
    record Entry(byte[] wire, int[] ttlOffsets, long insertedNanos, long lifetimeSeconds) {}

    /** Which cap applies to an answer. */
    public enum Kind { POSITIVE, NEGATIVE, FAILURE }

    private final Cache<PacketKey, Entry> cache;
    private final Ticker ticker;
    private final long positiveTtl;
    private final long negativeTtl;
    private final long failureTtl;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public PacketCache(long maxEntries, long positiveTtl, long negativeTtl, long failureTtl, Ticker ticker) {
        this.ticker = ticker;
        this.positiveTtl = positiveTtl;
        this.negativeTtl = negativeTtl;
        this.failureTtl = failureTtl;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                .expireAfter(Expiry.<PacketKey, Entry>writing((k, e) -> java.time.Duration.ofSeconds(e.lifetimeSeconds)))
                .executor(Runnable::run)
                .build();
    }

    /**
     * Stores an answer (any ID). Answers with a zero lifetime after capping are not stored.
     *
     * @param wire the full, untruncated answer
     */
    public void put(PacketKey key, byte[] wire, Kind kind) {
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
        byte[] copy = wire.clone();
        copy[0] = 0;
        copy[1] = 0;
        cache.put(key, new Entry(copy, offsets, ticker.read(), lifetime));
    }

    /**
     * Serves a hit for {@code query}, or returns null on a miss or when the answer is larger than {@code maxSize}
     * (the caller then builds a truncated answer the slow way).
     *
     * @param qnameEnd where the query's qname ends (the name starts at 12 in both messages)
     */
    public ByteBuf serve(PacketKey key, ByteBuf query, int qnameEnd, int maxSize, ByteBufAllocator alloc) {
        Entry e = cache.getIfPresent(key);
        long now = ticker.read();
        if (e == null || e.insertedNanos + e.lifetimeSeconds * 1_000_000_000L <= now) {
            misses.increment();
            return null;
        }
        if (e.wire.length > maxSize) {
            return null;
        }
        hits.increment();
        long elapsed = (now - e.insertedNanos) / 1_000_000_000L;
        ByteBuf out = alloc.buffer(e.wire.length);
        out.writeBytes(e.wire);
        int base = query.readerIndex();
        out.setShort(0, query.getUnsignedShort(base));
        out.setBytes(12, query, base + 12, qnameEnd - 12);
        if (elapsed > 0) {
            for (int o : e.ttlOffsets) {
                long ttl = ResponseWalker.readTtl(e.wire, o);
                out.setInt(o, (int) Math.max(0, ttl - elapsed));
            }
        }
        return out;
    }

    public void clear() {
        cache.invalidateAll();
    }

    public long size() {
        return cache.estimatedSize();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
