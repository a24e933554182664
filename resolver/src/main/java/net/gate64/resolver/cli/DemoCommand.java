package net.gate64.resolver.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.HostPort;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.lab.LabHierarchy;
import net.gate64.resolver.lab.LabServer;

/**
 * {@code gate64 demo}: the embedded lab hierarchy of contrib/lab/demo (a root, a TLD, the demo zones on
 * 127.0.53.x:53) and the recursor on 127.0.0.1:5300 iterating from that root, configured by conf/demo.conf. Without
 * the right to bind port 53 (or with --lab=ADDRESS:PORT) one lab server holds every zone and the recursor forwards
 * to it. No internet needed.
 */
final class DemoCommand {
    private DemoCommand() {}

    static int run(Args args, PrintStream out) throws Exception {
        if (args.help) {
            out.print("""
                    usage: gate64 demo [--zones=DIR] [--lab=ADDRESS:PORT] [--config FILE] [-Dkey=value ...]

                    Starts the lab (contrib/lab/demo: one authoritative server per 127.0.53.x folder, port 53) and
                    the recursor configured by conf/demo.conf (127.0.0.1:5300) iterating from the lab root, then
                    prints dig commands. --lab=ADDRESS:PORT (or no right to bind port 53) serves every zone from one
                    server there and forwards to it instead.
                    """);
            return 0;
        }
        Path home = Path.of(System.getProperty("gate64.home", "."));
        Path zones = Path.of(args.option("zones", home.resolve("contrib/lab/demo").toString()));
        Path config = args.config != null ? args.config : home.resolve("conf/demo.conf");
        if (!Files.isRegularFile(config)) {
            throw new Args.UsageError("demo config " + config + " not found (run from the repository root)");
        }
        List<AutoCloseable> labs = new ArrayList<>();
        List<String> overrides = new ArrayList<>();
        String mode;
        if (args.option("lab", null) == null && LabHierarchy.canBindPort53()) {
            // The real thing: a root, a TLD and the demo zones on 127.0.53.x:53, resolved by iteration from the root.
            LabHierarchy hierarchy = LabHierarchy.start(zones);
            labs.add(hierarchy);
            Path hints = hierarchy.writeHints(Files.createTempFile("gate64-demo-hints", ".root"));
            hints.toFile().deleteOnExit();
            overrides.add("hint-file=\"" + hints + "\"");
            mode = "iterating from the lab root on 127.0.53.1:53 (zones in " + zones + ")";
        } else {
            // Without the right to bind port 53: one lab server with every zone, reached by forwarding.
            InetSocketAddress labAddress = HostPort.parse(args.option("lab", "127.0.0.1:5301"), 5301);
            LabServer lab = LabServer.start(labAddress, LabServer.loadZones(zones));
            labs.add(lab);
            overrides.add("forward-zones=" + lab.forwardZonesSetting());
            mode = "forwarding to the lab on " + HostPort.format(lab.address())
                    + (args.option("lab", null) == null ? " (iteration needs port 53: run as root to iterate)" : "");
        }
        Path keyFile = demoApiKey(home, overrides);
        overrides.addAll(args.overrides);
        Recursor recursor;
        try {
            RecursorSettings settings = SettingsLoader.load(config, overrides);
            net.gate64.common.log.Logs.configure(settings.logLevel(), settings.logFormat());
            recursor = Recursor.start(settings);
        } catch (Exception e) {
            for (AutoCloseable l : labs) {
                l.close();
            }
            throw e;
        }
        InetSocketAddress dns = recursor.dnsAddresses().get(0);
        String at = "@" + dns.getAddress().getHostAddress() + " -p " + dns.getPort();
        out.println("gate64 demo: recursor on " + HostPort.format(dns) + ", " + mode);
        out.println("Try:");
        out.println("  dig " + at + " v4only.demo.test A          # an IPv4-only name");
        out.println("  dig " + at + " dual.demo.test AAAA         # a name with IPv6");
        out.println("  dig " + at + " chain.demo.test A           # a CNAME chain");
        out.println("  dig " + at + " away.demo.test A            # a CNAME into another zone");
        out.println("  dig " + at + " nonexistent.demo.test A     # NXDOMAIN with the SOA");
        out.println("  dig " + at + " txtonly.demo.test A         # NODATA");
        out.println("  dig " + at + " big.demo.test TXT           # truncated over UDP, dig retries over TCP");
        out.println("DNS64 (conf/demo.conf sets dns64-prefix 64:ff9b::/96; 127.0.0.2 gets 2001:db8:64::/96):");
        out.println("  dig " + at + " v4only.demo.test AAAA       # synthesised: 64:ff9b::c000:20a");
        out.println("  dig " + at + " -b 127.0.0.2 v4only.demo.test AAAA   # another client, another prefix");
        out.println("  dig " + at + " chain.demo.test AAAA        # the CNAME chain, then the synthesised AAAA");
        out.println("  dig " + at + " mapped.demo.test AAAA       # ::ffff:0:0/96 AAAA count as absent: synthesised");
        out.println("  dig " + at + " dual.demo.test AAAA         # has real IPv6: left alone");
        out.println("  dig " + at + " -x 64:ff9b::192.0.2.10      # PTR: CNAME to 10.2.0.192.in-addr.arpa");
        out.println("  dig " + at + " ipv4only.arpa AAAA          # RFC 7050 prefix discovery, answered locally");
        if (recursor.webAddress() != null) {
            out.println("  curl http://" + HostPort.format(recursor.webAddress()) + "/metrics");
            out.println("  the stats page: http://" + HostPort.format(recursor.webAddress()) + "/stats");
        }
        out.println("  ./gate64 control stats");
        out.println("  ./gate64 control --api-key-file=" + keyFile + " wipe-cache 'demo.test$'   # changes need the key");
        out.println("Stop with Ctrl-C.");
        out.flush();
        labs.add(0, recursor);
        labs.add(() -> Files.deleteIfExists(keyFile));
        RecursorCommand.runUntilStopped(labs.toArray(new AutoCloseable[0]));
        return 0;
    }

    /**
     * A fresh random api-key for this demo run, in a file only this user can read (resolver/target/demo-api-key under the
     * checkout, removed at exit), so the walkthrough's state-changing control commands work without a key in any
     * file of the repository.
     */
    private static Path demoApiKey(Path home, List<String> overrides) throws java.io.IOException {
        byte[] random = new byte[18];
        new java.security.SecureRandom().nextBytes(random);
        String key = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path dir = Files.isDirectory(home.resolve("resolver/target")) ? home.resolve("resolver/target")
                : Path.of(System.getProperty("java.io.tmpdir"));
        Path file = dir.resolve("demo-api-key");
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, key + "\n");
        overrides.add("api-key=\"" + key + "\"");
        return file;
    }
}
