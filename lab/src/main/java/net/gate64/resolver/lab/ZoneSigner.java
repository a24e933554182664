package net.gate64.resolver.lab;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;
import org.xbill.DNS.utils.base32;

/**
 * Signs a lab zone the way dnssec-signzone would, with a fresh key made here: one combined signing key (ECDSA P-256,
 * algorithm 13, Ed25519, algorithm 15, or RSA/SHA-256, algorithm 8), RRSIGs over every authoritative RRset, and an NSEC or NSEC3 chain (with
 * opt-out if asked). {@link Fault}s break it on purpose, for the validator's tests: each is a way real zones fail.
 */
public final class ZoneSigner {
    /** Deliberate breakage. */
    public enum Fault {
        /** Every RRSIG expired a day ago. */
        EXPIRED_SIGNATURES,
        /** The RRSIGs over A records are left out. */
        MISSING_RRSIG_ON_A,
        /** The DS given to the parent matches no key of the zone. */
        DS_MATCHES_NO_KEY,
        /** After signing, each NSEC/NSEC3 record's type bitmap is rewritten without re-signing (a forged denial). */
        FORGED_DENIAL,
        /** Keys and signatures claim algorithm 12 (GOST R 34.10-2001), which gate64 does not implement (RFC 8624). */
        UNSUPPORTED_ALGORITHM,
        /**
         * KeyTrap-style (CVE-2023-50387): every RRset carries three garbage RRSIGs under the zone key's tag before the
         * real one, so a validator that tries every signature does four verifications per RRset.
         */
        EXTRA_BAD_SIGNATURES,
        /**
         * KeyTrap's other half: five more DNSKEYs, listed before the real one, whose key tag and algorithm equal the
         * real key's (the key bytes differ by +1/-1 in two high-order bytes, which leaves the tag's checksum alone),
         * so each one matches the DS by tag and must be hashed to find that it does not.
         */
        COLLIDING_KEY_TAGS
    }

    /** Which denial chain to build. */
    public record Nsec3(int iterations, byte[] salt, boolean optOut) {}

    /** A signed zone, its denial index for the answerer, and the DS records the parent must publish. */
    public record Signed(Zone zone, Denial denial, List<DSRecord> ds, DNSKEYRecord key) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private ZoneSigner() {}

