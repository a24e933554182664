package net.gate64.nat64.state;

import net.gate64.common.IpNetwork;
import net.gate64.nat64.packet.Bytes;

/**
 * RFC 7422-style deterministic port ranges: the clients inside one IPv6 prefix are numbered by the bits between
 * the prefix and {@code client-prefix-length}; client i owns, for good, pool4 address {@code base + i / k} and the
 * {@code blocksPerClient} consecutive blocks starting at block {@code (i mod k) * blocksPerClient}, where k is how
 * many clients fit on one address. Who had address A port P at any time is then a computation, not a log lookup
 * ({@link #clientOf}).
 */
final class DeterministicMap {
    private final long prefixHi;
    private final long prefixLo;
    private final int prefixLength;
    private final int clientLength;
    private final int clients;
    private final int perAddress;
    private final int blocksPerClient;
    private final Pool4 pool4;
    private final PortBlocks geometry;

    DeterministicMap(IpNetwork prefix, int clientLength, Pool4 pool4, PortBlocks geometry) {
        this.prefixHi = Bytes.i64(prefix.network(), 0);
        this.prefixLo = Bytes.i64(prefix.network(), 8);
        this.prefixLength = prefix.bits();
        this.clientLength = clientLength;
        this.clients = 1 << (clientLength - prefixLength);
        this.blocksPerClient = geometry.perClient;
        this.perAddress = geometry.perAddress / blocksPerClient;
        this.pool4 = pool4;
        this.geometry = geometry;
        long capacity = (long) perAddress * pool4.size();
        if (clients > capacity) {
            throw new IllegalArgumentException(prefix + " in /" + clientLength + " clients makes " + clients
                    + " clients, but pool4 " + pool4.network() + " holds " + capacity + " ranges of "
                    + blocksPerClient + " x " + geometry.size + " ports");
        }
    }

    /** The number of a client (its masked address), or -1 when it lies outside the prefix. */
    int index(long hi, long lo) {
        if (!inside(hi, lo)) {
            return -1;
        }
        int hostBits = clientLength - prefixLength;
        // the client number is the address's bits [prefixLength, clientLength)
        long bits;
        if (clientLength <= 64) {
            bits = hi >>> (64 - clientLength);
        } else if (prefixLength >= 64) {
            bits = lo >>> (128 - clientLength);
        } else {
            bits = (hi << (clientLength - 64)) | (lo >>> (128 - clientLength));
        }
        return (int) (bits & ((1L << hostBits) - 1));
    }

    private boolean inside(long hi, long lo) {
        if (prefixLength <= 64) {
            long mask = prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
            return (hi & mask) == prefixHi;
        }
        long mask = -1L << (128 - prefixLength);
        return hi == prefixHi && (lo & mask) == prefixLo;
    }

    int address(int index) {
        return pool4.base() + index / perAddress;
    }

    int firstPort(int index) {
        return geometry.firstPort((index % perAddress) * blocksPerClient);
    }

    int lastPort(int index) {
        return firstPort(index) + blocksPerClient * geometry.size - 1;
    }

    /** The client number holding {@code port} on {@code addr}, or -1 (outside every range or every client). */
    int clientOf(int addr, int port) {
        if (!pool4.contains(addr)) {
            return -1;
        }
        int block = geometry.blockOf(port);
        if (block < 0 || block / blocksPerClient >= perAddress) {
            return -1;
        }
        int index = pool4.indexOf(addr) * perAddress + block / blocksPerClient;
        return index < clients ? index : -1;
    }

    int clients() {
        return clients;
    }

    int clientsPerAddress() {
        return perAddress;
    }
}
