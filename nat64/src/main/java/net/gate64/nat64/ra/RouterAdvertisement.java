package net.gate64.nat64.ra;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import net.gate64.common.Nat64Prefix;

/**
 * The bytes of an ICMPv6 Router Advertisement (RFC 4861 §4.2) carrying the NAT64 prefixes in PREF64 options
 * (RFC 8781 §4) and, optionally, recursive DNS servers in an RDNSS option (RFC 8106 §5.1). Pure: the socket adds
 * the IPv6 header and the kernel the checksum.
 *
 * <p>PREF64 packs its lifetime and the prefix length into one 16-bit field: the lifetime in units of 8 seconds
 * (rounded up, at most 8191, i.e. 65528 s) in the high 13 bits, and a Prefix Length Code in the low 3 bits: 0 for
 * /96, 1 for /64, 2 for /56, 3 for /48, 4 for /40, 5 for /32. Only the first 96 bits of the prefix are sent.
 */
public final class RouterAdvertisement {
    static final int TYPE = 134;
    static final int OPT_SOURCE_LINK_ADDRESS = 1;
    static final int OPT_RDNSS = 25;
    static final int OPT_PREF64 = 38;
    /** RFC 8781 §4: 13 bits of 8-second units. */
    static final int MAX_SCALED_LIFETIME = 8191;

    private RouterAdvertisement() {}

    /**
     * @param routerLifetime 0: not a default router (hosts take the options, not a route), else up to 9000 s
     * @param linkAddress    the interface's MAC for the source link-layer address option, or null to leave it out
     * @param pref64Lifetime how long hosts may use the prefixes; zero withdraws them
     * @param rdnssLifetime  how long hosts may use the DNS servers; zero withdraws them
     */
    public static byte[] encode(Duration routerLifetime, byte[] linkAddress, List<Nat64Prefix> pref64,
                                Duration pref64Lifetime, List<byte[]> rdnss, Duration rdnssLifetime) {
        int length = 16 + (linkAddress != null ? roundUp8(2 + linkAddress.length) : 0) + 16 * pref64.size()
                + (rdnss.isEmpty() ? 0 : 8 + 16 * rdnss.size());
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) TYPE).put((byte) 0).putShort((short) 0); // checksum: computed by the kernel (RFC 3542 §3.1)
        b.put((byte) 0); // Cur Hop Limit 0: unspecified, hosts keep their own
        b.put((byte) 0); // M=0, O=0, preference medium
        b.putShort((short) Math.min(routerLifetime.toSeconds(), 9000));
        b.putInt(0).putInt(0); // Reachable Time, Retrans Timer: unspecified
        if (linkAddress != null) {
            int len = roundUp8(2 + linkAddress.length);
            b.put((byte) OPT_SOURCE_LINK_ADDRESS).put((byte) (len / 8)).put(linkAddress);
            b.position(b.position() + len - 2 - linkAddress.length);
        }
        for (Nat64Prefix p : pref64) {
            b.put((byte) OPT_PREF64).put((byte) 2).putShort((short) (scaledLifetime(pref64Lifetime) << 3 | plc(p)));
            b.put(p.bytes(), 0, 12);
        }
        if (!rdnss.isEmpty()) {
            b.put((byte) OPT_RDNSS).put((byte) (1 + 2 * rdnss.size())).putShort((short) 0)
                    .putInt((int) Math.min(rdnssLifetime.toSeconds(), 0xffffffffL));
            for (byte[] a : rdnss) {
                b.put(a);
            }
        }
        return b.array();
    }

    /** RFC 8781 §4.1: seconds rounded up to a multiple of 8, divided by 8, at most 8191. */
    static int scaledLifetime(Duration lifetime) {
        long units = (lifetime.toSeconds() + 7) / 8;
        return (int) Math.min(units, MAX_SCALED_LIFETIME);
    }

    /** RFC 8781 §4: the Prefix Length Code. */
    static int plc(Nat64Prefix p) {
        return switch (p.length()) {
            case 96 -> 0;
            case 64 -> 1;
            case 56 -> 2;
            case 48 -> 3;
            case 40 -> 4;
            case 32 -> 5;
            default -> throw new IllegalArgumentException("no PREF64 code for /" + p.length());
        };
    }

    private static int roundUp8(int n) {
        return (n + 7) & ~7;
    }
}
