package net.gate64.nat64.state;

import net.gate64.common.IpNetwork;

/**
 * How stateful NAT64 hands out pool4 ports to new bindings.
 *
 * <ul>
 *   <li>{@code clientPrefixLength}: how many leading bits of an IPv6 address make one client (128: every address;
 *       64: a subscriber's /64). Port blocks, paired pooling and {@code max-sessions-per-client} count per client.</li>
 *   <li>{@code preservePorts}: RFC 4787 REQ-3/REQ-4 and RFC 6146 §3.5.1.1: keep the client's source port when it is
 *       free (and, with blocks, take the block that holds it), otherwise a port of the same parity.</li>
 *   <li>{@code blockSize} 0: ports one by one from the shared range; otherwise every client gets blocks of that
 *       many consecutive ports on one pool4 address (RFC 6888 REQ-2 paired, bulk allocation), at most
 *       {@code blocksPerClient} of them.</li>
 *   <li>{@code deterministic} (with blocks): RFC 7422 deterministic mode, the clients inside this IPv6 prefix
 *       each own a fixed address and port range computed from their address (no allocation, no per-block log);
 *       null: dynamic blocks, taken when needed and given back when their last binding goes.</li>
 * </ul>
 */
public record PortPlan(int clientPrefixLength, boolean preservePorts, int blockSize, int blocksPerClient,
                       IpNetwork deterministic) {
    public static final PortPlan DEFAULT = new PortPlan(128, true, 0, 0, null);
    /** Smallest block: below this the per-address block bitmap stops being small. */
    public static final int MINIMUM_BLOCK = 16;

    public PortPlan {
        if (clientPrefixLength < 1 || clientPrefixLength > 128) {
            throw new IllegalArgumentException("client prefix length must be 1..128");
        }
        if (blockSize != 0 && blockSize < MINIMUM_BLOCK) {
            throw new IllegalArgumentException("a port block has at least " + MINIMUM_BLOCK + " ports");
        }
        if (blockSize > 0 && blocksPerClient < 1) {
            throw new IllegalArgumentException("port blocks need at least one block per client");
        }
        if (deterministic != null) {
            if (blockSize == 0) {
                throw new IllegalArgumentException("deterministic mode needs port blocks (port-block-size)");
            }
            if (deterministic.isIpv4() || deterministic.bits() > clientPrefixLength) {
                throw new IllegalArgumentException("the deterministic prefix must be an IPv6 prefix no longer than"
                        + " the client prefix length /" + clientPrefixLength);
            }
            if (clientPrefixLength - deterministic.bits() > 28) {
                throw new IllegalArgumentException("the deterministic prefix holds more than 2^28 clients");
            }
        }
    }

    public boolean blocks() {
        return blockSize > 0;
    }
}
