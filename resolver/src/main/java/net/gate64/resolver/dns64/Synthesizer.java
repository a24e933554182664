package net.gate64.resolver.dns64;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;

/**
 * The pure part of DNS64: which AAAA records count (RFC 6147 §5.1.4 exclusions), which A records may be mapped,
 * and the synthesised AAAA records themselves (RFC 6052 embedding, TTL per §5.1.7). Native DNS64 and the scripts'
 * {@code getFakeAAAARecords} both use it.
 */
public final class Synthesizer {
    private final NetworkSet exclude;
    private final NetworkSet mapped;

    public Synthesizer(NetworkSet exclude, NetworkSet mapped) {
        this.exclude = exclude;
        this.mapped = mapped;
    }

    /** Whether this AAAA record is to be treated as absent. */
    public boolean excluded(AAAARecord aaaa) {
        // The rdata itself: InetAddress would turn ::ffff:a.b.c.d into an IPv4 address and miss ::ffff:0:0/96.
        return exclude.contains(aaaa.rdataToWireCanonical());
    }

    /** The records with excluded AAAA records removed. */
    public List<Record> withoutExcluded(List<Record> records) {
        List<Record> out = new ArrayList<>(records.size());
        for (Record r : records) {
            if (!(r instanceof AAAARecord a && excluded(a))) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * One AAAA per eligible A record and prefix, owned by the A record's owner.
     *
     * @param ttlCap the negative TTL of the AAAA answer when one was seen (RFC 6147 §5.1.7), else 600 seconds
     */
    public List<Record> synthesize(List<ARecord> as, List<Nat64Prefix> prefixes, long ttlCap) {
        List<Record> out = new ArrayList<>(as.size() * prefixes.size());
        for (Nat64Prefix p : prefixes) {
            for (ARecord a : as) {
                byte[] v4 = a.getAddress().getAddress();
                if (!mapped.contains(v4)) {
                    continue;
                }
                try {
                    InetAddress v6 = InetAddress.getByAddress(p.embed(v4));
                    out.add(new AAAARecord(a.getName(), a.getDClass(), Math.min(a.getTTL(), ttlCap), v6));
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }
}
