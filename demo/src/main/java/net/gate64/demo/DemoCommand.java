package net.gate64.demo;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.log.Logs;
import net.gate64.config.ConfigLoader;
import net.gate64.config.ConfigOptions;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.cli.Main;
import net.gate64.resolver.cli.RecursorCommand;
import net.gate64.resolver.cli.StartupSummary;
import net.gate64.resolver.cli.Subcommand;
import net.gate64.common.HostPort;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.lab.LabHierarchy;
import net.gate64.resolver.lab.LabServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gate64 demo}: the embedded lab hierarchy of contrib/lab/demo (a root, a TLD, the demo zones on
 * 127.0.53.x:53) and the recursor on 127.0.0.1:5300 iterating from that root, configured by conf/demo.conf. Without
 * the right to bind port 53 (or with --lab=ADDRESS:PORT) one lab server holds every zone and the recursor forwards
 * to it. No internet needed.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Starts the lab (contrib/lab/demo: one authoritative server per 127.0.53.x folder, port 53) and "
                + "the recursor configured by conf/demo.conf (127.0.0.1:5300) iterating from the lab root, then "
                + "prints dig commands to try. Without the right to bind port 53, or with --lab, one lab server "
                + "holds every zone and the recursor forwards to it."})
public final class DemoCommand implements Subcommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--zones", paramLabel = "DIR", description = "zone folders to serve (default: contrib/lab/demo)")
    Path zones;

    @Option(names = "--lab", paramLabel = "ADDRESS:PORT",
            description = "serve every zone from one lab server there and forward to it, instead of iterating")
    String lab;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("gate64.home", "."));
        Path zoneDir = zones != null ? zones : home.resolve("contrib/lab/demo");
        Path configFile = config.file() != null ? config.file() : home.resolve("conf/demo.conf");
        if (!Files.isDirectory(zoneDir)) {
            throw new IllegalArgumentException("zone folder " + zoneDir + " not found"
                    + (zones == null ? " (run from the repository, or give --zones=DIR)" : ""));
        }
        // Settings are checked before any lab server starts, so a typo costs nothing.
        List<String> overrides = new ArrayList<>();
        RecursorSettings checked = SettingsLoader.read(ConfigLoader.load(SettingsLoader.SCHEMA, configFile,
                config.overrides()));
        Logs.configure(checked.logLevel(), checked.logFormat());
        List<AutoCloseable> labs = new ArrayList<>();
        String mode;
        if (lab == null && LabHierarchy.canBindPort53()) {
            // The real thing: a root, a TLD and the demo zones on 127.0.53.x:53, resolved by iteration from the root.
            LabHierarchy hierarchy = LabHierarchy.start(zoneDir);
            labs.add(hierarchy);
            Path hints = hierarchy.writeHints(Files.createTempFile("gate64-demo-hints", ".root"));
            hints.toFile().deleteOnExit();
            overrides.add("hint-file=\"" + hints + "\"");
            mode = "iterating from the lab root on 127.0.53.1:53 (zones in " + zoneDir + ")";
        } else {
            // Without the right to bind port 53: one lab server with every zone, reached by forwarding.
            InetSocketAddress labAddress = HostPort.parse(lab == null ? "127.0.0.1:5301" : lab, 5301);
            LabServer server;
            try {
                server = LabServer.start(labAddress, LabServer.loadZones(zoneDir));
            } catch (java.net.BindException e) {
                throw net.gate64.common.ListenError.of("--lab", labAddress, e);
            }
            labs.add(server);
            overrides.add("forward-zones=" + server.forwardZonesSetting());
            mode = "forwarding to the lab on " + HostPort.format(server.address())
                    + (lab == null ? " (iteration needs port 53: run as root to iterate)" : "");
        }
        Path keyFile = demoApiKey(home, overrides);
        overrides.addAll(config.overrides());
        Recursor recursor;
        try {
            RecursorSettings settings = SettingsLoader.read(ConfigLoader.load(SettingsLoader.SCHEMA, configFile, overrides));
            Logs.configure(settings.logLevel(), settings.logFormat());
            recursor = Recursor.start(settings);
        } catch (Exception e) {
            for (AutoCloseable l : labs) {
                l.close();
            }
            throw e;
        }
        StartupSummary.log(recursor, configFile);
        walkthrough(spec.commandLine().getOut(), recursor, mode, keyFile);
        labs.add(0, recursor);
        labs.add(() -> Files.deleteIfExists(keyFile));
        RecursorCommand.runUntilStopped(labs.toArray(new AutoCloseable[0]));
        return 0;
    }

    /** The header, the README's walkthrough with this run's addresses, and how to stop. */
    private static void walkthrough(PrintWriter out, Recursor recursor, String mode, Path keyFile) {
        InetSocketAddress dns = recursor.dnsAddresses().get(0);
        out.println("gate64 demo: recursor on " + HostPort.format(dns) + ", " + mode);
        out.println("Try (the README's walkthrough):");
        for (String line : walkthrough(dns, recursor.webAddress(), keyFile)) {
            out.println("  " + line);
        }
        out.println("Stop with Ctrl-C.");
        out.flush();
    }

    /**
     * The commands to try, as the README lists them for the default addresses (a test compares the two). The
     * comment column says what each one shows.
     */
    static List<String> walkthrough(InetSocketAddress dns, InetSocketAddress web, Path keyFile) {
        String at = "dig @" + dns.getAddress().getHostAddress() + " -p " + dns.getPort();
        List<String> l = new ArrayList<>(List.of(
                at + " v4only.demo.test A        # 192.0.2.10, from the lab through the recursor",
                at + " chain.demo.test A         # a CNAME chain, resolved hop by hop",
                at + " away.demo.test A          # a CNAME into another zone",
                at + " nonexistent.demo.test A   # NXDOMAIN with the zone's SOA (negative TTL, RFC 2308)",
                at + " txtonly.demo.test A       # NODATA",
                at + " big.demo.test TXT         # too big for UDP: TC=1, dig retries over TCP",
                at + " v4only.demo.test A        # again: now a packet-cache hit, TTL aged",
                at + " v4only.demo.test AAAA     # DNS64: 64:ff9b::c000:20a, synthesised from the A record",
                at + " -b 127.0.0.2 v4only.demo.test AAAA   # a per-client prefix: 2001:db8:64::c000:20a",
                at + " dual.demo.test AAAA       # has real IPv6: left alone",
                at + " mapped.demo.test AAAA     # only ::ffff:0:0/96 AAAA (excluded): synthesised",
                at + " -x 64:ff9b::192.0.2.10    # PTR: CNAME to 10.2.0.192.in-addr.arpa",
                at + " ipv4only.arpa AAAA        # RFC 7050 prefix discovery, answered locally"));
        if (web != null) {
            l.add("curl -s http://" + HostPort.format(web) + "/metrics | grep gate64_cache");
            l.add("xdg-open http://" + HostPort.format(web) + "/stats             # the stats page: live charts, top "
                    + "names and clients, upstreams");
            l.add("./gate64 control stats                           # every counter, \"name value\"");
            l.add("./gate64 control --api-key-file=" + keyFile + " wipe-cache 'demo.test$'   # empty a subtree");
        }
        return l;
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
