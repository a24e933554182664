package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.gate64.testing.ProcessLog;
import net.gate64.testing.Requires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code local-address = ["127.0.0.1:0"]}: the OS picks a free TCP port and the UDP sockets take the same number,
 * which another program may hold as a UDP port. In a network namespace of its own whose ephemeral range is ten ports
 * (40000-40009) and where every UDP port of it but 40006 is held, the recursor must end up on 40006 for both
 * transports. Before the retry it failed to start ("address already in use") whenever the OS offered another port
 * first, as any test on port 0 could on a busy machine. Skipped with the reason without root, `ip netns`, python3 or
 * dig.
 */
@Requires(what = "the port-0 pairing test", root = true, netns = true, tools = {"ip", "python3", "dig"})
class PortZeroNamespaceTest {
    private static final int FREE = 40006;

    @TempDir
    Path dir;

    @Test
    void portZeroFindsAPortFreeForBothTransports() throws Exception {
        String ns = "g64z-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        run("ip", "netns", "add", ns);
        List<Process> started = new ArrayList<>();
        try {
            run("ip", "-n", ns, "link", "set", "lo", "up");
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_local_port_range=40000 40009");
            Path held = dir.resolve("holder.log");
            Process holder = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c", """
                    import socket, sys
                    socks = []
                    for port in range(40000, 40010):
                        if port != %d:
                            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                            s.bind(('127.0.0.1', port))
                            socks.append(s)
                    print('held', len(socks), flush=True)
                    sys.stdin.read()
                    """.formatted(FREE)).redirectErrorStream(true).redirectOutput(held.toFile()).start();
            started.add(holder);
            ProcessLog.await(holder, held, Pattern.compile("held 9"), Duration.ofSeconds(30));

            Path log = dir.resolve("recursor.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process recursor = new ProcessBuilder("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                    "net.gate64.resolver.cli.Main", "recursor", "-Dlocal-address=[\"127.0.0.1:0\"]",
                    "-Dwebserver=false", "-Ddnssec=off")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            started.add(recursor);
            var listening = ProcessLog.await(recursor, log, Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) "),
                    Duration.ofSeconds(90));
            assertEquals(FREE, Integer.parseInt(listening.group(1)), ProcessLog.read(log));
            // dig from fixed source ports: every other UDP port of the range is taken
            String udp = run("ip", "netns", "exec", ns, "dig", "+short", "+time=5", "+tries=1", "-b", "127.0.0.1#5353",
                    "@127.0.0.1", "-p", String.valueOf(FREE), "ipv4only.arpa", "A");
            assertTrue(udp.contains("192.0.0.170"), "UDP on the port it logged: " + udp);
            String tcp = run("ip", "netns", "exec", ns, "dig", "+short", "+tcp", "+time=5", "+tries=1", "-b",
                    "127.0.0.1#5354", "@127.0.0.1", "-p", String.valueOf(FREE), "ipv4only.arpa", "A");
            assertTrue(tcp.contains("192.0.0.170"), "TCP on the same port: " + tcp);
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            run("ip", "netns", "del", ns);
        }
    }

    /** Runs {@code cmd}, fails with its output unless it exits 0, returns its output. */
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }
}
