package net.gate64.nat64.state;

/**
 * A table key of up to three longs. Lookups use one mutable instance per worker thread (no allocation per packet);
 * only inserted keys are fresh {@link #copy()}s, which are never mutated again.
 */
final class Key {
    long a;
    long b;
    long c;

    Key set(long a, long b, long c) {
        this.a = a;
        this.b = b;
        this.c = c;
        return this;
    }

    Key copy() {
        return new Key().set(a, b, c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && k.a == a && k.b == b && k.c == c;
    }

    @Override
    public int hashCode() {
        long h = a * 0x9E3779B97F4A7C15L + b;
        h = h * 0x9E3779B97F4A7C15L + c;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** Key of the IPv4 side of a binding: protocol, pool address, pool port. */
    static long ipv4Transport(int proto, int addr, int port) {
        return ((long) proto << 48) | ((addr & 0xffffffffL) << 16) | (port & 0xffff);
    }
}
