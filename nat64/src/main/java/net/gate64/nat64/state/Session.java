package net.gate64.nat64.state;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import net.gate64.nat64.packet.Bytes;

/**
 * One session (RFC 6146 §3.2): a binding plus the IPv4 remote endpoint. The IPv6 view of the remote is
 * pool6[prefixIndex] + remote4, so only the index is kept.
 *
 * <p>The deadline is written by workers (refreshes) and by the expiry sweep, always by compare-and-set: the sweep
 * ends a session by swapping the deadline it found expired for {@link #DEAD}, which fails if a packet moved the
 * deadline meanwhile; a refresh fails on a dead session, and the packet then looks its state up again. So a session
 * is never removed in the instant a packet refreshes it (the race the table used to document), and a packet never
 * passes through a session that is gone. The TCP state is a plain volatile: last writer wins.
 */
public final class Session {
    /** The deadline of a session the sweep has ended. */
    static final long DEAD = Long.MIN_VALUE;
    private static final VarHandle EXPIRES;

    static {
        try {
            EXPIRES = MethodHandles.lookup().findVarHandle(Session.class, "expiresAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final BibEntry bib;
    final int remote4;
    final int remotePort;
    final int prefixIndex;
    final Key key;
    private volatile long expiresAt;
    volatile TcpState tcp;

    Session(BibEntry bib, int remote4, int remotePort, int prefixIndex, Key key, TcpState tcp, long expiresAt) {
        this.bib = bib;
        this.remote4 = remote4;
        this.remotePort = remotePort;
        this.prefixIndex = prefixIndex;
        this.key = key;
        this.tcp = tcp;
        this.expiresAt = expiresAt;
    }

    public BibEntry bib() {
        return bib;
    }

    public int remote4() {
        return remote4;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Which pool6 prefix the IPv6 view of the remote uses: pool6[prefixIndex] + remote4. */
    public int prefixIndex() {
        return prefixIndex;
    }

    public TcpState tcpState() {
        return tcp;
    }

    public long expiresAtNanos() {
        return expiresAt;
    }

    long deadline() {
        return expiresAt;
    }

    boolean isDead() {
        return expiresAt == DEAD;
    }

    /**
     * Moves the deadline to {@code deadline} when that is more than {@code slack} nanoseconds later than the current
     * one (refreshing at most about once per slack); false when the session is dead.
     */
    boolean refresh(long deadline, long slack) {
        while (true) {
            long current = expiresAt;
            if (current == DEAD) {
                return false;
            }
            if (deadline - current <= slack) {
                return true;
            }
            if (EXPIRES.compareAndSet(this, current, deadline)) {
                return true;
            }
        }
    }

    /** Sets the deadline outright (TCP state changes); false when the session is dead. */
    boolean setDeadline(long deadline) {
        while (true) {
            long current = expiresAt;
            if (current == DEAD) {
                return false;
            }
            if (EXPIRES.compareAndSet(this, current, deadline)) {
                return true;
            }
        }
    }

    /** Ends the session if its deadline is still {@code expired}: false when a packet refreshed it meanwhile. */
    boolean kill(long expired) {
        return expired != DEAD && EXPIRES.compareAndSet(this, expired, DEAD);
    }

    @Override
    public String toString() {
        return bib + " <-> " + Bytes.ipv4(remote4) + ":" + remotePort + (tcp != null ? " " + tcp : "");
    }
}
