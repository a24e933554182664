package net.gate64.resolver.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * RRsets keyed by (owner, type), with absolute expiry, trust rank and validation state. TTLs age with the injected
 * ticker and are capped at {@code max-cache-ttl}. Synthesised DNS64 records never enter it: it holds what
 * authoritative servers said, so every client view can be derived from it.
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

    /** What a lookup returns: records with TTLs aged to now. */
    public record Hit(List<Record> records, List<Record> signatures, List<Record> proofs, long ttl, Rank rank,
                      Security security) {}

    private final Cache<Key, Entry> cache;
    private final Ticker ticker;
    private final long maxTtl;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public RecordCache(long maxEntries, long maxTtl, Ticker ticker) {
        this.ticker = ticker;
        this.maxTtl = maxTtl;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                .expireAfter(Expiry.<Key, Entry>writing((k, e) -> java.time.Duration.ofSeconds(e.ttl)))
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
        Key key = new Key(first.getName(), first.getRRsetType());
        boolean[] stored = {false};
        cache.asMap().compute(key, (k, old) -> {
            if (old != null && old.expiresNanos() > now && old.rank.compareTo(rank) > 0) {
                return old;
            }
            stored[0] = true;
            return fresh;
        });
        return stored[0];
    }

    public Hit get(Name name, int type) {
        Entry e = cache.getIfPresent(new Key(name, type));
        long now = ticker.read();
        if (e == null || e.expiresNanos() <= now) {
            misses.increment();
            return null;
        }
        hits.increment();
        long left = Ttl.remaining(e.ttl, now - e.insertedNanos);
        return new Hit(aged(e.records, left), aged(e.signatures, left), aged(e.proofs, left), left, e.rank, e.security);
    }

    /**
     * The live RRset as stored, TTLs not aged, or null: for the iterator's own use of delegations and nameserver
     * addresses, where only the data counts (it saves copying every record to age its TTL).
     */
    public List<Record> peek(Name name, int type) {
        Entry e = cache.getIfPresent(new Key(name, type));
        if (e == null || e.expiresNanos() <= ticker.read()) {
            misses.increment();
            return null;
        }
        hits.increment();
        return e.records;
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
        cache.invalidate(new Key(name, type));
    }

    /** Removes every entry at or below {@code name} (PowerDNS wipe-cache name$) or only at it. */
    public long wipe(Name name, boolean subtree) {
        long before = cache.estimatedSize();
        cache.asMap().keySet().removeIf(k -> subtree ? k.name.subdomain(name) : k.name.equals(name));
        return before - cache.estimatedSize();
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