    /**
     * @param records the zone's records (SOA first is not required), unsigned
     * @param nsec3 null for NSEC
     */
    public static Signed sign(Name origin, List<Record> records, Nsec3 nsec3, int algorithm, Set<Fault> faults)
            throws GeneralSecurityException, DNSSEC.DNSSECException, java.io.IOException {
        faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        KeyPair pair = keyPair(algorithm);
        int claimed = faults.contains(Fault.UNSUPPORTED_ALGORITHM) ? 12 : algorithm;
        DNSKEYRecord key = faults.contains(Fault.UNSUPPORTED_ALGORITHM)
                ? new DNSKEYRecord(origin, DClass.IN, 3600, 257, 3, 12, randomBytes(64))
                : new DNSKEYRecord(origin, DClass.IN, 3600, 257, DNSKEYRecord.Protocol.DNSSEC, algorithm, pair.getPublic());
        Instant now = Instant.now();
        Instant inception = faults.contains(Fault.EXPIRED_SIGNATURES) ? now.minusSeconds(30 * 86400) : now.minusSeconds(3600);
        Instant expiration = faults.contains(Fault.EXPIRED_SIGNATURES) ? now.minusSeconds(86400) : now.plusSeconds(30 * 86400);

        Map<Name, Map<Integer, List<Record>>> byName = new TreeMap<>(); // canonical order (RFC 4034 §6.1)
        SOARecord soa = null;
        for (Record r : records) {
            byName.computeIfAbsent(r.getName(), n -> new LinkedHashMap<>())
                    .computeIfAbsent(r.getType(), t -> new ArrayList<>()).add(r);
            if (r instanceof SOARecord s) {
                soa = s;
            }
        }
        if (soa == null) {
            throw new IllegalArgumentException(origin + ": no SOA");
        }
        List<DNSKEYRecord> decoys = new ArrayList<>();
        if (faults.contains(Fault.COLLIDING_KEY_TAGS)) {
            for (int i = 0; i < 5; i++) {
                decoys.add(collidingKey(key, i));
            }
        }
        List<Record> keySet = new ArrayList<>(decoys);
        keySet.add(key);
        byName.computeIfAbsent(origin, n -> new LinkedHashMap<>()).put(Type.DNSKEY, keySet);
        if (nsec3 != null) {
            byName.get(origin).put(Type.NSEC3PARAM,
                    List.of(new NSEC3PARAMRecord(origin, DClass.IN, 0, 1, 0, nsec3.iterations(), nsec3.salt())));
        }
        Set<Name> cuts = new TreeSet<>();
        for (Map.Entry<Name, Map<Integer, List<Record>>> e : byName.entrySet()) {
            if (!e.getKey().equals(origin) && e.getValue().containsKey(Type.NS)) {
                cuts.add(e.getKey());
            }
        }
        // Authoritative names: not below a cut (glue is not signed and has no NSEC). Empty non-terminals count too.
        TreeMap<Name, Map<Integer, List<Record>>> auth = new TreeMap<>();
        for (Map.Entry<Name, Map<Integer, List<Record>>> e : byName.entrySet()) {
            if (!belowCut(e.getKey(), cuts)) {
                auth.put(e.getKey(), e.getValue());
            }
        }
        for (Name n : List.copyOf(auth.keySet())) {
            for (Name p = parent(n); p != null && p.subdomain(origin) && !p.equals(origin); p = parent(p)) {
                auth.putIfAbsent(p, new LinkedHashMap<>());
            }
        }

        List<Record> out = new ArrayList<>();
        long negTtl = Math.min(soa.getMinimum(), soa.getTTL());
        Denial denial;
        List<Record> chain = new ArrayList<>();
        if (nsec3 == null) {
            List<Name> names = new ArrayList<>();
            for (Map.Entry<Name, Map<Integer, List<Record>>> e : auth.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    names.add(e.getKey());
                }
            }
            for (int i = 0; i < names.size(); i++) {
                Name n = names.get(i);
                Name next = names.get((i + 1) % names.size());
                chain.add(new NSECRecord(n, DClass.IN, negTtl, next, types(auth.get(n), cuts.contains(n), true)));
            }
        } else {
            NSEC3PARAMRecord param = new NSEC3PARAMRecord(origin, DClass.IN, 0, 1, 0, nsec3.iterations(), nsec3.salt());
            TreeMap<String, Map.Entry<Name, int[]>> hashed = new TreeMap<>();
            for (Map.Entry<Name, Map<Integer, List<Record>>> e : auth.entrySet()) {
                boolean cut = cuts.contains(e.getKey());
                if (cut && nsec3.optOut() && !e.getValue().containsKey(Type.DS)) {
                    continue; // RFC 5155 §6: opt-out leaves insecure delegations out of the chain
                }
                hashed.put(Denial.hashLabel(param, e.getKey()), Map.entry(e.getKey(), types(e.getValue(), cut, false)));
            }
            List<String> hashes = new ArrayList<>(hashed.keySet());
            base32 b32 = new base32(base32.Alphabet.BASE32HEX, false, false);
            for (int i = 0; i < hashes.size(); i++) {
                String h = hashes.get(i);
                byte[] next = b32.fromString(hashes.get((i + 1) % hashes.size()));
                chain.add(new NSEC3Record(new Name(h, origin), DClass.IN, negTtl, 1, nsec3.optOut() ? 1 : 0,
                        nsec3.iterations(), nsec3.salt(), next, hashed.get(h).getValue()));
            }
        }

        for (Map.Entry<Name, Map<Integer, List<Record>>> e : byName.entrySet()) {
            Name n = e.getKey();
            boolean glue = belowCut(n, cuts);
            for (Map.Entry<Integer, List<Record>> t : e.getValue().entrySet()) {
                RRset set = new RRset();
                t.getValue().forEach(set::addRR);
                out.addAll(t.getValue());
                boolean delegationNs = cuts.contains(n) && t.getKey() == Type.NS;
                boolean skip = glue || delegationNs
                        || (faults.contains(Fault.MISSING_RRSIG_ON_A) && t.getKey() == Type.A);
                if (!skip) {
                    RRSIGRecord real = signature(set, key, pair, claimed, inception, expiration);
                    if (faults.contains(Fault.EXTRA_BAD_SIGNATURES)) {
                        for (int i = 0; i < 3; i++) {
                            out.add(new RRSIGRecord(real.getName(), DClass.IN, real.getTTL(), real.getTypeCovered(),
                                    real.getAlgorithm(), real.getOrigTTL(), real.getExpire(), real.getTimeSigned(),
                                    real.getFootprint(), real.getSigner(), randomBytes(real.getSignature().length)));
                        }
                    }
                    out.add(real);
                }
            }
        }
        List<Record> published = new ArrayList<>();
        for (Record r : chain) {
            RRset set = new RRset(r);
            RRSIGRecord sig = signature(set, key, pair, claimed, inception, expiration);
            Record shown = faults.contains(Fault.FORGED_DENIAL) ? forge(r) : r;
            published.add(shown);
            out.add(shown);
            out.add(sig);
        }
        denial = nsec3 == null ? Denial.nsec(origin, published, auth.keySet())
                : Denial.nsec3(origin, published, auth.keySet(), new NSEC3PARAMRecord(origin, DClass.IN, 0, 1, 0,
                        nsec3.iterations(), nsec3.salt()));

