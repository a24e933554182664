package net.gate64.resolver.resolve;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.gate64.resolver.cache.NegativeCache;
import net.gate64.resolver.cache.Rank;
import net.gate64.resolver.cache.RecordCache;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.cache.Ttl;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Reads one upstream response for (name, type): follows the CNAME/DNAME chain it contains from {@code name}, keeps
 * only the records on that chain (anything else in the answer section is out of the question's scope and is neither
 * used nor cached), stores the RRsets and any negative answer in the caches, and says what the response means.
 */
public final class ResponseReader {
    /** What a response means for the question. */
    public enum Kind {
        /** The chain ends in data of the asked type. */
        DATA,
        /** NXDOMAIN or NODATA for the chain's last name. */
        NEGATIVE,
        /** The chain leads to a name this response says nothing more about: resolve {@code next}. */
        CONTINUE,
        /** Unusable (rcode other than NOERROR/NXDOMAIN, or a referral nobody follows here). */
        FAILURE
    }

    public record Step(Kind kind, List<Record> chain, Name next, int rcode, List<Record> authority) {}

    private final RecordCache records;
    private final NegativeCache negatives;
    private final long maxNegativeTtl;

    public ResponseReader(RecordCache records, NegativeCache negatives, long maxNegativeTtl) {
        this.records = records;
        this.negatives = negatives;
        this.maxNegativeTtl = maxNegativeTtl;
    }

    public Step read(Message m, Name qname, int qtype, boolean authoritative, int maxChain) {
        return read(m, qname, qtype, authoritative, Name.root, maxChain);
    }

