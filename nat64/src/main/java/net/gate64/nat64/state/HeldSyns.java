package net.gate64.nat64.state;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Unsolicited IPv4 SYNs waiting for a simultaneous open (RFC 6146 §3.5.2.2): a SYN to a pool4 transport address
 * with no binding (or, with address-dependent filtering, from an address the client has not talked to) is kept for
 * {@code tcp-incoming-syn-timeout} (at least 6 s). When the IPv6 client opens the same connection meanwhile, the
 * stored SYN is dropped and the session starts in V4 INIT (the IPv4 side retransmits its SYN into the open
 * session); otherwise, when the time is up, an ICMP Port Unreachable quoting the SYN goes back to its sender.
 *
 * <p>Bounded ({@code max-held-syns}); a full store answers at once, as if the hold had passed. Every operation takes
 * the monitor, but the packet path only does so when something is held ({@link #size} is a volatile read).
 */
public final class HeldSyns {
    public static final int DEFAULT_CAPACITY = 64;
    /** The stored part of a SYN: what an ICMPv4 error may quote (576 - 20 - 8). */
    public static final int MAX_PACKET = 548;

    private final int capacity;
    private final long holdNanos;
    private final LongSupplier clock;
    private final long[] keyA;
    private final long[] keyB;
    private final long[] deadline;
    private final byte[][] packets;
    private final int[] lengths;
    private volatile int size;
    final LongAdder heldTotal = new LongAdder();
    final LongAdder expiredTotal = new LongAdder();
    final LongAdder openedTotal = new LongAdder();

    HeldSyns(int capacity, long holdNanos, LongSupplier clock) {
        this.capacity = capacity;
        this.holdNanos = holdNanos;
        this.clock = clock;
        this.keyA = new long[capacity];
        this.keyB = new long[capacity];
        this.deadline = new long[capacity];
        this.packets = new byte[capacity][];
        this.lengths = new int[capacity];
    }

    /** Key halves: the pool4 transport address the SYN went to, and its source. */
    static long sessionKeyB(int remote4, int remotePort) {
        return ((remote4 & 0xffffffffL) << 16) | remotePort;
    }

    /**
     * Stores the SYN {@code packet[0..len)} sent to {@code (a)} from {@code (b)}; false when the store is full (the
     * caller answers at once). A retransmission of a held SYN keeps the first one's deadline.
     */
    synchronized boolean hold(long a, long b, byte[] packet, int len) {
        int free = -1;
        for (int i = 0; i < size; i++) {
            if (keyA[i] == a && keyB[i] == b) {
                return true;
            }
        }
        if (size >= capacity) {
            return false;
        }
        free = size;
        if (packets[free] == null) {
            packets[free] = new byte[MAX_PACKET];
        }
        int n = Math.min(len, MAX_PACKET);
        System.arraycopy(packet, 0, packets[free], 0, n);
        lengths[free] = n;
        keyA[free] = a;
        keyB[free] = b;
        deadline[free] = clock.getAsLong() + holdNanos;
        size = free + 1;
        heldTotal.increment();
        return true;
    }

    /** Drops the held SYN of this session if there is one (the IPv6 side opened it): true when there was. */
    boolean take(long a, long b) {
        if (size == 0) {
            return false;
        }
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                if (keyA[i] == a && keyB[i] == b) {
                    remove(i);
                    openedTotal.increment();
                    return true;
                }
            }
            return false;
        }
    }

    /** Moves one SYN whose time is up into {@code out} and returns its length; 0 when none is due. */
    public int takeExpired(byte[] out) {
        if (size == 0) {
            return 0;
        }
        synchronized (this) {
            long now = clock.getAsLong();
            for (int i = 0; i < size; i++) {
                if (now - deadline[i] >= 0) {
                    int n = lengths[i];
                    System.arraycopy(packets[i], 0, out, 0, n);
                    remove(i);
                    expiredTotal.increment();
                    return n;
                }
            }
            return 0;
        }
    }

    private void remove(int i) {
        int last = size - 1;
        if (i != last) { // keep the slots dense: swap the last one in (its buffer too)
            byte[] p = packets[i];
            packets[i] = packets[last];
            packets[last] = p;
            lengths[i] = lengths[last];
            keyA[i] = keyA[last];
            keyB[i] = keyB[last];
            deadline[i] = deadline[last];
        }
        size = last;
    }

    public int size() {
        return size;
    }

    public long heldTotal() {
        return heldTotal.sum();
    }

    public long expiredTotal() {
        return expiredTotal.sum();
    }

    public long openedTotal() {
        return openedTotal.sum();
    }
}
