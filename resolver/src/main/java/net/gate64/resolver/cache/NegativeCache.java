package net.gate64.resolver.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * NXDOMAIN and NODATA answers (RFC 2308). An NXDOMAIN is stored for the whole name (type {@link #ANY_TYPE}); a NODATA
 * for its (name, type). The entry's TTL is min(SOA TTL, SOA MINIMUM) (RFC 2308 §5) capped at {@code max-negative-ttl};
 * the SOA and denial proofs are kept so the answer can be rebuilt with aged TTLs.
 */
public final class NegativeCache {
    /** Type used in keys for "the whole name does not exist". */
    public static final int ANY_TYPE = 0;

    public record Key(Name name, int type) {}

    public record Entry(int rcode, List<Record> authority, long ttl, long insertedNanos, Security security) {}

    /** A lookup result: the rcode, and authority records (SOA, proofs) with TTLs aged to now. */
    public record Hit(int rcode, List<Record> authority, long ttl, Security security) {}

    private final Cache<Key, Entry> cache;
    private final Ticker ticker;
    private final long maxTtl;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public NegativeCache(long maxEntries, long maxTtl, Ticker ticker) {
        this.ticker = ticker;
        this.maxTtl = maxTtl;
        this.cache = Caffeine.newBuilder()
                .maximumSize(Math.max(1, maxEntries))
                .ticker(ticker)
                .expireAfter(Expiry.<Key, Entry>writing((k, e) -> java.time.Duration.ofSeconds(e.ttl)))
                .executor(Runnable::run)
                .build();
    }

    /** The negative TTL an answer carrying {@code soa} gets, before the cap (RFC 2308 §5). */
    public static long negativeTtl(SOARecord soa) {
        return Math.min(soa.getTTL(), soa.getMinimum());
    }

    /**
     * Stores a negative answer for {@code name}: NXDOMAIN for the name, or NODATA for (name, type).
     *
     * @param authority the SOA first, then any NSEC/NSEC3/RRSIG proofs
     */
    public void put(Name name, int type, int rcode, SOARecord soa, List<Record> authority, Security security) {
        long ttl = Math.min(maxTtl, negativeTtl(soa));
        if (ttl <= 0) {
            return;
        }
        int keyType = rcode == Rcode.NXDOMAIN ? ANY_TYPE : type;
        cache.put(new Key(name, keyType), new Entry(rcode, List.copyOf(authority), ttl, ticker.read(), security));
    }

    /** An NXDOMAIN for the name, else a NODATA for (name, type), else null. */
    public Hit get(Name name, int type) {
        long now = ticker.read();
        Entry e = live(new Key(name, ANY_TYPE), now);
        if (e == null) {
            e = live(new Key(name, type), now);
        }
        if (e == null) {
            misses.increment();
            return null;
        }
        hits.increment();
        long left = Ttl.remaining(e.ttl, now - e.insertedNanos);
        List<Record> aged = new ArrayList<>(e.authority.size());
        for (Record r : e.authority) {
            aged.add(Ttl.with(r, Math.min(left, r.getTTL())));
        }
        return new Hit(e.rcode, aged, left, e.security);
    }

    private Entry live(Key key, long now) {
        Entry e = cache.getIfPresent(key);
        return e != null && e.insertedNanos + e.ttl * 1_000_000_000L > now ? e : null;
    }

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
