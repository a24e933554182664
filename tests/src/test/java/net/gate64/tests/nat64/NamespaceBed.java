package net.gate64.tests.nat64;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Three network namespaces with unique names: an IPv6-only client, the gateway, an IPv4-only server.
 * <pre>
 *   client  c0 2001:db8:1::2/64  ── g0 2001:db8:1::1/64   gateway   g1 198.51.100.1/24 ── s0 198.51.100.2/24  server
 *                                                         (tun nat64: pool6 → tun, pool4 203.0.113.0/28 → tun)
 * </pre>
 * Only addresses from the documentation ranges, and only inside these namespaces.
 */
final class NamespaceBed implements AutoCloseable {
    final String client;
    final String gateway;
    final String server;
    /** Routers on each side in the routed bed ({@link #createRouted}); null in the plain one. */
    final String router6;
    final String router4;
    private final List<Process> processes = new ArrayList<>();

    private NamespaceBed(String suffix, boolean routed) {
        client = "g64c-" + suffix;
        gateway = "g64g-" + suffix;
        server = "g64s-" + suffix;
        router6 = routed ? "g64r6-" + suffix : null;
        router4 = routed ? "g64r4-" + suffix : null;
    }

    private List<String> namespaces() {
        return router6 == null ? List.of(client, gateway, server) : List.of(client, router6, gateway, router4, server);
    }

    static NamespaceBed create() throws IOException {
        return created(new NamespaceBed(Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)), false));
    }

    /**
     * Five namespaces, a router between the gateway and each end, so that a link in the middle of the path can get
     * a small MTU while both ends keep 1500 (path MTU discovery then has work to do: the ends' TCP MSS does not
     * already fit):
     * <pre>
     *   client c0 2001:db8:1::2/64 ── r0 2001:db8:1::1  router6  r1 2001:db8:2::1/64 ── g0 2001:db8:2::2  gateway
     *   gateway g1 198.51.100.1/25 ── r2 198.51.100.2  router4  r3 198.51.100.129/25 ── s0 198.51.100.130  server
     * </pre>
     * Link names: {@code r1}/{@code g0} (IPv6 middle link), {@code g1}/{@code r2} (IPv4 middle link).
     */
    static NamespaceBed createRouted() throws IOException {
        return created(new NamespaceBed(Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24)), true));
    }

    private static NamespaceBed created(NamespaceBed bed) throws IOException {
        try {
            if (bed.router6 == null) {
                bed.build();
            } else {
                bed.buildRouted();
            }
        } catch (IOException | RuntimeException e) {
            bed.close();
            throw e;
        }
        return bed;
    }

    private void buildRouted() throws IOException {
        for (String ns : namespaces()) {
            must("ip", "netns", "add", ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "link", "add", "c0", "netns", client, "type", "veth", "peer", "name", "r0", "netns", router6);
        must("ip", "link", "add", "r1", "netns", router6, "type", "veth", "peer", "name", "g0", "netns", gateway);
        must("ip", "link", "add", "g1", "netns", gateway, "type", "veth", "peer", "name", "r2", "netns", router4);
        must("ip", "link", "add", "r3", "netns", router4, "type", "veth", "peer", "name", "s0", "netns", server);
        String[][] addrs = {
            {client, "c0", "2001:db8:1::2/64"}, {router6, "r0", "2001:db8:1::1/64"}, {router6, "r1", "2001:db8:2::1/64"},
            {gateway, "g0", "2001:db8:2::2/64"}, {gateway, "g1", "198.51.100.1/25"}, {router4, "r2", "198.51.100.2/25"},
            {router4, "r3", "198.51.100.129/25"}, {server, "s0", "198.51.100.130/25"},
        };
        for (String[] a : addrs) {
            if (a[2].contains(":")) {
                must("ip", "-n", a[0], "addr", "add", a[2], "dev", a[1], "nodad");
            } else {
                must("ip", "-n", a[0], "addr", "add", a[2], "dev", a[1]);
            }
            must("ip", "-n", a[0], "link", "set", a[1], "up");
        }
        must("ip", "-n", client, "-6", "route", "add", "default", "via", "2001:db8:1::1");
        must("ip", "-n", router6, "-6", "route", "add", "default", "via", "2001:db8:2::2");
        must("ip", "-n", gateway, "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:2::1");
        must("ip", "-n", gateway, "route", "add", "198.51.100.128/25", "via", "198.51.100.2");
        must("ip", "-n", router4, "route", "add", "default", "via", "198.51.100.1");
        must("ip", "-n", server, "route", "add", "default", "via", "198.51.100.129");
        for (String ns : List.of(router6, gateway, router4)) {
            must("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
        }
    }

    /** Sets the MTU of both ends of a veth link. */
    void linkMtu(String ns1, String dev1, String ns2, String dev2, int mtu) throws IOException {
        must("ip", "-n", ns1, "link", "set", dev1, "mtu", Integer.toString(mtu));
        must("ip", "-n", ns2, "link", "set", dev2, "mtu", Integer.toString(mtu));
    }

    private void build() throws IOException {
        for (String ns : List.of(client, gateway, server)) {
            must("ip", "netns", "add", ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "link", "add", "c0", "netns", client, "type", "veth", "peer", "name", "g0", "netns", gateway);
        must("ip", "link", "add", "s0", "netns", server, "type", "veth", "peer", "name", "g1", "netns", gateway);
        must("ip", "-n", client, "addr", "add", "2001:db8:1::2/64", "dev", "c0", "nodad");
        must("ip", "-n", gateway, "addr", "add", "2001:db8:1::1/64", "dev", "g0", "nodad");
        must("ip", "-n", gateway, "addr", "add", "198.51.100.1/24", "dev", "g1");
        must("ip", "-n", server, "addr", "add", "198.51.100.2/24", "dev", "s0");
        for (String[] link : new String[][] {{client, "c0"}, {gateway, "g0"}, {gateway, "g1"}, {server, "s0"}}) {
            must("ip", "-n", link[0], "link", "set", link[1], "up");
        }
        must("ip", "-n", client, "-6", "route", "add", "default", "via", "2001:db8:1::1");
        must("ip", "-n", server, "route", "add", "default", "via", "198.51.100.1");
        must("ip", "netns", "exec", gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
    }

    /** Starts a long-running process inside {@code ns}; output goes to {@code log}. Stopped by {@link #close}. */
    Process spawn(String ns, Path log, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /** Runs a command inside {@code ns} and waits (at most {@code seconds}). */
    Result exec(String ns, int seconds, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return run(seconds, full.toArray(String[]::new));
    }

    void must(String... cmd) throws IOException {
        Result r = run(20, cmd);
        if (r.code != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.out.trim());
        }
    }

    record Result(int code, String out) {}

    static Result run(int seconds, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) + " (timed out)");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
    }

    /** Stops what it started (by process id), then deletes the namespaces; safe to call on a half-built bed. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces()) {
            try {
                run(10, "ip", "netns", "del", ns);
            } catch (IOException ignored) {
                // best effort: nothing else can be done in cleanup
            }
        }
    }
}
