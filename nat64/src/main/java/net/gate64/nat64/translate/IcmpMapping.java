package net.gate64.nat64.translate;

/**
 * The ICMP type/code and Parameter Problem pointer tables of RFC 7915 §4.2 (ICMPv4 → ICMPv6) and §5.2 (ICMPv6 →
 * ICMPv4). Results are packed as {@code type << 8 | code}; -1 means "silently drop".
 */
public final class IcmpMapping {
    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_UNREACHABLE = 3;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;
    public static final int V6_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    private IcmpMapping() {}

    /** Whether an ICMPv4 type is an error message (RFC 792/1812), about which no error may be sent. */
    public static boolean isV4Error(int type) {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** ICMPv4 error → ICMPv6 error (RFC 7915 §4.2). */
    public static int errorV4toV6(int type, int code) {
        return switch (type) {
            case V4_UNREACHABLE -> switch (code) {
                case 0, 1, 5, 6, 7, 8, 11, 12 -> pack(V6_UNREACHABLE, 0); // net/host unreachable family, source route
                case 2 -> pack(V6_PARAMETER_PROBLEM, 1); // protocol unreachable: unrecognised next header, pointer 6
                case 3 -> pack(V6_UNREACHABLE, 4); // port unreachable
                case 4 -> pack(V6_PACKET_TOO_BIG, 0); // fragmentation needed
                case 9, 10, 13, 15 -> pack(V6_UNREACHABLE, 1); // administratively prohibited
                default -> -1; // 14 host precedence violation and unknown codes
            };
            case V4_TIME_EXCEEDED -> code <= 1 ? pack(V6_TIME_EXCEEDED, code) : -1;
            case V4_PARAMETER_PROBLEM -> code == 0 || code == 2 ? pack(V6_PARAMETER_PROBLEM, 0) : -1;
            default -> -1; // source quench, redirect, timestamp, information, router messages
        };
    }

    /** ICMPv6 error → ICMPv4 error (RFC 7915 §5.2). */
    public static int errorV6toV4(int type, int code) {
        return switch (type) {
            case V6_UNREACHABLE -> switch (code) {
                case 0, 2, 3 -> pack(V4_UNREACHABLE, 1); // no route, beyond scope, address unreachable → host
                case 1 -> pack(V4_UNREACHABLE, 10); // administratively prohibited → host prohibited
                case 4 -> pack(V4_UNREACHABLE, 3); // port unreachable
                default -> -1;
            };
            case V6_PACKET_TOO_BIG -> pack(V4_UNREACHABLE, 4);
            case V6_TIME_EXCEEDED -> code <= 1 ? pack(V4_TIME_EXCEEDED, code) : -1;
            case V6_PARAMETER_PROBLEM -> switch (code) {
                case 0 -> pack(V4_PARAMETER_PROBLEM, 0);
                case 1 -> pack(V4_UNREACHABLE, 2); // unrecognised next header → protocol unreachable
                default -> -1;
            };
            default -> -1;
        };
    }

    /** IPv4 header pointer → IPv6 header pointer (RFC 7915 §4.2, Figure 3); -1 when the field has no counterpart. */
    public static int pointerV4toV6(int p) {
        if (p == 0 || p == 1) {
            return p; // version/IHL → version/traffic class; TOS → traffic class
        }
        if (p == 2 || p == 3) {
            return 4; // total length → payload length
        }
        if (p == 8) {
            return 7; // TTL → hop limit
        }
        if (p == 9) {
            return 6; // protocol → next header
        }
        if (p >= 12 && p <= 15) {
            return 8; // source address
        }
        if (p >= 16 && p <= 19) {
            return 24; // destination address
        }
        return -1; // identification, flags, fragment offset, header checksum, options
    }

    /** IPv6 header pointer → IPv4 header pointer (RFC 7915 §5.2, Figure 6); -1 when untranslatable. */
    public static int pointerV6toV4(int p) {
        if (p == 0 || p == 1) {
            return p;
        }
        if (p == 4 || p == 5) {
            return 2;
        }
        if (p == 6) {
            return 9;
        }
        if (p == 7) {
            return 8;
        }
        if (p >= 8 && p <= 23) {
            return 12;
        }
        if (p >= 24 && p <= 39) {
            return 16;
        }
        return -1; // flow label
    }

    /** RFC 1191 plateau below {@code totalLength}, for a Fragmentation Needed that carries MTU 0 (RFC 7915 §4.2). */
    public static int plateauBelow(int totalLength) {
        int[] plateaus = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};
        for (int p : plateaus) {
            if (p < totalLength) {
                return p;
            }
        }
        return 68;
    }

    private static int pack(int type, int code) {
        return type << 8 | code;
    }
}
