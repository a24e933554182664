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
 * <p>No accepted races: the sweep ends a session with a compare-and-set on its deadline ({@link Session#kill}), so a
 * packet that refreshes it first keeps it and a packet that comes after finds it dead and starts over; per-client
 * counts live in the {@link Client}, which its bindings keep alive, so they are never lost to a concurrent removal.
 * With address-dependent filtering the table also counts, per binding and remote IPv4 address, the sessions between
 * them (RFC 4787 REQ-8 "address-dependent": an IPv4 host may reach a binding once the client has talked to it).
 */
public final class SessionTable {
    private final ConcurrentHashMap<Key, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, AtomicInteger> remotes;
    private final AtomicInteger count = new AtomicInteger();
    private final Bib bib;
    private volatile Limits limits; // a config reload may change both: new sessions and refreshes see them
    private volatile Timeouts timeouts;
    private final LongSupplier clock;
    private final HeldSyns held;
    final LongAdder created = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder limitHits = new LongAdder();
    final LongAdder clientLimitHits = new LongAdder();

    public SessionTable(Bib bib, Limits limits, Timeouts timeouts, LongSupplier nanoClock) {
        this(bib, limits, timeouts, nanoClock, false, HeldSyns.DEFAULT_CAPACITY);
    }

    /**
     * {@code addressDependentFiltering}: IPv4 hosts reach a binding only after the client sent to their address;
     * {@code heldSyns}: how many unsolicited IPv4 SYNs may wait {@link Timeouts#tcpIncomingSyn()} (RFC 6146
     * §3.5.2.2), 0 = answer them at once.
     */
    public SessionTable(Bib bib, Limits limits, Timeouts timeouts, LongSupplier nanoClock,
                        boolean addressDependentFiltering, int heldSyns) {
        this.bib = bib;
        this.limits = limits;
        this.timeouts = timeouts;
        this.clock = nanoClock;
        this.remotes = addressDependentFiltering ? new ConcurrentHashMap<>() : null;
        this.held = new HeldSyns(heldSyns, timeouts.tcpIncomingSyn().toNanos(), nanoClock);
    }

    long now() {
        return clock.getAsLong();
    }

    Timeouts timeouts() {
        return timeouts;
    }

    /**
     * New lifetimes (a config reload): for sessions created or refreshed from now on; a session keeps the deadline it
     * has until a packet moves it (a shorter timeout never cuts a session short; an idle one ends at its old deadline).
     * The held-SYN lifetime stays as it started.
     */
    public void timeouts(Timeouts t) {
        this.timeouts = t;
    }

    /** New limits (a config reload): sessions beyond them stay, new ones are refused until the table is below them. */
    public void limits(Limits l) {
        this.limits = l;
    }

    public HeldSyns held() {
        return held;
    }

    boolean addressDependent() {
        return remotes != null;
    }

    /** A live session; a dead one still in the table (the sweep is removing it) is taken out and not returned. */
    Session find(Key k) {
        Session s = sessions.get(k);
        if (s != null && s.isDead()) {
            sessions.remove(k, s);
            return null;
        }
        return s;
    }

    /** Address-dependent filtering: whether the binding {@code binding4} has a session with {@code remote4}. */
    boolean knows(long binding4, int remote4, Key scratch) {
        AtomicInteger n = remotes.get(scratch.set(binding4, remote4 & 0xffffffffL, 2));
        return n != null && n.get() > 0;
    }

    /** Outcome of {@link #create}: the session, or null with the reason. */
    enum Refusal { TOTAL, CLIENT, RETIRED }

    /**
     * Creates (or returns the racing winner's) session for {@code e} and the remote endpoint; null when a limit is
     * reached or the binding was retired meanwhile (the caller retries from the binding lookup).
     */
    Session create(BibEntry e, int remote4, int remotePort, int prefixIndex, TcpState tcp, long expiresAt, Key k,
                   Refusal[] why) {
        Limits limits = this.limits;
        if (limits.maxSessions() > 0 && count.incrementAndGet() > limits.maxSessions()) {
            count.decrementAndGet();
            limitHits.increment();
            why[0] = Refusal.TOTAL;
            return null;
        } else if (limits.maxSessions() <= 0) {
            count.incrementAndGet();
        }
        AtomicInteger client = e.client.sessions;
        if (client.incrementAndGet() > limits.maxSessionsPerClient() && limits.maxSessionsPerClient() > 0) {
            client.decrementAndGet();
            count.decrementAndGet();
            clientLimitHits.increment();
            why[0] = Refusal.CLIENT;
            return null;
        }
        if (!e.retain()) {
            undo(e);
            why[0] = Refusal.RETIRED;
            return null;
        }
        Session fresh = new Session(e, remote4, remotePort, prefixIndex, k.copy(), tcp, expiresAt);
        Session raced;
        while ((raced = sessions.putIfAbsent(fresh.key, fresh)) != null && raced.isDead()) {
            sessions.remove(fresh.key, raced); // ended by the sweep, not yet removed: take its place
        }
        if (raced != null) {
            release(e);
            undo(e);
            return raced;
        }
        if (remotes != null) {
            remotes.compute(new Key().set(fresh.key.a, remote4 & 0xffffffffL, 2), (x, c) -> {
                AtomicInteger n = c != null ? c : new AtomicInteger();
                n.incrementAndGet();
                return n;
            });
        }
        created.increment();
        bib.events.sessionCreated(fresh);
        return fresh;
    }

    private void undo(BibEntry e) {
        count.decrementAndGet();
        e.client.sessions.decrementAndGet();
    }

    /** Ends every session past its deadline and bindings left without sessions; returns how many expired. */
    public int sweep() {
        long now = clock.getAsLong();
        int n = 0;
        for (Session s : sessions.values()) {
            long deadline = s.deadline();
            if (deadline != Session.DEAD && now - deadline > 0 && s.kill(deadline)) {
                ended(s);
                expired.increment();
                n++;
            }
        }
        return n;
    }

    /**
     * Ends every live session {@code which} selects, whatever its deadline (control {@code flush}; a pool4 that no
     * longer holds its binding's address), with its binding when it was the last; returns how many. A packet racing
     * the end finds the session dead and starts over, as after an expiry.
     */
    public int endIf(java.util.function.Predicate<Session> which) {
        int n = 0;
        for (Session s : sessions.values()) {
            if (!which.test(s)) {
                continue;
            }
            while (true) {
                long deadline = s.deadline();
                if (deadline == Session.DEAD) {
                    break;
                }
                if (s.kill(deadline)) {
                    ended(s);
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private void ended(Session s) {
        sessions.remove(s.key, s);
        s.bib.last = null;
        count.decrementAndGet();
        s.bib.client.sessions.decrementAndGet();
        if (remotes != null) {
            remotes.computeIfPresent(new Key().set(s.key.a, s.remote4 & 0xffffffffL, 2),
                    (k, c) -> c.decrementAndGet() <= 0 ? null : c);
        }
        bib.events.sessionDeleted(s);
        release(s.bib);
    }

    private void release(BibEntry e) {
        if (e.sessions.decrementAndGet() == 0 && !e.isStatic && e.sessions.compareAndSet(0, -1)) {
            bib.retire(e);
        }
    }

    public int size() {
        return count.get();
    }

    /** Hands every live session to {@code each}, without copying the table. */
    public void forEachLive(java.util.function.Consumer<Session> each) {
        for (Session s : sessions.values()) {
            if (!s.isDead()) {
                each.accept(s);
            }
        }
    }

    public List<Session> list() {
        List<Session> list = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (!s.isDead()) {
                list.add(s);
            }
        }
        return list;
    }

    /** Session counts per protocol: tcp, udp, icmp. */
    public int[] sizes() {
        int[] n = new int[3];
        for (Session s : sessions.values()) {
            if (!s.isDead()) {
                n[Pool4.slot(s.bib.proto)]++;
            }
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
