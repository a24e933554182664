package net.gate64.resolver.dns64;

import java.util.List;
import net.gate64.common.Nat64Prefix;
import org.xbill.DNS.Name;

/**
 * ip6.arpa names of addresses inside a prefix, and their in-addr.arpa counterparts (RFC 6147 §5.3.1).
 */
public final class ReverseNames {
    public static final Name IP6_ARPA = Name.fromConstantString("ip6.arpa.");
    public static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");

    private ReverseNames() {}

    /** The outcome of mapping an ip6.arpa name. */
    public sealed interface Mapping {}

    /** The name is not under any of the prefixes: resolve it normally. */
    public record NotOurs() implements Mapping {}

    /** Under a prefix but not an address DNS64 could have made (too short, non-zero u octet or suffix). */
    public record Unmappable(Nat64Prefix prefix) implements Mapping {}

    /** The in-addr.arpa name of the embedded IPv4 address. */
    public record Mapped(Nat64Prefix prefix, Name inAddrArpa, byte[] ipv4) implements Mapping {}

    /** Maps {@code qname} using the longest prefix whose reverse zone contains it. */
    public static Mapping map(Name qname, List<Nat64Prefix> prefixes) {
        if (!qname.subdomain(IP6_ARPA)) {
            return new NotOurs();
        }
        int nibbleCount = qname.labels() - 3;
        int[] nibbles = new int[nibbleCount]; // most significant first
        for (int i = 0; i < nibbleCount; i++) {
            byte[] label = qname.getLabel(nibbleCount - 1 - i);
            if (label.length != 2) {
                return nibbleCount >= 0 ? unmappableIfUnder(qname, prefixes) : new NotOurs();
            }
            int v = Character.digit(label[1], 16);
            if (v < 0) {
                return unmappableIfUnder(qname, prefixes);
            }
            nibbles[i] = v;
        }
        Nat64Prefix best = null;
        for (Nat64Prefix p : prefixes) {
            if (under(nibbles, p) && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        if (best == null) {
            return new NotOurs();
        }
        if (nibbleCount != 32) {
            return new Unmappable(best);
        }
        byte[] address = new byte[16];
        for (int i = 0; i < 16; i++) {
            address[i] = (byte) ((nibbles[2 * i] << 4) | nibbles[2 * i + 1]);
        }
        byte[] v4 = best.extract(address);
        if (v4 == null || !java.util.Arrays.equals(best.embed(v4), address)) {
            return new Unmappable(best); // u octet or suffix bits set: not an address DNS64 synthesises
        }
        Name inAddr = Name.fromConstantString((v4[3] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[1] & 0xff) + "."
                + (v4[0] & 0xff) + ".in-addr.arpa.");
        return new Mapped(best, inAddr, v4);
    }

    private static boolean under(int[] nibbles, Nat64Prefix p) {
        int need = p.length() / 4;
        if (nibbles.length < need) {
            return false;
        }
        byte[] b = p.bytes();
        for (int i = 0; i < need; i++) {
            int n = (i % 2 == 0) ? (b[i / 2] >> 4) & 0xf : b[i / 2] & 0xf;
            if (nibbles[i] != n) {
                return false;
            }
        }
        return true;
    }

    /** A name with a malformed label: unmappable if its well-formed leading nibbles sit under a prefix. */
    private static Mapping unmappableIfUnder(Name qname, List<Nat64Prefix> prefixes) {
        int count = qname.labels() - 3;
        int[] nibbles = new int[count];
        int good = 0;
        for (int i = 0; i < count; i++) {
            byte[] label = qname.getLabel(count - 1 - i);
            int v = label.length == 2 ? Character.digit(label[1], 16) : -1;
            if (v < 0) {
                break;
            }
            nibbles[good++] = v;
        }
        int[] prefix = java.util.Arrays.copyOf(nibbles, good);
        for (Nat64Prefix p : prefixes) {
            if (under(prefix, p)) {
                return new Unmappable(p);
            }
        }
        return new NotOurs();
    }

    /** The ip6.arpa zone of a prefix (its whole nibbles). */
    public static Name zone(Nat64Prefix p) {
        byte[] b = p.bytes();
        StringBuilder sb = new StringBuilder();
        for (int i = p.length() / 4 - 1; i >= 0; i--) {
            int n = (i % 2 == 0) ? (b[i / 2] >> 4) & 0xf : b[i / 2] & 0xf;
            sb.append(Character.forDigit(n, 16)).append('.');
        }
        return Name.fromConstantString(sb + "ip6.arpa.");
    }
}
