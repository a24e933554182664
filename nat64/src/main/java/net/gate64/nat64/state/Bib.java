package net.gate64.nat64.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The binding information bases for TCP, UDP and ICMP (RFC 6146 §3.1), indexed both ways. Endpoint-independent
 * mapping: one binding per IPv6 transport address, whatever the destination. Lock-free reads (ConcurrentHashMap);
 * a new binding claims its IPv4 side with putIfAbsent, so two threads can never hand out the same pool4 port.
 */
public final class Bib {
    private final ConcurrentHashMap<Key, BibEntry> by6 = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, BibEntry> by4 = new ConcurrentHashMap<>();
    private final Pool4 pool4;
    final NatEventSink events;
    private static final int MAX_PROBES = 65536;
    final LongAdder created = new LongAdder();
    final LongAdder exhausted = new LongAdder();

    public Bib(Pool4 pool4) {
        this(pool4, NatEventSink.NONE);
    }

    /** {@code events} hears of every binding and session created and deleted in these tables. */
    public Bib(Pool4 pool4, NatEventSink events) {
        this.pool4 = pool4;
        this.events = events;
    }

    public Pool4 pool4() {
        return pool4;
    }

    BibEntry find6(Key k) {
        return by6.get(k);
    }

    BibEntry find4(Key k) {
        return by4.get(k);
    }

    /**
     * The binding for an IPv6 transport address, created from pool4 when missing; null when pool4 has no free port.
     * {@code k6} is the caller's lookup key (copied when inserted).
     */
    BibEntry findOrCreate(int proto, long hi, long lo, int port6, Key k6) {
        BibEntry e = by6.get(k6);
        if (e != null && e.sessions.get() >= 0) {
            return e;
        }
        int slot = proto == 6 ? 0 : proto == 17 ? 1 : 2;
        int hash = Long.hashCode(hi * 31 + lo);
        Key key6 = k6.copy();
        // Bounded search: a nearly full pool is found "exhausted" after MAX_PROBES tries rather than scanning
        // every address and port of a /16 while packets wait.
        int budget = MAX_PROBES;
        int perAddress = Math.min(pool4.portCount(), MAX_PROBES / 4);
        for (int attempt = 0; attempt < pool4.size() && budget > 0; attempt++) {
            int addr = pool4.addressFor(hash, attempt);
            if (!pool4.usable(addr)) {
                continue;
            }
            for (int tries = 0; tries < perAddress && budget-- > 0; tries++) {
                int port4 = pool4.nextPort(slot, addr);
                Key key4 = new Key().set(Key.ipv4Transport(proto, addr, port4), 0, 0);
                if (by4.containsKey(key4)) {
                    continue;
                }
                BibEntry fresh = new BibEntry(proto, hi, lo, port6, addr, port4, key6, key4);
                if (by4.putIfAbsent(key4, fresh) != null) {
                    continue;
                }
                BibEntry winner = by6.merge(key6, fresh, (old, mine) -> old.sessions.get() >= 0 ? old : mine);
                if (winner != fresh) {
                    by4.remove(key4, fresh); // another thread bound this IPv6 address first
                    return winner;
                }
                created.increment();
                events.bibCreated(fresh);
                return fresh;
            }
        }
        exhausted.increment();
        return null;
    }

    /** Removes a binding whose last session ended (its session count is already -1). */
    void retire(BibEntry e) {
        by6.remove(e.key6, e);
        by4.remove(e.key4, e);
        events.bibDeleted(e);
    }

    public int size() {
        return by4.size();
    }

    /** Binding counts per protocol: tcp, udp, icmp. */
    public int[] sizes() {
        int[] n = new int[3];
        for (BibEntry e : by4.values()) {
            n[e.proto == 6 ? 0 : e.proto == 17 ? 1 : 2]++;
        }
        return n;
    }

    public List<BibEntry> entries() {
        return new ArrayList<>(by4.values());
    }

    public long createdTotal() {
        return created.sum();
    }

    public long exhaustedTotal() {
        return exhausted.sum();
    }
}
