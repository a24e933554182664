package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 7422 deterministic port ranges through the real gateway: pool4 203.0.113.0/30, ports 1024-65535, blocks of 64,
 * 4 per client, clients = the addresses of 2001:db8:1::/120. Client 2001:db8:1::2 is client number 2: always
 * 203.0.113.0 ports 1536-1791; client ::5 is 203.0.113.0 ports 2304-2559 (252 clients per address). The IPv4
 * server reports what it sees; a client outside the prefix is refused with ICMPv6 administratively prohibited.
 */
@Requires(what = "the deterministic port-range namespace tests", root = true, tun = true, netns = true, tools = {"ip", "python3"})
class DeterministicNamespaceTest {
    private static final String SERVER6 = "2001:db8:64::c633:6402";
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.create();
        for (String a : new String[] {"2001:db8:1::5/64", "2001:db8:1::1:2/64"}) {
            bed.must("ip", "-n", bed.client, "addr", "add", a, "dev", "c0", "nodad");
        }
        Path conf = dir.resolve("nat64.conf");
        Files.writeString(conf, """
                tun-name = "nat64"
                mode = "stateful"
                pool6 = "2001:db8:64::/96"
                pool4 = "203.0.113.0/30"
                ipv4-address = "198.51.100.1"
                threads = 1
                configure-interface = true
                http-address = ""
                port-block-size = 64
                port-blocks-per-client = 4
                deterministic-prefix = "2001:db8:1::/120"
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process gateway = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--config", conf.toString());
        Files.writeString(dir.resolve("whoami.py"), """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("198.51.100.2", 7007))
                while True:
                    data, peer = s.recvfrom(100)
                    s.sendto(("%s %d" % peer).encode(), peer)
                """);
        bed.spawn(bed.server, dir.resolve("whoami.log"), "python3", dir.resolve("whoami.py").toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            if (bed.exec(bed.gateway, 5, "ip", "route", "show", "203.0.113.0/30").out().contains("nat64")
                    && bed.exec(bed.server, 5, "ss", "-Hlun", "sport = :7007").out().contains("7007")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("gateway did not come up:\n" + Files.readString(dir.resolve("gateway.log")));
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    /** What the IPv4 server sees for a few flows from {@code client}: "address port" lines, or the error. */
    private static String seenFrom(String client, int flows) throws IOException {
        return bed.exec(bed.client, 30, "python3", "-c", """
                import socket
                for i in range(%d):
                    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                    s.settimeout(3)
                    s.bind(('%s', 0))
                    s.connect(('%s', 7007))
                    s.send(b'?')
                    try:
                        print(s.recv(100).decode())
                    except OSError as e:
                        print('errno', e.errno)
                """.formatted(flows, client, SERVER6)).out().trim();
    }

    private static void assertInside(String seen, String addr, int first, int last) {
        for (String line : seen.split("\n")) {
            String[] f = line.trim().split(" ");
            assertEquals(addr, f[0], seen);
            int port = Integer.parseInt(f[1]);
            assertTrue(port >= first && port <= last, port + " outside " + first + "-" + last + ":\n" + seen);
        }
    }

    @Test
    void eachClientUsesTheRangeItsAddressGivesIt() throws IOException {
        assertInside(seenFrom("2001:db8:1::2", 5), "203.0.113.0", 1536, 1791);
        assertInside(seenFrom("2001:db8:1::5", 5), "203.0.113.0", 2304, 2559);
    }

    @Test
    void aClientOutsideThePrefixIsRefused() throws IOException {
        assertEquals("errno 13", seenFrom("2001:db8:1::1:2", 1), "EACCES from ICMPv6 1/1");
    }
}
