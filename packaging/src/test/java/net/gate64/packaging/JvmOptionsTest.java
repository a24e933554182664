package net.gate64.packaging;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heap packaging/launcher/jvm-options.sh computes (docs/deploy.md, Memory), run by the system's POSIX sh with a
 * clean environment; the cgroup limit and the machine's memory are replaced by fixed figures, so the result does not
 * depend on where the test runs.
 */
class JvmOptionsTest {
    static final String NO_LIMIT = "";
    static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    record Run(String flags, String out) {
        /** -Xmx in MiB, or -1 when the JVM's own default applies. */
        long heap() {
            Matcher m = Pattern.compile(" -Xmx(\\d+)m ").matcher(" " + flags + " ");
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }
    }

    /** Runs gate64_jvm_options ARGS with the given cgroup limit (bytes, or "") on a machine of machineMiB. */
    static Run options(String limit, long machineMiB, List<String> env, String... args) throws IOException {
        Path script = Cmd.moduleDir().resolve("launcher/jvm-options.sh");
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "PATH=/usr/bin:/bin"));
        cmd.addAll(env);
        cmd.addAll(List.of("sh", "-c", ". \"$0\"; gate64_memory_limit() { echo " + limit + "; }; "
                + "gate64_machine_mib() { echo " + machineMiB + "; }; gate64_jvm_options \"$@\"; "
                + "echo \"FLAGS $GATE64_JVM_FLAGS\"", script.toString()));
        cmd.addAll(List.of(args));
        Cmd.Result r = Cmd.run(20, null, cmd).must("jvm-options.sh");
        String flags = r.out().lines().filter(l -> l.startsWith("FLAGS ")).findFirst().orElseThrow().substring(6);
        return new Run(flags, r.out());
    }

    static Run options(String limit, String... args) throws IOException {
        return options(limit, 24 * 1024, List.of(), args);
    }

    static Path conf(String relative) {
        return Cmd.repoDir().resolve(relative);
    }

    @Test
    void withoutALimitTheRecursorsHeapFollowsItsCaches() throws IOException {
        // 64 MiB + 1.5 x (400 B x record entries + 160 B x packet entries)
        assertEquals(750, options(NO_LIMIT, "recursor").heap(), "defaults: 1,000,000 + 500,000 entries");
        assertEquals(750, options(NO_LIMIT, "recursor", "--config", conf("conf/recursor.conf").toString()).heap(),
                "the launcher's defaults are conf/recursor.conf's");
        assertEquals(118, options(NO_LIMIT, "recursor", "--config",
                conf("contrib/kubernetes/base/recursor.conf").toString()).heap(), "80,000 + 40,000 entries");
        // -D overrides come after the file, the last one wins; --config=FILE is the same as --config FILE
        assertEquals(132, options(NO_LIMIT, "recursor", "--config=" + conf("contrib/kubernetes/base/recursor.conf"),
                "-Dmax-cache-entries=90000", "-Dmax-cache-entries=100000", "-Dmax-packetcache-entries=50000").heap());
        // a byte bound caps its cache's estimate: 64 MiB + 1.5 x (64 MiB + 500,000 x 160 B)
        assertEquals(64 + (64 * MIB + 80_000_000L) * 3 / 2 / MIB,
                options(NO_LIMIT, "recursor", "-Dmax-cache-bytes=67108864").heap());
        // no packet cache
        assertEquals(64 + 400_000_000L * 3 / 2 / MIB, options(NO_LIMIT, "recursor", "-Dmax-packetcache-entries=0").heap());
        // the JVM's default is a quarter of the machine: 6 GiB on this one
        assertTrue(options(NO_LIMIT, "recursor").flags().contains("-XX:MaxDirectMemorySize=93m"));
    }

    @Test
    void theFileIsReadAsTheRecursorReadsIt() throws IOException {
        Path f = Files.writeString(dir.resolve("gate64.conf"), """
                # max-cache-entries = 5 (a comment)
                nat64 {
                  pool6 = "64:ff9b::/96"
                }
                recursor {
                  max-cache-entries = 200000   # in a section, with a comment
                \tmax-packetcache-entries: 100000
                  max-cache-entries-x = 7
                  max-packetcache-bytes = ${?SOMETHING}
                }
                """);
        // 64 + 1.5 x (80,000,000 + 16,000,000) / MiB
        assertEquals(64 + 96_000_000L * 3 / 2 / MIB, options(NO_LIMIT, "recursor", "--config", f.toString()).heap());
        assertEquals(750, options(NO_LIMIT, "recursor", "--config", dir.resolve("absent.conf").toString()).heap(),
                "a file the launcher cannot read leaves the defaults (the recursor reports the file itself)");
    }

    @Test
    void aSmallMachineCapsTheHeapAtHalfItsMemoryAndSaysSo() throws IOException {
        Run r = options(NO_LIMIT, 1024, List.of(), "recursor");
        assertEquals(512, r.heap());
        assertTrue(r.out().contains("need about 750 MiB of heap; this machine has 1024 MiB"), r.out());
        assertFalse(options(NO_LIMIT, "recursor").out().contains("gate64:"), "no warning when the caches fit");
    }

    @Test
    void aMemoryLimitSetsTheHeapAndTheCachesThatDoNotFitAreReported() throws IOException {
        String base = conf("contrib/kubernetes/base/recursor.conf").toString();
        Run pod = options(String.valueOf(256 * MIB), "recursor", "--config", base);
        assertEquals(128, pod.heap());
        assertTrue(pod.flags().contains("-XX:MaxDirectMemorySize=32m -XX:ReservedCodeCacheSize=48m"), pod.flags());
        assertFalse(pod.out().contains("gate64:"), "the Kubernetes base's caches fit its 256 MiB: " + pod.out());
        // overlays/production: 1 GiB for the default-sized caches
        Run production = options(String.valueOf(1024 * MIB), "recursor", "--config", base,
                "-Dmax-cache-entries=1000000", "-Dmax-packetcache-entries=500000");
        assertEquals(800, production.heap());
        assertFalse(production.out().contains("gate64:"), production.out());
        // a large limit: the limit's heap, not the caches' (the pod's memory is reserved anyway)
        assertEquals(1696, options(String.valueOf(2048 * MIB), "recursor", "--config", base).heap());
        Run tooSmall = options(String.valueOf(256 * MIB), "recursor");
        assertEquals(128, tooSmall.heap());
        assertTrue(tooSmall.out().contains("gate64: the caches (max-cache-entries 1000000, max-packetcache-entries "
                + "500000) need about 750 MiB of heap; the memory limit of 256 MiB leaves 128 MiB"), tooSmall.out());
        // GATE64_MEMORY stands in for a limit where there is none; a cgroup limit wins over it
        assertEquals(800, options(NO_LIMIT, 24 * 1024, List.of("GATE64_MEMORY=1g"), "recursor").heap());
        assertEquals(128, options(String.valueOf(256 * MIB), 24 * 1024, List.of("GATE64_MEMORY=1g"), "recursor").heap());
    }

    @Test
    void theGatewayAndTheOtherCommandsAreSizedOnlyByALimit() throws IOException {
        assertEquals(-1, options(NO_LIMIT, "nat64", "--config", conf("conf/nat64.conf").toString()).heap());
        assertEquals(352, options(String.valueOf(512 * MIB), "nat64").heap());
        assertEquals(-1, options(NO_LIMIT, "control", "stats").heap());
    }

    @Test
    void anExplicitHeapAndExtraOptionsWin() throws IOException {
        Run r = options(String.valueOf(256 * MIB), 24 * 1024, List.of("GATE64_HEAP=300m",
                "GATE64_JAVA_OPTS=-XX:+UseZGC -Dx=y"), "recursor");
        assertTrue(r.flags().contains("-Xmx300m"), r.flags());
        assertFalse(r.flags().contains("-XX:+UseG1GC"), r.flags());
        assertTrue(r.flags().endsWith("-XX:+UseZGC -Dx=y"), r.flags());
        assertFalse(r.out().contains("gate64:"), "an explicit heap is the operator's choice: " + r.out());
        assertTrue(options(NO_LIMIT, "recursor").flags().contains("-XX:+UseG1GC"));
    }
}