    /**
     * @param bailiwick the zone the server answered for: RRsets owned outside it end the chain here (the rest is
     *     resolved separately) and are never cached — an authority for one zone cannot vouch for another's data
     */
    public Step read(Message m, Name qname, int qtype, boolean authoritative, Name bailiwick, int maxChain) {
        int rcode = m.getRcode();
        // Only a QUERY answers a query; dnsjava parses an UPDATE's records without data (EmptyRecord), which no
        // reader below expects (found by the response-reader fuzz target: a DNAME without data was cast).
        if (m.getHeader().getOpcode() != org.xbill.DNS.Opcode.QUERY || (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN)) {
            return new Step(Kind.FAILURE, List.of(), qname, rcode, List.of());
        }
        Map<RecordCache.Key, List<Record>> sets = new LinkedHashMap<>();
        Map<RecordCache.Key, List<Record>> sigs = new LinkedHashMap<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof RRSIGRecord sig) {
                sigs.computeIfAbsent(new RecordCache.Key(r.getName(), sig.getTypeCovered()), k -> new ArrayList<>()).add(r);
            } else {
                sets.computeIfAbsent(new RecordCache.Key(r.getName(), r.getType()), k -> new ArrayList<>()).add(r);
            }
        }
        Rank rank = authoritative ? Rank.AUTH_ANSWER : Rank.NONAUTH_ANSWER;
        List<Record> proofs = proofs(m, bailiwick);
        List<Record> chain = new ArrayList<>();
        List<Record> wildcardProofs = new ArrayList<>();
        Set<Name> seen = new HashSet<>();
        Name name = qname;
        for (int hop = 0; ; hop++) {
            if (hop > maxChain || !seen.add(name)) {
                return new Step(Kind.FAILURE, chain, name, Rcode.SERVFAIL, List.of()); // too long, or a loop
            }
            if (!name.subdomain(bailiwick)) {
                if (name.equals(qname)) {
                    return new Step(Kind.FAILURE, chain, name, Rcode.SERVFAIL, List.of());
                }
                return new Step(Kind.CONTINUE, chain, name, rcode, List.of()); // out of bailiwick: ask its own servers
            }
            if (take(sets, sigs, name, qtype, rank, chain, proofs, wildcardProofs) != null) {
                return new Step(Kind.DATA, chain, name, Rcode.NOERROR, wildcardProofs);
            }
            if (qtype == Type.CNAME) {
                break;
            }
            List<Record> cname = take(sets, sigs, name, Type.CNAME, rank, chain, proofs, wildcardProofs);
            if (cname != null) {
                name = ((CNAMERecord) cname.get(0)).getTarget();
                continue;
            }
            Name dnamed = followDname(sets, sigs, name, bailiwick, rank, chain, proofs, wildcardProofs);
            if (dnamed == null) {
                break;
            }
            name = dnamed;
        }
        return negative(m, rcode, name, qtype, chain, bailiwick, proofs);
    }

    /**
     * The DNSSEC evidence in the authority section: NSEC and NSEC3 records and the RRSIGs over them, owned inside the
     * bailiwick. They prove a denial, or that a wildcard expansion was legitimate, and travel with what they prove.
     */
    private static List<Record> proofs(Message m, Name bailiwick) {
        List<Record> out = new ArrayList<>();
        for (Record r : m.getSection(Section.AUTHORITY)) {
            int type = r instanceof RRSIGRecord sig ? sig.getTypeCovered() : r.getType();
            if ((type == Type.NSEC || type == Type.NSEC3) && r.getName().subdomain(bailiwick)) {
                out.add(r);
            }
        }
        return out;
    }

    private Step negative(Message m, int rcode, Name name, int qtype, List<Record> chain, Name bailiwick,
                          List<Record> proofs) {
        SOARecord soa = null;
        List<Record> authority = new ArrayList<>();
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord s && name.subdomain(s.getName()) && s.getName().subdomain(bailiwick) && soa == null) {
                soa = s;
            }
        }
        if (soa != null) {
            long ttl = Math.min(maxNegativeTtl, NegativeCache.negativeTtl(soa));
            authority.add(Ttl.with(soa, ttl));
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r instanceof RRSIGRecord sig && sig.getTypeCovered() == Type.SOA && r.getName().equals(soa.getName())) {
                    authority.add(Ttl.with(r, Math.min(ttl, r.getTTL())));
                }
            }
            for (Record r : proofs) {
                authority.add(Ttl.with(r, Math.min(ttl, r.getTTL())));
            }
            negatives.put(name, qtype, rcode, soa, authority, Security.INDETERMINATE);
            return new Step(Kind.NEGATIVE, chain, name, rcode, authority);
        }
        if (rcode == Rcode.NXDOMAIN) {
            return new Step(Kind.NEGATIVE, chain, name, rcode, List.of()); // not cacheable without SOA (RFC 2308 §5)
        }
        if (!chain.isEmpty()) {
            return new Step(Kind.CONTINUE, chain, name, rcode, List.of());
        }
        boolean referral = false;
        for (Record r : m.getSection(Section.AUTHORITY)) {
            referral |= r.getType() == Type.NS;
        }
        if (referral && !m.getHeader().getFlag(org.xbill.DNS.Flags.AA)) {
            return new Step(Kind.FAILURE, chain, name, Rcode.SERVFAIL, List.of());
        }
        return new Step(Kind.NEGATIVE, chain, name, rcode, List.of()); // NODATA without SOA: answered, not cached
    }

    /** Moves the RRset (name, type) into the chain and the cache; null when the response has none. */
    private List<Record> take(Map<RecordCache.Key, List<Record>> sets, Map<RecordCache.Key, List<Record>> sigs,
                              Name name, int type, Rank rank, List<Record> chain, List<Record> proofs,
                              List<Record> wildcardProofs) {
        RecordCache.Key key = new RecordCache.Key(name, type);
        List<Record> set = sets.remove(key);
        if (set == null) {
            return null;
        }
        List<Record> signatures = sigs.getOrDefault(key, List.of());
        // An RRSIG with fewer labels than its owner signs a wildcard expansion: the proof that no closer name exists
        // must stay with the RRset, or a validator could not tell it from a replayed answer (RFC 4035 §5.3.4).
        boolean expanded = signatures.stream().anyMatch(r -> ((RRSIGRecord) r).getLabels() < name.labels() - 1);
        List<Record> ownProofs = expanded ? proofs : List.of();
        records.put(set, signatures, ownProofs, rank, Security.INDETERMINATE);
        long ttl = Long.MAX_VALUE;
        for (Record r : set) {
            ttl = Math.min(ttl, r.getTTL());
        }
        for (Record r : set) {
            chain.add(Ttl.with(r, ttl)); // one TTL per RRset (RFC 2181 §5.2)
        }
        for (Record r : signatures) {
            chain.add(Ttl.with(r, Math.min(ttl, r.getTTL())));
        }
        for (Record r : ownProofs) {
            if (!wildcardProofs.contains(r)) {
                wildcardProofs.add(r);
            }
        }
        return set;
    }

    private Name followDname(Map<RecordCache.Key, List<Record>> sets, Map<RecordCache.Key, List<Record>> sigs,
                             Name name, Name bailiwick, Rank rank, List<Record> chain, List<Record> proofs,
                             List<Record> wildcardProofs) {
        for (RecordCache.Key k : List.copyOf(sets.keySet())) {
            // the DNAME's owner must be inside the bailiwick too: a server for demo.test. cannot vouch for a DNAME
            // at test. or the root, although the name it rewrites is its own (found by the response-reader fuzz target)
            if (k.type() == Type.DNAME && name.subdomain(k.name()) && !name.equals(k.name())
                    && k.name().subdomain(bailiwick)) {
                List<Record> set = take(sets, sigs, k.name(), Type.DNAME, rank, chain, proofs, wildcardProofs);
                DNAMERecord dname = (DNAMERecord) set.get(0);
                try {
                    Name target = name.fromDNAME(dname);
                    chain.add(new CNAMERecord(name, dname.getDClass(), dname.getTTL(), target));
                    sets.remove(new RecordCache.Key(name, Type.CNAME)); // the server's own synthesis, replaced by ours
                    return target;
                } catch (NameTooLongException e) {
                    return null; // RFC 6672 §2.2: YXDOMAIN; treated as the end of the chain
                }
            }
        }
        return null;
    }
}
