package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.testing.Requires;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIIT-DC with DNS46 (issue 15 item 4), the other way round from {@link SiitNamespaceTest}: an IPv4-only client
 * reaches an IPv6-only web server by name. One file holds both programs' settings; the recursor's {@code dns46-eam}
 * is the gateway's {@code eam} by reference.
 * <pre>
 *   "client" namespace: the IPv6-only web server www.dc.test, 2001:db8:1::2 port 8080 (EAM: 192.0.2.80)
 *   gateway namespace:  gate64 nat64 (mode siit), gate64 recursor on 198.51.100.1:53 (DNS46 for 198.51.100.0/24),
 *                       the zones of dc.test served by gate64 lab on 127.0.0.1:5301
 *   "server" namespace: the IPv4-only client 198.51.100.2 (IPv6 disabled), its resolv.conf naming the recursor
 * </pre>
 * The client's stub resolver asks the recursor for www.dc.test, gets the A record DNS46 made from the server's AAAA
 * through the EAM entry, and fetches the page over the gateway, which the server sees coming from the client's
 * pool6 form.
 */
@Requires(what = "the DNS46 namespace test", root = true, tun = true, netns = true, tools = {"ip", "ss", "dig", "python3"})
class Dns46NamespaceTest {
    private static final String WEB6 = "2001:db8:1::2";
    private static final String WEB4 = "192.0.2.80";
    private static final String CLIENT4_AS_SEEN = "2001:db8:64::c633:6402"; // 198.51.100.2 in pool6
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static Path netnsEtc;

