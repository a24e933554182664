package net.gate64.resolver.resolve;

import java.util.List;
import net.gate64.resolver.cache.Security;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * The outcome of resolving one question: rcode, answer section (a CNAME/DNAME chain then the data), authority section
 * (the SOA of a negative answer, proofs), and the validation state.
 */
public record Answer(int rcode, List<Record> answer, List<Record> authority, Security security, Ede ede) {
    /** An Extended DNS Error (RFC 8914) to attach to the reply: why a Bogus answer failed. */
    public record Ede(int code, String text) {}

    public Answer {
        answer = List.copyOf(answer);
        authority = List.copyOf(authority);
    }

    public Answer(int rcode, List<Record> answer, List<Record> authority, Security security) {
        this(rcode, answer, authority, security, null);
    }

    /** The same records with a validation verdict. */
    public Answer withSecurity(Security s, Ede e) {
        return new Answer(rcode, answer, authority, s, e);
    }

    public static Answer servfail(List<Record> chain) {
        return new Answer(Rcode.SERVFAIL, chain, List.of(), Security.INDETERMINATE);
    }

    /** NOERROR with no record of the asked type in the answer (a CNAME chain alone counts as NODATA). */
    public boolean isNoData(int qtype) {
        if (rcode != Rcode.NOERROR) {
            return false;
        }
        for (Record r : answer) {
            if (r.getType() == qtype) {
                return false;
            }
        }
        return true;
    }
}
