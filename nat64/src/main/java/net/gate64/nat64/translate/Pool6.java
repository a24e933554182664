package net.gate64.nat64.translate;

import java.util.List;
import net.gate64.common.Nat64Prefix;

/**
 * The IPv6 prefixes that stand for the IPv4 Internet ({@code pool6}), with the RFC 6052 §3.1 rule: the well-known
 * prefix never carries a non-global IPv4 address unless the operator allowed it (e.g. a lab or an internal network).
 */
public final class Pool6 {
    /** {@link #toIpv4} result: the address is not inside any prefix. */
    public static final long OUTSIDE = -1;
    /** {@link #toIpv4} result: inside the well-known prefix but the IPv4 address is not global. */
    public static final long FORBIDDEN = -2;

    private final Nat64Prefix[] prefixes;
    private final boolean allowNonGlobal;

    public Pool6(List<Nat64Prefix> prefixes, boolean allowNonGlobal) {
        this.prefixes = prefixes.toArray(Nat64Prefix[]::new);
        this.allowNonGlobal = allowNonGlobal;
    }

    public boolean isEmpty() {
        return prefixes.length == 0;
    }

    public List<Nat64Prefix> prefixes() {
        return List.of(prefixes);
    }

    /**
     * The IPv4 address embedded in {@code b[off..off+16)}, or {@link #OUTSIDE} / {@link #FORBIDDEN}. When found,
     * {@code f.prefixIndex} (if f is not null) is set to the prefix used so replies go back under the same prefix.
     */
    public long toIpv4(byte[] b, int off, Flow f) {
        for (int i = 0; i < prefixes.length; i++) {
            long v4 = prefixes[i].extract(b, off);
            if (v4 >= 0) {
                if (!allowed(i, (int) v4)) {
                    return FORBIDDEN;
                }
                if (f != null) {
                    f.prefixIndex = i;
                }
                return v4;
            }
        }
        return OUTSIDE;
    }

    /** Writes prefix {@code index} + {@code v4} into {@code dst}; false when the rule above forbids it. */
    public boolean toIpv6(int index, int v4, byte[] dst, int off) {
        if (!allowed(index, v4)) {
            return false;
        }
        prefixes[index].embed(v4, dst, off);
        return true;
    }

    /** Embeds without the non-global rule: for the sources of ICMP errors from IPv4 routers (often private). */
    public void toIpv6Unchecked(int index, int v4, byte[] dst, int off) {
        prefixes[index].embed(v4, dst, off);
    }

    private boolean allowed(int index, int v4) {
        return allowNonGlobal || !prefixes[index].isWellKnown() || !NonGlobalIpv4.contains(v4);
    }
}
