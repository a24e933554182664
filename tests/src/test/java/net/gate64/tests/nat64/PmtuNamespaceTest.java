package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path MTU discovery through the gateway (RFC 7915 §4.2, §5.2, §6), both directions, with real TCP transfers in the
 * five-namespace bed ({@link NamespaceBed#createRouted}): the small link sits between a router and the gateway, so
 * the ends keep MTU 1500 and their MSS does not already fit; the Packet Too Big or Fragmentation Needed that the
 * small link's kernel sends must cross the translator for the sender to learn the path MTU.
 * <ul>
 *   <li>IPv6 side 1280: the IPv4 server's 1500-byte segments become 1520-byte IPv6 packets, the gateway's kernel
 *       answers Packet Too Big 1280 towards the server's IPv6 form, the translator turns it into Fragmentation
 *       Needed 1260 and the server's route cache must say so;</li>
 *   <li>IPv4 side 1400: the client's 1500-byte packets become 1480-byte IPv4 packets with DF, the kernel answers
 *       Fragmentation Needed 1400 towards the pool4 address, the translator turns it into Packet Too Big 1420.</li>
 * </ul>
 * 4 MB each way, checked by SHA-256.
 */
@Requires(what = "the path MTU namespace tests", root = true, tun = true, netns = true, tools = {"ip", "python3"})
class PmtuNamespaceTest {
    private static final String SERVER = "198.51.100.130";
    private static final String SERVER6 = "2001:db8:64::c633:6482";
    private static final String POOL = "203.0.113.1";
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static String sha256;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.createRouted();
        Path conf = dir.resolve("nat64.conf");
        Files.writeString(conf, """
                tun-name = "nat64"
                mode = "stateful"
                pool6 = "2001:db8:64::/96"
                pool4 = "203.0.113.1/32"
                threads = 2
                configure-interface = true
                http-address = ""
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process gateway = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--config", conf.toString());
        byte[] blob = new byte[4 * 1024 * 1024];
        new Random(1280).nextBytes(blob);
        Files.write(dir.resolve("blob"), blob);
        sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        Files.writeString(dir.resolve("bulk.py"), """
                import hashlib, socket, sys, threading
                data = open(sys.argv[1], 'rb').read()
                def sink(c):
                    h = hashlib.sha256()
                    while True:
                        b = c.recv(65536)
                        if not b:
                            break
                        h.update(b)
                    c.sendall(h.hexdigest().encode())
                    c.close()
                def source(c):
                    c.sendall(data)
                    c.close()
                def serve(port, fn):
                    s = socket.socket()
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(('198.51.100.130', port))
                    s.listen(8)
                    while True:
                        c, _ = s.accept()
                        threading.Thread(target=fn, args=(c,), daemon=True).start()
                threading.Thread(target=serve, args=(9000, sink), daemon=True).start()
                serve(9001, source)
                """);
        bed.spawn(bed.server, dir.resolve("bulk.log"), "python3", dir.resolve("bulk.py").toString(),
                dir.resolve("blob").toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            if (bed.exec(bed.gateway, 5, "ip", "route", "show", POOL).out().contains("nat64")
                    && bed.exec(bed.server, 5, "ss", "-Hltn", "sport = :9001").out().contains("9001")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("gateway or server did not come up:\n" + Files.readString(dir.resolve("gateway.log")));
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    /** Every test starts from MTU 1500 everywhere and no learnt path MTU. */
    @BeforeEach
    void resetLinks() throws IOException {
        bed.linkMtu(bed.router6, "r1", bed.gateway, "g0", 1500);
        bed.linkMtu(bed.gateway, "g1", bed.router4, "r2", 1500);
        for (String ns : new String[] {bed.client, bed.router6, bed.gateway, bed.router4, bed.server}) {
            bed.must("ip", "-n", ns, "-4", "route", "flush", "cache");
            bed.must("ip", "-n", ns, "-6", "route", "flush", "cache");
        }
    }

    private static String download() throws IOException {
        return bed.exec(bed.client, 90, "python3", "-c", """
                import hashlib, socket
                s = socket.create_connection(('%s', 9001), timeout=60)
                h = hashlib.sha256()
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    h.update(b)
                print(h.hexdigest())
                """.formatted(SERVER6)).out().trim();
    }

    private static String upload() throws IOException {
        return bed.exec(bed.client, 90, "python3", "-c", """
                import socket
                s = socket.create_connection(('%s', 9000), timeout=60)
                s.sendall(open('%s', 'rb').read())
                s.shutdown(socket.SHUT_WR)
                print(s.recv(100).decode())
                """.formatted(SERVER6, dir.resolve("blob"))).out().trim();
    }

    @Test
    void ipv6SideLinkOf1280() throws IOException {
        bed.linkMtu(bed.router6, "r1", bed.gateway, "g0", 1280);
        assertEquals(sha256, download(), "4 MB from the IPv4 server across the 1280 link");
        String route = bed.exec(bed.server, 10, "ip", "route", "get", POOL).out();
        assertTrue(route.contains("mtu 1260"), "the server learnt 1260 from the translated Packet Too Big:\n" + route);
        assertEquals(sha256, upload(), "and 4 MB the other way");
    }

    @Test
    void ipv4SideLinkOf1400() throws IOException {
        bed.linkMtu(bed.gateway, "g1", bed.router4, "r2", 1400);
        assertEquals(sha256, upload(), "4 MB from the IPv6 client across the 1400 link");
        String route = bed.exec(bed.client, 10, "ip", "-6", "route", "get", SERVER6).out();
        assertTrue(route.contains("mtu 1420"), "the client learnt 1420 from the translated Fragmentation Needed:\n"
                + route);
        assertEquals(sha256, download(), "and 4 MB the other way");
    }
}
