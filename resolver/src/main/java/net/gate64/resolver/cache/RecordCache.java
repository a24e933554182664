package net.gate64.resolver.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * RRsets with absolute expiry, trust rank and validation state, held per owner name: one cache entry per name with
 * its RRsets by type, so the questions a miss asks about one name (the type, then CNAME; NS on the way down) cost
 * one hash lookup, and a name adds one key to the cache, not one per type. TTLs age with the injected ticker and
 * are capped at {@code max-cache-ttl}; {@code max-cache-entries} bounds the RRsets held. Synthesised DNS64 records
 * never enter it: it holds what authoritative servers said, so every client view can be derived from it.
 */
public final class RecordCache {
    /** Lookup key; dnsjava's Name compares case-insensitively. */
    public record Key(Name name, int type) {}

    /**
     * A cached RRset as stored: records with their TTLs as received (capped), their RRSIGs, the proofs that came with
     * a wildcard expansion (NSEC/NSEC3 and their RRSIGs, RFC 4035 §3.1.3.3), the insertion time and rank.
     */
    public record Entry(List<Record> records, List<Record> signatures, List<Record> proofs, long ttl, long insertedNanos,
                        Rank rank, Security security) {
        long expiresNanos() {
            return insertedNanos + ttl * 1_000_000_000L;
        }
    }

    /** What a lookup returns: records with TTLs aged to now, and their type (the asked one, or CNAME). */
    public record Hit(List<Record> records, List<Record> signatures, List<Record> proofs, long ttl, Rank rank,
                      Security security, int type) {}

    /** The RRsets of one owner name, by type; replaced whole on every change (readers never see it half-written). */
    private record Owner(int[] types, Entry[] entries) {
        Entry find(int type) {
            for (int i = 0; i < types.length; i++) {
                if (types[i] == type) {
                    return entries[i];
                }
            }
            return null;
        }

        int live(long now) {
            int n = 0;
            for (Entry e : entries) {
                n += e.expiresNanos() > now ? 1 : 0;
            }
            return n;
        }

        /** Estimated heap bytes of this owner's entry, key and cache node included (see {@link HeapBytes}). */
        long heapBytes(Name key) {
            long n = HeapBytes.CACHE_NODE + 24 + HeapBytes.array(types.length, 4) + HeapBytes.array(entries.length, 4)
                    + HeapBytes.name(key);
            for (Entry e : entries) {
                n += 48 + HeapBytes.records(e.records) + HeapBytes.records(e.signatures) + HeapBytes.records(e.proofs);
            }
            return n;
        }

        long lastExpiry() {
            long last = Long.MIN_VALUE;
            for (Entry e : entries) {
                last = Math.max(last, e.expiresNanos());
            }
            return last;
        }

        /** This owner with {@code type} set to {@code e} (null removes it), expired RRsets dropped; null if empty. */
        Owner with(int type, Entry e, long now) {
            int[] t = new int[types.length + 1];
            Entry[] x = new Entry[types.length + 1];
            int n = 0;
            for (int i = 0; i < types.length; i++) {
                if (types[i] != type && entries[i].expiresNanos() > now) {
                    t[n] = types[i];
                    x[n++] = entries[i];
                }
            }
            if (e != null) {
                t[n] = type;
                x[n++] = e;
            }
            if (n == 0) {
                return null;
            }
            return new Owner(java.util.Arrays.copyOf(t, n), java.util.Arrays.copyOf(x, n));
        }
    }

    private static final Owner EMPTY = new Owner(new int[0], new Entry[0]);
    /** Weight units per RRset when bytes bound the cache too: the resolution of the byte share of a weight. */
    private static final long BYTE_UNITS = 64;

    /**
     * One weigher for two bounds: an owner weighs the larger of its RRsets' share of {@code maxEntries} and its
     * bytes' share of {@code maxBytes}, in units of 1/{@link #BYTE_UNITS} of an RRset. The total weight staying
     * within {@code maxEntries * BYTE_UNITS} then keeps both the RRsets and the bytes within their bounds.
     */
    private static com.github.benmanes.caffeine.cache.Weigher<Name, Owner> bytesAndCount(long maxEntries, long maxBytes) {
        double unitsPerByte = (double) maxEntries * BYTE_UNITS / maxBytes;
        return (Name k, Owner o) -> {
            double byBytes = Math.ceil(o.heapBytes(k) * unitsPerByte);
            double byCount = (double) o.types.length * BYTE_UNITS;
            return (int) Math.min(Integer.MAX_VALUE, Math.max(byBytes, byCount));
        };
    }

    private final Cache<Name, Owner> cache;
    private final Ticker ticker;
    private final long maxTtl;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder rrsets = new LongAdder();

    public RecordCache(long maxEntries, long maxTtl, Ticker ticker) {
        this(maxEntries, 0, maxTtl, ticker);
    }

