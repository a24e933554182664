package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stateful NAT64 details in the three-namespace bed, with the real gateway on one pool4 address (203.0.113.1/32,
 * which is also the gateway's own ipv4-address: shared) and port blocks of 64 ports, two per client:
 * <ul>
 *   <li>the RFC 6146 §3.5.2.2 hold of unsolicited IPv4 SYNs: refused with Port Unreachable only after 6 seconds,
 *       and a simultaneous open completing through the held state;</li>
 *   <li>ICMPv4 Destination Unreachable for UDP to a pool4 port without a binding (RFC 6146 §3.5.1);</li>
 *   <li>a static binding reached from IPv4;</li>
 *   <li>port blocks: a client's bindings stay inside its blocks, and the first one beyond them is refused with
 *       ICMPv6 Address Unreachable (RFC 6146 §3.5.1.1).</li>
 * </ul>
 */
@Requires(what = "the stateful NAT64 namespace tests", root = true, tun = true, netns = true, tools = {"ip", "python3"})
class StatefulNamespaceTest {
    private static final String SERVER6 = "2001:db8:64::c633:6402";
    private static final String POOL = "203.0.113.1";
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static Process gateway;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.create();
        bed.must("ip", "-n", bed.client, "addr", "add", "2001:db8:1::3/64", "dev", "c0", "nodad");
        Path conf = dir.resolve("nat64.conf");
        Files.writeString(conf, """
                tun-name = "nat64"
                mode = "stateful"
                pool6 = "2001:db8:64::/96"
                pool4 = "203.0.113.1/32"
                threads = 2
                configure-interface = true
                http-address = "127.0.0.1:8064"
                port-block-size = 64
                port-blocks-per-client = 2
                bib = [ { protocol = "tcp", ipv6 = "[2001:db8:1::2]:8081", ipv4 = "203.0.113.1:8081" } ]
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        gateway = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--config", conf.toString());
        Files.writeString(dir.resolve("echo.py"), """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("198.51.100.2", 7007))
                while True:
                    data, peer = s.recvfrom(65535)
                    s.sendto(data, peer)
                """);
        bed.spawn(bed.server, dir.resolve("echo.log"), "python3", dir.resolve("echo.py").toString());
        Files.writeString(dir.resolve("static.py"), """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.bind(("2001:db8:1::2", 8081))
                s.listen(4)
                while True:
                    c, peer = s.accept()
                    c.sendall(("hello " + peer[0] + "\\n").encode())
                    c.close()
                """);
        bed.spawn(bed.client, dir.resolve("static.log"), "python3", dir.resolve("static.py").toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            if (bed.exec(bed.gateway, 5, "ip", "route", "show", POOL).out().contains("nat64")
                    && bed.exec(bed.server, 5, "ss", "-Hlun", "sport = :7007").out().contains("7007")
                    && bed.exec(bed.client, 5, "ss", "-Hltn", "sport = :8081").out().contains("8081")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("gateway or servers did not come up:\n" + Files.readString(dir.resolve("gateway.log")));
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    private static String metrics() throws IOException {
        return bed.exec(bed.gateway, 10, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8064/metrics').read().decode())").out();
    }

    private static long metric(String name) throws IOException {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\d+)$", Pattern.MULTILINE).matcher(metrics());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Waits (bounded) until a counter of the gateway exceeds {@code value}: no sleeping for a guessed time. */
    private static void awaitAbove(String name, long value) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (metric(name) <= value) {
            assertTrue(System.nanoTime() < deadline, name + " never went above " + value + ":\n" + metrics());
            Thread.sleep(50);
        }
    }

    @Test
    void anUnsolicitedSynIsRefusedOnlyAfterTheSixSecondHold() throws Exception { // RFC 6146 §3.5.2.2
        NamespaceBed.Result r = bed.exec(bed.server, 40, "python3", "-c", """
                import socket, time
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(30)
                t = time.monotonic()
                try:
                    s.connect(('203.0.113.1', 41000))
                    print('connected')
                except ConnectionRefusedError:
                    print('refused %.1f' % (time.monotonic() - t))
                except OSError as e:
                    print('error', e)
                """);
        String out = r.out().trim();
        assertTrue(out.startsWith("refused "), "Port Unreachable after the hold: " + out);
        double seconds = Double.parseDouble(out.substring("refused ".length()));
        assertTrue(seconds >= 5.5, "held about 6 s, not refused at once: " + seconds);
        assertTrue(metric("gate64_nat64_held_syns_expired_total") >= 1);
    }

    @Test
    void aSimultaneousOpenCompletesThroughTheHeldSyn() throws Exception { // RFC 6146 §3.5.2.2, V4 INIT
        // The IPv4 side connects first (its SYN is held), then the IPv6 client opens the same connection from port
        // 42000, which port preservation maps to 203.0.113.1:42000.
        Files.writeString(dir.resolve("simopen4.py"), """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(30)
                s.bind(('198.51.100.2', 7100))
                s.connect(('203.0.113.1', 42000))
                s.sendall(b'from ipv4\\n')
                print(s.recv(100).decode().strip(), flush=True)
                """);
        String held = "gate64_nat64_dropped_total{reason=\"tcp_syn_held\"}";
        long before = metric(held);
        Process v4 = bed.spawn(bed.server, dir.resolve("simopen4.log"), "python3", dir.resolve("simopen4.py").toString());
        awaitAbove(held, before); // the IPv4 SYN is held at the gateway
        NamespaceBed.Result v6 = bed.exec(bed.client, 30, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.settimeout(20)
                s.bind(('2001:db8:1::2', 42000))
                s.connect(('%s', 7100))
                s.sendall(b'from ipv6\\n')
                print(s.recv(100).decode().strip())
                """.formatted(SERVER6));
        assertEquals("from ipv4", v6.out().trim(), v6.out());
        assertTrue(v4.waitFor(30, TimeUnit.SECONDS));
        assertEquals("from ipv6", Files.readString(dir.resolve("simopen4.log")).trim());
        assertTrue(metric("gate64_nat64_held_syns_opened_total") >= 1);
    }

    @Test
    void udpToAPortWithoutBindingIsAnsweredHostUnreachable() throws IOException { // RFC 6146 §3.5.1
        NamespaceBed.Result r = bed.exec(bed.server, 20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.setsockopt(0, 11, 1)  # IP_RECVERR: host unreachable is not a hard error for UDP otherwise
                s.connect(('203.0.113.1', 43000))
                s.send(b'anyone?')
                try:
                    s.recv(100)
                    print('answered')
                except socket.timeout:
                    print('timeout')
                except OSError as e:
                    print('errno', e.errno)
                """);
        assertEquals("errno 113", r.out().trim(), "EHOSTUNREACH from ICMPv4 3/1: " + r.out());
    }

    @Test
    void aStaticBindingIsReachableFromIpv4() throws IOException {
        NamespaceBed.Result r = bed.exec(bed.server, 20, "python3", "-c", """
                import socket
                s = socket.create_connection(('203.0.113.1', 8081), timeout=5)
                print(s.recv(100).decode().strip())
                """);
        assertEquals("hello 2001:db8:64::c633:6402", r.out().trim(), r.out());
    }

    @Test
    void aClientsBindingsStayInsideItsPortBlocksAndTheNextIsRefused() throws IOException { // issue 15 item 1
        // Client 2001:db8:1::3 opens 129 UDP flows: 2 blocks x 64 ports carry 128, the 129th is refused.
        NamespaceBed.Result r = bed.exec(bed.client, 60, "python3", "-c", """
                import socket
                ok, refused, socks = 0, 0, []
                for i in range(129):
                    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                    s.settimeout(3)
                    s.setsockopt(41, 25, 1)  # IPV6_RECVERR: address unreachable is a soft error otherwise
                    s.bind(('2001:db8:1::3', 0))
                    s.connect(('%s', 7007))
                    socks.append(s)
                    s.send(b'x')
                    try:
                        s.recv(10)
                        ok += 1
                    except OSError as e:
                        refused += 1 if e.errno == 113 else 0
                print(ok, refused)
                """.formatted(SERVER6));
        assertEquals("128 1", r.out().trim(), "128 answered, the 129th refused with EHOSTUNREACH: " + r.out());
        String listing = bed.exec(bed.gateway, 10, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8064/sessions').read().decode())").out();
        Matcher m = Pattern.compile("\\[2001:db8:1::3]:\\d+ <-> 203\\.0\\.113\\.1:(\\d+)").matcher(listing);
        java.util.Set<Integer> blocks = new java.util.HashSet<>();
        int n = 0;
        while (m.find()) {
            blocks.add((Integer.parseInt(m.group(1)) - 1024) / 64);
            n++;
        }
        assertEquals(128, n, listing);
        assertEquals(2, blocks.size(), "all 128 bindings in two 64-port blocks: " + blocks);
        assertTrue(metric("gate64_nat64_dropped_total{reason=\"client_ports_exhausted\"}") >= 1);
        assertTrue(metric("gate64_nat64_port_blocks_in_use") >= 2);
    }
}
