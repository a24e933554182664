package net.gate64.resolver.query;

/** How a client query arrived. */
public enum Transport {
    UDP,
    TCP;

    public String label() {
        return this == UDP ? "udp" : "tcp";
    }
}
