package net.gate64.resolver.script;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.dns64.Dns64;
import net.gate64.resolver.dns64.ReverseNames;
import net.gate64.resolver.resolve.Answer;
import net.gate64.resolver.resolve.Lookup;
import net.gate64.resolver.resolve.QueryBudget;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The follow-up functions a hook can ask for ({@code dq.followupFunction}), as PowerDNS's genhook runs them after the
 * hook returned true. Lookups go through the same {@link Lookup} as the client's question (validating when the dnssec
 * mode and the client's flags say so) and complete asynchronously on the query's loop, so they use and fill the
 * record cache with real data only; synthesised AAAA
 * and the scripts' own records never enter it. AAAA synthesis is the native
 * {@link net.gate64.resolver.dns64.Synthesizer}; there is no second implementation.
 */
final class FollowUps {
    /** A follow-up that cannot run because of what the script set (bad prefix, missing name). */
    static final class BadFollowUp extends Exception {
        BadFollowUp(String message) {
            super(message, null, false, false);
        }
    }

    private static final long PTR_FAILURE_TTL = 1; // PowerDNS: minimum-ttl-override, default 1

    private final Dns64 dns64;

    FollowUps(Dns64 dns64) {
        this.dns64 = dns64;
    }

    /**
     * {@code getFakeAAAARecords}: resolve A for {@code name}, append the result to the current records, drop CNAMEs
     * whose target was already seen, and turn every answer A into an AAAA under {@code prefix} (owner and TTL kept).
     * If any A was seen, SOAs leave the authority section. The rcode is that of the A lookup (PowerDNS §1.4). Unlike
     * PowerDNS, a Bogus A answer is not synthesised from: SERVFAIL, as native DNS64 does (RFC 6147 §5.5).
     */
    CompletableFuture<Answer> fakeAaaa(Name name, Nat64Prefix prefix, List<Record> answer, List<Record> authority,
                                       Lookup resolver, QueryBudget budget) {
        return resolver.resolve(name, Type.A, budget).thenApply(a -> fakeAaaa(prefix, answer, authority, a));
    }

    private Answer fakeAaaa(Nat64Prefix prefix, List<Record> answer, List<Record> authority, Answer a) {
        if (a.security() == Security.BOGUS) {
            return Answer.servfail(List.of()).withSecurity(Security.BOGUS, a.ede());
        }
        List<Record> outAnswer = new ArrayList<>();
        Set<Name> cnameTargets = new HashSet<>();
        boolean sawA = false;
        List<Record> all = new ArrayList<>(answer);
        all.addAll(a.answer());
        for (Record r : all) {
            if (r instanceof CNAMERecord c && !cnameTargets.add(c.getTarget())) {
                continue; // a CNAME loop would otherwise repeat (PowerDNS issue 9696)
            }
            if (r instanceof ARecord ar) {
                sawA = true;
                outAnswer.addAll(dns64.synthesizer().synthesize(List.of(ar), List.of(prefix), Long.MAX_VALUE));
            } else {
                outAnswer.add(r);
            }
        }
        List<Record> outAuthority = new ArrayList<>();
        for (Record r : concat(authority, a.authority())) {
            if (sawA && r instanceof SOARecord) {
                continue;
            }
            if (!outAuthority.contains(r)) {
                outAuthority.add(r);
            }
        }
        return new Answer(a.rcode(), outAnswer, outAuthority, Security.INDETERMINATE);
    }

