package net.gate64.resolver.dnssec;

import java.util.ArrayList;
import java.util.List;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Lookup;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What the {@code dnssec} mode means for one client query (PowerDNS Recursor's semantics): whether to validate, what
 * a Bogus verdict turns into, when AD is earned, and which DNSSEC records the client sees.
 */
public final class DnssecPolicy {
    private final DnssecSettings.Mode mode;
    private final Lookup plain;
    private final Lookup validating;

    /** @param validating the validator, or null when the mode never validates */
    public DnssecPolicy(DnssecSettings.Mode mode, Lookup plain, Lookup validating) {
        this.mode = mode;
        this.plain = plain;
        this.validating = validating;
    }

    public DnssecSettings.Mode mode() {
        return mode;
    }

    /**
     * The lookup for a client's flags: CD means "give me the data, I validate" (RFC 4035 §3.2.2), so no validation;
     * {@code process} validates only for clients that show interest (DO or AD); log-fail and validate always.
     */
    public Lookup lookupFor(boolean dnssecOk, boolean adAsked, boolean checkingDisabled) {
        if (validating == null || checkingDisabled) {
            return plain;
        }
        return switch (mode) {
            case PROCESS -> dnssecOk || adAsked ? validating : plain;
            case LOG_FAIL, VALIDATE -> validating;
            default -> plain;
        };
    }

    /** Bogus answers become SERVFAIL with their Extended DNS Error, except in log-fail, which only logs them. */
    public Answer finish(Answer a) {
        if (a.security() != Security.BOGUS || mode == DnssecSettings.Mode.LOG_FAIL) {
            return a;
        }
        Answer.Ede ede = a.ede() != null ? a.ede() : new Answer.Ede(ExtendedErrorCodeOption.DNSSEC_BOGUS, null);
        return new Answer(Rcode.SERVFAIL, List.of(), List.of(), Security.BOGUS, ede);
    }

    /** AD only on Secure data, and only for a client that asked with DO or AD (RFC 6840 §5.7). */
    public static boolean authenticData(Answer a, boolean dnssecOk, boolean adAsked) {
        return a.security() == Security.SECURE && (dnssecOk || adAsked);
    }

    /**
     * Removes RRSIG, NSEC and NSEC3 records for a client that did not set DO (RFC 4035 §3.2.1), unless the question
     * asked for that type.
     */
    public static List<Record> forClient(List<Record> records, boolean dnssecOk, int qtype) {
        if (dnssecOk) {
            return records;
        }
        List<Record> out = null;
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            boolean dnssec = (r instanceof RRSIGRecord || r.getType() == Type.NSEC || r.getType() == Type.NSEC3)
                    && r.getType() != qtype;
            if (dnssec && out == null) {
                out = new ArrayList<>(records.subList(0, i));
            } else if (!dnssec && out != null) {
                out.add(r);
            }
        }
        return out == null ? records : out;
    }
}
