package net.gate64.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** What this machine offers the tests, each probe run once per JVM. */
public final class Machine {
    /** The environment variable that turns a missing requirement into a failure. */
    public static final String STRICT = "GATE64_REQUIRE_ALL_TESTS";

    /** Debian packages that hold the tools ./gate64 test installs. */
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("dig", "bind9-dnsutils"), Map.entry("ip", "iproute2"), Map.entry("ping", "iputils-ping"),
            Map.entry("python3", "python3"), Map.entry("nfcapd", "nfdump"), Map.entry("nfdump", "nfdump"),
            Map.entry("rdisc6", "ndisc6"), Map.entry("tshark", "tshark"), Map.entry("umoci", "umoci"),
            Map.entry("runc", "runc"), Map.entry("systemd-analyze", "systemd"), Map.entry("ss", "iproute2"));

    private static Boolean netns;
    private static Boolean port53;

    private Machine() {}

    /** Why a requirement is not met, and whether CI machines are expected to meet it. */
    public record Missing(String reason, boolean providedOnCi) {}

    /** Whether missing requirements fail instead of skipping (GATE64_REQUIRE_ALL_TESTS=1). */
    public static boolean strict() {
        return "1".equals(System.getenv(STRICT));
    }

    public static boolean root() {
        return uid() == 0;
    }

    public static boolean tun() {
        return Files.exists(Path.of("/dev/net/tun"));
    }

    /** Whether {@code name} is an executable on the PATH. */
    public static boolean tool(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether network namespaces can be made here (probed once with a randomly named one, deleted at once). */
    public static synchronized boolean netns() {
        if (netns == null) {
            netns = probeNetns();
        }
        return netns;
    }

    /** Whether port 53 can be bound on loopback (root, CAP_NET_BIND_SERVICE or a lowered unprivileged start). */
    public static synchronized boolean port53() {
        if (port53 == null) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.53.254"), 53));
                port53 = true;
            } catch (java.net.BindException e) {
                // the kernel checks the right to bind before whether the address is free: "in use" (another test
                // run's probe, say) means the right is there
                port53 = e.getMessage() != null && e.getMessage().contains("in use");
            } catch (IOException e) {
                port53 = false;
            }
        }
        return port53;
    }

    /**
     * Holds the loopback block {@code block} ("127.0.56") exclusively among the test JVMs of this machine until
     * closed: waits while another one holds it (a file lock, released by the kernel if that JVM dies), at most 20
     * minutes.
     */
    public static AutoCloseable exclusive(String block) throws IOException {
        if (!block.matches("127\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("not a loopback /24 as A.B.C: " + block);
        }
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "gate64-tests-" + block + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot open " + file + " to hold " + block + ".0/24 (another user made it: remove it)", e);
        }
        try {
            // for a later run as another user (CAP_NET_BIND_SERVICE): everybody may take the lock
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            // another user's file, opened above, so shareable already
        }
        CompletableFuture<FileLock> taking = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().name("exclusive " + block).start(() -> {
            try {
                taking.complete(channel.lock());
            } catch (IOException | RuntimeException e) {
                taking.completeExceptionally(e);
            }
        });
        try {
            FileLock lock = taking.get(20, TimeUnit.MINUTES);
            return () -> {
                lock.release();
                channel.close();
            };
        } catch (TimeoutException e) {
            waiter.interrupt(); // closes the channel, which ends the wait
            throw new IOException("another test run has held " + block + ".0/24 (" + file + ") for 20 minutes");
        } catch (InterruptedException | ExecutionException e) {
            channel.close();
            throw new IOException("cannot hold " + block + ".0/24 (" + file + "): " + e, e);
        }
    }

    /** "the NAT64 tests need ", "the RA test needs ": the verb agrees with what the class tests. */
    static String needs(String what) {
        String head = what.replaceAll("\\s*\\(.*\\)$", "");
        return what + (head.endsWith("s") ? " need " : " needs ");
    }

    /** The first unmet requirement, or null. */
    static Missing missing(Requires r) {
        String what = r.what();
        if (r.root() && !root()) {
            return new Missing(needs(what) + "root (this runs as " + System.getProperty("user.name") + ")", true);
        }
        if (r.tun() && !tun()) {
            return new Missing(needs(what) + "/dev/net/tun, which this machine does not have", true);
        }
        for (String t : r.tools()) {
            if (!tool(t)) {
                return new Missing(needs(what) + t + " (Debian package " + PACKAGES.getOrDefault(t, t)
                        + "; ./gate64 test installs it as root)", true);
            }
        }
        if (r.netns() && !netns()) {
            return new Missing(needs(what) + "network namespaces, and `ip netns add` fails here", true);
        }
        if (r.port53() && !port53()) {
            return new Missing(needs(what) + "to bind port 53 on 127.0.0.0/8 (root or CAP_NET_BIND_SERVICE)", true);
        }
        for (String t : r.optionalTools()) {
            if (!tool(t)) {
                return new Missing(needs(what) + t + ", which ./gate64 test does not install", false);
            }
        }
        return null;
    }

    /**
     * For a requirement checked inside one test: skips it with {@code reason} when {@code met} is false, or fails
     * it on a machine that must run every test.
     */
    public static void require(boolean met, String reason) {
        if (!met) {
            if (strict()) {
                Assertions.fail(STRICT + "=1 (this machine must run every test) but " + reason);
            }
            Assumptions.abort(reason);
        }
    }

    private static long uid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i ? i : -1;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static boolean probeNetns() {
        if (!root() || !tool("ip")) {
            return false;
        }
        String name = "g64p-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
        try {
            boolean added = run("ip", "netns", "add", name);
            run("ip", "netns", "del", name);
            return added;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }
}
