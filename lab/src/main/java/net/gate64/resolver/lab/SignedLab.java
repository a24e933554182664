package net.gate64.resolver.lab;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Zone;

/**
 * A DNSSEC-signed lab hierarchy built at start-up with fresh keys: a signed root (its DS is the lab's trust anchor),
 * a signed {@code test.} TLD, and under it one zone per case a validator must get right:
 *
 * <pre>
 *   secure.test       NSEC, ECDSA P-256             → Secure (wildcard, CNAME, NODATA, NXDOMAIN too)
 *   ed.test           NSEC, Ed25519                  → Secure
 *   nsec3.test        NSEC3, no salt, 0 iterations   → Secure (RFC 9276 parameters)
 *   optout.test       NSEC3 with opt-out             → Secure data; child.optout.test (unsigned, opted out) and
 *                                                      NXDOMAIN inside an opt-out span → Insecure (RFC 5155 §9.2)
 *   insecure.test     unsigned, no DS (NSEC proof)   → Insecure
 *   unsupported.test  algorithm 12 (GOST)            → Insecure (RFC 6840 §5.2)
 *   iter.test         NSEC3 with 500 iterations      → Insecure above nsec3-max-iterations (RFC 9276)
 *   expired.test      signatures expired             → Bogus
 *   badds.test        DS matches no DNSKEY           → Bogus
 *   nosig.test        RRSIGs over A left out         → Bogus
 *   forged.test       NSEC bitmaps altered           → Bogus denials
 *   keytrap.test      3 garbage RRSIGs before each real one → Bogus under max-rrsigs-per-record 2, Secure with 4
 *   manyds.test       RSA/SHA-256; 5 DNSKEYs sharing the real key's tag first → Bogus (max-ds-match-failures 4)
 * </pre>
 *
 * Servers: the root on {@code base}.1, test. on .2, every zone under test. on .3 (port 53 unless told otherwise).
 */
public final class SignedLab implements AutoCloseable {
    /** The zones under test. and how each is signed. */
    private record Child(String name, ZoneSigner.Nsec3 nsec3, int algorithm, Set<ZoneSigner.Fault> faults, boolean signed) {}

    private static final List<Child> CHILDREN = List.of(
            new Child("secure", null, DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(), true),
            new Child("ed", null, DNSSEC.Algorithm.ED25519, Set.of(), true),
            new Child("nsec3", new ZoneSigner.Nsec3(0, new byte[0], false), DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(), true),
            new Child("optout", new ZoneSigner.Nsec3(1, new byte[] {(byte) 0xaa, (byte) 0xbb}, true),
                    DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(), true),
            new Child("insecure", null, 0, Set.of(), false),
            new Child("unsupported", null, DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(ZoneSigner.Fault.UNSUPPORTED_ALGORITHM), true),
            new Child("iter", new ZoneSigner.Nsec3(500, new byte[] {1, 2, 3, 4}, false), DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(), true),
            new Child("expired", null, DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(ZoneSigner.Fault.EXPIRED_SIGNATURES), true),
            new Child("badds", null, DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(ZoneSigner.Fault.DS_MATCHES_NO_KEY), true),
            new Child("nosig", null, DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(ZoneSigner.Fault.MISSING_RRSIG_ON_A), true),
            new Child("forged", null, DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(ZoneSigner.Fault.FORGED_DENIAL), true),
            new Child("keytrap", null, DNSSEC.Algorithm.ECDSAP256SHA256, Set.of(ZoneSigner.Fault.EXTRA_BAD_SIGNATURES), true),
            new Child("manyds", null, DNSSEC.Algorithm.RSASHA256, Set.of(ZoneSigner.Fault.COLLIDING_KEY_TAGS), true));

    private final List<LabServer> servers;
    private final InetAddress root;
    private final DSRecord anchor;

    private SignedLab(List<LabServer> servers, InetAddress root, DSRecord anchor) {
        this.servers = servers;
        this.root = root;
        this.anchor = anchor;
    }

