package net.gate64.resolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.dnssec.Verdicts;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * {@code dump-cache}: the record and negative caches as zone-file-like text, as {@code rec_control dump-cache} writes
 * them. Each RRset is its records with the TTL left, then a comment with the validation state (the validator's
 * verdict on the answer for that name and type, when one is held) and the trust rank; signatures follow their RRset.
 * Negative answers are one line each, {@code NAME TTL IN NXDOMAIN} or {@code NAME TTL IN TYPE NODATA}, with the
 * zone whose SOA proved them. Written as it is read, entry by entry, so a large cache costs no large buffer; the caches
 * keep changing meanwhile, so it is a moment's view. Packet-cache entries are whole answers and only counted.
 */
final class CacheDump {
    private CacheDump() {}

    static void write(Writer out, RecordCache records, NegativeCache negatives, Verdicts verdicts, long packetEntries)
            throws IOException {
        out.write("; gate64 cache dump " + java.time.Instant.now() + "\n");
        out.write("; record cache: " + records.size() + " RRsets\n");
        try {
            records.forEach((name, type, hit) -> {
                String state = state(verdicts.state(name, type), hit.security());
                String comment = " ; validation=" + state + " rank=" + hit.rank().name().toLowerCase(Locale.ROOT).replace('_', '-');
                try {
                    for (Record r : hit.records()) {
                        out.write(r.toString());
                        out.write(comment);
                        out.write('\n');
                    }
                    for (Record r : hit.signatures()) {
                        out.write(r.toString());
                        out.write(" ; signature\n");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            out.write("; negative cache: " + negatives.size() + " entries\n");
            negatives.forEach((name, type, hit) -> {
                try {
                    out.write(negative(name, type, hit, verdicts));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the reader went away
        }
        out.write("; packet cache: " + packetEntries + " whole answers (not listed)\n");
        out.flush();
    }

    static String negative(Name name, int type, NegativeCache.Hit hit, Verdicts verdicts) {
        StringBuilder sb = new StringBuilder().append(name).append(' ').append(hit.ttl()).append(" IN ");
        if (hit.rcode() == Rcode.NXDOMAIN) {
            sb.append("NXDOMAIN");
        } else {
            sb.append(Type.string(type)).append(' ').append(Rcode.string(hit.rcode()).equals("NOERROR") ? "NODATA"
                    : Rcode.string(hit.rcode()));
        }
        String zone = null;
        for (Record r : hit.authority()) {
            if (r instanceof SOARecord) {
                zone = r.getName().toString();
            }
        }
        sb.append(" ; ");
        if (zone != null) {
            sb.append("soa=").append(zone).append(' ');
        }
        int judged = type == NegativeCache.ANY_TYPE ? Type.A : type;
        sb.append("validation=").append(state(verdicts.state(name, judged), hit.security())).append('\n');
        return sb.toString();
    }

    private static String state(Security verdict, Security stored) {
        Security s = verdict != null ? verdict : stored;
        return s.name().toLowerCase(Locale.ROOT);
    }
}
