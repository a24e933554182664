package net.gate64.nat64.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.gate64.config.ConfigError;
import net.gate64.nat64.packet.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path p = dir.resolve("nat64.conf");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void shippedConfigLoadsWithDocumentedDefaults() {
        Nat64Settings s = SettingsLoader.load(Path.of("../conf/nat64.conf"), List.of());
        assertEquals("nat64", s.tunName());
        assertEquals(Nat64Settings.Mode.STATEFUL, s.mode());
        assertEquals("[64:ff9b::/96]", s.pool6().toString());
        assertEquals("192.0.2.0/24", s.pool4().toString());
        assertEquals(1024, s.portMin());
        assertEquals(65535, s.portMax());
        assertEquals("192.0.2.1", Bytes.ipv4(s.ipv4Address()), "first usable pool4 address by default");
        assertEquals(1500, s.mtu());
        assertEquals(Duration.ofMinutes(124), s.timeouts().tcpEstablished());
        assertEquals(Duration.ofMinutes(4), s.timeouts().tcpTransitory());
        assertEquals(Duration.ofMinutes(5), s.timeouts().udp());
        assertEquals(Duration.ofSeconds(60), s.timeouts().icmp());
        assertFalse(s.allowNonGlobal());
        assertFalse(s.configureInterface());
        assertTrue(s.offload());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.threads());
        assertEquals(1500, s.translator().ipv4Mtu(), "ipv4-mtu 0 = mtu");
        assertEquals(1500, s.translator().ipv6Mtu());
        assertEquals(1280, s.translator().lowestIpv6Mtu());
        assertFalse(s.translator().zeroizeTrafficClass());
        assertEquals(-1, s.translator().overrideTos());
        assertTrue(s.translator().amendUdpChecksumZero());
        assertNull(s.rfc6791v4());
        assertNull(s.rfc6791v6());
        assertEquals(128, s.stateful().ports().clientPrefixLength());
        assertTrue(s.stateful().ports().preservePorts());
        assertEquals(0, s.stateful().ports().blockSize(), "no port blocks by default");
        assertNull(s.stateful().ports().deterministic());
        assertFalse(s.stateful().addressDependentFiltering());
        assertEquals(64, s.stateful().maxHeldSyns());
        assertEquals(Duration.ofSeconds(6), s.timeouts().tcpIncomingSyn());
        assertEquals(List.of(), s.stateful().staticBib());
        assertFalse(s.sessionLog().enabled());
        assertEquals(Duration.ofSeconds(60), s.sessionLog().templateRefresh());
        assertEquals(1, s.sessionLog().observationDomain());
        assertEquals(65536, s.sessionLog().queue());
    }

    @Test
    void routerAdvertisementsDefaultToPool6() throws IOException {
        Path p = write("pool4 = \"192.0.2.0/24\"\npool6 = [\"2001:db8:64::/96\", \"64:ff9b::/96\"]\n"
                + "ra-interfaces = [\"eth1\"]\nra-rdnss = [\"2001:db8:1::53\"]\n");
        RaSettings ra = SettingsLoader.load(p, List.of()).ra();
        assertTrue(ra.enabled());
        assertEquals("[2001:db8:64::/96, 64:ff9b::/96]", ra.pref64().toString());
        assertEquals(Duration.ofSeconds(600), ra.interval());
        assertEquals(Duration.ofSeconds(1800), ra.optionLifetime());
        assertEquals(Duration.ZERO, ra.routerLifetime());
        assertEquals(1, ra.rdnss().size());
        RaSettings own = SettingsLoader.load(p, List.of("ra-pref64=\"2001:db8:ab00::/40\"", "ra-router-lifetime=1800s")).ra();
        assertEquals("[2001:db8:ab00::/40]", own.pref64().toString());
        assertEquals(Duration.ofSeconds(1800), own.routerLifetime());
        assertFalse(SettingsLoader.load(Path.of("../conf/nat64.conf"), List.of()).ra().enabled());
    }

    @Test
    void sessionLogDestinations() throws IOException {
        Path p = write("pool4 = \"192.0.2.0/24\"\nsession-log = \"/var/log/gate64/sessions.jsonl\"\n"
                + "ipfix-collector = \"[2001:db8::9]:4739\"\nipfix-observation-domain = 4294967295\n");
        SessionLogSettings s = SettingsLoader.load(p, List.of()).sessionLog();
        assertEquals(Path.of("/var/log/gate64/sessions.jsonl"), s.jsonFile());
        assertFalse(s.jsonStdout());
        assertEquals(java.net.InetAddress.getByName("2001:db8::9"), s.ipfixCollector().getAddress());
        assertEquals(4739, s.ipfixCollector().getPort());
        assertEquals(4294967295L, s.observationDomain());
        SessionLogSettings stdout = SettingsLoader.load(p, List.of("session-log=\"-\"", "ipfix-collector=\"\"")).sessionLog();
        assertTrue(stdout.jsonStdout());
        assertNull(stdout.jsonFile());
        assertNull(stdout.ipfixCollector());
    }

    @Test
    void unknownKeyIsRefusedWithItsLine() throws IOException {
        Path p = write("pool4 = \"192.0.2.0/24\"\npool-4 = \"x\"\n");
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(p, List.of()));
        assertTrue(e.getMessage().contains("unknown setting 'pool-4'"), e.getMessage());
        assertTrue(e.getMessage().contains(": 2:"), "line number: " + e.getMessage());
    }

    @Test
    void badValuesNameTheKey() throws IOException {
        String[][] cases = {
            {"pool6 = \"64:ff9b::/72\"", "pool6"},
            {"pool4 = \"10.0.0.0/8\"", "pool4"},
            {"pool4 = \"192.0.2.0/24\"\npool4-ports = \"70000-80000\"", "pool4-ports"},
            {"pool4 = \"192.0.2.0/24\"\nmode = \"nat\"", "mode"},
            {"pool4 = \"192.0.2.0/24\"\nmtu = 500", "mtu"},
            {"pool4 = \"192.0.2.0/24\"\nudp-timeout = 0s", "udp-timeout"},
            {"pool4 = \"192.0.2.0/24\"\nhttp-address = \"localhost\"", "http-address"},
            {"pool4 = \"192.0.2.0/24\"\ntun-name = \"a-very-long-interface-name\"", "tun-name"},
            {"mode = \"siit\"\neam = [ { ipv4 = \"192.0.2.0/24\", ipv6 = \"2001:db8::/96\" } ]\nipv4-address = \"192.0.2.1\"", "eam"},
            {"", "pool4"},
            {"pool4 = \"192.0.2.0/24\"\nipv4-mtu = 50", "ipv4-mtu"},
            {"pool4 = \"192.0.2.0/24\"\nport-block-size = 8", "port-block-size"},
            {"pool4 = \"192.0.2.0/24\"\nport-block-size = 1024\nport-blocks-per-client = 100", "port-blocks-per-client"},
            {"pool4 = \"192.0.2.0/24\"\ndeterministic-prefix = \"2001:db8::/120\"", "deterministic-prefix"},
            {"pool4 = \"192.0.2.0/30\"\nport-block-size = 1024\nport-blocks-per-client = 2\n"
                    + "deterministic-prefix = \"2001:db8::/112\"", "deterministic-prefix"},
            {"pool4 = \"192.0.2.0/24\"\nclient-prefix-length = 0", "client-prefix-length"},
            {"pool4 = \"192.0.2.0/24\"\ntcp-incoming-syn-timeout = 2s", "tcp-incoming-syn-timeout"},
            {"pool4 = \"192.0.2.0/24\"\nbib = [ { protocol = \"sctp\", ipv6 = \"[2001:db8::1]:80\", ipv4 = \"192.0.2.1:80\" } ]", "bib"},
            {"pool4 = \"192.0.2.0/24\"\nbib = [ { protocol = \"tcp\", ipv6 = \"2001:db8::1:80\", ipv4 = \"192.0.2.1:80\" } ]", "bib"},
            {"pool4 = \"192.0.2.0/24\"\nbib = [ { protocol = \"tcp\", ipv6 = \"[2001:db8::1]:80\", ipv4 = \"198.51.100.1:80\" } ]", "bib"},
            {"pool4 = \"192.0.2.0/24\"\nbib = [ { protocol = \"tcp\", ipv6 = \"[2001:db8::1]:80\", ipv4 = \"192.0.2.1:80\" },"
                    + " { protocol = \"tcp\", ipv6 = \"[2001:db8::2]:80\", ipv4 = \"192.0.2.1:80\" } ]", "bib"},
            {"mode = \"siit\"\npool6 = \"2001:db8:64::/96\"\nipv4-address = \"192.0.2.1\"\n"
                    + "bib = [ { protocol = \"tcp\", ipv6 = \"[2001:db8::1]:80\", ipv4 = \"192.0.2.1:80\" } ]", "bib"},
            {"pool4 = \"192.0.2.0/24\"\nipv6-mtu = 1000", "ipv6-mtu"},
            {"pool4 = \"192.0.2.0/24\"\nlowest-ipv6-mtu = 1600", "lowest-ipv6-mtu"},
            {"pool4 = \"192.0.2.0/24\"\noverride-tos = 300", "override-tos"},
            {"pool4 = \"192.0.2.0/24\"\nrfc6791v4-prefix = \"2001:db8::/64\"", "rfc6791v4-prefix"},
            {"pool4 = \"192.0.2.0/24\"\nrfc6791v6-prefix = \"192.0.2.0/24\"", "rfc6791v6-prefix"},
            {"pool4 = \"192.0.2.0/24\"\nipfix-collector = \"192.0.2.9\"", "ipfix-collector"},
            {"pool4 = \"192.0.2.0/24\"\nipfix-collector = \"192.0.2.9:0\"", "ipfix-collector"},
            {"pool4 = \"192.0.2.0/24\"\nsession-log-queue = 0", "session-log-queue"},
            {"pool4 = \"192.0.2.0/24\"\nipfix-observation-domain = -1", "ipfix-observation-domain"},
            {"mode = \"siit\"\npool6 = \"2001:db8:64::/96\"\nipv4-address = \"192.0.2.1\"\nsession-log = \"-\"", "session-log"},
            {"pool4 = \"192.0.2.0/24\"\nra-interval = 2s", "ra-interval"},
            {"pool4 = \"192.0.2.0/24\"\nra-router-lifetime = 10s", "ra-router-lifetime"},
            {"pool4 = \"192.0.2.0/24\"\nra-pref64 = [\"64:ff9b::/72\"]", "ra-pref64"},
            {"pool4 = \"192.0.2.0/24\"\nra-rdnss = [\"192.0.2.53\"]", "ra-rdnss"},
            {"pool4 = \"192.0.2.0/24\"\nra-rdnss = [\"ff02::1\"]", "ra-rdnss"},
        };
        for (String[] c : cases) {
            Path p = write(c[0]);
            ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(p, List.of()), c[0]);
            assertTrue(e.getMessage().contains("'" + c[1] + "'"), c[0] + " → " + e.getMessage());
        }
    }

    @Test
    void missingPool4PointsAtTheOperatorsFileNotTheBuiltInDefaults() throws IOException {
        Path p = write("mode = \"stateful\"\n");
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(p, List.of()));
        assertEquals(p.toString(), e.source(), e.getMessage());
        assertTrue(e.getMessage().contains("'pool4' is not set"), e.getMessage());
        assertFalse(e.getMessage().contains("target") || e.getMessage().contains("gate64-nat64.conf"), e.getMessage());
    }

    @Test
    void durationsWithoutAUnitAreRefused() throws IOException {
        Path p = write("pool4 = \"192.0.2.0/24\"\nudp-timeout = 300\n");
        ConfigError e = assertThrows(ConfigError.class, () -> SettingsLoader.load(p, List.of()));
        assertTrue(e.getMessage().contains(": 2: invalid value for 'udp-timeout': 300 has no unit"), e.getMessage());
    }

    @Test
    void siitWithEamAndOverrides() throws IOException {
        Path p = write("""
                mode = "siit"
                pool6 = ["2001:db8:64::/96"]
                ipv4-address = "198.51.100.1"
                eam = [ { ipv4 = "192.0.2.0/24", ipv6 = "2001:db8:aaaa::/120" } ]
                """);
        Nat64Settings s = SettingsLoader.load(p, List.of("threads=3", "allow-non-global=true"));
        assertEquals(Nat64Settings.Mode.SIIT, s.mode());
        assertEquals(1, s.eam().size());
        assertEquals(3, s.threads());
        assertTrue(s.allowNonGlobal());
        assertNull(s.pool4());
    }

    @Test
    void translatorSettings() throws IOException { // RFC 7915 §4.1, §4.5, §5.1; RFC 6791
        Path p = write("""
                pool4 = "192.0.2.0/24"
                mtu = 9000
                ipv4-mtu = 576
                ipv6-mtu = 1500
                lowest-ipv6-mtu = 1400
                zeroize-traffic-class = true
                override-tos = 32
                amend-udp-checksum-zero = false
                rfc6791v4-prefix = "198.51.100.0/28"
                rfc6791v6-prefix = "2001:db8:ffff::/120"
                """);
        Nat64Settings s = SettingsLoader.load(p, List.of());
        assertEquals(9000, s.mtu());
        assertEquals(576, s.translator().ipv4Mtu(), "an IPv4 MTU below 1280 is allowed");
        assertEquals(1500, s.translator().ipv6Mtu());
        assertEquals(1400, s.translator().lowestIpv6Mtu());
        assertTrue(s.translator().zeroizeTrafficClass());
        assertEquals(32, s.translator().overrideTos());
        assertFalse(s.translator().amendUdpChecksumZero());
        assertEquals("198.51.100.0/28", s.rfc6791v4().toString());
        assertEquals("2001:db8:ffff::/120", s.rfc6791v6().toString());
    }

    @Test
    void statefulSettings() throws IOException { // RFC 4787, RFC 6146 §3.5.2.2, RFC 6888, RFC 7422
        Path p = write("""
                pool4 = "192.0.2.0/24"
                client-prefix-length = 64
                port-preservation = false
                port-block-size = 256
                port-blocks-per-client = 4
                deterministic-prefix = "2001:db8:100::/56"
                address-dependent-filtering = true
                tcp-incoming-syn-timeout = 10s
                max-held-syns = 8
                bib = [ { protocol = "tcp", ipv6 = "[2001:db8:1::80]:80", ipv4 = "192.0.2.1:8080" },
                        { protocol = "icmp", ipv6 = "[2001:db8:1::80]:7", ipv4 = "192.0.2.1:7" } ]
                """);
        Nat64Settings s = SettingsLoader.load(p, List.of());
        assertEquals(64, s.stateful().ports().clientPrefixLength());
        assertFalse(s.stateful().ports().preservePorts());
        assertEquals(256, s.stateful().ports().blockSize());
        assertEquals(4, s.stateful().ports().blocksPerClient());
        assertEquals("2001:db8:100::/56", s.stateful().ports().deterministic().toString());
        assertTrue(s.stateful().addressDependentFiltering());
        assertEquals(8, s.stateful().maxHeldSyns());
        assertEquals(Duration.ofSeconds(10), s.timeouts().tcpIncomingSyn());
        assertEquals(2, s.stateful().staticBib().size());
        assertEquals("tcp [2001:db8:1::80]:80 <-> 192.0.2.1:8080", s.stateful().staticBib().get(0).toString());
        assertEquals(1, s.stateful().staticBib().get(1).proto());
    }
}
