package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session logging through a real collector: the gateway writes JSON lines and exports IPFIX to nfcapd (nfdump's
 * collector, Debian package nfdump) in the gateway namespace; after a UDP exchange and a ping have come and gone
 * (create and expiry of their bindings and sessions), what nfdump decodes from the IPFIX stream must be, field for
 * field, what the gateway wrote in its JSON lines: event type, times to the millisecond, addresses and ports on both
 * sides, and the port block the client took (with port-block-size) when it was taken and when it went back. Skipped with a message without root, namespaces, python3, nfcapd or nfdump.
 */
@Requires(what = "the IPFIX session log test", root = true, tun = true, netns = true, tools = {"ip", "ss", "python3", "nfcapd", "nfdump"})
class SessionLogNamespaceTest {
    private static final String SERVER6 = "2001:db8:64::c633:6402";
    /** The echo identifier: in the pool's port range and outside the UDP binding's block (40000-40063). */
    private static final int ECHO_ID = 50000;
    private static NamespaceBed bed;
    /** Kept when a test fails, for its logs; removed when all pass. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;
    private static Process gateway;
    private static Process collector;

    @BeforeAll
    static void setUp() throws Exception {
        Files.createDirectories(dir.resolve("flows"));
        bed = NamespaceBed.create();
        // The collector first, so that the templates sent when the gateway starts reach it.
        collector = bed.spawn(bed.gateway, dir.resolve("nfcapd.log"), "nfcapd", "-w", dir.resolve("flows").toString(),
                "-b", "127.0.0.1", "-p", "4739", "-t", "3600");
        waitFor(() -> bed.exec(bed.gateway, 5, "ss", "-Hlun", "sport", "=", ":4739").out().contains("4739"),
                "nfcapd listening on 127.0.0.1:4739", "nfcapd.log");
        Path conf = dir.resolve("nat64.conf");
        Files.writeString(conf, """
                tun-name = "nat64"
                pool6 = "2001:db8:64::/96"
                pool4 = "203.0.113.0/28"
                threads = 1
                udp-timeout = 2s
                icmp-timeout = 2s
                configure-interface = true
                http-address = "127.0.0.1:8064"
                session-log = "%s"
                ipfix-collector = "127.0.0.1:4739"
                port-block-size = 64
                """.formatted(dir.resolve("sessions.jsonl")));
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
        waitFor(() -> bed.exec(bed.gateway, 5, "ip", "route", "show", "203.0.113.0/28").out().contains("nat64")
                        && bed.exec(bed.server, 5, "ss", "-Hlun", "sport", "=", ":7007").out().contains("7007"),
                "gateway and echo server up", "gateway.log");
    }

    @AfterAll
    static void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    interface Check {
        boolean ok() throws IOException;
    }

    private static void waitFor(Check check, String what, String log) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        Path file = dir.resolve(log);
        throw new IllegalStateException("timed out waiting for " + what + "; " + log + ":\n"
                + (Files.exists(file) ? Files.readString(file) : "(not written)") + "\ngateway.log:\n"
                + Files.readString(dir.resolve("gateway.log")));
    }

    private static final Pattern JSON_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"([^\"]*)\"|(-?\\d+))");

    /** The fields of one flat JSON object (the gateway's lines, nfdump's records). */
    private static Map<String, String> fields(String object) {
        Map<String, String> m = new HashMap<>();
        Matcher x = JSON_FIELD.matcher(object);
        while (x.find()) {
            m.put(x.group(1), x.group(2) != null ? x.group(2) : x.group(3));
        }
        return m;
    }

