package net.gate64.resolver.cache;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The packet cache's storage: shards of open-addressing tables (linear probing) of {@link PacketEntry} arrays,
 * bounded by entries and, optionally, by bytes, with CLOCK (second-chance) eviction.
 *
 * <p>Reads take no lock and write nothing but, at most once per sweep of the clock hand, an entry's reference bit:
 * a lookup reads the shard's current table, probes slots published with release semantics, and checks the whole
 * key inside the entry it finds, so a lookup racing a writer can at worst miss (the slow path then answers). Writes
 * (stores on a miss, eviction, resizing) lock their shard only.
 */
final class PacketTable {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(byte[][].class);
    private static final int MIN_CAPACITY = 16;

    /** One generation of a shard's arrays; replaced whole when the shard grows. */
    private static final class Table {
        final byte[][] slots;
        final int[] hashes;  // copy of each slot's entry hash: probing compares these before touching an entry
        final byte[] used;   // CLOCK reference bits
        final int mask;

        Table(int capacity) {
            slots = new byte[capacity][];
            hashes = new int[capacity];
            used = new byte[capacity];
            mask = capacity - 1;
        }
    }

    private static final class Shard {
        volatile Table table = new Table(MIN_CAPACITY);
        int count;
        long bytes;   // entry weights
        int hand;     // CLOCK hand
    }

    private final Shard[] shards;
    private final int shardShift;
    private final long maxEntriesPerShard;
    private final long maxBytesPerShard;
    private final LongAdder evictions = new LongAdder();

