package net.gate64.nat64.state;

import java.util.concurrent.atomic.AtomicIntegerArray;
import net.gate64.common.IpNetwork;
import net.gate64.nat64.packet.Bytes;

/**
 * The IPv4 transport addresses stateful NAT64 hands out (RFC 6146 §3.5): every address of one IPv4 prefix, each
 * with the same port range (also used for ICMP identifiers). A client keeps one address for all its bindings while
 * ports last ("paired" pooling, RFC 6146 §3.5.1.1 recommends it) so that servers see a stable peer.
 */
public final class Pool4 {
    private final IpNetwork network;
    private final int base;
    private final int size;
    private final int portMin;
    private final int portMax;
    private final int excluded;
    /** Next port to try, per protocol slot (tcp, udp, icmp) and address. */
    private final AtomicIntegerArray cursors;

    /** {@code excluded} is an address of the prefix that must not be handed out (the gateway's own), or 0. */
    public Pool4(IpNetwork network, int portMin, int portMax, int excluded) {
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
        this.excluded = excluded;
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

    /** The address a client with this hash starts from. */
    int addressFor(int clientHash, int attempt) {
        int addr = base + Math.floorMod(clientHash + attempt, size);
        return addr;
    }

    boolean usable(int addr) {
        return addr != excluded || excluded == 0;
    }

    /** The next candidate port on {@code addr} for protocol slot {@code slot}. */
    int nextPort(int slot, int addr) {
        int range = portMax - portMin + 1;
        int i = slot * size + (addr - base);
        return portMin + Math.floorMod(cursors.getAndIncrement(i), range);
    }

    int portCount() {
        return portMax - portMin + 1;
    }
}