    /** The signed zones of each server (by address), their denial indexes and the root's DS. */
    public record Built(Map<String, List<Zone>> zones, Map<String, Map<Name, Denial>> denials, DSRecord anchor,
                        String rootAddress) {
        /**
         * Writes {@code dir/<address>/<origin>.zone} for every zone (root.zone for the root), plus hints.zone and
         * anchor.ds: the same lab for another authoritative server (NSD serves presigned zones as they are).
         */
        public void write(Path dir) throws IOException {
            for (Map.Entry<String, List<Zone>> e : zones.entrySet()) {
                Path folder = Files.createDirectories(dir.resolve(e.getKey()));
                for (Zone z : e.getValue()) {
                    String file = z.getOrigin().equals(Name.root) ? "root" : z.getOrigin().toString(true);
                    StringBuilder sb = new StringBuilder("$ORIGIN .\n");
                    for (java.util.Iterator<org.xbill.DNS.RRset> it = z.iterator(); it.hasNext(); ) {
                        org.xbill.DNS.RRset set = it.next();
                        set.rrs(false).forEach(r -> sb.append(r).append('\n'));
                        set.sigs().forEach(r -> sb.append(r).append('\n'));
                    }
                    Files.writeString(folder.resolve(file + ".zone"), sb);
                }
            }
            Files.writeString(dir.resolve("hints.zone"), ". 3600000 NS a.root.lab.\na.root.lab. 3600000 A " + rootAddress + "\n");
            Files.writeString(dir.resolve("anchor.ds"), anchor + "\n");
        }
    }

    /** @param base the first three octets of the servers' loopback addresses, e.g. "127.0.56" */
    public static SignedLab start(String base, int port) throws Exception {
        return serve(build(base, 0), port);
    }

    /** Serves a built lab on its addresses. */
    public static SignedLab serve(Built b, int port) throws Exception {
        List<LabServer> servers = new ArrayList<>();
        try {
            for (Map.Entry<String, List<Zone>> e : b.zones.entrySet()) {
                servers.add(LabServer.start(new InetSocketAddress(e.getKey(), port), e.getValue(),
                        b.denials.get(e.getKey())));
            }
        } catch (IOException e) {
            servers.forEach(LabServer::close);
            throw e;
        }
        return new SignedLab(servers, InetAddress.getByName(b.rootAddress), b.anchor);
    }

    /**
     * Signs the whole lab with fresh keys.
     *
     * @param manyNames when above 0, a further signed zone many.test. with names n0 .. n{manyNames-1}, one A record
     *     each (a cache-miss workload whose every answer has its own signature)
     */
    public static Built build(String base, int manyNames) throws Exception {
        String a1 = base + ".1";
        String a2 = base + ".2";
        String a3 = base + ".3";
        List<Zone> leafZones = new ArrayList<>();
        Map<Name, Denial> leafDenials = new HashMap<>();
        StringBuilder tld = new StringBuilder(soa("test.") + "test. 3600 IN NS ns.test.\nns.test. 3600 IN A " + a2 + "\n"
                + "ns3.test. 3600 IN A " + a3 + "\n");
        for (Child c : CHILDREN) {
            String origin = c.name + ".test.";
            String text = leaf(origin);
            if (c.name.equals("optout")) {
                text += "child.optout.test. 3600 IN NS ns3.test.\n";
                Zone child = new Zone(Name.fromString("child.optout.test."), parse(leaf("child.optout.test."), "child.optout.test.")
                        .toArray(new Record[0]));
                leafZones.add(child);
            }
            tld.append(origin).append(" 3600 IN NS ns3.test.\n");
            if (!c.signed) {
                leafZones.add(new Zone(Name.fromString(origin), parse(text, origin).toArray(new Record[0])));
                continue;
            }
            if (c.name.equals("secure") && manyNames > 0) {
                StringBuilder many = new StringBuilder(leaf("many.test."));
                for (int i = 0; i < manyNames; i++) {
                    many.append('n').append(i).append(".many.test. 3600 IN A 192.0.2.").append(1 + i % 250).append('\n');
                }
                ZoneSigner.Signed m = ZoneSigner.sign(Name.fromString("many.test."), parse(many.toString(), "many.test."),
                        null, DNSSEC.Algorithm.ECDSAP256SHA256, EnumSet.noneOf(ZoneSigner.Fault.class));
                leafZones.add(m.zone());
                leafDenials.put(m.zone().getOrigin(), m.denial());
                tld.append("many.test. 3600 IN NS ns3.test.\n");
                for (DSRecord ds : m.ds()) {
                    tld.append(ds).append('\n');
                }
            }
            ZoneSigner.Signed s = ZoneSigner.sign(Name.fromString(origin), parse(text, origin), c.nsec3, c.algorithm,
                    c.faults.isEmpty() ? EnumSet.noneOf(ZoneSigner.Fault.class) : EnumSet.copyOf(c.faults));
            leafZones.add(s.zone());
            leafDenials.put(s.zone().getOrigin(), s.denial());
            for (DSRecord ds : s.ds()) {
                tld.append(ds).append('\n');
            }
        }
        ZoneSigner.Signed test = ZoneSigner.sign(Name.fromString("test."), parse(tld.toString(), "test."), null,
                DNSSEC.Algorithm.ECDSAP256SHA256, EnumSet.noneOf(ZoneSigner.Fault.class));
        StringBuilder rootText = new StringBuilder(soa(".") + ". 3600 IN NS a.root.lab.\na.root.lab. 3600 IN A " + a1 + "\n"
                + "test. 3600 IN NS ns.test.\nns.test. 3600 IN A " + a2 + "\n");
        for (DSRecord ds : test.ds()) {
            rootText.append(ds).append('\n');
        }
        ZoneSigner.Signed rootZone = ZoneSigner.sign(Name.root, parse(rootText.toString(), "."), null,
                DNSSEC.Algorithm.ECDSAP256SHA256, EnumSet.noneOf(ZoneSigner.Fault.class));
        Map<String, List<Zone>> zones = new LinkedHashMap<>();
        zones.put(a1, List.of(rootZone.zone()));
        zones.put(a2, List.of(test.zone()));
        zones.put(a3, leafZones);
        Map<String, Map<Name, Denial>> denials = new HashMap<>();
        denials.put(a1, Map.of(Name.root, rootZone.denial()));
        denials.put(a2, Map.of(test.zone().getOrigin(), test.denial()));
        denials.put(a3, leafDenials);
        return new Built(zones, denials, rootZone.ds().get(0), a1);
    }

