package net.gate64.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import net.gate64.testing.ProcessLog;
import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The .deb the build made, installed on this machine with dpkg -i, its command run as the package's user, then
 * removed (dpkg -r: conffiles stay) and purged. Skipped where not root, without dpkg, or where a gate64 package is
 * installed already (this test does not touch someone's installation). One run at a time per machine (a lock).
 */
@Requires(what = "the Debian package test", root = true, tools = {"dpkg", "dig", "runuser"})
class DebPackageIT {
    @Test
    void installRunRemove() throws Exception {
        Path deb;
        try (var s = Files.list(Cmd.moduleDir().resolve("target"))) {
            deb = s.filter(p -> p.getFileName().toString().endsWith("_amd64.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("the build did not make a .deb"));
        }
        System.out.printf("Debian package %s: %.1f MiB%n", deb.getFileName(), Files.size(deb) / 1048576.0);
        try (FileChannel lockFile = FileChannel.open(Path.of("/tmp/gate64-deb-test.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            assumeTrue(Cmd.run(30, "dpkg-query", "-W", "-f=${Status}", "gate64").out().contains("not-installed")
                            || Cmd.run(30, "dpkg-query", "-W", "-f=${Status}", "gate64").code() != 0,
                    "a gate64 package is installed on this machine already: not touching it");
            try {
                dpkg("-i", deb.toString());
                checkInstalled();
            } finally {
                dpkg("-P", "gate64");
            }
            assertFalse(Files.exists(Path.of("/usr/lib/gate64")), "purge leaves /usr/lib/gate64");
            assertFalse(Files.exists(Path.of("/etc/gate64")), "purge leaves /etc/gate64");
        }
    }

    private static void checkInstalled() throws Exception {
        assertTrue(Cmd.run(10, "getent", "passwd", "gate64").out().contains("/nonexistent"), "no system user gate64");
        String conffiles = Cmd.run(30, "dpkg-query", "-W", "-f=${Conffiles}", "gate64").must("dpkg-query").out();
        assertTrue(conffiles.contains("/etc/gate64/recursor.conf") && conffiles.contains("/etc/gate64/nat64.conf"), conffiles);
        assertTrue(Files.isRegularFile(Path.of("/lib/systemd/system/gate64-recursor.service")));
        Cmd.Result check = Cmd.run(120, "/usr/bin/gate64", "nat64", "--config", "/etc/gate64/nat64.conf", "--check");
        assertEquals(0, check.code(), check.out());
        // The AOT cache maps in the installed tree: dpkg keeps the file times the cache was made with (stage.sh,
        // jdeb's outputTimestamp); -XX:AOTMode=on turns a cache that does not map into an error.
        assertFalse(check.out().contains("[aot]"), check.out());
        Cmd.Result aot = Cmd.run(120, "env", "GATE64_JAVA_OPTS=-XX:AOTMode=on", "/usr/bin/gate64", "--version");
        assertEquals(0, aot.code(), aot.out());
        assertFalse(aot.out().contains("[aot]"), aot.out());
        Path log = Files.createTempFile("g64-deb", ".log");
        Process recursor = new ProcessBuilder("runuser", "-u", "gate64", "--", "/usr/bin/gate64", "recursor", "--config",
                "/etc/gate64/recursor.conf", "-Dlocal-address=[\"127.0.0.1:0\"]", "-Dwebserver=false",
                "-Ddnssec=off", "-Ddns64-prefix=\"64:ff9b::/96\"")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // the port the OS gave it, from its start-up summary (a port probed free beforehand can be taken by
            // another program before the recursor binds it)
            int port = Integer.parseInt(ProcessLog.await(recursor, log,
                    java.util.regex.Pattern.compile("listening for DNS on 127\\.0\\.0\\.1:(\\d+) "),
                    java.time.Duration.ofSeconds(60)).group(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String answer = "";
            while (System.nanoTime() < deadline && recursor.isAlive()) {
                answer = Cmd.run(10, null, List.of("dig", "+short", "+time=1", "+tries=1", "@127.0.0.1", "-p",
                        String.valueOf(port), "ipv4only.arpa", "AAAA")).out();
                if (answer.contains("64:ff9b::c000:aa")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(answer.contains("64:ff9b::c000:aa"), answer + "\n" + Files.readString(log));
            ProcessHandle java = recursor.toHandle().descendants().filter(p -> p.info().command().orElse("")
                    .endsWith("/jre/bin/java")).findFirst().orElseThrow();
            assertEquals("gate64", java.info().user().orElse(""));
        } finally {
            recursor.toHandle().descendants().forEach(ProcessHandle::destroy);
            recursor.destroy();
            recursor.waitFor(20, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    /** dpkg, retried while another package tool holds dpkg's lock (bounded). */
    private static void dpkg(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("dpkg"));
        cmd.addAll(List.of(args));
        Cmd.Result r = null;
        for (int attempt = 0; attempt < 60; attempt++) {
            r = Cmd.run(300, null, cmd);
            if (r.code() == 0 || !r.out().contains("lock")) {
                break;
            }
            Thread.sleep(2000);
        }
        r.must(String.join(" ", cmd));
    }
}
