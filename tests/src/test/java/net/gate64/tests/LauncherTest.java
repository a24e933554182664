package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.gate64.testing.Machine;
import org.junit.jupiter.api.Test;

/**
 * The launcher ({@code ./gate64}) where it answers by itself, before any Java program runs: the help of its own
 * {@code test} command, and what it says on a machine without a JDK 25.
 */
class LauncherTest {
    private static final Path LAUNCHER = LabFixture.REPO.resolve("gate64");

    record Run(int status, String out, String err) {}

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            // a safety net only: both cases end before any build or JVM start
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not end within 120 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void testHelpIsTheLaunchersOwnNotMavens() throws Exception {
        Run r = run(List.of(LAUNCHER.toString(), "test", "--help"));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("usage: ./gate64 test [MAVEN ARGUMENTS ...]"), r.out());
        assertTrue(r.out().contains("skipped with their reason") && r.out().contains("GATE64_REQUIRE_ALL_TESTS=1"), r.out());
        assertFalse(r.out().contains("usage: mvn"), r.out());
    }

    /**
     * No JDK 25 anywhere (an empty /usr/lib/jvm in a mount namespace of its own, no JAVA_HOME): one message that says
     * what to install on Debian, where Debian 12 has no openjdk-25 package, and nothing tried without a JDK.
     */
    @Test
    void withoutAJdk25ItSaysWhatToInstallAndStops() throws Exception {
        Machine.require(Machine.root() && Machine.tool("unshare"),
                "the launcher's no-JDK message needs root and unshare (to hide /usr/lib/jvm in a mount namespace)");
        Run r = run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs gate64-no-jdk /usr/lib/jvm && exec env -u JAVA_HOME \"$0\" recursor --help",
                LAUNCHER.toString()));
        assertEquals(1, r.status(), r.toString());
        assertEquals("", r.out(), r.toString());
        assertTrue(r.err().startsWith("gate64: needs a JDK 25 or newer (JAVA_HOME or /usr/lib/jvm/*); none found."), r.err());
        assertTrue(r.err().contains("package temurin-25-jdk") && r.err().contains("point JAVA_HOME at it"), r.err());
        assertFalse(r.err().contains("openjdk-25-jdk-headless"), "Debian has no such package: " + r.err());
        assertEquals(4, r.err().lines().count(), "the message and nothing after it (no attempt to run java):\n" + r.err());
    }
}
