package net.gate64.nat64.translate;

/**
 * IPv4 ranges that are not globally reachable (RFC 6890 and the IANA special-purpose registry), which RFC 6052 §3.1
 * forbids representing with the well-known prefix 64:ff9b::/96. Multicast and the reserved block are listed too: they
 * are never valid unicast destinations to translate.
 */
public final class NonGlobalIpv4 {
    private static final int[][] RANGES = {
        {0x00000000, 8},  // 0.0.0.0/8 "this network"
        {0x0a000000, 8},  // 10.0.0.0/8 private
        {0x64400000, 10}, // 100.64.0.0/10 shared address space (CGN)
        {0x7f000000, 8},  // 127.0.0.0/8 loopback
        {0xa9fe0000, 16}, // 169.254.0.0/16 link-local
        {0xac100000, 12}, // 172.16.0.0/12 private
        {0xc0000000, 24}, // 192.0.0.0/24 IETF protocol assignments
        {0xc0000200, 24}, // 192.0.2.0/24 TEST-NET-1
        {0xc0586300, 24}, // 192.88.99.0/24 deprecated 6to4 relay anycast
        {0xc0a80000, 16}, // 192.168.0.0/16 private
        {0xc6120000, 15}, // 198.18.0.0/15 benchmarking
        {0xc6336400, 24}, // 198.51.100.0/24 TEST-NET-2
        {0xcb007100, 24}, // 203.0.113.0/24 TEST-NET-3
        {0xe0000000, 4},  // 224.0.0.0/4 multicast
        {0xf0000000, 4},  // 240.0.0.0/4 reserved, includes 255.255.255.255
    };

    private NonGlobalIpv4() {}

    public static boolean contains(int addr) {
        for (int[] r : RANGES) {
            int mask = -1 << (32 - r[1]);
            if ((addr & mask) == r[0]) {
                return true;
            }
        }
        return false;
    }
}
