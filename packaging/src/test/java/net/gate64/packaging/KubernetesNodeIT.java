package net.gate64.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.gate64.testing.Requires;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 2, end to end: the rendered manifests run on a node laid out like the seed's IPv6-only cluster
 * ({@link NodeBed}), and a pod fetches a page from an IPv4-only web server by name.
 * <p>
 * {@code kubectl kustomize} renders overlays/small under a test overlay that changes only what a lab site must: the
 * recursor's root hints point at an authoritative server on the node network (a ConfigMap file added and three
 * {@code -D} arguments appended: hint-file, dont-query (the lab is in ULA space) and dnssec (the lab is unsigned)),
 * and the gateway may translate to the documentation address the server has (allow-non-global, appended to the
 * base's nat64.conf). Every container then runs from the build's OCI image with runc exactly as its pod spec says
 * ({@link PodRunner}: command and args, env, ConfigMap and hostPath volumes, user, capabilities, sysctls, memory
 * limit, hostNetwork): the DaemonSet's init container turns on forwarding in the node's namespace, the gateway creates
 * its TUN device and routes the NAT64 prefix and its pool into it, the recursor serves the pod network. The kubelet's
 * probes are evaluated from the node. The client pod resolves through the recursor (resolv.conf as a ClusterFirst pod
 * has it), gets the DNS64 AAAA, and its HTTP request crosses the gateway to the IPv4-only server.
 * <p>
 * Skipped with the reason without root, /dev/net/tun, kubectl, umoci, runc, python3 or dig.
 */
@Requires(what = "the Kubernetes node test", root = true, tun = true, netns = true,
        tools = {"umoci", "runc", "python3", "dig", "tar"}, optionalTools = {"kubectl"})
class KubernetesNodeIT {
    static final String NAME = "web.ipv4only.test";
    static final String SYNTHESISED = "64:ff9b::c633:6402"; // 198.51.100.2 in the well-known prefix
    static final String TOKEN = UUID.randomUUID().toString();
    static Path work;
    static NodeBed bed;
    static NodeBed.Pod client;
    static NodeBed.Pod recursorPod;
    static PodRunner runner;
    static PodRunner.Running gateway;
    static PodRunner.Running recursor;
    static final List<Process> helpers = new ArrayList<>();

    @BeforeAll
    static void deploy() throws Exception {
        Path tar = Cmd.moduleDir().resolve("target/gate64-image.tar");
        assertTrue(Files.isRegularFile(tar), "the build did not make " + tar);
        work = Files.createTempDirectory("g64-k8s");

        List<HasMetadata> objects = render(Files.createDirectories(work.resolve("overlay")));
        DaemonSet ds = KubernetesManifestsTest.one(objects, DaemonSet.class, "gate64-nat64");
        Deployment deployment = KubernetesManifestsTest.one(objects, Deployment.class, "gate64-recursor");
        OciImage image = OciImage.unpack(tar, work);
        String tag = Cmd.run(30, "umoci", "ls", "--layout", work.resolve("layout").toString()).out().strip();
        for (PodSpec spec : List.of(ds.getSpec().getTemplate().getSpec(), deployment.getSpec().getTemplate().getSpec())) {
            for (Container c : spec.getContainers()) {
                assertEquals(tag, c.getImage(), "the manifests run the image the build makes");
            }
        }

        bed = NodeBed.create();
        client = bed.addPod("client");
        recursorPod = bed.addPod("recursor");
        startAuthority();
        startWebServer();

        runner = new PodRunner(image, work, bed.node, bed.node, bed.suffix, objects);
        gateway = runner.start("gate64-nat64-" + bed.suffix, ds.getSpec().getTemplate().getSpec(), null,
                "198.51.100.1").get(0);
        awaitReady(gateway);
        recursor = runner.start("gate64-recursor-" + bed.suffix, deployment.getSpec().getTemplate().getSpec(),
                recursorPod.netns(), recursorPod.ip6()).get(0);
        awaitReady(recursor);

        // The client pod's resolver files, as the kubelet writes them for dnsPolicy ClusterFirst (the nameserver is
        // the recursor pod here; in a cluster it is the Service's address). `ip netns exec` mounts them over /etc.
        Path etc = Files.createDirectories(Path.of("/etc/netns", client.netns()));
        Files.writeString(etc.resolve("resolv.conf"), "search default.svc.cluster.local svc.cluster.local cluster.local\n"
                + "nameserver " + recursorPod.ip6() + "\noptions ndots:5\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n" + client.ip6() + " client\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\n");
    }

    /**
     * kubectl kustomize of overlays/small under a test overlay (relative path: kustomize refuses absolute ones).
     */
    static List<HasMetadata> render(Path overlay) throws IOException {
        Path k8s = KubernetesManifestsTest.K8S;
        Files.writeString(overlay.resolve("lab-hints.zone"),
                ". 3600000 NS a.root.\na.root. 3600000 AAAA " + NodeBed.AUTHORITY6 + "\n");
        Files.writeString(overlay.resolve("nat64.conf"), Files.readString(k8s.resolve("base/nat64.conf"))
                + "\n# Test overlay: the IPv4-only server has a documentation address (RFC 6052 section 3.1).\n"
                + "allow-non-global = true\n");
        List<Map<String, Object>> ops = new ArrayList<>();
        for (String arg : List.of("-Dhint-file=\"/etc/gate64/lab-hints.zone\"", "-Ddont-query=[]",
                "-Ddnssec=\"process-no-validate\"")) {
            ops.add(Map.of("op", "add", "path", "/spec/template/spec/containers/0/args/-", "value", arg));
        }
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        k.put("kind", "Kustomization");
        k.put("resources", List.of(overlay.relativize(k8s.resolve("overlays/small")).toString()));
        k.put("configMapGenerator", List.of(
                Map.of("name", "gate64-recursor", "behavior", "merge", "files", List.of("lab-hints.zone")),
                Map.of("name", "gate64-nat64", "behavior", "merge", "files", List.of("nat64.conf"))));
        k.put("patches", List.of(Map.of("target", Map.of("kind", "Deployment", "name", "gate64-recursor"),
                "patch", OciImage.JSON.writeValueAsString(ops))));
        new YAMLMapper().writeValue(overlay.resolve("kustomization.yaml").toFile(), k);
        Cmd.Result r = Cmd.run(120, "kubectl", "kustomize", overlay.toString());
        assertEquals(0, r.code(), r.out());
        Files.writeString(overlay.resolve("rendered.yaml"), r.out());
        return KubernetesManifestsTest.parseStrictly(r.out(), "kustomize " + overlay);
    }

    /** The "internet" DNS: the lab's authoritative server on the node network, serving a root and test. */
    static void startAuthority() throws Exception {
        Path zones = Files.createDirectories(work.resolve("zones"));
        Files.writeString(zones.resolve("root.zone"), """
                $TTL 3600
                .        SOA a.root. hostmaster.root. 1 7200 900 1209600 300
                .        NS  a.root.
                a.root.  AAAA %1$s
                test.    NS  ns.test.
                ns.test. AAAA %1$s
                """.formatted(NodeBed.AUTHORITY6));
        Files.writeString(zones.resolve("test.zone"), """
                $TTL 3600
                test.    SOA ns.test. hostmaster.test. 1 7200 900 1209600 300
                test.    NS  ns.test.
                ns.test. AAAA %s
                %s. A 198.51.100.2
                """.formatted(NodeBed.AUTHORITY6, NAME));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        helpers.add(new ProcessBuilder("ip", "netns", "exec", bed.node, java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                "net.gate64.resolver.cli.Main", "lab", "--zones=" + zones, "--listen=[" + NodeBed.AUTHORITY6 + "]:53")
                .redirectErrorStream(true).redirectOutput(work.resolve("authority.log").toFile()).start());
        awaitTrue(() -> bed.exec(bed.node, 10, "dig", "+short", "+time=1", "+tries=1", "@" + NodeBed.AUTHORITY6, NAME, "A")
                .out().contains("198.51.100.2"), "the authoritative server", work.resolve("authority.log"));
    }

    /** A plain HTTP server on the IPv4-only server, port 80, with a page holding this run's token. */
    static void startWebServer() throws Exception {
        Path www = Files.createDirectories(work.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<p>IPv4-only server, token " + TOKEN + "</p>\n");
        helpers.add(new ProcessBuilder("ip", "netns", "exec", bed.server, "python3", "-m", "http.server", "80",
                "--bind", NodeBed.SERVER4, "--directory", www.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("http.log").toFile()).start());
        awaitTrue(() -> bed.exec(bed.server, 10, "python3", "-c", "import socket; socket.create_connection(('"
                + NodeBed.SERVER4 + "', 80), 1)").code() == 0, "the web server", work.resolve("http.log"));
    }

    /** As the kubelet: the startup probe until it passes, then readiness. */
    static void awaitReady(PodRunner.Running r) throws Exception {
        for (Probe p : new Probe[] {r.spec().getStartupProbe(), r.spec().getReadinessProbe()}) {
            if (p != null) {
                runner.awaitProbe(r, p, 180);
            }
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " did not come up; log:\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (runner != null) {
            runner.close();
        }
        for (Process p : helpers) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (bed != null) {
            bed.close();
        }
        if (work != null) {
            Cmd.run(60, "rm", "-rf", work.toString());
        }
    }

    @Test
    void podFetchesAPageFromTheIpv4OnlyServerByName() throws Exception {
        String fetch = """
                import socket, sys, urllib.request
                print(sorted({a[4][0] for a in socket.getaddrinfo(sys.argv[1], 80, proto=socket.IPPROTO_TCP)}))
                print(urllib.request.urlopen('http://' + sys.argv[1] + '/', timeout=20).read().decode())
                """;
        Cmd.Result r = bed.exec(client.netns(), 60, "python3", "-c", fetch, NAME);
        assertEquals(0, r.code(), r.out() + "\nrecursor log:\n" + recursor.logText() + "\ngateway log:\n" + gateway.logText());
        assertTrue(r.out().contains(SYNTHESISED), r.out());
        assertTrue(r.out().contains(TOKEN), r.out());
        // The server saw the request from the node's IPv4 pool (192.0.2.0/28, the pools file's "*" line).
        String access = Files.readString(work.resolve("http.log"));
        assertTrue(Pattern.compile("^192\\.0\\.2\\.([0-9]|1[0-5]) .*\"GET / ", Pattern.MULTILINE).matcher(access).find(),
                access);
    }

    @Test
    void recursorAnswersThePodNetworkWithDns64() throws Exception {
        String at = "@" + recursorPod.ip6();
        assertEquals(SYNTHESISED, dig(at, NAME, "AAAA"));
        assertEquals("198.51.100.2", dig(at, NAME, "A"));
        assertEquals(SYNTHESISED, dig("+tcp", at, NAME, "AAAA"));
    }

    @Test
    void thePodsAreIpv6OnlyAndTheServerIpv4Only() throws IOException {
        for (String pod : List.of(client.netns(), recursorPod.netns())) {
            assertEquals("", bed.exec(pod, 10, "ip", "-4", "route", "show").out().strip(), pod + " has IPv4 routes");
            assertEquals("", bed.exec(pod, 10, "ip", "-4", "addr", "show", "dev", "eth0").out().strip(), pod);
        }
        assertEquals("", bed.exec(bed.server, 10, "ip", "-6", "addr", "show").out().strip(), "the server has IPv6");
    }

    @Test
    void theDaemonSetSetsUpTheNode() throws IOException {
        // The init container turned forwarding on; the gateway made its TUN device and routed the prefix and its pool.
        assertEquals("1\n1", bed.exec(bed.node, 10, "sh", "-c",
                "cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding").out().strip());
        assertTrue(bed.exec(bed.node, 10, "ip", "-6", "route", "show", "64:ff9b::/96").out().contains("dev nat64"));
        assertTrue(bed.exec(bed.node, 10, "ip", "-4", "route", "show", "192.0.2.0/28").out().contains("dev nat64"));
    }

    @Test
    void containersRunAsTheirSecurityContextsAndLimitsSay() throws Exception {
        // Recursor: user 64064, no capability at all, a 128 MiB heap from the 256 MiB limit (docs/deploy.md).
        String status = Files.readString(Path.of("/proc", Long.toString(runner.pid(recursor)), "status"));
        assertTrue(status.contains("\nUid:\t64064\t64064\t"), status);
        assertTrue(status.contains("\nCapEff:\t0000000000000000\n"), status);
        assertTrue(javaCommandLine(recursor).contains(" -Xmx128m "), javaCommandLine(recursor));
        // Gateway: root with CAP_NET_ADMIN (bit 12) only; a 352 MiB heap from the 512 MiB limit.
        status = Files.readString(Path.of("/proc", Long.toString(runner.pid(gateway)), "status"));
        assertTrue(status.contains("\nUid:\t0\t0\t"), status);
        assertTrue(status.contains("\nCapEff:\t0000000000001000\n"), status);
        assertTrue(javaCommandLine(gateway).contains(" -Xmx352m "), javaCommandLine(gateway));
        for (PodRunner.Running r : List.of(recursor, gateway)) {
            if (r.spec().getLivenessProbe() != null) {
                assertTrue(runner.probe(r, r.spec().getLivenessProbe()), r.id() + " liveness");
            }
        }
    }

    /** The command line of the container's JVM (the launcher execs it in place, so it is the first process). */
    static String javaCommandLine(PodRunner.Running r) throws IOException {
        String cmdline = Files.readString(Path.of("/proc", Long.toString(runner.pid(r)), "cmdline")).replace('\0', ' ');
        Matcher m = Pattern.compile("^/usr/lib/gate64/jre/bin/java ").matcher(cmdline);
        assertTrue(m.find(), cmdline);
        return cmdline;
    }

    static String dig(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("dig", "+short", "+time=5", "+tries=2"));
        cmd.addAll(List.of(args));
        return bed.exec(client.netns(), 30, cmd.toArray(String[]::new)).out().strip();
    }
}