    /**
     * {@code getFakePTRRecords}: the in-addr.arpa name of the IPv4 address inside the ip6.arpa {@code name}, its PTR
     * lookup, and {@code name CNAME that-name} in front (TTL of the first PTR, or 1 s when there is none), with the
     * rcode of the lookup. The IPv4 address is found through {@code prefix} when the name lies under it (any RFC 6052
     * length); otherwise the last 8 nibbles are used, as PowerDNS does for its /96 prefixes.
     */
    CompletableFuture<Answer> fakePtr(Name name, Nat64Prefix prefix, Lookup resolver, QueryBudget budget) {
        Name inAddr = null;
        if (prefix != null && ReverseNames.map(name, List.of(prefix)) instanceof ReverseNames.Mapped m) {
            inAddr = m.inAddrArpa();
        }
        if (inAddr == null) {
            inAddr = lastEightNibbles(name);
        }
        if (inAddr == null) {
            return CompletableFuture.completedFuture(Answer.servfail(List.of())); // PowerDNS 5.5: malformed nibbles
        }
        Name target = inAddr;
        Answer local = dns64.local(inAddr, Type.PTR, List.of());
        CompletableFuture<Answer> lookup = local != null ? CompletableFuture.completedFuture(local)
                : resolver.resolve(inAddr, Type.PTR, budget);
        return lookup.thenApply(t -> fakePtr(name, target, t));
    }

    private static Answer fakePtr(Name name, Name inAddr, Answer t) {
        long ttl = t.rcode() == Rcode.NOERROR && !t.answer().isEmpty() ? t.answer().get(0).getTTL() : PTR_FAILURE_TTL;
        List<Record> out = new ArrayList<>();
        out.add(new CNAMERecord(name, DClass.IN, ttl, inAddr));
        out.addAll(t.answer());
        return new Answer(t.rcode(), out, t.authority(), Security.INDETERMINATE);
    }

    /** d.c.b.a.in-addr.arpa from the first 8 labels (one hex digit each) of an ip6.arpa name, or null. */
    static Name lastEightNibbles(Name name) {
        if (name.labels() < 9) {
            return null;
        }
        int[] octets = new int[4];
        for (int i = 0; i < 4; i++) {
            int low = nibble(name.getLabelString(2 * i));
            int high = nibble(name.getLabelString(2 * i + 1));
            if (low < 0 || high < 0) {
                return null;
            }
            octets[i] = low + 16 * high;
        }
        return Name.fromConstantString(octets[0] + "." + octets[1] + "." + octets[2] + "." + octets[3] + ".in-addr.arpa.");
    }

    private static int nibble(String label) {
        return label.length() == 1 ? Character.digit(label.charAt(0), 16) : -1;
    }

    /**
     * {@code followCNAMERecords}: resolve the target of the first CNAME with the query type and append the answer
     * records of that lookup; for AAAA, native DNS64 applies to the target as it would to the question.
     */
    CompletableFuture<Answer> followCname(int qtype, List<Record> answer, List<Record> authority, int rcode,
                                          List<Nat64Prefix> prefixes, Lookup resolver, QueryBudget budget) {
        CNAMERecord first = null;
        for (Record r : concat(answer, authority)) {
            if (r instanceof CNAMERecord c) {
                first = c;
                break;
            }
        }
        if (first == null) {
            return CompletableFuture.completedFuture(new Answer(rcode, answer, authority, Security.INDETERMINATE));
        }
        Name target = first.getTarget();
        CompletableFuture<Answer> t = resolver.resolve(target, qtype, budget);
        if (qtype == Type.AAAA) {
            t = t.thenCompose(r -> dns64.afterAaaa(target, r, prefixes, false, budget, resolver));
        }
        return t.thenApply(r -> {
            List<Record> out = new ArrayList<>(answer);
            out.addAll(r.answer());
            return new Answer(r.rcode(), out, authority, Security.INDETERMINATE);
        });
    }

    /**
     * A script's prefix: a plain IPv6 address is a /96 taken byte for byte, as in PowerDNS ({@code "64:ff9b::"});
     * {@code "2001:db8:64::/64"} is any RFC 6052 prefix, checked strictly.
     */
    static Nat64Prefix prefix(String text) throws BadFollowUp {
        if (text == null || text.isBlank()) {
            throw new BadFollowUp("followupPrefix is not set");
        }
        try {
            if (text.indexOf('/') >= 0) {
                return Nat64Prefix.parse(text.trim());
            }
            return Nat64Prefix.ofScriptAddress(IpNetwork.parseAddress(text, text));
        } catch (IllegalArgumentException e) {
            throw new BadFollowUp("invalid followupPrefix: " + e.getMessage());
        }
    }

    private static List<Record> concat(List<Record> a, List<Record> b) {
        List<Record> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
