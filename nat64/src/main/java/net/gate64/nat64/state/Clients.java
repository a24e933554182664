package net.gate64.nat64.state;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The IPv6 clients that have bindings, keyed by their address masked to {@code client-prefix-length} bits. A
 * binding pins its client: {@link #acquire} and {@link #release} run inside the map's per-key lock, so a client is
 * never removed while another thread is taking it (the under-count race of the old per-client counter map).
 */
final class Clients {
    private final ConcurrentHashMap<Key, Client> map = new ConcurrentHashMap<>();
    private final long maskHi;
    private final long maskLo;
    private final int prefixLength;
    private final int maxBlocks;

    /** {@code prefixLength}: how many leading bits of an IPv6 address make a client (1..128). */
    Clients(int prefixLength, int maxBlocks) {
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("client prefix length must be 1..128");
        }
        this.prefixLength = prefixLength;
        this.maskHi = prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
        this.maskLo = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
        this.maxBlocks = maxBlocks;
    }

    int prefixLength() {
        return prefixLength;
    }

    long maskHi(long hi) {
        return hi & maskHi;
    }

    long maskLo(long lo) {
        return lo & maskLo;
    }

    /** The client of this address, created when missing, with one more reference. */
    Client acquire(long hi, long lo) {
        long mh = hi & maskHi;
        long ml = lo & maskLo;
        return map.compute(new Key().set(mh, ml, 0), (k, c) -> {
            Client client = c != null ? c : new Client(mh, ml, k, maxBlocks);
            client.refs++;
            return client;
        });
    }

    /** Drops one reference; the last one removes the client. */
    void release(Client c) {
        map.computeIfPresent(c.key, (k, v) -> v != c ? v : --v.refs == 0 ? null : v);
    }

    int size() {
        return map.size();
    }
}
