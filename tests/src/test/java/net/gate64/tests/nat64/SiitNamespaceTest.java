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
 * SIIT mode (RFC 7915 + EAM, RFC 7757) in the same three-namespace bed: the IPv6 client 2001:db8:1::2 is known to
 * the IPv4 side as 192.0.2.2 through an EAM entry, and reaches 198.51.100.2 as 2001:db8:64::c633:6402 through pool6.
 * No state: the server sees the client's own mapped address, and can also open a connection towards it. Runs with
 * TUN offloads and io_uring off, so the plain one-read-one-write-per-packet path is covered too (the stateful test
 * uses offloads and, where the kernel has it, io_uring).
 */
@Requires(what = "the SIIT namespace tests", root = true, tun = true, netns = true, tools = {"ip", "ping", "python3"})
class SiitNamespaceTest {
    private static final String SERVER6 = "2001:db8:64::c633:6402";
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.create();
        Path conf = dir.resolve("siit.conf");
        Files.writeString(conf, """
                mode = "siit"
                tun-name = "siit"
                pool6 = "2001:db8:64::/96"
                ipv4-address = "192.0.2.1"
                eam = [ { ipv4 = "192.0.2.2/32", ipv6 = "2001:db8:1::2/128" },
                        { ipv4 = "192.0.2.3/32", ipv6 = "2001:db8:1::3/128" } ]
                threads = 2
                configure-interface = true
                offload = false
                io-uring = false
                http-address = ""
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process gateway = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--config", conf.toString());
        Files.writeString(dir.resolve("echo6.py"), """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.bind(("2001:db8:1::2", 7008))
                while True:
                    data, peer = s.recvfrom(65535)
                    s.sendto(peer[0].encode() + b" " + data, peer)
                """);
        bed.spawn(bed.client, dir.resolve("echo6.log"), "python3", dir.resolve("echo6.py").toString());
        // A second IPv6 host B (2001:db8:1::3 = 192.0.2.3 by EAM) on the client's link, for hairpinning.
        bed.must("ip", "-n", bed.client, "addr", "add", "2001:db8:1::3/64", "dev", "c0", "nodad");
        Files.writeString(dir.resolve("echo6b.py"), """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.bind(("2001:db8:1::3", 7009))
                while True:
                    data, peer = s.recvfrom(65535)
                    s.sendto(peer[0].encode() + b" " + data, peer)
                """);
        bed.spawn(bed.client, dir.resolve("echo6b.log"), "python3", dir.resolve("echo6b.py").toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            // ready when the gateway has routed the EAM prefix and the client's echo server is bound (waiting for
            // the route alone raced the python start-up: issue 16)
            if (bed.exec(bed.gateway, 5, "ip", "route", "show", "192.0.2.2").out().contains("siit")
                    && bed.exec(bed.client, 5, "ss", "-Hlun", "sport = :7008").out().contains("7008")
                    && bed.exec(bed.client, 5, "ss", "-Hlun", "sport = :7009").out().contains("7009")) {
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

    @Test
    void clientPingsServerThroughPool6() throws IOException {
        NamespaceBed.Result r = bed.exec(bed.client, 20, "ping", "-c", "2", "-i", "0.2", "-W", "2", SERVER6);
        assertEquals(0, r.code(), r.out());
    }

    @Test
    void ipv4ServerReachesTheClientByItsEamAddress() throws IOException {
        // Stateless: the IPv4 side can start the conversation; the reply shows the server's pool6 address.
        NamespaceBed.Result r = bed.exec(bed.server, 20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(3)
                for attempt in range(5):  # UDP: a datagram may be lost while neighbours are resolved on a busy machine
                    s.sendto(b'hello from ipv4', ('192.0.2.2', 7008))
                    try:
                        data, peer = s.recvfrom(1000)
                        break
                    except socket.timeout:
                        pass
                print(peer[0], data.decode())
                """);
        assertEquals("192.0.2.2 " + SERVER6 + " hello from ipv4", r.out().trim(), r.out());
        NamespaceBed.Result ping = bed.exec(bed.server, 30, "ping", "-c", "5", "-i", "0.2", "-W", "3", "192.0.2.2");
        assertTrue(ping.out().matches("(?s).*[1-5] received.*"), ping.out());
    }

    /**
     * RFC 7757 §4.2.2: A (2001:db8:1::2) reaches B (2001:db8:1::3) through B's pool6 form; the gateway translates
     * the packet straight back, so B sees A in pool6 form and A's connected socket accepts B's answer from B's
     * pool6 form. (Through a kernel route the source would be mapped back by EAM and the answer would bypass the
     * translator.)
     */
    @Test
    void eamHostsReachEachOtherThroughTheTranslator() throws IOException {
        NamespaceBed.Result r = bed.exec(bed.client, 20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.bind(('2001:db8:1::2', 0))
                s.connect(('2001:db8:64::c000:203', 7009))
                for attempt in range(5):  # a first datagram can be lost while neighbours resolve on a busy machine
                    s.send(b'hairpin')
                    try:
                        print(s.recv(1000).decode())
                        break
                    except socket.timeout:
                        pass
                """);
        assertEquals("2001:db8:64::c000:202 hairpin", r.out().trim(), r.out());
        NamespaceBed.Result ping = bed.exec(bed.client, 30, "ping", "-c", "5", "-i", "0.2", "-W", "3", "-I",
                "2001:db8:1::2", "2001:db8:64::c000:203");
        assertTrue(ping.out().matches("(?s).*[1-5] received.*"), ping.out());
    }

    /** The ICMPv6 error B's kernel sends about a hairpinned packet reaches A and matches A's socket. */
    @Test
    void hairpinnedPortUnreachableReachesTheSender() throws IOException {
        NamespaceBed.Result r = bed.exec(bed.client, 20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.bind(('2001:db8:1::2', 0))
                s.connect(('2001:db8:64::c000:203', 9))
                result = 'timeout'
                for attempt in range(5):  # retried: a datagram (or the error) can be lost while neighbours resolve
                    s.send(b'anyone?')
                    try:
                        s.recv(100)
                        result = 'answered'
                        break
                    except ConnectionRefusedError:
                        result = 'refused'
                        break
                    except socket.timeout:
                        pass
                print(result)
                """);
        assertEquals("refused", r.out().trim(), "port unreachable from B, hairpinned with its quote: " + r.out());
    }
}