        DNSKEYRecord dsKey = faults.contains(Fault.DS_MATCHES_NO_KEY)
                ? new DNSKEYRecord(origin, DClass.IN, 3600, 257, 3, algorithm, keyPair(algorithm).getPublic())
                : key;
        DSRecord ds = new DSRecord(origin, DClass.IN, 3600, DNSSEC.Digest.SHA256, dsKey);
        List<DSRecord> dsSet = new ArrayList<>();
        dsSet.add(ds);
        Zone zone = new Zone(origin, out.toArray(new Record[0]));
        return new Signed(zone, denial, dsSet, key);
    }

    private static RRSIGRecord signature(RRset set, DNSKEYRecord key, KeyPair pair, int claimed, Instant inception,
                                         Instant expiration) throws GeneralSecurityException {
        if (claimed != key.getAlgorithm() || claimed == 12) {
            return new RRSIGRecord(set.getName(), DClass.IN, set.getTTL(), set.getType(), 12, set.getTTL(),
                    expiration, inception, key.getFootprint(), key.getName(), randomBytes(64));
        }
        try {
            return DNSSEC.sign(set, key, pair.getPrivate(), inception, expiration);
        } catch (DNSSEC.DNSSECException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** The same denial record with A dropped from its type bitmap: its signature no longer matches. */
    private static Record forge(Record r) {
        if (r instanceof NSECRecord n) {
            return new NSECRecord(n.getName(), DClass.IN, n.getTTL(), n.getNext(), withoutType(n.getTypes(), Type.A));
        }
        NSEC3Record n = (NSEC3Record) r;
        return new NSEC3Record(n.getName(), DClass.IN, n.getTTL(), n.getHashAlgorithm(), n.getFlags(),
                n.getIterations(), n.getSalt(), n.getNext(), withoutType(n.getTypes(), Type.A));
    }

    private static int[] withoutType(int[] types, int drop) {
        return java.util.Arrays.stream(types).filter(t -> t != drop).toArray();
    }

    private static int[] types(Map<Integer, List<Record>> sets, boolean cut, boolean nsec) {
        TreeSet<Integer> t = new TreeSet<>(sets.keySet());
        if (cut) {
            t.retainAll(Set.of(Type.NS, Type.DS)); // a delegation owns only NS and DS on the parent side
        }
        boolean signedSomething = !cut || t.contains(Type.DS);
        if (signedSomething && !t.isEmpty()) {
            t.add(Type.RRSIG);
        }
        if (nsec) {
            t.add(Type.NSEC);
            t.add(Type.RRSIG);
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A DNSKEY with another key but the same tag as {@code key} (RFC 4034 Appendix B: a 16-bit one's-complement sum). */
    private static DNSKEYRecord collidingKey(DNSKEYRecord key, int which) {
        byte[] k = key.getKey().clone();
        // key byte j sits at RDATA offset 4 + j: even j is the high byte of a 16-bit word of the checksum. Start past
        // an RSA key's exponent, so the decoy stays a well-formed key (any modulus is one) that merely fails to verify.
        int up = 16 + 4 * which;
        int down = up + 2;
        while ((k[up] & 0xff) == 0xff || (k[down] & 0xff) == 0) {
            up += 4;
            down += 4;
        }
        k[up]++;
        k[down]--;
        return new DNSKEYRecord(key.getName(), DClass.IN, key.getTTL(), key.getFlags(), key.getProtocol(),
                key.getAlgorithm(), k);
    }

    private static boolean belowCut(Name n, Set<Name> cuts) {
        for (Name c : cuts) {
            if (n.subdomain(c) && !n.equals(c)) {
                return true;
            }
        }
        return false;
    }

    private static Name parent(Name n) {
        return n.labels() <= 1 ? null : new Name(n, 1);
    }

    private static KeyPair keyPair(int algorithm) throws GeneralSecurityException {
        if (algorithm == DNSSEC.Algorithm.ED25519) {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        if (algorithm == DNSSEC.Algorithm.RSASHA256 || algorithm == DNSSEC.Algorithm.RSASHA512) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(algorithm == DNSSEC.Algorithm.ECDSAP384SHA384 ? "secp384r1" : "secp256r1"));
        return g.generateKeyPair();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
