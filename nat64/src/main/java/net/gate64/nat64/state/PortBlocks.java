package net.gate64.nat64.state;

/**
 * The blocks a pool4 address's port range is cut into (block b covers {@code portMin + b * size} and the
 * {@code size - 1} ports after it; the last partial block, if any, is not used), and which of them are taken, as one
 * bitmap per address created on first use. Block allocation is rare (once per client per {@code size} bindings), so
 * it is simply synchronized.
 */
final class PortBlocks {
    final int size;
    final int perAddress;
    final int perClient;
    private final Pool4 pool4;
    private final long[][] taken;
    private final int[] cursor;
    private int inUse;

    PortBlocks(Pool4 pool4, int size, int perClient) {
        this.pool4 = pool4;
        this.size = size;
        this.perAddress = pool4.portCount() / size;
        if (perAddress < 1) {
            throw new IllegalArgumentException("a block of " + size + " ports does not fit the port range "
                    + pool4.portMin() + "-" + pool4.portMax());
        }
        if (perClient > perAddress) {
            throw new IllegalArgumentException(perClient + " blocks per client do not fit on one address ("
                    + perAddress + " blocks of " + size + " ports)");
        }
        this.perClient = perClient;
        this.taken = new long[pool4.size()][];
        this.cursor = new int[pool4.size()];
    }

    int firstPort(int block) {
        return pool4.portMin() + block * size;
    }

    int lastPort(int block) {
        return firstPort(block) + size - 1;
    }

    /** The block holding {@code port}, or -1 outside every block. */
    int blockOf(int port) {
        int off = port - pool4.portMin();
        int b = off < 0 ? -1 : off / size;
        return b < perAddress ? b : -1;
    }

    /** Takes block {@code b} on {@code addr}; false when it is taken. */
    synchronized boolean take(int addr, int b) {
        long[] map = map(addr);
        long bit = 1L << (b & 63);
        if ((map[b >>> 6] & bit) != 0) {
            return false;
        }
        map[b >>> 6] |= bit;
        inUse++;
        return true;
    }

    /** Takes a free block on {@code addr}, round robin from the last one handed out there; -1 when none is left. */
    synchronized int takeAny(int addr) {
        int i = pool4.indexOf(addr);
        long[] map = map(addr);
        for (int n = 0; n < perAddress; n++) {
            int b = (cursor[i] + n) % perAddress;
            long bit = 1L << (b & 63);
            if ((map[b >>> 6] & bit) == 0) {
                map[b >>> 6] |= bit;
                cursor[i] = (b + 1) % perAddress;
                inUse++;
                return b;
            }
        }
        return -1;
    }

    synchronized void free(int addr, int b) {
        long[] map = map(addr);
        long bit = 1L << (b & 63);
        if ((map[b >>> 6] & bit) != 0) {
            map[b >>> 6] &= ~bit;
            inUse--;
        }
    }

    synchronized int inUse() {
        return inUse;
    }

    int total() {
        return perAddress * pool4.size();
    }

    private long[] map(int addr) {
        int i = pool4.indexOf(addr);
        long[] map = taken[i];
        if (map == null) {
            map = new long[(perAddress + 63) >>> 6];
            taken[i] = map;
        }
        return map;
    }
}
