package net.gate64.nat64.state;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.nat64.packet.Bytes;

/**
 * The binding information bases for TCP, UDP and ICMP (RFC 6146 §3.1), indexed both ways. Endpoint-independent
 * mapping: one binding per IPv6 transport address, whatever the destination. Lock-free reads (ConcurrentHashMap);
 * a new binding claims its IPv4 side with putIfAbsent, so two threads can never hand out the same pool4 port. Which
 * port a new binding gets is the {@link PortPlan}'s business: ports one by one, dynamic blocks or deterministic
 * ranges, with port preservation. Static bindings ({@link #addStatic}) come from the configuration and stay.
 */
public final class Bib {
    private final ConcurrentHashMap<Key, BibEntry> by6 = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, BibEntry> by4 = new ConcurrentHashMap<>();
    private volatile Pool4 pool4;
    private final PortPlan plan;
    private final Clients clients;
    private final PortBlocks blocks;
    private final DeterministicMap deterministic;
    private volatile PortAllocator allocator;
    final NatEventSink events;
    final LongAdder created = new LongAdder();
    final LongAdder exhausted = new LongAdder();
    final LongAdder clientExhausted = new LongAdder();
    final LongAdder blocksCreated = new LongAdder();

    public Bib(Pool4 pool4) {
        this(pool4, NatEventSink.NONE);
    }

    /** {@code events} hears of every binding, session and port block created and deleted in these tables. */
    public Bib(Pool4 pool4, NatEventSink events) {
        this(pool4, events, PortPlan.DEFAULT);
    }

    /** @throws IllegalArgumentException when the plan does not fit the pool (say which) */
    public Bib(Pool4 pool4, NatEventSink events, PortPlan plan) {
        this.pool4 = pool4;
        this.events = events;
        this.plan = plan;
        this.clients = new Clients(plan.clientPrefixLength(), plan.blocks() ? plan.blocksPerClient() : 0);
        if (!plan.blocks()) {
            this.blocks = null;
            this.deterministic = null;
            this.allocator = new PerPortAllocator(pool4, plan.preservePorts());
        } else {
            this.blocks = new PortBlocks(pool4, plan.blockSize(), plan.blocksPerClient());
            if (plan.deterministic() != null) {
                this.deterministic = new DeterministicMap(plan.deterministic(), plan.clientPrefixLength(), pool4, blocks);
                this.allocator = new DeterministicAllocator(deterministic, plan.preservePorts());
            } else {
                this.deterministic = null;
                this.allocator = new BlockAllocator(pool4, blocks, plan.preservePorts(), plan.clientPrefixLength());
            }
        }
    }

    public Pool4 pool4() {
        return pool4;
    }

    /**
     * Hands out bindings from {@code next} from now on (a config reload that changed pool4 or its ports). Only with
     * ports one by one: blocks and deterministic ranges are laid out over the pool at start. The bindings already
     * made stay; those {@code next} does not hold must be ended by the caller (their sessions with them).
     *
     * @throws IllegalStateException with port blocks
     */
    public void usePool4(Pool4 next) {
        if (plan.blocks()) {
            throw new IllegalStateException("pool4 is laid out in port blocks at start");
        }
        allocator = new PerPortAllocator(next, plan.preservePorts());
        pool4 = next;
    }

    /** Whether {@code e}'s IPv4 transport address is still the gateway's: in pool4, and in its port range unless static. */
    public boolean inPool(BibEntry e) {
        Pool4 p = pool4;
        return p.contains(e.addr4) && (e.isStatic || p.portInRange(e.port4));
    }

    public PortPlan plan() {
        return plan;
    }

    BibEntry find6(Key k) {
        return by6.get(k);
    }

    BibEntry find4(Key k) {
        return by4.get(k);
    }

    /**
     * The binding for the request's IPv6 transport address, created when missing; null (with {@code r.refusal})
     * when no pool4 transport address can be had.
     */
    BibEntry findOrCreate(BindingRequest r) {
        BibEntry e = by6.get(r.lookup6);
        if (e != null && e.sessions.get() >= 0) {
            return e;
        }
        r.key6 = r.lookup6.copy();
        Client c = clients.acquire(r.hi, r.lo);
        r.client = c;
        BibEntry fresh;
        synchronized (c) {
            fresh = allocator.allocate(this, r);
        }
        if (fresh == null) {
            clients.release(c);
            (r.refusal == BindingRequest.Refusal.POOL4 ? exhausted : clientExhausted).increment();
            return null;
        }
        BibEntry winner = by6.merge(fresh.key6, fresh, (old, mine) -> old.sessions.get() >= 0 ? old : mine);
        if (winner != fresh) { // another thread bound this IPv6 transport address first
            by4.remove(fresh.key4, fresh);
            synchronized (c) {
                allocator.released(this, c, fresh);
            }
            clients.release(c);
            return winner;
        }
        created.increment();
        events.bibCreated(fresh);
        return fresh;
    }

    /** Claims {@code (proto, addr, port)} for the request; null when that transport address is taken. */
    BibEntry claim(BindingRequest r, int addr, int port) {
        Key probe = r.probe.set(Key.ipv4Transport(r.proto, addr, port), 0, 0);
        if (by4.containsKey(probe)) {
            return null;
        }
        Key key4 = probe.copy();
        BibEntry fresh = new BibEntry(r.proto, r.hi, r.lo, r.port6, addr, port, r.key6, key4, r.client, false);
        return by4.putIfAbsent(key4, fresh) == null ? fresh : null;
    }