    @BeforeAll
    static void setUp() throws Exception {
        bed = NamespaceBed.create();
        // The IPv4-only client: no IPv6 at all, and a stub resolver pointed at the recursor (ip netns exec mounts
        // /etc/netns/NAME/* over /etc/*).
        bed.must("ip", "netns", "exec", bed.server, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        netnsEtc = Path.of("/etc/netns", bed.server);
        Files.createDirectories(netnsEtc);
        Files.writeString(netnsEtc.resolve("resolv.conf"), "nameserver 198.51.100.1\noptions timeout:2 attempts:3\n");
        Files.writeString(netnsEtc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n");

        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.writeString(zones.resolve("root.zone"), """
                $ORIGIN .
                $TTL 86400
                @  SOA ns.dc.test. hostmaster.dc.test. 1 1800 900 604800 86400
                @  NS  ns.dc.test.
                """);
        Files.writeString(zones.resolve("dc.test.zone"), """
                $ORIGIN dc.test.
                $TTL 300
                @    SOA  ns hostmaster 1 3600 600 86400 30
                @    NS   ns
                ns   AAAA 2001:db8:1::53
                ; the web server has only an IPv6 address
                www  AAAA %s
                """.formatted(WEB6));
        Files.writeString(zones.resolve("1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone"), """
                $ORIGIN 1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
                $TTL 300
                @    SOA  ns.dc.test. hostmaster.dc.test. 1 3600 600 86400 30
                @    NS   ns.dc.test.
                2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0  PTR  www.dc.test.
                """);
        Path conf = dir.resolve("gate64.conf");
        Files.writeString(conf, """
                nat64 {
                  mode = "siit"
                  tun-name = "siit46"
                  pool6 = "2001:db8:64::/96"
                  ipv4-address = "192.0.2.1"
                  eam = [ { ipv4 = "%s/32", ipv6 = "%s/128" } ]
                  threads = 1
                  configure-interface = true
                  http-address = ""
                }
                recursor {
                  local-address = ["198.51.100.1:53"]
                  allow-from = ["198.51.100.0/24", "127.0.0.0/8"]
                  webserver = false
                  dnssec = off
                  threads = 1
                  forward-zones = { "." = ["127.0.0.1:5301"], "dc.test" = ["127.0.0.1:5301"],
                                    "1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa" = ["127.0.0.1:5301"] }
                  dns46-clients = ["198.51.100.0/24"]
                  dns46-eam = ${nat64.eam}
                }
                """.formatted(WEB4, WEB6));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Process gateway = bed.spawn(bed.gateway, dir.resolve("gateway.log"), java, "--enable-native-access=ALL-UNNAMED",
                "-Xmx128m", "-cp", cp, "net.gate64.nat64.Nat64Main", "--config", conf.toString());
        Process lab = bed.spawn(bed.gateway, dir.resolve("lab.log"), java, "-Xmx128m", "-cp", cp,
                "net.gate64.resolver.cli.Main", "lab", "--zones=" + zones, "--listen=127.0.0.1:5301");
        Process recursor = bed.spawn(bed.gateway, dir.resolve("recursor.log"), java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx192m", "-cp", cp, "net.gate64.resolver.cli.Main", "recursor",
                "--config", conf.toString());
        Files.writeString(dir.resolve("web6.py"), """
                import http.server, socket
                class Handler(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        body = ("hello from the IPv6-only server; you are " + self.client_address[0] + "\\n").encode()
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                class Server(http.server.HTTPServer):
                    address_family = socket.AF_INET6
                Server(("%s", 8080), Handler).serve_forever()
                """.formatted(WEB6));
        Process web = bed.spawn(bed.client, dir.resolve("web6.log"), "python3", dir.resolve("web6.py").toString());
        long deadline = System.nanoTime() + 120_000_000_000L; // three JVMs start on a shared, busy machine
        while (System.nanoTime() < deadline) {
            for (Process p : List.of(gateway, lab, recursor, web)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a process of the bed exited:\n" + logs());
                }
            }
            // ready when the gateway routes the EAM address, the web server listens and the recursor answers
            if (bed.exec(bed.gateway, 5, "ip", "route", "show", WEB4).out().contains("siit46")
                    && bed.exec(bed.client, 5, "ss", "-Hltn", "sport = :8080").out().contains("8080")
                    && bed.exec(bed.server, 10, "dig", "+short", "+time=1", "+tries=1", "@198.51.100.1",
                            "www.dc.test", "AAAA").out().trim().equals(WEB6)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the DNS46 bed did not come up:\n" + logs());
    }

    private static String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("gateway.log", "lab.log", "recursor.log", "web6.log")) {
            Path p = dir.resolve(name);
            sb.append("--- ").append(name).append('\n').append(Files.exists(p) ? Files.readString(p) : "(none)\n");
        }
        return sb.toString();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (bed != null) {
            bed.close();
        }
        if (netnsEtc != null) {
            for (String f : List.of("resolv.conf", "nsswitch.conf")) {
                Files.deleteIfExists(netnsEtc.resolve(f));
            }
            Files.deleteIfExists(netnsEtc);
        }
    }

    @Test
    void recursorSynthesisesTheAFromTheAaaaThroughTheEam() throws IOException {
        NamespaceBed.Result r = bed.exec(bed.server, 20, "dig", "+noall", "+answer", "+time=2", "+tries=2",
                "@198.51.100.1", "www.dc.test", "A");
        assertEquals(0, r.code(), r.out());
        // TTL = min(AAAA 300, negative TTL 30 of the A NODATA)
        assertEquals("www.dc.test. 30 IN A " + WEB4, r.out().trim().replaceAll("\\s+", " "), r.out());
    }

    @Test
    void ipv4OnlyClientFetchesThePageByNameThroughTheSiitGateway() throws IOException {
        NamespaceBed.Result r = bed.exec(bed.server, 60, "python3", "-c", """
                import http.client, socket
                # the system's stub resolver (resolv.conf -> the recursor), IPv4 only
                print(socket.getaddrinfo("www.dc.test", 8080, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])
                for attempt in range(3):  # a SYN may be lost while neighbours are resolved on a busy machine
                    try:
                        c = http.client.HTTPConnection("www.dc.test", 8080, timeout=10)
                        c.request("GET", "/")
                        print(c.getresponse().read().decode().strip())
                        break
                    except OSError as e:
                        last = e
                else:
                    raise last
                """);
        assertEquals(WEB4 + "\nhello from the IPv6-only server; you are " + CLIENT4_AS_SEEN, r.out().trim(), r.out());
    }

    @Test
    void reverseOfTheEamAddressLeadsToTheServersName() throws IOException {
        NamespaceBed.Result r = bed.exec(bed.server, 20, "dig", "+short", "+time=2", "+tries=2", "@198.51.100.1", "-x", WEB4);
        assertEquals("2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\nwww.dc.test.",
                r.out().trim(), r.out());
    }
}
