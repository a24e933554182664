package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.gate64.testing.Requires;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gate64 nat64 control} against the real gateway in the three-namespace bed, each verb through the CLI (a JVM
 * of its own in the gateway's namespace, where the endpoint listens): stats, sessions and bib with filters,
 * static bindings added (then reachable from IPv4) and removed, flush, and reload-config: one that changes live
 * settings (pool4 grows, udp-timeout shrinks) keeping the sessions, one that needs a restart (threads), one refused
 * with a broken file while the old settings keep serving, and SIGHUP. The reloads run in order, after the others.
 */
@Requires(what = "the NAT64 control namespace tests", root = true, tun = true, netns = true, tools = {"ip", "python3"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlNamespaceTest {
    private static final String SERVER6 = "2001:db8:64::c633:6402";
    private static final String KEY = "control-test-key";
    private static final String BASE = """
            tun-name = "nat64"
            mode = "stateful"
            pool6 = "2001:db8:64::/96"
            threads = 1
            configure-interface = true
            http-address = "127.0.0.1:8064"
            api-key = "%s"
            bib = [ { protocol = "tcp", ipv6 = "[2001:db8:1::2]:8081", ipv4 = "203.0.113.1:8081" } ]
            """.formatted(KEY);
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static Path conf;
    private static Process gateway;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.create();
        conf = dir.resolve("nat64.conf");
        Files.writeString(conf, BASE + "pool4 = \"203.0.113.1/32\"\n");
        gateway = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java(), "--enable-native-access=ALL-UNNAMED",
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
        Files.writeString(dir.resolve("hello.py"), """
                import socket, sys
                s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
                s.bind(("2001:db8:1::2", int(sys.argv[1])))
                s.listen(4)
                while True:
                    c, peer = s.accept()
                    c.sendall(("hello on " + sys.argv[1] + "\\n").encode())
                    c.close()
                """);
        bed.spawn(bed.client, dir.resolve("hello.log"), "python3", dir.resolve("hello.py").toString(), "8082");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && gateway.isAlive()) {
            if (bed.exec(bed.gateway, 5, "ip", "route", "show", "203.0.113.1").out().contains("nat64")
                    && bed.exec(bed.gateway, 5, "ss", "-Hltn", "sport = :8064").out().contains("8064")
                    && bed.exec(bed.server, 5, "ss", "-Hlun", "sport = :7007").out().contains("7007")
                    && bed.exec(bed.client, 5, "ss", "-Hltn", "sport = :8082").out().contains("8082")) {
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

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code gate64 nat64 control ARGS} in the gateway's namespace. */
    private static NamespaceBed.Result control(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "net.gate64.nat64.Nat64Main", "control"));
        cmd.addAll(List.of(args));
        return bed.exec(bed.gateway, 60, cmd.toArray(String[]::new));
    }

    /** The same with the test's config file (the endpoint's address and the api-key come from it). */
    private static String ok(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--config", conf.toString()));
        all.addAll(List.of(args));
        NamespaceBed.Result r = control(all.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.out());
        return r.out();
    }

    /** One UDP exchange from the client's {@code port} with the IPv4 echo server through the gateway. */
    private static void udpFlow(int port) throws IOException {
        NamespaceBed.Result r = bed.exec(bed.client, 20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(5)
                s.bind(('2001:db8:1::2', %d))
                s.sendto(b'ping', ('%s', 7007))
                print(s.recv(100).decode())
                """.formatted(port, SERVER6));
        assertEquals("ping", r.out().trim(), "echoed through the gateway: " + r.out());
    }

    /** A TCP connection from the IPv4 server to {@code ipv4:port}: the greeting, or the error. */
    private static String fromIpv4(String ipv4, int port) throws IOException {
        return bed.exec(bed.server, 20, "python3", "-c", """
                import socket
                try:
                    s = socket.create_connection(('%s', %d), timeout=5)
                    print(s.recv(100).decode().strip())
                except OSError as e:
                    print('error', e.errno)
                """.formatted(ipv4, port)).out().trim();
    }

    /** The seconds left of the listed session of the client's UDP {@code port}, or -1 when it is not listed. */
    private static long udpSecondsLeft(String listing, int port) {
        Matcher m = Pattern.compile("^udp \\[2001:db8:1::2]:" + port + " <-> \\S+ <-> 198\\.51\\.100\\.2:7007 - (\\d+)$",
                Pattern.MULTILINE).matcher(listing);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long stat(String stats, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + " (\\d+)$", Pattern.MULTILINE).matcher(stats);
        assertTrue(m.find(), name + " in\n" + stats);
        return Long.parseLong(m.group(1));
    }

    @Test
    @Order(1)
    void statsSessionsAndBibListTheTablesWithFilters() throws IOException {
        udpFlow(5001);
        String stats = ok("stats");
        assertTrue(stat(stats, "gate64_nat64_sessions{proto=\"udp\"}") >= 1, stats);
        assertTrue(stat(stats, "gate64_nat64_packets_translated_total{direction=\"6to4\"}") >= 1, stats);
        assertFalse(stats.contains("# HELP"), "stats is name value lines only");

        assertTrue(udpSecondsLeft(ok("sessions", "udp", "2001:db8:1::2"), 5001) > 0, "listed with its seconds left");
        assertTrue(udpSecondsLeft(ok("sessions", "198.51.100.0/24"), 5001) > 0, "the remote's prefix selects it too");
        assertEquals(-1, udpSecondsLeft(ok("sessions", "tcp"), 5001), "not a TCP session");
        assertEquals(-1, udpSecondsLeft(ok("sessions", "udp", "2001:db8:9::/48"), 5001), "not that client");

        String statics = ok("bib", "static");
        assertTrue(statics.contains("tcp [2001:db8:1::2]:8081 <-> 203.0.113.1:8081 static"), statics);
        assertFalse(statics.contains(":5001 "), statics);
        assertTrue(ok("bib", "udp").contains("udp [2001:db8:1::2]:5001 <-> 203.0.113.1:"), "the dynamic binding");

        udpFlow(5009); // expires after 5001's: a page of one is 5001's, and says how many more there are
        String page = ok("sessions", "udp", "--limit", "1");
        assertTrue(udpSecondsLeft(page, 5001) > 0 && udpSecondsLeft(page, 5009) < 0, page);
        assertTrue(page.matches("(?s).*\n# \\.\\.\\. [1-9]\\d* more\n"), page);
        String bibPage = ok("bib", "--limit", "1");
        assertEquals(3, bibPage.lines().count(), "a heading, one binding, how many more: " + bibPage);

        NamespaceBed.Result bad = control("--config", conf.toString(), "sessions", "banana");
        assertEquals(1, bad.code(), bad.out());
        assertTrue(bad.out().contains("filter words are tcp, udp, icmp, static, dynamic, or an address or prefix; "
                + "not 'banana'"), bad.out());
    }

    @Test
    @Order(2)
    void staticBindingsAreAddedAndRemovedOnlyWithTheApiKey() throws IOException {
        NamespaceBed.Result noKey = control("--address=127.0.0.1:8064", "bib-add", "tcp", "[2001:db8:1::2]:8082",
                "203.0.113.1:8082");
        assertEquals(2, noKey.code(), noKey.out());
        assertTrue(noKey.out().contains("needs the gateway's api-key"), noKey.out());
        NamespaceBed.Result wrongKey = control("--address=127.0.0.1:8064", "--api-key=wrong", "bib-add", "tcp",
                "[2001:db8:1::2]:8082", "203.0.113.1:8082");
        assertEquals(1, wrongKey.code(), wrongKey.out());
        assertTrue(wrongKey.out().contains("refused"), wrongKey.out());
        assertFalse(ok("bib", "static").contains(":8082"), "nothing changed");

        assertTrue(ok("bib-add", "tcp", "[2001:db8:1::2]:8082", "203.0.113.1:8082").contains("added static binding"));
        assertEquals("hello on 8082", fromIpv4("203.0.113.1", 8082), "reachable from IPv4 through the new binding");
        NamespaceBed.Result clash = control("--config", conf.toString(), "bib-add", "tcp", "[2001:db8:1::2]:8083",
                "203.0.113.1:8082");
        assertEquals(1, clash.code(), "the pool4 port is taken: " + clash.out());
        NamespaceBed.Result outside = control("--config", conf.toString(), "bib-add", "tcp", "[2001:db8:1::2]:8083",
                "198.51.100.9:8083");
        assertEquals(1, outside.code(), "not in pool4: " + outside.out());

        assertTrue(ok("bib-remove", "tcp", "[2001:db8:1::2]:8082").contains("removed"));
        assertFalse(ok("bib", "static").contains(":8082"), "no longer static");
        NamespaceBed.Result again = control("--config", conf.toString(), "bib-remove", "tcp", "[2001:db8:1::2]:8082");
        assertEquals(1, again.code(), again.out());
        assertTrue(again.out().contains("no static binding for tcp [2001:db8:1::2]:8082"), again.out());
    }

    @Test
    @Order(3)
    void flushEndsTheSessionsAndKeepsTheStaticBindings() throws IOException {
        udpFlow(5002);
        assertTrue(udpSecondsLeft(ok("sessions", "udp"), 5002) > 0);
        String out = ok("flush");
        assertTrue(out.matches("(?s)flushed [1-9]\\d* sessions.*"), out);
        assertEquals(0, stat(ok("stats"), "gate64_nat64_sessions{proto=\"udp\"}"));
        assertTrue(ok("bib", "static").contains("203.0.113.1:8081 static"), "static bindings stay");
        udpFlow(5002); // and the gateway translates on
    }

    @Test
    @Order(4)
    void reloadConfigAppliesLiveSettingsKeepsSessionsAndReportsWhatNeedsARestart() throws IOException {
        udpFlow(5003);
        String before = ok("sessions", "udp");
        long left = udpSecondsLeft(before, 5003);
        assertTrue(left > 100, "the default udp-timeout of 5 minutes: " + before);
        Files.writeString(conf, BASE.replace("threads = 1", "threads = 2")
                + "pool4 = \"203.0.113.0/30\"\nudp-timeout = 40s\n");
        String out = ok("reload-config");
        assertTrue(out.contains("changed pool4, udp-timeout"), out);
        assertTrue(out.contains("needs a restart to take effect (running as before until then): threads"), out);

        String after = ok("sessions", "udp");
        assertTrue(udpSecondsLeft(after, 5003) > 40, "the session was kept, with the deadline it had: " + after);
        udpFlow(5004);
        long fresh = udpSecondsLeft(ok("sessions", "udp"), 5004);
        assertTrue(fresh > 0 && fresh <= 40, "a new session lives udp-timeout = 40s: " + fresh);
        assertTrue(bed.exec(bed.gateway, 5, "ip", "route", "show", "203.0.113.0/30").out().contains("nat64"),
                "configure-interface: the route follows pool4");
        assertTrue(ok("bib", "static").contains("203.0.113.1:8081 static"), "the static binding stays in the new pool4");
        assertEquals(1, stat(ok("stats"), "gate64_nat64_config_reloads_total{result=\"ok\"}"));
    }

    @Test
    @Order(5)
    void aBrokenFileIsRefusedAndTheRunningSettingsKeepServingThenSighupReloads() throws Exception {
        String good = Files.readString(conf);
        Files.writeString(conf, good.replace("udp-timeout = 40s", "udp-timeout = banana"));
        NamespaceBed.Result r = control("--config", conf.toString(), "--api-key=" + KEY, "--address=127.0.0.1:8064",
                "reload-config");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("reload refused, the running settings stay in service"), r.out());
        assertTrue(r.out().contains("udp-timeout"), "names the key: " + r.out());
        udpFlow(5005);
        long fresh = udpSecondsLeft(ok("--address=127.0.0.1:8064", "sessions", "udp"), 5005);
        assertTrue(fresh > 0 && fresh <= 40, "still the running udp-timeout of 40s: " + fresh);
        String stats = ok("--address=127.0.0.1:8064", "stats");
        assertEquals(1, stat(stats, "gate64_nat64_config_reloads_total{result=\"failed\"}"));

        Files.writeString(conf, good.replace("udp-timeout = 40s", "udp-timeout = 20s"));
        bed.must("kill", "-HUP", Long.toString(gateway.pid()));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (stat(ok("stats"), "gate64_nat64_config_reloads_total{result=\"ok\"}") < 2) {
            assertTrue(System.nanoTime() < deadline, "SIGHUP reloads:\n" + Files.readString(dir.resolve("gateway.log")));
            Thread.sleep(100);
        }
        udpFlow(5006);
        long hup = udpSecondsLeft(ok("sessions", "udp"), 5006);
        assertTrue(hup > 0 && hup <= 20, "udp-timeout = 20s after SIGHUP: " + hup);
        assertTrue(gateway.isAlive(), "SIGHUP does not stop the gateway");
    }
}