    /**
     * @param maxBytes bound on the heap the cached data takes ({@code max-cache-bytes}, estimated per RRset by
     *                 {@link HeapBytes}), 0 for none; {@code maxEntries} bounds the RRsets either way
     */
    public RecordCache(long maxEntries, long maxBytes, long maxTtl, Ticker ticker) {
        this.ticker = ticker;
        this.maxTtl = maxTtl;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes == 0 ? maxEntries
                        : maxEntries > Long.MAX_VALUE / BYTE_UNITS ? Long.MAX_VALUE : maxEntries * BYTE_UNITS)
                .weigher(maxBytes > 0 ? bytesAndCount(maxEntries, maxBytes) : (Name k, Owner o) -> o.types.length)
                .removalListener((Name k, Owner o, RemovalCause cause) -> {
                    if (o != null && cause != RemovalCause.REPLACED) {
                        rrsets.add(-o.types.length);
                    }
                })
                .ticker(ticker)
                .expireAfter(Expiry.<Name, Owner>writing((k, o) ->
                        java.time.Duration.ofNanos(Math.max(0, o.lastExpiry() - ticker.read()))))
                .executor(Runnable::run)
                .build();
    }

    /**
     * Stores an RRset (all records share owner and type) unless live data of a higher rank is present.
     *
     * @return whether it was stored
     */
    public boolean put(List<Record> rrset, List<Record> signatures, Rank rank, Security security) {
        return put(rrset, signatures, List.of(), rank, security);
    }

    /** As {@link #put(List, List, Rank, Security)}, with the wildcard proofs that must travel with the RRset. */
    public boolean put(List<Record> rrset, List<Record> signatures, List<Record> proofs, Rank rank, Security security) {
        if (rrset.isEmpty()) {
            return false;
        }
        Record first = rrset.get(0);
        long ttl = maxTtl;
        for (Record r : rrset) {
            ttl = Math.min(ttl, r.getTTL());
        }
        if (ttl <= 0) {
            return false;
        }
        long now = ticker.read();
        Entry fresh = new Entry(List.copyOf(rrset), List.copyOf(signatures), List.copyOf(proofs), ttl, now, rank, security);
        int type = first.getRRsetType();
        boolean[] stored = {false};
        cache.asMap().compute(first.getName(), (k, owner) -> {
            Owner o = owner == null ? EMPTY : owner;
            Entry old = o.find(type);
            if (old != null && old.expiresNanos() > now && old.rank.compareTo(rank) > 0) {
                return owner;
            }
            stored[0] = true;
            Owner updated = o.with(type, fresh, now);
            rrsets.add(updated.types.length - o.types.length); // a removal of the whole owner is counted by the listener
            return updated;
        });
        return stored[0];
    }

    /** The RRset of {@code type} at {@code name}, TTLs aged to now, or null. */
    public Hit get(Name name, int type) {
        Owner o = cache.getIfPresent(name);
        long now = ticker.read();
        Entry e = o == null ? null : live(o.find(type), now);
        return hit(e, type, now);
    }

    /**
     * The RRset of {@code type} at {@code name}, else its CNAME (unless CNAME was asked), from one lookup; null when
     * the cache holds neither. {@link Hit#type()} tells which.
     */
    public Hit getOrCname(Name name, int type) {
        Owner o = cache.getIfPresent(name);
        long now = ticker.read();
        if (o == null) {
            misses.increment();
            return null;
        }
        Entry e = live(o.find(type), now);
        if (e != null || type == Type.CNAME) {
            return hit(e, type, now);
        }
        return hit(live(o.find(Type.CNAME), now), Type.CNAME, now);
    }

    /**
     * The live RRset as stored, TTLs not aged, or null: for the iterator's own use of delegations and nameserver
     * addresses, where only the data counts (it saves copying every record to age its TTL).
     */
    public List<Record> peek(Name name, int type) {
        Owner o = cache.getIfPresent(name);
        Entry e = o == null ? null : live(o.find(type), ticker.read());
        if (e == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        return e.records;
    }

    private static Entry live(Entry e, long now) {
        return e != null && e.expiresNanos() > now ? e : null;
    }

    private Hit hit(Entry e, int type, long now) {
        if (e == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        long left = Ttl.remaining(e.ttl, now - e.insertedNanos);
        return new Hit(aged(e.records, left), aged(e.signatures, left), aged(e.proofs, left), left, e.rank, e.security, type);
    }

    private static List<Record> aged(List<Record> records, long ttl) {
        if (records.isEmpty()) {
            return records;
        }
        List<Record> out = new ArrayList<>(records.size());
        for (Record r : records) {
            out.add(Ttl.with(r, Math.min(ttl, r.getTTL())));
        }
        return out;
    }

    public void remove(Name name, int type) {
        long now = ticker.read();
        cache.asMap().computeIfPresent(name, (k, o) -> {
            Owner updated = o.with(type, null, now);
            if (updated != null) {
                rrsets.add(updated.types.length - o.types.length);
            }
            return updated;
        });
    }

    /** Removes every RRset at or below {@code name} (PowerDNS wipe-cache name$) or only at it; returns how many. */
    public long wipe(Name name, boolean subtree) {
        long[] removed = {0};
        long now = ticker.read();
        cache.asMap().entrySet().removeIf(e -> {
            Name k = e.getKey();
            boolean match = subtree ? k.subdomain(name) : k.equals(name);
            if (match) {
                removed[0] += e.getValue().live(now);
            }
            return match;
        });
        return removed[0];
    }

    public void clear() {
        cache.invalidateAll();
    }

    /** What {@link #forEach} hands over for each live RRset: its data with TTLs aged to now. */
    @FunctionalInterface
    public interface Visitor {
        void rrset(Name name, int type, Hit hit);
    }

    /**
     * Every live RRset now, owner by owner in no particular order, TTLs aged (for {@code dump-cache}); a moment's view
     * of a cache that keeps changing, and no hit or miss is counted.
     */
    public void forEach(Visitor v) {
        long now = ticker.read();
        cache.asMap().forEach((name, o) -> {
            for (int i = 0; i < o.types.length; i++) {
                Entry e = live(o.entries[i], now);
                if (e != null) {
                    long left = Ttl.remaining(e.ttl, now - e.insertedNanos);
                    v.rrset(name, o.types[i], new Hit(aged(e.records, left), aged(e.signatures, left),
                            aged(e.proofs, left), left, e.rank, e.security, o.types[i]));
                }
            }
        });
    }

    /** RRsets held (what {@code max-cache-entries} bounds). */
    public long size() {
        return rrsets.sum();
    }

    /** Owner names held. */
    public long names() {
        return cache.estimatedSize();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
