package net.gate64.nat64.state;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One IPv6 client of stateful NAT64: an address, or the prefix of {@code client-prefix-length} bits that stands for
 * a subscriber. It counts the client's sessions (for {@code max-sessions-per-client}) and, with port blocks, holds
 * the client's paired pool4 address and blocks (RFC 6888 REQ-2, REQ-4). {@link Clients} keeps it while it has
 * bindings.
 *
 * <p>Port-block fields are guarded by the object's monitor; {@link #refs} only by {@link Clients}' map.
 */
final class Client {
    static final int NO_ADDRESS = 0;

    final long hi;
    final long lo;
    final Key key;
    /** Bindings (dynamic and static) that pin this client; changed inside the Clients map's compute only. */
    int refs;
    final AtomicInteger sessions = new AtomicInteger();
    /** The pool4 address all of the client's blocks are on (paired pooling); {@link #NO_ADDRESS} without blocks. */
    int addr4;
    /** Block indexes on {@link #addr4} held by this client, and how many bindings each one carries. */
    final int[] blocks;
    final int[] use;
    int blockCount;

    Client(long hi, long lo, Key key, int maxBlocks) {
        this.hi = hi;
        this.lo = lo;
        this.key = key;
        this.blocks = new int[maxBlocks];
        this.use = new int[maxBlocks];
    }

    /** The slot of block {@code b} among the client's blocks, or -1. */
    int slotOf(int b) {
        for (int i = 0; i < blockCount; i++) {
            if (blocks[i] == b) {
                return i;
            }
        }
        return -1;
    }

    void addBlock(int b) {
        blocks[blockCount] = b;
        use[blockCount] = 0;
        blockCount++;
    }

    void removeSlot(int i) {
        blockCount--;
        blocks[i] = blocks[blockCount];
        use[i] = use[blockCount];
        if (blockCount == 0) {
            addr4 = NO_ADDRESS;
        }
    }

    /** A hash of the client for choosing its pool4 address: stable while it exists, spread over clients. */
    int hash() {
        long h = hi * 0x9E3779B97F4A7C15L + lo;
        return (int) (h ^ (h >>> 31));
    }
}
