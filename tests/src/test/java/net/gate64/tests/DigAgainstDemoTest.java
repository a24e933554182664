package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real {@code gate64 demo} (its Main, in its own JVM, reading conf/demo.conf and contrib/lab/demo) queried with
 * the real {@code dig}. Skipped, with a message, where dig is not installed (./gate64 test installs it as root).
 */
@Requires(what = "the dig tests", tools = {"dig"})
class DigAgainstDemoTest {
    static Process demo;
    static int port;

    @BeforeAll
    static void startDemo() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dgate64.home=" + LabFixture.REPO,
                "-cp", System.getProperty("java.class.path"), "net.gate64.resolver.cli.Main", "demo",
                // ports from the OS (0), read back from what the demo prints: no free-port race with other programs
                "--lab=127.0.0.1:0", "-Dlocal-address=[\"127.0.0.1:0\"]", "-Dwebserver=false"));
        demo = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher at = Pattern.compile("^gate64 demo: recursor on 127\\.0\\.0\\.1:(\\d+),")
                    .matcher(line);
            if (at.find()) {
                port = Integer.parseInt(at.group(1));
            }
            if (line.startsWith("Stop with Ctrl-C")) {
                break;
            }
        }
        assertTrue(demo.isAlive() && port > 0, "demo did not start:\n" + seen);
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (demo != null) {
            demo.destroy();
            demo.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String dig(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=3", "+tries=1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void digGetsAnswers() throws Exception {
        assertEquals("192.0.2.10", dig("+short", "v4only.demo.test", "A").strip());
        assertEquals("alias.demo.test.\nv4only.demo.test.\n192.0.2.10", dig("+short", "chain.demo.test", "A").strip());
        assertTrue(dig("nonexistent.demo.test", "A").contains("status: NXDOMAIN"));
    }

    @Test
    void digFallsBackToTcpOnTruncation() throws Exception {
        String out = dig("big.demo.test", "TXT");
        assertTrue(out.contains("Truncated, retrying in TCP mode"), out);
        assertTrue(out.contains("status: NOERROR") && out.contains("ANSWER: 7"), out);
    }
}
