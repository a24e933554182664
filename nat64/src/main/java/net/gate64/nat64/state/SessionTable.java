package net.gate64.nat64.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The session tables (RFC 6146 §3.2) for all protocols, keyed by the IPv4 side (binding transport address + remote
 * transport address), with the total and per-client limits and the expiry sweep. Time comes from an injected
 * nanosecond clock so expiry is tested by advancing a fake clock.
 *
 * <p>Known races, accepted for a lock-free packet path: a packet that refreshes a session in the instant the sweep
 * removes it still passes, and the next packet creates a fresh session (for a binding that also expired, possibly on
 * another pool4 port); a per-client counter removed by the sweep while a new session of that client is created may
 * under-count that client by one until its sessions expire.
 */
public final class SessionTable {
    private final ConcurrentHashMap<Key, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final Bib bib;
    private final Limits limits;
    private final Timeouts timeouts;
    private final LongSupplier clock;
    final LongAdder created = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder limitHits = new LongAdder();
    final LongAdder clientLimitHits = new LongAdder();

    public SessionTable(Bib bib, Limits limits, Timeouts timeouts, LongSupplier nanoClock) {
        this.bib = bib;
        this.limits = limits;
        this.timeouts = timeouts;
        this.clock = nanoClock;
    }

    long now() {
        return clock.getAsLong();
    }

    Timeouts timeouts() {
        return timeouts;
    }

    Session find(Key k) {
        return sessions.get(k);
    }

    /** Outcome of {@link #create}: the session, or null with the reason in {@link #lastRefusal}. */
    enum Refusal { TOTAL, CLIENT, RETIRED }

    /**
     * Creates (or returns the racing winner's) session for {@code e} and the remote endpoint; null when a limit is
     * reached or the binding was retired meanwhile (the caller retries from the binding lookup).
     */
    Session create(BibEntry e, int remote4, int remotePort, int prefixIndex, TcpState tcp, long expiresAt, Key k,
                   Refusal[] why) {
        if (limits.maxSessions() > 0 && count.incrementAndGet() > limits.maxSessions()) {
            count.decrementAndGet();
            limitHits.increment();
            why[0] = Refusal.TOTAL;
            return null;
        } else if (limits.maxSessions() <= 0) {
            count.incrementAndGet();
        }
        AtomicInteger client = null;
        if (limits.maxSessionsPerClient() > 0) {
            client = perClient.computeIfAbsent(new Key().set(e.hi6, e.lo6, 0), x -> new AtomicInteger());
            if (client.incrementAndGet() > limits.maxSessionsPerClient()) {
                client.decrementAndGet();
                count.decrementAndGet();
                clientLimitHits.increment();
                why[0] = Refusal.CLIENT;
                return null;
            }
        }
        if (!e.retain()) {
            undo(e, client);
            why[0] = Refusal.RETIRED;
            return null;
        }
        Session fresh = new Session(e, remote4, remotePort, prefixIndex, k.copy(), tcp, expiresAt);
        Session raced = sessions.putIfAbsent(fresh.key, fresh);
        if (raced != null) {
            release(e);
            undo(e, client);
            return raced;
        }
        created.increment();
        bib.events.sessionCreated(fresh);
        return fresh;
    }

    private void undo(BibEntry e, AtomicInteger client) {
        count.decrementAndGet();
        if (client != null) {
            client.decrementAndGet();
        }
    }

    /** Removes every session past its deadline and bindings left without sessions; returns how many expired. */
    public int sweep() {
        long now = clock.getAsLong();
        int n = 0;
        for (Session s : sessions.values()) {
            if (now - s.expiresAt > 0 && sessions.remove(s.key, s)) {
                s.bib.last = null;
                count.decrementAndGet();
                bib.events.sessionDeleted(s);
                if (limits.maxSessionsPerClient() > 0) {
                    Key ck = new Key().set(s.bib.hi6, s.bib.lo6, 0);
                    AtomicInteger c = perClient.get(ck);
                    if (c != null && c.decrementAndGet() <= 0) {
                        perClient.remove(ck, c);
                    }
                }
                release(s.bib);
                expired.increment();
                n++;
            }
        }
        return n;
    }

    private void release(BibEntry e) {
        if (e.sessions.decrementAndGet() == 0 && e.sessions.compareAndSet(0, -1)) {
            bib.retire(e);
        }
    }

    public int size() {
        return count.get();
    }

    public List<Session> list() {
        return new ArrayList<>(sessions.values());
    }

    /** Session counts per protocol: tcp, udp, icmp. */
    public int[] sizes() {
        int[] n = new int[3];
        for (Session s : sessions.values()) {
            n[s.bib.proto == 6 ? 0 : s.bib.proto == 17 ? 1 : 2]++;
        }
        return n;
    }

    public long createdTotal() {
        return created.sum();
    }

    public long expiredTotal() {
        return expired.sum();
    }

    public long limitHitsTotal() {
        return limitHits.sum();
    }

    public long clientLimitHitsTotal() {
        return clientLimitHits.sum();
    }
}
