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
 * NXDOMAIN and NODATA answers (RFC 2308), held per owner name like the {@link RecordCache}: an NXDOMAIN for the
 * whole name (type {@link #ANY_TYPE}), a NODATA per (name, type), both found with one lookup. The entry's TTL is
 * min(SOA TTL, SOA MINIMUM) (RFC 2308 §5) capped at {@code max-negative-ttl}; the SOA and denial proofs are kept so
 * the answer can be rebuilt with aged TTLs.
 */
public final class NegativeCache {
    /** Type used in keys for "the whole name does not exist". */
    public static final int ANY_TYPE = 0;

    public record Entry(int rcode, List<Record> authority, long ttl, long insertedNanos, Security security) {
        long expiresNanos() {
            return insertedNanos + ttl * 1_000_000_000L;
        }
    }

    /** A lookup result: the rcode, and authority records (SOA, proofs) with TTLs aged to now. */
    public record Hit(int rcode, List<Record> authority, long ttl, Security security) {}

    /** The negative answers known for one name, by type (ANY_TYPE: NXDOMAIN); replaced whole on every change. */
    private record Owner(int[] types, Entry[] entries) {
        Entry find(int type, long now) {
            for (int i = 0; i < types.length; i++) {
                if (types[i] == type && entries[i].expiresNanos() > now) {
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

        long lastExpiry() {
            long last = Long.MIN_VALUE;
            for (Entry e : entries) {
                last = Math.max(last, e.expiresNanos());
            }
            return last;
        }

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
            t[n] = type;
            x[n++] = e;
            return new Owner(java.util.Arrays.copyOf(t, n), java.util.Arrays.copyOf(x, n));
        }
    }

    private static final Owner EMPTY = new Owner(new int[0], new Entry[0]);

    private final Cache<Name, Owner> cache;
    private final Ticker ticker;
    private final long maxTtl;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public NegativeCache(long maxEntries, long maxTtl, Ticker ticker) {
        this.ticker = ticker;
        this.maxTtl = maxTtl;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(Math.max(1, maxEntries))
                .weigher((Name k, Owner o) -> o.types.length)
                .ticker(ticker)
                .expireAfter(Expiry.<Name, Owner>writing((k, o) ->
                        java.time.Duration.ofNanos(Math.max(0, o.lastExpiry() - ticker.read()))))
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
        long now = ticker.read();
        Entry e = new Entry(rcode, List.copyOf(authority), ttl, now, security);
        cache.asMap().compute(name, (k, o) -> (o == null ? EMPTY : o).with(keyType, e, now));
    }

    /** An NXDOMAIN for the name, else a NODATA for (name, type), else null. */
    public Hit get(Name name, int type) {
        Owner o = cache.getIfPresent(name);
        long now = ticker.read();
        Entry e = null;
        if (o != null) {
            e = o.find(ANY_TYPE, now);
            if (e == null) {
                e = o.find(type, now);
            }
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

    /** Removes every negative answer at or below {@code name} (or only at it); returns how many. */
    public long wipe(Name name, boolean subtree) {
        long[] removed = {0};
        long now = ticker.read();
        cache.asMap().entrySet().removeIf(en -> {
            Name k = en.getKey();
            boolean match = subtree ? k.subdomain(name) : k.equals(name);
            if (match) {
                removed[0] += en.getValue().live(now);
            }
            return match;
        });
        return removed[0];
    }

    public void clear() {
        cache.invalidateAll();
    }

    /** What {@link #forEach} hands over: the name, the type ({@link #ANY_TYPE} for NXDOMAIN) and the aged answer. */
    @FunctionalInterface
    public interface Visitor {
        void negative(Name name, int type, Hit hit);
    }

    /** Every live negative answer now, TTLs aged (for {@code dump-cache}); no hit or miss is counted. */
    public void forEach(Visitor v) {
        long now = ticker.read();
        cache.asMap().forEach((name, o) -> {
            for (int i = 0; i < o.types.length; i++) {
                Entry e = o.entries[i];
                if (e.expiresNanos() > now) {
                    long left = Ttl.remaining(e.ttl, now - e.insertedNanos);
                    List<Record> aged = new ArrayList<>(e.authority.size());
                    for (Record r : e.authority) {
                        aged.add(Ttl.with(r, Math.min(left, r.getTTL())));
                    }
                    v.negative(name, o.types[i], new Hit(e.rcode, aged, left, e.security));
                }
            }
        });
    }

    public long size() {
        return cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0L)).orElse(cache.estimatedSize());
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
