package net.gate64.tests.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Machine;
import net.gate64.testing.Requires;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.gate64.tests.NotifySocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway program under systemd's {@code Type=notify}: READY=1 comes once its TUN device is up and the prefix
 * and pool are routed into it (checked right after the message), STOPPING=1 on SIGTERM. In a network namespace of
 * its own with a random name; skipped with the reason without root, /dev/net/tun or `ip netns`.
 */
@Requires(what = "the gateway's systemd notify test", root = true, tun = true, netns = true, tools = {"ip"})
class Nat64NotifyNamespaceTest {
    @TempDir
    Path dir;

    @Test
    void readyOnceTheInterfaceIsRoutedStoppingOnTerm() throws Exception {
        String why = NotifySocket.unavailable();
        Machine.require(why == null, why);
        String ns = namespace();
        Path log = dir.resolve("gateway.log");
        Process p = null;
        try (NotifySocket systemd = new NotifySocket(dir.resolve("notify"))) {
            p = start(ns, systemd, log);
            String ready = systemd.next(p, log);
            assertEquals("READY=1\nSTATUS=translating 64:ff9b::/96 on nat64, web on 127.0.0.1:8064", ready);
            assertTrue(NamespaceBed.run(10, "ip", "-n", ns, "link", "show", "nat64").out().contains(",UP"),
                    "ready before the interface was up");
            assertTrue(NamespaceBed.run(10, "ip", "-n", ns, "-6", "route", "show", "64:ff9b::/96").out().contains("dev nat64"));
            assertTrue(NamespaceBed.run(10, "ip", "-n", ns, "-4", "route", "show", "203.0.113.0/28").out().contains("dev nat64"));

            p.destroy(); // SIGTERM, as systemctl stop sends
            assertEquals("STOPPING=1\nSTATUS=stopping", systemd.next(p, log));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            NamespaceBed.run(10, "ip", "netns", "del", ns);
        }
    }

    /**
     * systemd may stop the service the moment it hears READY=1: that SIGTERM still gets STOPPING=1 and a clean
     * exit. READY=1 used to go out before the shutdown hook was installed (a 91 s wait for STOPPING=1 once).
     */
    @Test
    void aStopRightAfterReadyIsStillReported() throws Exception {
        String why = NotifySocket.unavailable();
        Machine.require(why == null, why);
        String ns = namespace();
        Path log = dir.resolve("gateway.log");
        Process p = null;
        try (NotifySocket systemd = new NotifySocket(dir.resolve("notify"))) {
            p = start(ns, systemd, log);
            String ready = systemd.next(p, log);
            p.destroy(); // at once
            assertTrue(ready.startsWith("READY=1\n"), ready);
            assertEquals("STOPPING=1\nSTATUS=stopping", systemd.next(p, log));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            NamespaceBed.run(10, "ip", "netns", "del", ns);
        }
    }

    /** A namespace with a random name and its loopback up. */
    private static String namespace() throws Exception {
        String ns = "g64y-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        NamespaceBed.run(10, "ip", "netns", "add", ns);
        NamespaceBed.run(10, "ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** The gateway in {@code ns}, told to notify {@code systemd}. */
    private Process start(String ns, NotifySocket systemd, Path log) throws Exception {
        Path conf = dir.resolve("nat64.conf");
        Files.writeString(conf, """
                tun-name = "nat64"
                pool6 = "64:ff9b::/96"
                pool4 = "203.0.113.0/28"
                threads = 1
                configure-interface = true
                http-address = "127.0.0.1:8064"
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "net.gate64.nat64.Nat64Main", "--config", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("NOTIFY_SOCKET", systemd.path.toString());
        return pb.start();
    }
}
