package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.resolver.config.RecursorSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DNS46 end to end against the demo lab over real sockets: 127.0.0.3 is a DNS46 client, 127.0.0.1 is not; the demo's
 * v6only.demo.test has only AAAA 2001:db8:46::10, inside the mapping 2001:db8:46::/120 = 198.51.100.0/24.
 */
class Dns46EndToEndTest {
    static LabFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = LabFixture.start("dns46-clients=[\"127.0.0.3\"]",
                "dns46-eam=[{ipv4=\"198.51.100.0/24\", ipv6=\"2001:db8:46::/120\"}]");
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @BeforeEach
    void fresh() {
        f.lab.misbehave(q -> null);
        f.recursor.wipeCache(Name.root, true);
    }

    static Message askFrom(String client, String name, int type) throws Exception {
        SimpleResolver r = f.client(false);
        r.setLocalAddress(new InetSocketAddress(client, 0));
        return r.send(LabFixture.question(name, type, true));
    }

    static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " "
                + r.rdataToString()).toList();
    }

    @Test
    void aDns46ClientGetsAnASynthesisedFromTheAaaaWithTheNegativeTtl() throws Exception {
        long before = f.metric("gate64_dns46_synthesized_total");
        Message m = askFrom("127.0.0.3", "v6only.demo.test.", Type.A);
        assertEquals(List.of("v6only.demo.test. A 198.51.100.16"), answers(m));
        // min(AAAA TTL 300, negative TTL 60 of the A NODATA: the SOA minimum)
        assertEquals(60, m.getSection(Section.ANSWER).get(0).getTTL());
        assertEquals(before + 1, f.metric("gate64_dns46_synthesized_total"));
    }

    /** The packet cache keys on the client's DNS46 choice: neither client ever gets the other's answer. */
    @Test
    void packetCacheKeepsTheTwoKindsOfClientApart() throws Exception {
        for (int round = 0; round < 2; round++) {
            long hits = f.metric("gate64_cache_hits_total", "cache", "packet");
            Message other = askFrom("127.0.0.1", "v6only.demo.test.", Type.A);
            assertEquals(Rcode.NOERROR, other.getRcode());
            assertEquals(List.of(), answers(other), "not a DNS46 client: NODATA as the zone says");
            Message dns46 = askFrom("127.0.0.3", "v6only.demo.test.", Type.A);
            assertEquals(List.of("v6only.demo.test. A 198.51.100.16"), answers(dns46));
            if (round == 1) {
                assertEquals(hits + 2, f.metric("gate64_cache_hits_total", "cache", "packet"), "the second round is served from the packet cache");
            }
        }
    }

    @Test
    void aNameWithRealARecordsIsLeftAlone() throws Exception {
        assertEquals(List.of("dual.demo.test. A 192.0.2.20"), answers(askFrom("127.0.0.3", "dual.demo.test.", Type.A)));
    }

    @Test
    void anAaaaOutsideTheMappingsGivesNothing() throws Exception {
        Message m = askFrom("127.0.0.3", "v6elsewhere.demo.test.", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), answers(m));
        assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType(), "the NODATA with its SOA");
    }

    @Test
    void nxdomainStaysNxdomain() throws Exception {
        assertEquals(Rcode.NXDOMAIN, askFrom("127.0.0.3", "nonexistent.demo.test.", Type.A).getRcode());
    }

    @Test
    void cnameChainEndsInTheSynthesisedA() throws Exception {
        assertEquals(List.of("v6alias.demo.test. CNAME v6only.demo.test.", "v6only.demo.test. A 198.51.100.16"),
                answers(askFrom("127.0.0.3", "v6alias.demo.test.", Type.A)));
    }

    /** DO and CD: the client validates itself; it gets the zone's NODATA (as DNS64, RFC 6147 §5.5). */
    @Test
    void dnssecOkWithCheckingDisabledGetsNoSynthesis() throws Exception {
        Message q = LabFixture.question("v6only.demo.test.", Type.A, false);
        q.getHeader().setFlag(Flags.CD);
        q.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
        SimpleResolver r = f.client(false);
        r.setLocalAddress(new InetSocketAddress("127.0.0.3", 0));
        Message m = r.send(q);
        assertEquals(List.of(), answers(m));
        assertTrue(!m.getHeader().getFlag(Flags.AD));
    }

    @Test
    void ptrOfTheMappedAddressPointsAtTheIpv6Name() throws Exception {
        String v4 = ReverseMap.fromAddress("198.51.100.16").toString();
        String v6 = ReverseMap.fromAddress("2001:db8:46::10").toString();
        Message m = askFrom("127.0.0.3", v4, Type.PTR);
        assertEquals(List.of(v4 + " CNAME " + v6, v6 + " PTR v6only.demo.test."), answers(m));
        Message other = askFrom("127.0.0.1", v4, Type.PTR);
        assertEquals(Rcode.NXDOMAIN, other.getRcode(), "not a DNS46 client: resolved as is (the lab has no such zone)");
    }

    /** DO and CD: the client validates, so it gets the in-addr.arpa data as is, not a CNAME no signature covers. */
    @Test
    void ptrWithDnssecOkAndCheckingDisabledIsResolvedAsIs() throws Exception {
        String v4 = ReverseMap.fromAddress("198.51.100.16").toString();
        Message q = LabFixture.question(v4, Type.PTR, false);
        q.getHeader().setFlag(Flags.CD);
        q.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), Section.ADDITIONAL);
        SimpleResolver r = f.client(false);
        r.setLocalAddress(new InetSocketAddress("127.0.0.3", 0));
        Message m = r.send(q);
        assertEquals(Rcode.NXDOMAIN, m.getRcode(), "the lab has no such reverse zone");
        assertEquals(List.of(), answers(m));
    }

    /**
     * The DNS46 settings are part of the reloadable snapshot: turned on, changed and off by reload-config, each time
     * from the next query on, with no answer of the old settings left in the packet cache.
     */
    @Test
    void dns46SettingsChangeWithAConfigReload(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("recursor.conf");
        try (LabFixture r = LabFixture.startFromFile(conf)) {
            SimpleResolver client = r.client(false);
            client.setLocalAddress(new InetSocketAddress("127.0.0.3", 0));
            Message q = LabFixture.question("v6only.demo.test.", Type.A, true);
            assertEquals(List.of(), answers(client.send(q)), "DNS46 off at start");
            Files.writeString(conf, LabFixture.baseConfig(r.lab, "dns46-clients = [\"127.0.0.3\"]",
                    "dns46-eam = [ { ipv4 = \"198.51.100.0/24\", ipv6 = \"2001:db8:46::/120\" } ]"));
            assertTrue(r.recursor.reloadConfig().applied().containsAll(List.of("dns46-clients", "dns46-eam")));
            assertEquals(List.of("v6only.demo.test. A 198.51.100.16"), answers(client.send(q)));
            Files.writeString(conf, LabFixture.baseConfig(r.lab, "dns46-clients = [\"127.0.0.3\"]",
                    "dns46-eam = [ { ipv4 = \"203.0.113.0/24\", ipv6 = \"2001:db8:46::/120\" } ]"));
            r.recursor.reloadConfig();
            assertEquals(List.of("v6only.demo.test. A 203.0.113.16"), answers(client.send(q)), "the new mapping");
            Files.writeString(conf, LabFixture.baseConfig(r.lab));
            r.recursor.reloadConfig();
            assertEquals(List.of(), answers(client.send(q)), "DNS46 off again");
        }
    }

    /** One file for both programs: dns46-eam = ${nat64.eam} gives the recursor exactly the gateway's mappings. */
    @Test
    void sharedFileGivesTheRecursorTheGatewaysEam(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gate64.conf");
        Files.writeString(file, """
                nat64 {
                  mode = "siit"
                  pool6 = "2001:db8:64::/96"
                  ipv4-address = "192.0.2.1"
                  eam = [ { ipv4 = "198.51.100.0/24", ipv6 = "2001:db8:46::/120" },
                          { ipv4 = "203.0.113.7", ipv6 = "2001:db8:47::7" } ]
                }
                recursor {
                  dns46-clients = ["192.0.2.0/24"]
                  dns46-eam = ${nat64.eam}
                }
                """);
        RecursorSettings recursor = net.gate64.resolver.config.SettingsLoader.load(file, List.of());
        Nat64Settings gateway = net.gate64.nat64.config.SettingsLoader.load(file, List.of());
        assertEquals(gateway.eam(), recursor.dns46().eam());
        assertEquals(2, recursor.dns46().eam().size());
    }
}
