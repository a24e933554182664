package net.gate64.resolver.dns64;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * ipv4only.arpa answered locally, never sent upstream (RFC 8880 §7.2): A is 192.0.0.170 and 192.0.0.171, AAAA is
 * those addresses synthesised with the client's prefixes — so RFC 7050 prefix discovery works — and the reverse
 * names 170.0.0.192.in-addr.arpa and 171.0.0.192.in-addr.arpa point back to ipv4only.arpa.
 */
public final class Ipv4OnlyArpa {
    public static final Name NAME = Name.fromConstantString("ipv4only.arpa.");
    private static final long TTL = 86400;
    private static final Name REVERSE_170 = Name.fromConstantString("170.0.0.192.in-addr.arpa.");
    private static final Name REVERSE_171 = Name.fromConstantString("171.0.0.192.in-addr.arpa.");
    private static final SOARecord SOA = new SOARecord(NAME, DClass.IN, TTL, NAME,
            Name.fromConstantString("nobody.invalid."), 1, 3600, 600, 604800, TTL);
    private static final List<ARecord> A = List.of(a(170), a(171));

    private final Synthesizer synthesizer;

    public Ipv4OnlyArpa(Synthesizer synthesizer) {
        this.synthesizer = synthesizer;
    }

    private static ARecord a(int last) {
        try {
            return new ARecord(NAME, DClass.IN, TTL, InetAddress.getByAddress(new byte[] {(byte) 192, 0, 0, (byte) last}));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The local answer for (qname, qtype), or null when qname is not one of the special names. */
    public Answer answer(Name qname, int qtype, List<Nat64Prefix> prefixes) {
        if (qname.equals(NAME)) {
            List<Record> records = switch (qtype) {
                case Type.A -> new ArrayList<>(A);
                case Type.AAAA -> synthesizer.synthesize(A, prefixes, TTL);
                case Type.SOA -> List.of(SOA);
                case Type.NS -> List.of(new NSRecord(NAME, DClass.IN, TTL, NAME));
                default -> List.of();
            };
            return positiveOrNoData(records);
        }
        if (qname.equals(REVERSE_170) || qname.equals(REVERSE_171)) {
            return positiveOrNoData(qtype == Type.PTR ? List.of(new PTRRecord(qname, DClass.IN, TTL, NAME)) : List.of());
        }
        if (qname.subdomain(NAME)) {
            return new Answer(Rcode.NXDOMAIN, List.of(), List.of(SOA), Security.INSECURE);
        }
        return null;
    }

    private static Answer positiveOrNoData(List<Record> records) {
        return new Answer(Rcode.NOERROR, records, records.isEmpty() ? List.of(SOA) : List.of(), Security.INSECURE);
    }
}