    /**
     * @param maxEntries most entries held (at least 1)
     * @param maxBytes   most bytes held (entries and their slots), or 0 for no byte bound
     */
    PacketTable(long maxEntries, long maxBytes) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("max-packetcache-entries must be at least 1, not " + maxEntries);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("max-packetcache-bytes must not be negative, not " + maxBytes);
        }
        // Enough shards that stores on different loops rarely meet, few enough that each holds a few hundred entries
        // (a small cache is then bounded almost exactly).
        int n = (int) Math.min(64, Math.max(1, Long.highestOneBit(maxEntries / 256)));
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
        shardShift = 32 - Integer.numberOfTrailingZeros(n);
        maxEntriesPerShard = Math.max(1, maxEntries / n);
        maxBytesPerShard = maxBytes == 0 ? Long.MAX_VALUE : Math.max(1, maxBytes / n);
    }

    private Shard shard(int hash) {
        return shardShift == 32 ? shards[0] : shards[hash >>> shardShift];
    }

    /** The live-or-expired entry for the query, or null; marks it used for the clock. */
    byte[] find(int hash, ByteBuf query, int nameStart, int nameLength, int typeClass, int flags, long tags) {
        Table t = shard(hash).table;
        for (int i = hash & t.mask; ; i = (i + 1) & t.mask) {
            byte[] e = (byte[]) SLOT.getAcquire(t.slots, i);
            if (e == null) {
                return null;
            }
            if (t.hashes[i] == hash && PacketEntry.hash(e) == hash
                    && PacketEntry.matches(e, query, nameStart, nameLength, typeClass, flags, tags)) {
                if (t.used[i] == 0) {
                    t.used[i] = 1; // racy on purpose: a lost mark only makes eviction a little less accurate
                }
                return e;
            }
        }
    }

    /** Stores {@code e} under {@code key}, replacing what was there, evicting until the shard is within bounds. */
    void put(PacketKey key, byte[] e, long now) {
        int hash = key.hashCode();
        Shard s = shard(hash);
        synchronized (s) {
            Table t = s.table;
            int i = hash & t.mask;
            for (byte[] old; (old = t.slots[i]) != null; i = (i + 1) & t.mask) {
                if (t.hashes[i] == hash && PacketEntry.matches(old, key)) {
                    s.bytes += PacketEntry.weight(e) - PacketEntry.weight(old);
                    SLOT.setRelease(t.slots, i, e);
                    t.used[i] = 0;
                    evictWhileFull(s, now, 0);
                    return;
                }
            }
            evictWhileFull(s, now, PacketEntry.weight(e));
            if ((s.count + 1) * 4L > (t.mask + 1) * 3L) { // keep the load at or below 3/4
                grow(s);
                evictWhileFull(s, now, PacketEntry.weight(e)); // the larger table counts against the byte bound
            }
            insert(s.table, e, hash);
            s.count++;
            s.bytes += PacketEntry.weight(e);
        }
    }

    /** Puts {@code e} in the first free slot of its run and returns that slot. */
    private static int insert(Table t, byte[] e, int hash) {
        int i = hash & t.mask;
        while (t.slots[i] != null) {
            i = (i + 1) & t.mask;
        }
        t.hashes[i] = hash;
        t.used[i] = 0;
        SLOT.setRelease(t.slots, i, e);
        return i;
    }

    private void grow(Shard s) {
        Table old = s.table;
        Table t = new Table((old.mask + 1) * 2);
        for (int i = 0; i <= old.mask; i++) {
            byte[] e = old.slots[i];
            if (e != null) {
                t.used[insert(t, e, old.hashes[i])] = old.used[i];
            }
        }
        s.table = t; // readers still on the old table see valid entries until they next look
        s.hand = 0;
    }

    /** Bytes a shard's table costs on top of its entries: a reference, a hash and a mark per slot. */
    private static long tableBytes(Table t) {
        return (t.mask + 1) * 9L + 3 * 16;
    }

    /** CLOCK: expired entries go first, then entries not used since the hand last passed; used ones get a second chance. */
    private void evictWhileFull(Shard s, long now, long incoming) {
        long entryLimit = maxEntriesPerShard - (incoming > 0 ? 1 : 0);
        while (s.count > 0 && (s.count > entryLimit || s.bytes + incoming + tableBytes(s.table) > maxBytesPerShard)) {
            Table t = s.table;
            int i = s.hand & t.mask;
            byte[] e = t.slots[i];
            s.hand = i + 1;
            if (e == null) {
                continue;
            }
            if (t.used[i] != 0 && PacketEntry.expires(e) > now) {
                t.used[i] = 0;
                continue;
            }
            remove(s, t, i);
            s.hand = i; // a later entry may have shifted into slot i
            evictions.increment();
        }
    }

    /** Removes slot i and shifts the rest of its probe run back, so that no run has a hole (no tombstones). */
    private static void remove(Shard s, Table t, int i) {
        s.count--;
        s.bytes -= PacketEntry.weight(t.slots[i]);
        int hole = i;
        for (int j = (i + 1) & t.mask; ; j = (j + 1) & t.mask) {
            byte[] e = t.slots[j];
            if (e == null) {
                break;
            }
            int home = t.hashes[j] & t.mask;
            // e may move to the hole when the hole lies cyclically within [home, j)
            if (((j - home) & t.mask) >= ((j - hole) & t.mask)) {
                t.hashes[hole] = t.hashes[j];
                t.used[hole] = t.used[j];
                SLOT.setRelease(t.slots, hole, e);
                hole = j;
            }
        }
        SLOT.setRelease(t.slots, hole, null);
    }

    void clear() {
        for (Shard s : shards) {
            synchronized (s) {
                s.table = new Table(MIN_CAPACITY);
                s.count = 0;
                s.bytes = 0;
                s.hand = 0;
            }
        }
    }

    long size() {
        long n = 0;
        for (Shard s : shards) {
            synchronized (s) {
                n += s.count;
            }
        }
        return n;
    }

    /** Bytes held: entries, their array headers and the tables' slots. */
    long bytes() {
        long n = 0;
        for (Shard s : shards) {
            synchronized (s) {
                n += s.bytes + tableBytes(s.table);
            }
        }
        return n;
    }

    long evictions() {
        return evictions.sum();
    }
}
