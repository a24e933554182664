package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.gate64.testing.Requires;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live reload of the EAM table in SIIT mode, through {@code gate64 nat64 control reload-config} against the real
 * gateway in the three-namespace bed: the IPv6 client 2001:db8:1::2 is 192.0.2.2 to the IPv4 server, then 192.0.2.9
 * after the file changes, without a restart, the routes following (configure-interface); a broken EAM entry is
 * refused with the key named and the mapping in service stays. The table verbs say SIIT keeps no state.
 */
@Requires(what = "the SIIT reload namespace test", root = true, tun = true, netns = true, tools = {"ip", "python3"})
class SiitReloadNamespaceTest {
    private static final String SERVER6 = "2001:db8:64::c633:6402";
    private static final String KEY = "siit-reload-key";
    private static final String BASE = """
            mode = "siit"
            tun-name = "siit"
            pool6 = "2001:db8:64::/96"
            ipv4-address = "192.0.2.1"
            threads = 1
            configure-interface = true
            http-address = "127.0.0.1:8064"
            api-key = "%s"
            """.formatted(KEY);
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static Path conf;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.create();
        conf = dir.resolve("siit.conf");
        Files.writeString(conf, BASE + "eam = [ { ipv4 = \"192.0.2.2/32\", ipv6 = \"2001:db8:1::2/128\" } ]\n");
        Process gateway = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--config", conf.toString());
        Files.writeString(dir.resolve("echo4.py"), """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("198.51.100.2", 7010))
                while True:
                    data, peer = s.recvfrom(65535)
                    s.sendto(peer[0].encode(), peer)
                """);
        bed.spawn(bed.server, dir.resolve("echo4.log"), "python3", dir.resolve("echo4.py").toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            if (bed.exec(bed.gateway, 5, "ip", "route", "show", "192.0.2.2").out().contains("siit")
                    && bed.exec(bed.gateway, 5, "ss", "-Hltn", "sport = :8064").out().contains("8064")
                    && bed.exec(bed.server, 5, "ss", "-Hlun", "sport = :7010").out().contains("7010")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("SIIT gateway did not come up:\n" + Files.readString(dir.resolve("gateway.log")));
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static NamespaceBed.Result control(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "net.gate64.nat64.Nat64Main", "control", "--config", conf.toString()));
        cmd.addAll(List.of(args));
        return bed.exec(bed.gateway, 60, cmd.toArray(String[]::new));
    }

    /** The IPv6 client's address as the IPv4 server sees it (its echo of the datagram's source). */
    private static String clientAsSeenFromIpv4() throws IOException {
        return bed.exec(bed.client, 30, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.bind(('2001:db8:1::2', 0))
                for attempt in range(5):  # UDP: a datagram may be lost while neighbours are resolved on a busy machine
                    s.sendto(b'who am i', ('%s', 7010))
                    try:
                        print(s.recv(100).decode())
                        break
                    except socket.timeout:
                        pass
                """.formatted(SERVER6)).out().trim();
    }

    @Test
    void theEamTableReloadsLiveAndABrokenOneIsRefused() throws IOException {
        assertEquals("192.0.2.2", clientAsSeenFromIpv4());
        NamespaceBed.Result sessions = control("sessions");
        assertEquals(0, sessions.code(), sessions.out());
        assertTrue(sessions.out().contains("siit mode keeps no sessions"), sessions.out());
        NamespaceBed.Result flush = control("flush");
        assertEquals(1, flush.code(), flush.out());
        assertTrue(flush.out().contains("siit mode keeps no sessions or bindings"), flush.out());

        Files.writeString(conf, BASE + "eam = [ { ipv4 = \"192.0.2.9/32\", ipv6 = \"2001:db8:1::2/128\" } ]\n");
        NamespaceBed.Result r = control("reload-config");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("reloaded: changed eam"), r.out());
        assertEquals("192.0.2.9", clientAsSeenFromIpv4(), "the new mapping, without a restart");
        assertTrue(bed.exec(bed.gateway, 5, "ip", "route", "show", "192.0.2.9").out().contains("siit"), "route added");
        assertFalse(bed.exec(bed.gateway, 5, "ip", "route", "show", "192.0.2.2").out().contains("siit"), "route removed");

        Files.writeString(conf, BASE + "eam = [ { ipv4 = \"192.0.2.16/28\", ipv6 = \"2001:db8:1::2/128\" } ]\n");
        NamespaceBed.Result bad = control("reload-config");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("reload refused, the running settings stay in service") && bad.out().contains("eam"),
                bad.out());
        assertEquals("192.0.2.9", clientAsSeenFromIpv4(), "the mapping in service stays");
        NamespaceBed.Result stats = control("stats");
        assertTrue(stats.out().contains("gate64_nat64_config_reloads_total{result=\"failed\"} 1"), stats.out());
    }
}
