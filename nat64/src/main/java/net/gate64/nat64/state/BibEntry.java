package net.gate64.nat64.state;

import java.util.concurrent.atomic.AtomicInteger;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.packet.Bytes;

/**
 * One binding (RFC 6146 §3.1): IPv6 transport address ↔ IPv4 transport address from pool4, for one protocol. A
 * dynamic binding lives while it has sessions; {@link #sessions} drops to -1 when the expiry sweep retires it, after
 * which packets that still hold it look it up again. A static one (the {@code bib} setting) stays until removed.
 */
public final class BibEntry {
    final int proto;
    final long hi6;
    final long lo6;
    final int port6;
    final int addr4;
    final int port4;
    final Key key6;
    final Key key4;
    /** Live session count; -1 once retired. */
    final AtomicInteger sessions = new AtomicInteger();
    /** The session most recently used: most bindings carry one flow, so this skips the session-table lookup. */
    volatile Session last;
    /** The client this binding belongs to (it pins it in {@link Clients}). */
    final Client client;
    /** Configured rather than created by traffic: never retired by the sweep. */
    volatile boolean isStatic;
    /** Made by the port allocator (its port goes back to it when the binding goes); false for static ones. */
    final boolean allocated;

    BibEntry(int proto, long hi6, long lo6, int port6, int addr4, int port4, Key key6, Key key4, Client client,
             boolean isStatic) {
        this.client = client;
        this.isStatic = isStatic;
        this.allocated = !isStatic;
        this.proto = proto;
        this.hi6 = hi6;
        this.lo6 = lo6;
        this.port6 = port6;
        this.addr4 = addr4;
        this.port4 = port4;
        this.key6 = key6;
        this.key4 = key4;
    }

    /** Adds a session unless the entry was retired. */
    boolean retain() {
        while (true) {
            int n = sessions.get();
            if (n < 0) {
                return false;
            }
            if (sessions.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public int proto() {
        return proto;
    }

    public int addr4() {
        return addr4;
    }

    public int port4() {
        return port4;
    }

    public int port6() {
        return port6;
    }

    public boolean isStatic() {
        return isStatic;
    }

    /** The IPv6 address's first and last eight bytes (no allocation, unlike {@link #addr6()}). */
    public long addr6Hi() {
        return hi6;
    }

    public long addr6Lo() {
        return lo6;
    }

    public byte[] addr6() {
        byte[] b = new byte[16];
        Bytes.put64(b, 0, hi6);
        Bytes.put64(b, 8, lo6);
        return b;
    }

    @Override
    public String toString() {
        return protoName(proto) + " [" + Nat64Prefix.format(addr6()) + "]:" + port6 + " <-> " + Bytes.ipv4(addr4) + ":" + port4;
    }

    static String protoName(int proto) {
        return switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            default -> "icmp";
        };
    }
}
