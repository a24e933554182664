package net.gate64.nat64.state;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Stateful NAT64 for fragments without reassembly: the first fragment carries the ports and goes through the
 * binding and session tables; the addresses it was translated to are remembered under (source, destination,
 * identification) so that the fragments after it, which carry no ports, get the same addresses. Fragments arriving
 * before their first fragment are dropped (counted as fragment_without_state). Entries live a few seconds and the
 * table is bounded, so a flood of fragments cannot grow it without limit: when it is full a new first fragment is
 * dropped (fragment_table_full), since the fragments after it could not follow it (RFC 6146 §5.3: bounded state).
 */
public final class FragmentMemory {
    private static final long LIFETIME_NANOS = 5_000_000_000L;

    /** What later fragments need: the translated addresses (IPv4 as ints, IPv6 as two longs each). */
    static final class Entry {
        final int src4;
        final int dst4;
        final long src6Hi;
        final long src6Lo;
        final long dst6Hi;
        final long dst6Lo;
        final long created;

        Entry(int src4, int dst4, long src6Hi, long src6Lo, long dst6Hi, long dst6Lo, long created) {
            this.src4 = src4;
            this.dst4 = dst4;
            this.src6Hi = src6Hi;
            this.src6Lo = src6Lo;
            this.dst6Hi = dst6Hi;
            this.dst6Lo = dst6Lo;
            this.created = created;
        }
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final int capacity;
    private final LongSupplier clock;

    public FragmentMemory(int capacity, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.clock = nanoClock;
    }

    long now() {
        return clock.getAsLong();
    }

    /**
     * Remembers the addresses of a first fragment; false when the table is full (a first fragment sent again, whose
     * entry is there already, is still remembered).
     */
    boolean remember(Key k, Entry e) {
        if (entries.size() >= capacity) {
            return entries.replace(k, e) != null;
        }
        entries.put(k.copy(), e);
        return true;
    }

    Entry find(Key k) {
        Entry e = entries.get(k);
        return e == null || now() - e.created > LIFETIME_NANOS ? null : e;
    }

    /** Drops entries older than their lifetime; returns how many. */
    public int sweep() {
        long now = now();
        int n = 0;
        for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue().created > LIFETIME_NANOS) {
                it.remove();
                n++;
            }
        }
        return n;
    }

    public int size() {
        return entries.size();
    }
}
