package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real gateway ({@code net.gate64.nat64.Nat64Main} in its own JVM on a TUN device in the gateway namespace)
 * between an IPv6-only client and an IPv4-only server. Server 198.51.100.2 is reached as 2001:db8:64::c633:6402.
 * Skipped with a message when not root, without /dev/net/tun or when `ip netns` does not work.
 */
@Requires(what = "the NAT64 namespace tests", root = true, tun = true, netns = true, tools = {"ip", "ping", "python3"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Nat64NamespaceTest {
    private static final String SERVER6 = "2001:db8:64::c633:6402";
    private static final String SERVER6_WKP = "64:ff9b::c633:6402";
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static Process gatewayProcess;
    private static String fileSha256;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.create();
        Path conf = dir.resolve("nat64.conf");
        Files.writeString(conf, """
                tun-name = "nat64"
                mode = "stateful"
                pool6 = ["2001:db8:64::/96", "64:ff9b::/96"]
                pool4 = "203.0.113.0/28"
                threads = 2
                mtu = 1500
                udp-timeout = 3s
                io-uring = true
                icmp-timeout = 3s
                configure-interface = true
                http-address = "127.0.0.1:8064"
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        gatewayProcess = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--config", conf.toString());
        // A 4 MB file with random content behind a plain HTTP server, and a UDP echo server, in the server namespace.
        byte[] blob = new byte[4 * 1024 * 1024];
        new Random(64).nextBytes(blob);
        Files.createDirectories(dir.resolve("www"));
        Files.write(dir.resolve("www/blob"), blob);
        fileSha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        bed.spawn(bed.server, dir.resolve("http.log"), "python3", "-m", "http.server", "8080", "--bind", "198.51.100.2",
                "--directory", dir.resolve("www").toString());
        Files.writeString(dir.resolve("echo.py"), """
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("198.51.100.2", 7007))
                while True:
                    data, peer = s.recvfrom(65535)
                    s.sendto(data, peer)
                """);
        bed.spawn(bed.server, dir.resolve("echo.log"), "python3", dir.resolve("echo.py").toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            NamespaceBed.Result routes = bed.exec(bed.gateway, 5, "ip", "route", "show", "203.0.113.0/28");
            NamespaceBed.Result http = bed.exec(bed.server, 5, "python3", "-c",
                    "import socket; socket.create_connection(('198.51.100.2', 8080), 1)");
            if (routes.out().contains("nat64") && http.code() == 0) {
                return;
            }
            if (!gatewayProcess.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("gateway or servers did not come up; gateway log:\n"
                + Files.readString(dir.resolve("gateway.log")));
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    private static NamespaceBed.Result client(int seconds, String... cmd) throws IOException {
        return bed.exec(bed.client, seconds, cmd);
    }

    private static String metrics() throws IOException {
        return bed.exec(bed.gateway, 10, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8064/metrics').read().decode())").out();
    }

    /** "STATUS body" of a GET on the gateway's endpoint (503 included). */
    private static String probe(String path) throws IOException {
        return bed.exec(bed.gateway, 10, "python3", "-c", """
                import urllib.request, urllib.error
                try:
                    r = urllib.request.urlopen('http://127.0.0.1:8064%s')
                    print(r.status, r.read().decode())
                except urllib.error.HTTPError as e:
                    print(e.code, e.read().decode())
                """.formatted(path)).out();
    }

    private static String sessions() throws IOException {
        return bed.exec(bed.gateway, 10, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8064/sessions').read().decode())").out();
    }

    private static long metric(String text, String nameAndLabels) {
        Matcher m = Pattern.compile("^" + Pattern.quote(nameAndLabels) + " (\\d+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The gateway's endpoint refuses what the recursor's refuses (issue 10): a foreign Host, a cross-site Origin. */
    @Test
    @Order(0)
    void httpEndpointRefusesForeignHostsAndOrigins() throws IOException {
        String probe = """
                import socket, time, urllib.request, urllib.error
                for _ in range(100):  # until the endpoint listens (it starts after the TUN and routes)
                    try:
                        socket.create_connection(('127.0.0.1', 8064), 1).close()
                        break
                    except OSError:
                        time.sleep(0.1)
                def status(headers):
                    try:
                        return urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8064/metrics', headers=headers)).status
                    except urllib.error.HTTPError as e:
                        return e.code
                print(status({}), status({'Host': 'attacker.example:8064'}), status({'Origin': 'http://attacker.example'}))
                """;
        NamespaceBed.Result r = bed.exec(bed.gateway, 10, "python3", "-c", probe);
        assertEquals("200 403 403", r.out().strip(), r.out());
    }

    @Test
    @Order(1)
    void pingThroughThePrefix() throws IOException {
        NamespaceBed.Result r = client(20, "ping", "-c", "3", "-i", "0.2", "-W", "2", SERVER6);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("3 received"), r.out());
    }

    /** The TUN device's drop counters are the kernel's, as iproute2 reads them for the device in its namespace. */
    @Test
    @Order(1)
    void tunDropsAreTheInterfaceStatistics() throws IOException {
        String m = metrics();
        String link = bed.exec(bed.gateway, 10, "ip", "-s", "-j", "link", "show", "dev", "nat64").out();
        Matcher tx = Pattern.compile("\"tx\":\\{[^}]*\"dropped\":(\\d+)").matcher(link);
        Matcher rx = Pattern.compile("\"rx\":\\{[^}]*\"dropped\":(\\d+)").matcher(link);
        assertTrue(tx.find() && rx.find(), link);
        assertEquals(Long.parseLong(tx.group(1)), metric(m, "gate64_nat64_tun_dropped_total{direction=\"to-gateway\"}"), m);
        assertEquals(Long.parseLong(rx.group(1)), metric(m, "gate64_nat64_tun_dropped_total{direction=\"from-gateway\"}"), m);
    }

    @Test
    @Order(1)
    void workersUseIoUringWhereTheKernelHasIt() throws IOException {
        String release = NamespaceBed.run(5, "uname", "-r").out().trim();
        java.util.regex.Matcher v = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        boolean recent = v.find() && (Integer.parseInt(v.group(1)) > 6
                || Integer.parseInt(v.group(1)) == 6 && Integer.parseInt(v.group(2)) >= 7);
        Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
        boolean allowed = !Files.exists(disabled) || Files.readString(disabled).trim().equals("0");
        String m = metrics();
        org.junit.jupiter.api.Assumptions.assumeTrue(recent && allowed, "kernel " + release
                + " has no multishot reads (6.7) or forbids io_uring: the workers use read/write, nothing to check here");
        assertEquals(1, metric(m, "gate64_nat64_worker_io_uring{worker=\"0\"}"), m);
        assertEquals(1, metric(m, "gate64_nat64_worker_io_uring{worker=\"1\"}"), m);
    }

    @Test
    @Order(2)
    void multiMegabyteTcpDownloadArrivesIntact() throws IOException {
        NamespaceBed.Result r = client(60, "python3", "-c", """
                import hashlib, urllib.request
                data = urllib.request.urlopen('http://[%s]:8080/blob', timeout=30).read()
                print(len(data), hashlib.sha256(data).hexdigest())
                """.formatted(SERVER6));
        assertEquals(0, r.code(), r.out());
        assertEquals(4 * 1024 * 1024 + " " + fileSha256, r.out().trim());
    }

    @Test
    @Order(3)
    void udpEcho() throws IOException {
        // up to 2651-byte datagrams: fragmented both ways, the later fragments follow the first through the state
        NamespaceBed.Result r = client(20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(3)
                for i in range(5):
                    msg = ('datagram %%d ' %% i).encode() * (i * 60 + 1)
                    s.sendto(msg, ('%s', 7007))
                    data, peer = s.recvfrom(65535)
                    assert data == msg, (data, msg)
                    assert peer[0] == '%s', peer
                print('ok')
                """.formatted(SERVER6, SERVER6));
        assertEquals("ok", r.out().trim(), r.out());
    }

    @Test
    @Order(4)
    void hopLimitExpiryIsAnsweredByGatewayAndTranslatedFromIpv4() throws IOException {
        // Hop limit 2: the gateway's kernel leaves 1, the translator answers Time Exceeded itself.
        NamespaceBed.Result atTranslator = client(10, "ping", "-c", "1", "-W", "2", "-t", "2", SERVER6);
        assertTrue(atTranslator.out().contains("From 2001:db8:64::cb00:7101") && atTranslator.out().contains("Time exceeded"),
                atTranslator.out());
        // Hop limit 3: the IPv4 packet leaves with TTL 1 and the gateway's IPv4 stack answers ICMPv4 Time Exceeded,
        // which the translator turns into ICMPv6 (source 198.51.100.1 embedded in the prefix).
        NamespaceBed.Result fromV4 = client(10, "ping", "-c", "1", "-W", "2", "-t", "3", SERVER6);
        assertTrue(fromV4.out().contains("From 2001:db8:64::c633:6401") && fromV4.out().contains("Time exceeded"),
                fromV4.out());
    }

    @Test
    @Order(5)
    void portUnreachableIsTranslated() throws IOException {
        NamespaceBed.Result r = client(10, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.connect(('%s', 9))
                s.send(b'anyone?')
                try:
                    s.recv(100)
                    print('answered')
                except ConnectionRefusedError:
                    print('refused')
                except socket.timeout:
                    print('timeout')
                """.formatted(SERVER6));
        assertEquals("refused", r.out().trim(), "ICMPv4 port unreachable → ICMPv6 port unreachable");
    }

    @Test
    @Order(6)
    void fragmentationNeededBecomesPacketTooBig() throws IOException {
        bed.must("ip", "-n", bed.gateway, "link", "set", "g1", "mtu", "1400");
        bed.must("ip", "-n", bed.server, "link", "set", "s0", "mtu", "1400");
        try {
            NamespaceBed.Result r = client(10, "ping", "-c", "2", "-W", "2", "-s", "1452", "-M", "do", SERVER6);
            assertTrue(r.out().contains("mtu=1420"), "Frag Needed MTU 1400 → Packet Too Big 1420:\n" + r.out());
            NamespaceBed.Result fits = client(10, "ping", "-c", "1", "-W", "2", "-s", "1372", "-M", "do", SERVER6);
            assertEquals(0, fits.code(), fits.out());
        } finally {
            bed.must("ip", "-n", bed.gateway, "link", "set", "g1", "mtu", "1500");
            bed.must("ip", "-n", bed.server, "link", "set", "s0", "mtu", "1500");
        }
    }

    @Test
    @Order(7)
    void wellKnownPrefixRefusesNonGlobalIpv4() throws IOException {
        NamespaceBed.Result r = client(10, "ping", "-c", "1", "-W", "1", SERVER6_WKP);
        assertNotEquals(0, r.code(), "198.51.100.2 is documentation space: not global (RFC 6052 §3.1)");
        assertTrue(metric(metrics(), "gate64_nat64_dropped_total{reason=\"non_global_ipv4\"}") >= 1);
    }

    @Test
    @Order(8)
    void sessionsExpire() throws Exception {
        long expiredBefore = metric(metrics(), "gate64_nat64_sessions_expired_total");
        client(10, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.sendto(b'x', ('%s', 7007))
                s.recvfrom(100)
                """.formatted(SERVER6));
        String listing = sessions();
        assertTrue(listing.contains(":7007"), listing);
        // udp-timeout = 3s, swept every second: wait for the session to go (a deadline only as a safety net)
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (sessions().contains(":7007") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        listing = sessions();
        assertTrue(!listing.contains(":7007"), "UDP session gone after its timeout:\n" + listing);
        String m = metrics();
        assertTrue(metric(m, "gate64_nat64_sessions_expired_total") > expiredBefore, m);
        assertEquals(0, metric(m, "gate64_nat64_sessions{proto=\"udp\"}"), m);
        assertTrue(metric(m, "gate64_nat64_bytes_translated_total{direction=\"4to6\"}") > 4 * 1024 * 1024, m);
        assertTrue(gatewayProcess.isAlive());
    }

    @Test
    @Order(9)
    void readyFollowsTheInterfaceAndHealthTheWorkers() throws Exception {
        String health = probe("/health");
        assertTrue(health.startsWith("200 ok\nworkers: 2 of 2 running\nexpiry sweep: last ran"), health);
        String ready = probe("/ready");
        assertTrue(ready.startsWith("200 ready\n") && ready.contains("tun nat64: up"), ready);
        bed.must("ip", "-n", bed.gateway, "link", "set", "nat64", "down");
        try {
            String down = probe("/ready");
            assertTrue(down.startsWith("503 not ready\ntun nat64: down\n"), down);
            assertTrue(probe("/health").startsWith("200 ok"), "the process itself is fine: no restart wanted");
        } finally {
            bed.must("ip", "-n", bed.gateway, "link", "set", "nat64", "up");
            bed.must("ip", "-n", bed.gateway, "-6", "route", "replace", "2001:db8:64::/96", "dev", "nat64");
            bed.must("ip", "-n", bed.gateway, "-4", "route", "replace", "203.0.113.0/28", "dev", "nat64");
        }
        assertTrue(probe("/ready").startsWith("200 ready"));
        NamespaceBed.Result r = client(20, "ping", "-c", "1", "-W", "2", SERVER6);
        assertEquals(0, r.code(), "translating again once the interface is back: " + r.out());
    }

    @Test
    @Order(10)
    void udpGsoSuperPacketsCrossAsSuperPacketsAndArriveAsDatagrams() throws Exception {
        // UDP segmentation offload (TUN_F_USO4/6): a sender using UDP_SEGMENT hands the kernel 48 KB at a time, the
        // TUN passes it to the gateway as one super-packet, the translated one is segmented on the IPv4 side.
        long before = metric(metrics(), "gate64_nat64_super_packets_total{proto=\"udp\"}");
        Path ready = dir.resolve("gso-ready");
        Files.writeString(dir.resolve("gso-server.py"), """
                import socket, struct, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("198.51.100.2", 7010))
                open(sys.argv[1], "w").close()
                s.settimeout(20)
                good = bad = 0
                while True:
                    try:
                        data = s.recv(65535)
                    except socket.timeout:
                        break
                    s.settimeout(3)
                    i = struct.unpack("!I", data[:4])[0]
                    if len(data) == 1200 and data[4:] == bytes([i % 251]) * 1196:
                        good += 1
                    else:
                        bad += 1
                print(good, bad, flush=True)
                """);
        Process server = bed.spawn(bed.server, dir.resolve("gso-server.log"), "python3",
                dir.resolve("gso-server.py").toString(), ready.toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(ready) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        NamespaceBed.Result client = client(60, "python3", "-c", """
                import socket, struct, time
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_UDP, 103, 1200)  # UDP_SEGMENT: 1200-byte datagrams
                s.connect(('%s', 7010))
                n = 0
                for burst in range(20):
                    s.send(b''.join(struct.pack('!I', n + k) + bytes([(n + k) %% 251]) * 1196 for k in range(40)))
                    n += 40
                    time.sleep(0.05)
                print('sent', n)
                """.formatted(SERVER6));
        assertEquals("sent 800", client.out().trim(), client.out());
        assertTrue(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "server finished");
        assertEquals("800 0", Files.readString(dir.resolve("gso-server.log")).trim(), "every datagram, intact");
        long after = metric(metrics(), "gate64_nat64_super_packets_total{proto=\"udp\"}");
        assertTrue(after - before >= 1, "the gateway read UDP super-packets: " + before + " -> " + after);
    }

    @Test
    @Order(11)
    void flowsSpreadOverBothWorkersAndNoneIsReordered() throws Exception {
        // 32 UDP flows (source ports) through the two-worker gateway: the kernel picks a TUN queue per flow, so both
        // workers get traffic, and each flow stays on its worker, so its datagrams arrive in the order sent.
        String m0 = metrics();
        long w0 = metric(m0, "gate64_nat64_worker_packets_total{worker=\"0\"}");
        long w1 = metric(m0, "gate64_nat64_worker_packets_total{worker=\"1\"}");
        Path ready = dir.resolve("order-ready");
        Files.writeString(dir.resolve("order-server.py"), """
                import socket, struct, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
                s.bind(("198.51.100.2", 7011))
                open(sys.argv[1], "w").close()
                s.settimeout(20)
                last = {}
                got = reordered = 0
                while True:
                    try:
                        data, peer = s.recvfrom(100)
                    except socket.timeout:
                        break
                    s.settimeout(3)
                    flow, seq = struct.unpack("!II", data[:8])
                    if seq <= last.get(flow, -1):
                        reordered += 1
                    last[flow] = seq
                    got += 1
                print(got, len(last), reordered, flush=True)
                """);
        Process server = bed.spawn(bed.server, dir.resolve("order-server.log"), "python3",
                dir.resolve("order-server.py").toString(), ready.toString());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!Files.exists(ready) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        NamespaceBed.Result client = client(60, "python3", "-c", """
                import socket, struct, time
                flows = []
                for f in range(32):
                    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                    s.connect(('%s', 7011))
                    flows.append(s)
                for seq in range(200):
                    for f, s in enumerate(flows):
                        s.send(struct.pack('!II', f, seq) + bytes(56))
                    if seq %% 5 == 4:
                        time.sleep(0.01)
                print('sent', 32 * 200)
                """.formatted(SERVER6));
        assertEquals("sent 6400", client.out().trim(), client.out());
        assertTrue(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "server finished");
        String[] r = Files.readString(dir.resolve("order-server.log")).trim().split(" ");
        assertEquals("0", r[2], "datagrams that arrived before an earlier one of their flow: " + String.join(" ", r));
        assertEquals("32", r[1], "every flow arrived (" + r[0] + " datagrams; UDP may lose some on a loaded machine)");
        String m1 = metrics();
        assertTrue(metric(m1, "gate64_nat64_worker_packets_total{worker=\"0\"}") - w0 >= 100
                && metric(m1, "gate64_nat64_worker_packets_total{worker=\"1\"}") - w1 >= 100,
                "both workers translated a share of the flows:\n" + m1.lines()
                        .filter(l -> l.startsWith("gate64_nat64_worker_packets_total")).toList());
    }

    /**
     * A gateway that falls behind: stopped (SIGSTOP) while a client sends 3000 datagrams, the TUN device's queue
     * fills and the kernel drops the rest; the gateway counts them as the interface statistics do, and translates
     * again once it runs (SIGCONT). Last, as it leaves sessions behind.
     */
    @Test
    @Order(20)
    void aGatewayThatFallsBehindShowsTheTunDrops() throws Exception {
        long before = metric(metrics(), "gate64_nat64_tun_dropped_total{direction=\"to-gateway\"}");
        List<ProcessHandle> jvm = new ArrayList<>(gatewayProcess.descendants().toList());
        jvm.add(gatewayProcess.toHandle());
        signal(jvm, "STOP");
        try {
            NamespaceBed.Result sent = client(60, "python3", "-c", """
                    import socket
                    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                    for i in range(3000):
                        s.sendto(b'x' * 64, ('%s', 7007))
                    print('sent')
                    """.formatted(SERVER6));
            assertTrue(sent.out().contains("sent"), sent.out());
        } finally {
            signal(jvm, "CONT");
        }
        String m = metrics();
        long after = metric(m, "gate64_nat64_tun_dropped_total{direction=\"to-gateway\"}");
        assertTrue(after > before, "no drop counted while the gateway was stopped: " + before + " -> " + after);
        String link = bed.exec(bed.gateway, 10, "ip", "-s", "-j", "link", "show", "dev", "nat64").out();
        Matcher tx = Pattern.compile("\"tx\":\\{[^}]*\"dropped\":(\\d+)").matcher(link);
        assertTrue(tx.find(), link);
        assertEquals(Long.parseLong(tx.group(1)), metric(metrics(), "gate64_nat64_tun_dropped_total{direction=\"to-gateway\"}"),
                "the kernel's count");
        NamespaceBed.Result echo = client(20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(5)
                s.sendto(b'after', ('%s', 7007))
                while s.recvfrom(100)[0] != b'after':
                    pass
                print('echoed')
                """.formatted(SERVER6));
        assertTrue(echo.out().contains("echoed"), "translating again: " + echo.out());
    }

    private static void signal(List<ProcessHandle> processes, String signal) throws Exception {
        for (ProcessHandle p : processes) {
            NamespaceBed.run(10, "kill", "-" + signal, Long.toString(p.pid()));
        }
    }
}
