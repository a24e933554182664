package net.gate64.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces laid out like one Kubernetes node of the seed's IPv6-only cluster, with unique names:
 * <pre>
 *   pod "client"    eth0 fd64:1:1::2/64 ── n1 fd64:1:1::1/64 ┐
 *   pod "recursor"  eth0 fd64:1:2::2/64 ── n2 fd64:1:2::1/64 ┤  node   n0 198.51.100.1/24 ── s0 198.51.100.2/24  server
 *                   (IPv6 only; default route → the node)   │  dual-stack; lo fd64:ffff::53    (IPv4 only)
 * </pre>
 * Each pod has its own point-to-point link to the node (as ptp CNI plugins lay it out) and its default route via
 * the node, so traffic to the NAT64 prefix leaves through the node's gateway (docs/deploy.md, "Kubernetes"). The
 * node has no forwarding until the DaemonSet's init container turns it on. The node's lo carries an extra address
 * for an authoritative DNS server "outside the cluster". Only ULA and documentation addresses, only inside these
 * namespaces; nothing is connected to the host's network.
 */
final class NodeBed implements AutoCloseable {
    static final String AUTHORITY6 = "fd64:ffff::53";
    static final String SERVER4 = "198.51.100.2";

    /** A pod's network namespace and its address. */
    record Pod(String netns, String ip6) {}

    final String suffix;
    final String node;
    final String server;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();

    private NodeBed(String suffix) {
        this.suffix = suffix;
        node = "g64n-" + suffix;
        server = "g64s-" + suffix;
    }

    /** Why the bed cannot be built here, or null when it can. */
    static String unavailable(String purpose) {
        if (!Cmd.root()) {
            return "not root (network namespaces, TUN and runc need root): skipping " + purpose;
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "/dev/net/tun is missing: skipping " + purpose;
        }
        String probe = "g64p-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        try {
            Cmd.Result add = Cmd.run(10, "ip", "netns", "add", probe);
            Cmd.run(10, "ip", "netns", "del", probe);
            if (add.code() != 0) {
                return "`ip netns add` fails (" + add.out().strip() + "): skipping " + purpose;
            }
        } catch (IOException e) {
            return "cannot run ip (" + e.getMessage() + "): skipping " + purpose;
        }
        return null;
    }

    static NodeBed create() throws IOException {
        NodeBed bed = new NodeBed(Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)));
        try {
            bed.build();
        } catch (IOException | RuntimeException e) {
            bed.close();
            throw e;
        }
        return bed;
    }

    private void build() throws IOException {
        for (String ns : List.of(node, server)) {
            addNamespace(ns);
        }
        must("ip", "link", "add", "n0", "netns", node, "type", "veth", "peer", "name", "s0", "netns", server);
        must("ip", "-n", node, "addr", "add", "198.51.100.1/24", "dev", "n0");
        must("ip", "-n", node, "addr", "add", AUTHORITY6 + "/128", "dev", "lo");
        must("ip", "-n", node, "link", "set", "n0", "up");
        // The server has IPv4 only: IPv6 off on every interface.
        must("ip", "netns", "exec", server, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1", "net.ipv6.conf.lo.disable_ipv6=1");
        must("ip", "-n", server, "addr", "add", SERVER4 + "/24", "dev", "s0");
        must("ip", "-n", server, "link", "set", "s0", "up");
        must("ip", "-n", server, "route", "add", "default", "via", "198.51.100.1");
        // Forwarding stays off: the DaemonSet's init container is what turns it on.
        must("ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.ip_forward=0", "net.ipv6.conf.all.forwarding=0");
    }

    /** A new pod on this node: IPv6 only, its own link to the node, default route via the node. */
    Pod addPod(String role) throws IOException {
        int n = pods.size() + 1;
        String ns = "g64" + role.charAt(0) + "-" + suffix;
        addNamespace(ns);
        String nodeSide = "n" + n;
        String prefix = "fd64:1:" + n + "::";
        must("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", nodeSide, "netns", node);
        // No IPv4 in the pod (beyond lo's 127.0.0.1, as in every pod).
        must("ip", "-n", ns, "addr", "add", prefix + "2/64", "dev", "eth0", "nodad");
        must("ip", "-n", node, "addr", "add", prefix + "1/64", "dev", nodeSide, "nodad");
        must("ip", "-n", ns, "link", "set", "eth0", "up");
        must("ip", "-n", node, "link", "set", nodeSide, "up");
        must("ip", "-n", ns, "-6", "route", "add", "default", "via", prefix + "1");
        Pod pod = new Pod(ns, prefix + "2");
        pods.add(pod);
        return pod;
    }

    private void addNamespace(String ns) throws IOException {
        must("ip", "netns", "add", ns);
        namespaces.add(ns);
        must("ip", "-n", ns, "link", "set", "lo", "up");
    }

    static Path netnsPath(String ns) {
        return Path.of("/var/run/netns", ns);
    }

    /** Runs {@code cmd} inside {@code ns} and waits at most {@code seconds}. */
    Cmd.Result exec(String ns, int seconds, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return Cmd.run(seconds, null, full);
    }

    private static void must(String... cmd) throws IOException {
        Cmd.Result r = Cmd.run(20, cmd);
        if (r.code() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.out().strip());
        }
    }

    /** Deletes the namespaces (their veth links go with them); safe on a half-built bed. */
    @Override
    public void close() {
        for (String ns : namespaces.reversed()) {
            try {
                Cmd.run(10, "ip", "netns", "del", ns);
            } catch (IOException ignored) {
                // best effort: nothing else can be done in cleanup
            }
            try {
                Cmd.run(10, "rm", "-rf", Path.of("/etc/netns", ns).toString());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