    /** Removes a binding whose last session ended (its session count is already -1). */
    void retire(BibEntry e) {
        by6.remove(e.key6, e);
        by4.remove(e.key4, e);
        events.bibDeleted(e);
        Client c = e.client;
        if (e.allocated) {
            synchronized (c) {
                allocator.released(this, c, e);
            }
        }
        clients.release(c);
    }

    /** Retires a dynamic binding that has no session (one made for a packet that then got none). */
    void retireIfUnused(BibEntry e) {
        if (!e.isStatic && e.sessions.compareAndSet(0, -1)) {
            retire(e);
        }
    }

    /**
     * Adds a static binding (RFC 6146 §3.5.1: configured, so IPv4 hosts can reach an IPv6 server): {@code proto} 6,
     * 17 or 1 (ICMP identifiers as ports), the IPv4 address inside pool4.
     *
     * @throws IllegalArgumentException naming the conflict when either side is already bound
     */
    public BibEntry addStatic(int proto, byte[] addr6, int port6, int addr4, int port4) {
        if (proto != 6 && proto != 17 && proto != 1) {
            throw new IllegalArgumentException("protocol must be tcp, udp or icmp");
        }
        if (!pool4.contains(addr4)) {
            throw new IllegalArgumentException(Bytes.ipv4(addr4) + " is not inside pool4 " + pool4.network());
        }
        if (port6 < 0 || port6 > 65535 || port4 < 0 || port4 > 65535) {
            throw new IllegalArgumentException("ports must be 0-65535");
        }
        long hi = Bytes.i64(addr6, 0);
        long lo = Bytes.i64(addr6, 8);
        Key key6 = new Key().set(hi, lo, ((long) proto << 16) | port6);
        Key key4 = new Key().set(Key.ipv4Transport(proto, addr4, port4), 0, 0);
        Client c = clients.acquire(hi, lo);
        BibEntry e = new BibEntry(proto, hi, lo, port6, addr4, port4, key6, key4, c, true);
        BibEntry other = by4.putIfAbsent(key4, e);
        if (other != null) {
            clients.release(c);
            throw new IllegalArgumentException(Bytes.ipv4(addr4) + ":" + port4 + " is already bound (" + other + ")");
        }
        other = by6.putIfAbsent(key6, e);
        if (other != null) {
            by4.remove(key4, e);
            clients.release(c);
            throw new IllegalArgumentException("the IPv6 side is already bound (" + other + ")");
        }
        events.bibCreated(e);
        return e;
    }

    /**
     * Makes a static binding dynamic again: it goes now if it has no sessions, or with its last one. False when
     * there is no static binding for that IPv6 transport address.
     */
    public boolean removeStatic(int proto, byte[] addr6, int port6) {
        Key key6 = new Key().set(Bytes.i64(addr6, 0), Bytes.i64(addr6, 8), ((long) proto << 16) | port6);
        BibEntry e = by6.get(key6);
        if (e == null || !e.isStatic) {
            return false;
        }
        e.isStatic = false;
        if (e.sessions.compareAndSet(0, -1)) {
            retire(e);
        }
        return true;
    }

    public int size() {
        return by4.size();
    }

    /** Binding counts per protocol: tcp, udp, icmp. */
    public int[] sizes() {
        int[] n = new int[3];
        for (BibEntry e : by4.values()) {
            n[Pool4.slot(e.proto)]++;
        }
        return n;
    }

    /** Hands every binding to {@code each}, without copying the table. */
    public void forEachEntry(java.util.function.Consumer<BibEntry> each) {
        by4.values().forEach(each);
    }

    public List<BibEntry> entries() {
        return new ArrayList<>(by4.values());
    }

    public List<BibEntry> staticEntries() {
        List<BibEntry> list = new ArrayList<>();
        for (BibEntry e : by4.values()) {
            if (e.isStatic) {
                list.add(e);
            }
        }
        return list;
    }

    /** Clients with bindings (addresses or prefixes of the client prefix length). */
    public int clients() {
        return clients.size();
    }

    /** Port blocks in use and in all (0 and 0 without blocks; deterministic ranges are never "in use"). */
    public int blocksInUse() {
        return blocks == null || deterministic != null ? 0 : blocks.inUse();
    }

    public int blocksTotal() {
        return blocks == null || deterministic != null ? 0 : blocks.total();
    }

    /**
     * Deterministic mode's reverse lookup: the client number holding {@code addr4:port} (RFC 7422: who had it is a
     * computation), or -1 outside every range, or when not in deterministic mode.
     */
    public int deterministicClient(int addr4, int port) {
        return deterministic == null ? -1 : deterministic.clientOf(addr4, port);
    }

    void blockCreated(PortBlock b) {
        blocksCreated.increment();
        events.portBlockCreated(b);
    }

    void blockDeleted(PortBlock b) {
        events.portBlockDeleted(b);
    }

    public long createdTotal() {
        return created.sum();
    }

    public long exhaustedTotal() {
        return exhausted.sum();
    }

    public long clientExhaustedTotal() {
        return clientExhausted.sum();
    }

    public long blocksCreatedTotal() {
        return blocksCreated.sum();
    }
}
