package net.gate64.resolver.lab;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * Answers queries from a set of zones the way an authoritative server does: AA on answers, CNAME and DNAME chased
 * inside the zone, NXDOMAIN/NODATA with the SOA, referrals with NS and in-zone glue, REFUSED outside its zones.
 * dnsjava's {@link Zone#findRecords} does the zone lookup (wildcards, delegations, CNAME/DNAME detection).
 */
public final class AuthoritativeAnswerer {
    private static final int MAX_CHASE = 8;

    private final List<Zone> zones;
    private final java.util.Map<Name, Denial> denials;

    public AuthoritativeAnswerer(List<Zone> zones) {
        this(zones, java.util.Map.of());
    }

    /** @param denials for signed zones (by origin): which NSEC/NSEC3 records prove a denial to a DO query */
    public AuthoritativeAnswerer(List<Zone> zones, java.util.Map<Name, Denial> denials) {
        this.zones = List.copyOf(zones);
        this.denials = java.util.Map.copyOf(denials);
    }

    public Message answer(Message query) {
        Message r = respond(query);
        OPTRecord opt = query.getOPT();
        Record q = query.getQuestion();
        if (q != null && (opt == null || (opt.getFlags() & Flags.DO) == 0)) {
            // RFC 4035 §3.1.1: signatures and denial records only for a query with DO (or when asked for by type)
            for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
                for (Record rec : List.copyOf(r.getSection(section))) {
                    int t = rec.getType();
                    if ((t == Type.RRSIG || t == Type.NSEC || t == Type.NSEC3) && t != q.getType()) {
                        r.removeRecord(rec, section);
                    }
                }
            }
        }
        return r;
    }

    private Message respond(Message query) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null) {
            r.getHeader().setRcode(Rcode.FORMERR);
            return r;
        }
        r.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        if (opt != null) {
            r.addRecord(new OPTRecord(1232, 0, 0, opt.getFlags() & Flags.DO), Section.ADDITIONAL);
        }
        Zone zone = zoneFor(question.getName());
        if (zone != null && question.getType() == Type.DS && question.getName().equals(zone.getOrigin())
                && !zone.getOrigin().equals(Name.root)) {
            Zone parent = zoneFor(new Name(question.getName(), 1)); // DS is the parent's, when we serve it too
            zone = parent != null ? parent : zone;
        }
        if (zone == null || question.getDClass() != DClass.IN) {
            r.getHeader().setRcode(Rcode.REFUSED);
            return r;
        }
        r.getHeader().setFlag(Flags.AA);
        Name name = question.getName();
        int type = question.getType();
        Denial denial = opt != null && (opt.getFlags() & Flags.DO) != 0 ? denials.get(zone.getOrigin()) : null;
        for (int hop = 0; hop < MAX_CHASE; hop++) {
            if (type == Type.DS && !name.equals(zone.getOrigin()) && zone.findExactMatch(name, Type.NS) != null) {
                // DS lives on the parent side of a cut (RFC 4035 §3.1.4.1): answer it here, never refer
                RRset ds = zone.findExactMatch(name, Type.DS);
                if (ds != null) {
                    addSet(r, ds, Section.ANSWER);
                } else {
                    addSet(r, zone.findExactMatch(zone.getOrigin(), Type.SOA), Section.AUTHORITY);
                    proofs(r, zone, denial, denial == null ? List.of() : denial.noDs(name));
                }
                return r;
            }
            SetResponse sr = zone.findRecords(name, type);
            if (sr.isSuccessful()) {
                for (RRset set : sr.answers()) {
                    addSet(r, set, Section.ANSWER);
                    if (set.getType() == Type.NS) {
                        addAddresses(r, zone, set); // as real servers do: the NS names' addresses when they have them
                    }
                    if (denial != null && expanded(set)) {
                        proofs(r, zone, denial, denial.wildcardAnswer(name));
                    }
                }
                return r;
            }
            if (sr.isDelegation()) {
                referral(r, zone, sr.getNS(), denial);
                return r;
            }
            if (sr.isNXDOMAIN() || sr.isNXRRSET()) {
                if (sr.isNXDOMAIN()) {
                    r.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                addSet(r, zone.findExactMatch(zone.getOrigin(), Type.SOA), Section.AUTHORITY);
                if (denial != null) {
                    proofs(r, zone, denial, sr.isNXDOMAIN() ? denial.nxdomain(name) : denial.nodata(name));
                }
                return r;
            }
            Name next;
            if (sr.isCNAME()) {
                CNAMERecord cname = sr.getCNAME();
                addSet(r, zone.findExactMatch(cname.getName(), Type.CNAME), Section.ANSWER);
                next = cname.getTarget();
            } else if (sr.isDNAME()) {
                DNAMERecord dname = sr.getDNAME();
                addSet(r, zone.findExactMatch(dname.getName(), Type.DNAME), Section.ANSWER);
                try {
                    next = name.fromDNAME(dname);
                } catch (NameTooLongException e) {
                    r.getHeader().setRcode(Rcode.YXDOMAIN);
                    return r;
                }
                r.addRecord(new CNAMERecord(name, DClass.IN, dname.getTTL(), next), Section.ANSWER);
            } else {
                r.getHeader().setRcode(Rcode.SERVFAIL);
                return r;
            }
            if (!next.subdomain(zone.getOrigin())) {
                return r; // the rest of the chain is another zone's business
            }
            name = next;
        }
        return r;
    }

    private void referral(Message r, Zone zone, RRset ns, Denial denial) {
        r.getHeader().unsetFlag(Flags.AA);
        addSet(r, ns, Section.AUTHORITY);
        if (denial != null) {
            RRset ds = zone.findExactMatch(ns.getName(), Type.DS);
            if (ds != null) {
                addSet(r, ds, Section.AUTHORITY);
            } else {
                proofs(r, zone, denial, denial.noDs(ns.getName())); // an insecure delegation, provably
            }
        }
        addAddresses(r, zone, ns);
    }

    private static void proofs(Message r, Zone zone, Denial denial, List<Name> owners) {
        for (Name owner : owners) {
            addSet(r, zone.findExactMatch(owner, denial.type()), Section.AUTHORITY);
        }
    }

    /** Whether the RRset came from a wildcard: its RRSIG has fewer labels than its owner (RFC 4034 §3.1.3). */
    private static boolean expanded(RRset set) {
        for (Record sig : set.sigs()) {
            if (((org.xbill.DNS.RRSIGRecord) sig).getLabels() < set.getName().labels() - 1) {
                return true;
            }
        }
        return false;
    }

    private void addAddresses(Message r, Zone zone, RRset ns) {
        for (Record rec : ns.rrs()) {
            Name target = ((org.xbill.DNS.NSRecord) rec).getTarget();
            if (target.subdomain(zone.getOrigin())) {
                for (int t : new int[] {Type.A, Type.AAAA}) {
                    RRset glue = zone.findExactMatch(target, t);
                    if (glue != null) {
                        addSet(r, glue, Section.ADDITIONAL);
                    }
                }
            }
        }
    }

    private static void addSet(Message r, RRset set, int section) {
        if (set == null) {
            return;
        }
        for (Record rec : set.rrs()) {
            r.addRecord(rec, section);
        }
        for (Record sig : set.sigs()) {
            r.addRecord(sig, section);
        }
    }

    /** The zone with the longest origin containing {@code name}, or null. */
    Zone zoneFor(Name name) {
        Zone best = null;
        for (Zone z : zones) {
            if (name.subdomain(z.getOrigin()) && (best == null || z.getOrigin().labels() > best.getOrigin().labels())) {
                best = z;
            }
        }
        return best;
    }

    public List<Name> origins() {
        List<Name> out = new ArrayList<>();
        for (Zone z : zones) {
            out.add(z.getOrigin());
        }
        return out;
    }
}
