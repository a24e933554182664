package net.gate64.nat64.siit;

import net.gate64.common.EamTable;
import net.gate64.nat64.translate.AddressMapper;
import net.gate64.nat64.translate.DropReason;
import net.gate64.nat64.translate.Flow;
import net.gate64.nat64.translate.Pool6;

/**
 * Stateless address mapping (SIIT, RFC 7915 with RFC 7757 EAM): every address is mapped on its own, first by the EAM
 * table, then by RFC 6052 embedding in pool6. Ports never change and no state is kept, so quoted packets inside ICMP
 * errors are mapped exactly like outer packets.
 *
 * <p>Hairpinning (RFC 7757 §4.2.2, "intrinsic"): an IPv6 host with an EAM address that sends to the pool6 form of
 * another EAM host gets an IPv4 destination inside the EAM table; the packet is translated straight back inside the
 * translator with the source in pool6 form and the destination in EAM form, so that the answer comes back the same
 * way (the quoted packet of a hairpinned ICMP error is the mirror: source in EAM form, destination in pool6 form).
 * Sources of ICMP errors with no form on the other side come from the RFC 6791 pools.
 */
public final class SiitMapper implements AddressMapper {
    private final Pool6 pool6;
    private final EamTable eam;
    private final Rfc6791Pool icmpSources;
    private final byte[] scratch = new byte[16];

    public SiitMapper(Pool6 pool6, EamTable eam, Rfc6791Pool icmpSources) {
        this.pool6 = pool6;
        this.eam = eam;
        this.icmpSources = icmpSources;
    }

    @Override
    public void map6to4(Flow f) {
        long src = toIpv4(f.src6, f);
        long dst = src < 0 ? src : toIpv4(f.dst6, f);
        if (src < 0 || dst < 0) {
            f.drop = (src == Pool6.FORBIDDEN || dst == Pool6.FORBIDDEN) ? DropReason.NON_GLOBAL : DropReason.NOT_IN_POOL6;
            return;
        }
        f.src4 = (int) src;
        f.dst4 = (int) dst;
    }

    @Override
    public void map4to6(Flow f) {
        boolean src = f.hairpin ? pool6Form(f.src4, f.src6) : toIpv6(f.src4, f.src6);
        if (!src || !toIpv6(f.dst4, f.dst6)) {
            // Either address has no IPv6 form: outside every EAM entry with no pool6, or barred by RFC 6052 §3.1.
            boolean barred = !pool6.isEmpty() && (forbidden(f.src4) || forbidden(f.dst4));
            f.drop = barred ? DropReason.NON_GLOBAL : DropReason.NOT_IN_POOL4;
        }
    }

    private boolean forbidden(int v4) {
        return !eam.toIpv6(v4, scratch, 0) && !pool6.toIpv6(0, v4, scratch, 0);
    }

    @Override
    public void mapInner6to4(Flow f) {
        map6to4(f);
    }

    @Override
    public void mapInner4to6(Flow f) {
        if (!f.hairpin) {
            map4to6(f);
            return;
        }
        // The quoted packet of a hairpinned error went the other way: EAM source, destination in pool6 form.
        if (!toIpv6(f.src4, f.src6) || !pool6Form(f.dst4, f.dst6)) {
            f.drop = DropReason.NOT_IN_POOL4;
        }
    }

    @Override
    public long errorSource6to4(byte[] outerSrc6, Flow inner) {
        long v4 = toIpv4(outerSrc6, null);
        return v4 >= 0 ? v4 : icmpSources.ipv4Source() & 0xffffffffL; // RFC 6791: an untranslatable router
    }

    @Override
    public boolean errorSource4to6(int outerSrc4, Flow inner, byte[] dst) {
        if (inner.hairpin && !pool6.isEmpty()) {
            pool6.toIpv6Unchecked(0, outerSrc4, dst, 0);
            return true;
        }
        if (eam.toIpv6(outerSrc4, dst, 0)) {
            return true;
        }
        if (pool6.isEmpty()) {
            icmpSources.ipv6Source(dst, 0); // RFC 6791: EAM-only SIIT and a router outside the table
            return true;
        }
        pool6.toIpv6Unchecked(0, outerSrc4, dst, 0); // routers are often private: not filtered
        return true;
    }

    /** An IPv4 destination inside the EAM table stands for an IPv6 host: the packet is hairpinned. */
    @Override
    public boolean isOwnIpv4(int addr) {
        return !pool6.isEmpty() && eam.containsIpv4(addr);
    }

    private long toIpv4(byte[] a, Flow f) {
        long v4 = eam.toIpv4(a, 0);
        if (v4 >= 0) {
            return v4;
        }
        return pool6.isEmpty() ? Pool6.OUTSIDE : pool6.toIpv4(a, 0, f);
    }

    private boolean toIpv6(int v4, byte[] dst) {
        if (eam.toIpv6(v4, dst, 0)) {
            return true;
        }
        return !pool6.isEmpty() && pool6.toIpv6(0, v4, dst, 0);
    }

    private boolean pool6Form(int v4, byte[] dst) {
        return !pool6.isEmpty() && pool6.toIpv6(0, v4, dst, 0);
    }

    @Override
    public String toString() {
        return "siit pool6=" + pool6.prefixes() + " eam=" + eam.entries().size() + " " + icmpSources;
    }
}
