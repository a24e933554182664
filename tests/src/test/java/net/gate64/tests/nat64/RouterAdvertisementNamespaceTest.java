package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * PREF64 (RFC 8781) and RDNSS (RFC 8106) in Router Advertisements from {@code ./gate64 ra} (Nat64Main --ra-only)
 * on the gateway's client-side link, read by two real listeners in the client namespace: rdisc6 (Debian ndisc6)
 * solicits and decodes the answer (router lifetime, RDNSS), and tshark (Debian tshark, whose dissector knows PREF64)
 * decodes every advertisement on the link, PREF64 prefix, Prefix Length Code and scaled lifetime included. Stopping
 * the advertiser must send a last advertisement that withdraws both (lifetimes zero). Skipped with a message without
 * root, namespaces, rdisc6 or tshark.
 */
@Requires(what = "the Router Advertisement test", root = true, netns = true, tools = {"ip", "python3", "rdisc6", "tshark"})
class RouterAdvertisementNamespaceTest {
    private NamespaceBed bed;
    /** Kept when the test fails, for its logs; removed when it passes. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        bed = NamespaceBed.create();
    }

    @AfterEach
    void tearDown() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void hostsDecodeThePrefixTheDnsServerAndTheirWithdrawal() throws Exception {
        Path capture = dir.resolve("tshark.out");
        Path captureLog = dir.resolve("tshark.log");
        Process tshark = new ProcessBuilder("ip", "netns", "exec", bed.client, "tshark", "-l", "-i", "c0",
                "-f", "icmp6 and ip6[40] == 134", "-T", "fields", "-e", "ipv6.src", "-e", "ipv6.hlim",
                "-e", "icmpv6.nd.ra.router_lifetime", "-e", "icmpv6.opt.pref64.prefix", "-e", "icmpv6.opt.pref64.plc",
                "-e", "icmpv6.opt.pref64.scaled_lifetime", "-e", "icmpv6.opt.rdnss", "-e", "icmpv6.opt.rdnss.lifetime")
                .redirectOutput(capture.toFile()).redirectError(captureLog.toFile()).start();
        try {
            waitFor(() -> Files.readString(captureLog).contains("Capturing on"), captureLog, "tshark capturing");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process ra = bed.spawn(bed.gateway, dir.resolve("ra.log"), java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--ra-only",
                    "-Dpool4=\"203.0.113.0/28\"", "-Dpool6=[\"2001:db8:64::/96\", \"2001:db8:ab00::/40\"]",
                    "-Dra-interfaces=[\"g0\"]", "-Dra-interval=60s", "-Dra-rdnss=[\"2001:db8:1::53\"]");
            waitFor(() -> Files.readString(capture).lines().anyMatch(l -> l.contains("2001:db8:64::")), capture,
                    "a first advertisement");

            // rdisc6 sends a Router Solicitation and prints the advertisement that answers it.
            NamespaceBed.Result rdisc = bed.exec(bed.client, 20, "rdisc6", "-1", "-w", "3000", "c0");
            assertEquals(0, rdisc.code(), rdisc.out());
            assertTrue(rdisc.out().matches("(?s).*Router lifetime\\s*:\\s*0 .*"), "not a default router:\n" + rdisc.out());
            assertTrue(rdisc.out().matches("(?s).*Recursive DNS server\\s*:\\s*2001:db8:1::53.*"), rdisc.out());
            assertTrue(rdisc.out().matches("(?s).*DNS server lifetime\\s*:\\s*180 .*"), "3 × ra-interval:\n" + rdisc.out());
            assertTrue(rdisc.out().matches("(?s).*from fe80::.*"), "from the link-local address:\n" + rdisc.out());

            ra.destroy(); // SIGTERM: the last advertisement has every lifetime zero
            assertTrue(ra.waitFor(20, TimeUnit.SECONDS));
            waitFor(() -> Files.readString(capture).lines().anyMatch(l -> l.contains("\t0,0\t")), capture,
                    "the withdrawing advertisement");
        } finally {
            tshark.destroy();
            tshark.waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(capture).stream().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() >= 3, "first, solicited, last:\n" + String.join("\n", lines));
        for (String l : lines) {
            String[] f = l.split("\t", -1);
            assertTrue(f[0].startsWith("fe80::"), l);
            assertEquals("255", f[1], "hop limit 255 (RFC 4861 §6.1.2): " + l);
            assertEquals("0", f[2], "router lifetime: " + l);
            assertEquals("2001:db8:64::,2001:db8:ab00::", f[3], "both pool6 prefixes: " + l);
            assertEquals("0x0000,0x0004", f[4], "PLC 0 for /96, 4 for /40: " + l);
            assertEquals("2001:db8:1::53", f[6], l);
        }
        String first = lines.getFirst();
        assertTrue(first.endsWith("\t23,23\t2001:db8:1::53\t180"), "180 s = 23 units of 8 s (rounded up): " + first);
        String last = lines.getLast();
        assertTrue(last.endsWith("\t0,0\t2001:db8:1::53\t0"), "withdrawn: " + last);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, Path log, String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out waiting for " + what + "; " + log + ":\n" + Files.readString(log));
    }
}
