package net.gate64.resolver.lab;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * Which NSEC or NSEC3 records prove a denial in a signed lab zone (RFC 4035 §3.1.3, RFC 5155 §7.2): the answerer asks
 * for the owners of the proof records and adds them, with their RRSIGs, from the zone.
 */
public final class Denial {
    private static final base32 B32 = new base32(base32.Alphabet.BASE32HEX, false, false);

    private final Name origin;
    private final Set<Name> names; // every name that exists in the zone, empty non-terminals included
    private final TreeMap<Name, Record> nsec;
    private final TreeMap<String, Record> nsec3;
    private final NSEC3PARAMRecord param;

    private Denial(Name origin, Collection<Name> names, TreeMap<Name, Record> nsec, TreeMap<String, Record> nsec3,
                   NSEC3PARAMRecord param) {
        this.origin = origin;
        this.names = new TreeSet<>(names);
        this.nsec = nsec;
        this.nsec3 = nsec3;
        this.param = param;
    }

    static Denial nsec(Name origin, List<Record> chain, Collection<Name> names) {
        TreeMap<Name, Record> m = new TreeMap<>();
        for (Record r : chain) {
            m.put(r.getName(), r);
        }
        return new Denial(origin, names, m, null, null);
    }

    static Denial nsec3(Name origin, List<Record> chain, Collection<Name> names, NSEC3PARAMRecord param) {
        TreeMap<String, Record> m = new TreeMap<>();
        for (Record r : chain) {
            m.put(r.getName().getLabelString(0).toUpperCase(), r);
        }
        return new Denial(origin, names, null, m, param);
    }

    /** The type of the proof records. */
    public int type() {
        return nsec != null ? Type.NSEC : Type.NSEC3;
    }

    /** NXDOMAIN: nothing at or below {@code qname}, and no wildcard that could have matched it. */
    public List<Name> nxdomain(Name qname) {
        Name ce = closestEncloser(qname);
        Name wildcard = wildcard(ce);
        if (nsec != null) {
            return owners(covering(qname), covering(wildcard));
        }
        return owners(matching3(ce), covering3(nextCloser(qname, ce)), covering3(wildcard));
    }

    /** NODATA: {@code qname} exists (or its wildcard does) without the type asked. */
    public List<Name> nodata(Name qname) {
        if (nsec != null) {
            if (nsec.containsKey(qname)) {
                return owners(nsec.get(qname));
            }
            Name ce = closestEncloser(qname);
            if (names.contains(qname)) {
                return owners(covering(qname)); // an empty non-terminal lies between two NSEC owners
            }
            return owners(covering(qname), covering(wildcard(ce)), nsec.get(wildcard(ce))); // wildcard NODATA
        }
        Record m = matching3(qname);
        if (m != null) {
            return owners(m);
        }
        Name ce = closestEncloser(qname);
        return owners(matching3(ce), covering3(nextCloser(qname, ce))); // opt-out: an unsigned delegation
    }

    /** A referral to a delegation without DS: proof that the DS is absent (or opted out). */
    public List<Name> noDs(Name cut) {
        return nodata(cut);
    }

    /** A wildcard expansion: proof that {@code qname} itself does not exist. */
    public List<Name> wildcardAnswer(Name qname) {
        if (nsec != null) {
            return owners(covering(qname));
        }
        Name ce = closestEncloser(qname);
        return owners(covering3(nextCloser(qname, ce)));
    }

    private Name closestEncloser(Name qname) {
        for (Name n = qname; n.subdomain(origin); n = new Name(n, 1)) {
            if (n.equals(origin) || (names.contains(n) && (nsec != null || matching3(n) != null))) {
                return n;
            }
        }
        return origin;
    }

    private static Name nextCloser(Name qname, Name ce) {
        return qname.labels() > ce.labels() ? new Name(qname, qname.labels() - ce.labels() - 1) : qname;
    }

    private static Name wildcard(Name ce) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), ce);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return ce;
        }
    }

    private Record covering(Name n) {
        Map.Entry<Name, Record> e = nsec.floorEntry(n);
        return e != null ? e.getValue() : nsec.lastEntry().getValue(); // wraps around at the apex
    }

    private Record matching3(Name n) {
        return nsec3.get(hashLabel(param, n));
    }

    private Record covering3(Name n) {
        String h = hashLabel(param, n);
        Map.Entry<String, Record> e = nsec3.floorEntry(h);
        if (e != null && e.getKey().equals(h)) {
            e = nsec3.lowerEntry(h); // a matching hash proves existence; take the one before (not expected here)
        }
        return e != null ? e.getValue() : nsec3.lastEntry().getValue();
    }

    private static List<Name> owners(Record... rs) {
        Set<Name> out = new LinkedHashSet<>();
        for (Record r : rs) {
            if (r != null) {
                out.add(r.getName());
            }
        }
        return new ArrayList<>(out);
    }

    /** The NSEC3 owner label of {@code n}: base32hex of its iterated hash (RFC 5155 §5). */
    static String hashLabel(NSEC3PARAMRecord param, Name n) {
        try {
            return B32.toString(param.hashName(n)).toUpperCase();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
