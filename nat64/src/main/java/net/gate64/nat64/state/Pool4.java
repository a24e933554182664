package net.gate64.nat64.state;

import java.util.concurrent.atomic.AtomicIntegerArray;
import net.gate64.common.IpNetwork;
import net.gate64.nat64.packet.Bytes;

/**
 * The IPv4 transport addresses stateful NAT64 hands out (RFC 6146 §3.5): every address of one IPv4 prefix, each
 * with the same port range (also used for ICMP identifiers). A client keeps one address for all its bindings while
 * ports last ("paired" pooling, RFC 6146 §3.5.1.1, RFC 4787 REQ-2) so that servers see a stable peer. The gateway's
 * own {@code ipv4-address} may lie inside the pool: it only ever sources ICMP errors, so its ports are handed out
 * like any other address's (a /32 pool works).
 */
public final class Pool4 {
    private final IpNetwork network;
    private final int base;
    private final int size;
    private final int portMin;
    private final int portMax;
    /** Next port to try, per protocol slot (tcp, udp, icmp) and address. */
    private final AtomicIntegerArray cursors;

    public Pool4(IpNetwork network, int portMin, int portMax) {
        if (!network.isIpv4()) {
            throw new IllegalArgumentException("pool4 must be an IPv4 prefix, got " + network);
        }
        if (network.bits() < 16) {
            throw new IllegalArgumentException("pool4 " + network + " is larger than a /16");
        }
        if (portMin < 1 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException("port range " + portMin + "-" + portMax + " must lie in 1-65535");
        }
        this.network = network;
        this.base = Bytes.i32(network.network(), 0);
        this.size = 1 << (32 - network.bits());
        this.portMin = portMin;
        this.portMax = portMax;
        this.cursors = new AtomicIntegerArray(3 * size);
    }

    public boolean contains(int addr) {
        return ((addr - base) & 0xffffffffL) < size;
    }

    public int size() {
        return size;
    }

    public int portMin() {
        return portMin;
    }

    public int portMax() {
        return portMax;
    }

    public IpNetwork network() {
        return network;
    }

    int base() {
        return base;
    }

    /** The index of an address of the pool (0 = the first). */
    int indexOf(int addr) {
        return addr - base;
    }

    /** The address a client with this hash tries on its {@code attempt}th try. */
    int addressFor(int clientHash, int attempt) {
        return base + Math.floorMod(clientHash + attempt, size);
    }

    boolean portInRange(int port) {
        return port >= portMin && port <= portMax;
    }

    /** A starting point for the port search on {@code addr} for protocol slot {@code slot}: round robin. */
    int nextPort(int slot, int addr) {
        int range = portMax - portMin + 1;
        int i = slot * size + (addr - base);
        return portMin + Math.floorMod(cursors.getAndIncrement(i), range);
    }

    int portCount() {
        return portMax - portMin + 1;
    }

    static int slot(int proto) {
        return proto == 6 ? 0 : proto == 17 ? 1 : 2;
    }
}
