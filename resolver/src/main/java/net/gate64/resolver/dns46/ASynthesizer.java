package net.gate64.resolver.dns46;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.gate64.common.EamTable;
import net.gate64.common.NetworkSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;

/**
 * The pure part of DNS46: which A records count (the {@code dns46-exclude} set, the counterpart of RFC 6147 §5.1.4),
 * which AAAA records can be mapped (those inside an EAM entry's IPv6 prefix, longest prefix first: RFC 7757 §3.2),
 * and the synthesised A records themselves, with the TTL rule of RFC 6147 §5.1.7 turned around.
 */
public final class ASynthesizer {
    private final EamTable eam;
    private final NetworkSet exclude;

    public ASynthesizer(EamTable eam, NetworkSet exclude) {
        this.eam = eam;
        this.exclude = exclude;
    }

    /** Whether this A record is to be treated as absent. */
    public boolean excluded(ARecord a) {
        return exclude.contains(a.getAddress().getAddress());
    }

    /** The records with excluded A records removed. */
    public List<Record> withoutExcluded(List<Record> records) {
        List<Record> out = new ArrayList<>(records.size());
        for (Record r : records) {
            if (!(r instanceof ARecord a && excluded(a))) {
                out.add(r);
            }
        }
        return out;
    }

    /** The IPv4 address an IPv6 address stands for through the EAM table, or null when no entry covers it. */
    public byte[] toIpv4(byte[] ipv6) {
        long v4 = eam.toIpv4(ipv6, 0);
        if (v4 < 0) {
            return null;
        }
        return new byte[] {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
    }

    /** The IPv6 address an IPv4 address stands for through the EAM table, or null when no entry covers it. */
    public byte[] toIpv6(byte[] ipv4) {
        int v4 = ((ipv4[0] & 0xff) << 24) | ((ipv4[1] & 0xff) << 16) | ((ipv4[2] & 0xff) << 8) | (ipv4[3] & 0xff);
        byte[] out = new byte[16];
        return eam.toIpv6(v4, out, 0) ? out : null;
    }

    /**
     * One A per AAAA record inside an EAM entry, owned by the AAAA record's owner; AAAA records outside every entry
     * are left out, and two that map to the same IPv4 address give one A.
     *
     * @param ttlCap the cap of RFC 6147 §5.1.7: the negative TTL of the A answer, or 600 s without a SOA ({@link Dns46#ttlCap})
     */
    public List<Record> synthesize(List<AAAARecord> aaaas, long ttlCap) {
        List<Record> out = new ArrayList<>(aaaas.size());
        Set<InetAddress> seen = new HashSet<>();
        for (AAAARecord r : aaaas) {
            // The rdata itself: InetAddress would turn ::ffff:a.b.c.d into an IPv4 address.
            byte[] v4 = toIpv4(r.rdataToWireCanonical());
            if (v4 == null) {
                continue;
            }
            try {
                InetAddress address = InetAddress.getByAddress(v4);
                if (seen.add(address)) {
                    out.add(new ARecord(r.getName(), r.getDClass(), Math.min(r.getTTL(), ttlCap), address));
                }
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }
}