    @Test
    void collectorDecodesWhatTheGatewayLogged() throws Exception {
        NamespaceBed.Result udp = bed.exec(bed.client, 20, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(3)
                s.bind(('2001:db8:1::2', 40000))
                s.sendto(b'log me', ('%s', 7007))
                print(s.recvfrom(100)[0].decode())
                """.formatted(SERVER6));
        assertEquals("log me", udp.out().trim(), udp.out());
        // The echo request is sent with a fixed identifier: ping picks a random one, and one below the pool's port
        // range (1024) or inside the UDP binding's block cannot be preserved, so the gateway rightly takes a port in
        // the client's existing block and logs one port block instead of two (2 of 44 runs did).
        NamespaceBed.Result ping = bed.exec(bed.client, 20, "python3", "-c", """
                import socket, struct
                s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
                s.settimeout(3)
                s.bind(('2001:db8:1::2', 0))
                s.sendto(struct.pack('!BBHHH', 128, 0, 0, %d, 1) + b'log me too', ('%s', 0))
                while True:
                    reply = s.recv(200)
                    if reply[0] == 129 and struct.unpack('!H', reply[4:6])[0] == %d:
                        print('echo reply', len(reply))
                        break
                """.formatted(ECHO_ID, SERVER6, ECHO_ID));
        assertEquals(0, ping.code(), ping.out());
        assertTrue(ping.out().contains("echo reply"), ping.out());
        // Both sessions expire after 2 s: 2 binding creates, 2 session creates, 2 session deletes, 2 binding deletes,
        // and with port-block-size = 64 a port block for each binding (port preservation takes the block holding the
        // client's port, 40000 for UDP and the echo identifier for ICMP), taken first and given back last.
        Path jsonl = dir.resolve("sessions.jsonl");
        waitFor(() -> Files.exists(jsonl) && Files.readAllLines(jsonl).size() >= 12, "12 session log lines",
                "sessions.jsonl");
        List<String> lines = Files.readAllLines(jsonl);
        assertEquals(12, lines.size(), String.join("\n", lines));
        assertEquals(2, lines.stream().filter(l -> l.contains("\"event\":\"port-block-create\"")
                && l.contains("\"portRangeNumPorts\":64")).count(), String.join("\n", lines));
        assertEquals(2, lines.stream().filter(l -> l.contains("\"event\":\"port-block-delete\"")).count());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"bib-create\"") && l.contains("\"protocolIdentifier\":58")
                && l.contains("\"postNAPTSourceTransportPort\":" + ECHO_ID)), "the echo identifier is preserved:\n"
                + String.join("\n", lines));
        assertTrue(lines.getFirst().contains("port-block-create") && lines.getLast().contains("port-block-delete"),
                String.join("\n", lines));
        String metrics = bed.exec(bed.gateway, 10, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8064/metrics').read().decode())").out();
        assertTrue(metrics.contains("gate64_nat64_session_log_events_total{destination=\"json\"} 12"), metrics);
        assertTrue(metrics.contains("gate64_nat64_session_log_dropped_total{destination=\"ipfix\"} 0"), metrics);

        collector.destroy(); // SIGTERM: nfcapd writes out its file
        assertTrue(collector.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "nfcapd stopped");
        NamespaceBed.Result dump = NamespaceBed.run(30, "env", "TZ=UTC", "nfdump", "-q", "-R", dir.resolve("flows").toString(),
                "-o", "json");
        assertEquals(0, dump.code(), dump.out());
        List<String> decoded = new ArrayList<>();
        Matcher records = Pattern.compile("\\{[^{}]*\\}").matcher(dump.out());
        while (records.find()) {
            decoded.add(canonical(fields(records.group()), true));
        }
        List<String> logged = new ArrayList<>();
        for (String line : lines) {
            logged.add(canonical(fields(line), false));
        }
        assertEquals(sorted(logged), sorted(decoded), "nfdump output:\n" + dump.out());
        assertTrue(logged.stream().anyMatch(s -> s.startsWith("6 ") && s.contains(" 17 ") && s.contains(" 40000 ")),
                "the UDP session create is there: " + logged);
    }

    private static List<String> sorted(List<String> l) {
        List<String> c = new ArrayList<>(l);
        c.sort(null);
        return c;
    }

    /**
     * One line per event with the fields both sides carry: natEvent, time (ms, UTC), protocol, IPv6 source, the
     * pool4 address and port, and for sessions the IPv6 and IPv4 destination and, for UDP/TCP, the ports (nfdump
     * reads the port fields of ICMP records as type and code, so those are left out for ICMP).
     */
    private static String canonical(Map<String, String> f, boolean nfdump) {
        String event = nfdump ? f.get("nat_event_id") : f.get("natEvent");
        String time = nfdump ? f.get("t_event") : f.get("timestamp").replace("Z", "");
        if (time.length() == 19) {
            time += ".000";
        }
        if (nfdump) { // nfdump 1.7.1 prints the milliseconds without leading zeros: 08:45:11.1 is 08:45:11.001
            int dot = time.lastIndexOf('.');
            time = time.substring(0, dot) + String.format(".%03d", Integer.parseInt(time.substring(dot + 1)));
        }
        if (event.equals("16") || event.equals("17")) { // port blocks: nfdump 1.7.1 does not decode the range elements
            return event + " " + time + " " + (nfdump ? f.get("src6_addr") : f.get("sourceIPv6Address")) + " "
                    + (nfdump ? f.get("src4_xlt_ip") : f.get("postNATSourceIPv4Address"));
        }
        String proto = nfdump ? f.get("proto") : f.get("protocolIdentifier");
        boolean session = event.equals("6") || event.equals("7");
        boolean ports = !proto.equals("58");
        StringBuilder sb = new StringBuilder().append(event).append(' ').append(time).append(' ').append(proto)
                .append(' ').append(nfdump ? f.get("src6_addr") : f.get("sourceIPv6Address"))
                .append(' ').append(nfdump ? f.get("src4_xlt_ip") : f.get("postNATSourceIPv4Address"))
                .append(' ').append(nfdump ? f.get("src_xlt_port") : f.get("postNAPTSourceTransportPort"));
        if (ports) {
            sb.append(' ').append(nfdump ? f.get("src_port") : f.get("sourceTransportPort"));
        }
        if (session) {
            sb.append(' ').append(nfdump ? f.get("dst6_addr") : f.get("destinationIPv6Address"))
                    .append(' ').append(nfdump ? f.get("dst4_xlt_ip") : f.get("postNATDestinationIPv4Address"));
            if (ports) {
                sb.append(' ').append(nfdump ? f.get("dst_port") : f.get("destinationTransportPort"))
                        .append(' ').append(nfdump ? f.get("dst_xlt_port") : f.get("postNAPTDestinationTransportPort"));
            }
        }
        return sb.toString();
    }
}