    private static String soa(String origin) {
        return origin + " 3600 IN SOA ns." + (origin.equals(".") ? "root.lab." : origin) + " hostmaster." + (origin.equals(".") ? "" : origin)
                + " 1 3600 600 86400 300\n";
    }

    /** The records every leaf zone holds. */
    private static String leaf(String origin) {
        return soa(origin)
                + origin + " 3600 IN NS ns3.test.\n"
                + "www." + origin + " 3600 IN A 192.0.2.1\n"
                + "v4only." + origin + " 3600 IN A 192.0.2.2\n"
                + "dual." + origin + " 3600 IN A 192.0.2.3\n"
                + "dual." + origin + " 3600 IN AAAA 2001:db8::3\n"
                + "alias." + origin + " 3600 IN CNAME www." + origin + "\n"
                + "*.wild." + origin + " 3600 IN A 192.0.2.4\n"
                + "deep.ent." + origin + " 3600 IN A 192.0.2.5\n";
    }

    private static List<Record> parse(String text, String origin) throws IOException {
        List<Record> out = new ArrayList<>();
        try (Master m = new Master(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Name.fromString(origin), 3600)) {
            Record r;
            while ((r = m.nextRecord()) != null) {
                out.add(r);
            }
        }
        return out;
    }

    /** The root's DS, for {@code trust-anchors = { "." = [...] }}: "keytag algorithm digesttype digest". */
    public String rootAnchor() {
        return anchor.rdataToString();
    }

    public DSRecord rootDs() {
        return anchor;
    }

    /** A hint file naming the lab root. */
    public Path writeHints(Path file) throws IOException {
        Files.writeString(file, ". 3600000 NS a.root.lab.\na.root.lab. 3600000 A " + root.getHostAddress() + "\n");
        return file;
    }

    public List<LabServer> servers() {
        return servers;
    }

    /** The zones of each server, by address, for writing them out (e.g. for another resolver's comparison run). */
    public Map<String, List<Name>> layout() {
        Map<String, List<Name>> out = new LinkedHashMap<>();
        for (LabServer s : servers) {
            out.put(s.address().getAddress().getHostAddress(), s.origins());
        }
        return out;
    }

    @Override
    public void close() {
        servers.forEach(LabServer::close);
    }
}
