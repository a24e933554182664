package net.gate64.nat64.state;

/**
 * What a new binding is for, filled by a worker and handed to the {@link PortAllocator} (one per worker, reused):
 * protocol, the IPv6 transport address and its client, the search budget left, and why it failed.
 */
final class BindingRequest {
    /** Why no binding could be made. */
    enum Refusal { POOL4, CLIENT_PORTS, OUTSIDE_MAP }

    /** Bounded search: a nearly full pool is found exhausted after this many port probes, not a scan of a /16. */
    static final int MAX_PROBES = 65536;

    int proto;
    long hi;
    long lo;
    int port6;
    /** The worker's lookup key for (address, protocol, port); copied into {@link #key6} when a binding is made. */
    Key lookup6;
    Key key6;
    Client client;
    int budget;
    Refusal refusal;
    final Key probe = new Key();

    BindingRequest set(int proto, long hi, long lo, int port6, Key lookup6) {
        this.proto = proto;
        this.hi = hi;
        this.lo = lo;
        this.port6 = port6;
        this.lookup6 = lookup6;
        this.key6 = null;
        this.client = null;
        this.budget = MAX_PROBES;
        this.refusal = null;
        return this;
    }
}
