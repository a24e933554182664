package net.gate64.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCI image archive the build made (target/gate64-image.tar), unpacked with umoci and run with runc as the
 * image configures it: its entrypoint and user, a read-only root, CAP_NET_BIND_SERVICE as its only capability, in a
 * network namespace of its own. The recursor binds port 53 there and dig asks it; the NAT64 gateway's entrypoint
 * checks its configuration. Skipped with the reason where root, umoci, runc, ip, dig or python3 are missing.
 */
@Requires(what = "the image test", root = true, netns = true, tools = {"umoci", "runc", "ip", "dig", "python3", "tar"})
class ImageIT {
    static final int IMAGE_UID = 64064;
    static Path work;
    static String netns;
    static String container;
    static Process runc;
    static Path log;

    @BeforeAll
    static void startContainer() throws Exception {
        Path tar = Cmd.moduleDir().resolve("target/gate64-image.tar");
        assertTrue(Files.isRegularFile(tar), "the build did not make " + tar);
        System.out.printf("image archive %s: %.1f MiB%n", tar.getFileName(), Files.size(tar) / 1048576.0);
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        work = Files.createTempDirectory("g64-image");
        netns = "g64i-" + suffix;
        container = "g64i-" + suffix;
        Path layout = Files.createDirectories(work.resolve("layout"));
        Cmd.run(120, "tar", "-C", layout.toString(), "-xf", tar.toString()).must("tar");
        String tag = Cmd.run(30, "umoci", "ls", "--layout", layout.toString()).must("umoci ls").out().strip();
        Path bundle = work.resolve("bundle");
        Cmd.run(300, "umoci", "unpack", "--image", layout + ":" + tag, bundle.toString()).must("umoci unpack");
        Cmd.run(10, "ip", "netns", "add", netns).must("ip netns add");
        Cmd.run(10, "ip", "-n", netns, "link", "set", "lo", "up").must("lo up");
        // What umoci made of the image's configuration, checked, then narrowed the way a cautious runtime would.
        Path config = bundle.resolve("config.json");
        String edit = """
                import json, sys
                path, netns = sys.argv[1], sys.argv[2]
                c = json.load(open(path))
                p = c['process']
                assert p['user']['uid'] == %d, p['user']
                assert p['args'][0] == '/usr/lib/gate64/bin/gate64', p['args']
                p['terminal'] = False
                p['args'] += ['-Dlocal-address=["127.0.0.1:53", "[::1]:53"]', '-Ddnssec=off',
                              '-Ddns64-prefix="64:ff9b::/96"', '-Dwebserver-address="127.0.0.1:8082"']
                caps = ['CAP_NET_BIND_SERVICE']
                p['capabilities'] = {k: caps for k in ['bounding', 'effective', 'permitted', 'inheritable', 'ambient']}
                p['noNewPrivileges'] = True
                for ns in c['linux']['namespaces']:
                    if ns['type'] == 'network':
                        ns['path'] = '/var/run/netns/' + netns
                c['root']['readonly'] = True
                c['mounts'].append({'destination': '/tmp', 'type': 'tmpfs', 'source': 'tmpfs',
                                    'options': ['nosuid', 'nodev', 'noexec', 'mode=1777', 'size=16m']})
                json.dump(c, open(path, 'w'))
                """.formatted(IMAGE_UID);
        Cmd.run(30, "python3", "-c", edit, config.toString(), netns).must("config.json edit");
        log = work.resolve("container.log");
        runc = new ProcessBuilder("runc", "run", "--bundle", bundle.toString(), container)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && runc.isAlive()) {
            if (dig("ipv4only.arpa", "AAAA").contains("64:ff9b::c000:aa")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the container did not answer; its log:\n" + Files.readString(log));
    }

    @AfterAll
    static void stop() throws Exception {
        if (container != null) {
            Cmd.run(30, "runc", "kill", container, "TERM");
            if (runc != null && !runc.waitFor(20, TimeUnit.SECONDS)) {
                Cmd.run(30, "runc", "kill", container, "KILL");
            }
            Cmd.run(30, "runc", "delete", "-f", container);
        }
        if (netns != null) {
            Cmd.run(10, "ip", "netns", "del", netns);
        }
        if (work != null) {
            Cmd.run(60, "rm", "-rf", work.toString());
        }
    }

    static String dig(String... question) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", netns, "dig", "+short", "+time=2",
                "+tries=1", "@127.0.0.1"));
        cmd.addAll(List.of(question));
        return Cmd.run(20, null, cmd).out();
    }

    @Test
    void recursorAnswersOnPort53() throws IOException {
        assertEquals("192.0.0.170\n192.0.0.171", dig("ipv4only.arpa", "A").strip());
        String log = Files.readString(ImageIT.log);
        assertTrue(log.contains("listening on 127.0.0.1:53") && log.contains("epoll"), log);
    }

    @Test
    void runsAsTheImageUserWithOnlyTheBindCapability() throws IOException {
        String state = Cmd.run(20, "runc", "state", container).must("runc state").out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"pid\": (\\d+)").matcher(state);
        assertTrue(m.find(), state);
        String status = Files.readString(Path.of("/proc", m.group(1), "status"));
        assertTrue(status.contains("\nUid:\t" + IMAGE_UID + "\t" + IMAGE_UID + "\t"), status);
        // CAP_NET_BIND_SERVICE is bit 10: 0x400, nothing else effective.
        assertTrue(status.contains("\nCapEff:\t0000000000000400\n"), status);
        String cmdline = Files.readString(Path.of("/proc", m.group(1), "cmdline")).replace('\0', ' ');
        assertTrue(cmdline.startsWith("/usr/lib/gate64/jre/bin/java ") && cmdline.contains("-XX:AOTCache="), cmdline);
    }

    /**
     * The AOT cache maps in the image: it records the jars' and the runtime's file times, which the image must keep
     * (stage.sh, packaging/pom.xml); -XX:AOTMode=on makes a cache that does not map an error instead of a warning.
     */
    @Test
    void theAotCacheMapsInTheImage() throws IOException {
        Cmd.Result r = Cmd.run(120, "runc", "exec", "--env", "GATE64_JAVA_OPTS=-XX:AOTMode=on", container,
                "/usr/lib/gate64/bin/gate64", "--version");
        assertEquals(0, r.code(), r.out());
        assertFalse(r.out().contains("[aot]"), r.out());
        String log = Files.readString(ImageIT.log);
        assertFalse(log.contains("[aot]"), log);
    }

    @Test
    void gatewayEntrypointChecksItsConfiguration() throws IOException {
        Cmd.Result r = Cmd.run(120, "runc", "exec", container, "/usr/lib/gate64/bin/gate64", "nat64", "--config",
                "/etc/gate64/nat64.conf", "--check");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("configuration OK") && r.out().contains("ip -6 route replace 64:ff9b::/96 dev nat64"),
                r.out());
    }

    /** Issue 13 item 5: the lab is not production code; the demo, which needs the source tree, stays out too. */
    @Test
    void carriesNeitherTheDemoNorTheLab() throws IOException {
        Cmd.Result r = Cmd.run(120, "runc", "exec", container, "/usr/lib/gate64/bin/gate64", "demo");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("the demo and the lab are not part of this installation"), r.out());
        Path lib = Cmd.moduleDir().resolve("target/stage/usr/lib/gate64/lib");
        try (var jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                String name = jar.getFileName().toString();
                assertTrue(!name.startsWith("gate64-lab") && !name.startsWith("gate64-demo"), name);
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                    assertTrue(zip.stream().filter(e -> e.getName().endsWith(".class"))
                            .noneMatch(e -> e.getName().startsWith("net/gate64/resolver/lab/")
                                    || e.getName().startsWith("net/gate64/demo/")), name + " holds lab or demo classes");
                }
            }
        }
    }

    @Test
    void webEndpointAnswersHealth() throws IOException {
        Cmd.Result r = Cmd.run(30, "ip", "netns", "exec", netns, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8082/health', timeout=10).status)");
        assertEquals("200", r.out().strip(), r.out());
    }
}
