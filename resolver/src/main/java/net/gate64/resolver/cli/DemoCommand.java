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
import net.gate64.resolver.lab.LabServer;

/**
 * {@code gate64 demo}: the embedded lab serving contrib/lab/demo on 127.0.0.1:5301 and the recursor on
 * 127.0.0.1:5300 forwarding the demo zones to it, configured by conf/demo.conf. No internet needed.
 */
final class DemoCommand {
    private DemoCommand() {}

    static int run(Args args, PrintStream out) throws Exception {
        if (args.help) {
            out.print("""
                    usage: gate64 demo [--zones=DIR] [--lab=ADDRESS:PORT] [--config FILE] [-Dkey=value ...]

                    Starts an authoritative lab serving the demo zones (default contrib/lab/demo on 127.0.0.1:5301)
                    and the recursor configured by conf/demo.conf (127.0.0.1:5300), then prints dig commands.
                    """);
            return 0;
        }
        Path home = Path.of(System.getProperty("gate64.home", "."));
        Path zones = Path.of(args.option("zones", home.resolve("contrib/lab/demo").toString()));
        InetSocketAddress labAddress = HostPort.parse(args.option("lab", "127.0.0.1:5301"), 5301);
        Path config = args.config != null ? args.config : home.resolve("conf/demo.conf");
        if (!Files.isRegularFile(config)) {
            throw new Args.UsageError("demo config " + config + " not found (run from the repository root)");
        }
        LabServer lab = LabServer.start(labAddress, LabServer.loadZones(zones));
        List<String> overrides = new ArrayList<>();
        overrides.add("forward-zones=" + lab.forwardZonesSetting());
        overrides.addAll(args.overrides);
        RecursorSettings settings = SettingsLoader.load(config, overrides);
        Recursor recursor;
        try {
            recursor = Recursor.start(settings);
        } catch (Exception e) {
            lab.close();
            throw e;
        }
        InetSocketAddress dns = recursor.dnsAddresses().get(0);
        String at = "@" + dns.getAddress().getHostAddress() + " -p " + dns.getPort();
        out.println("gate64 demo: lab serving " + zones + " on " + HostPort.format(lab.address())
                + ", recursor on " + HostPort.format(dns));
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
        }
        out.println("  ./gate64 control stats");
        out.println("Stop with Ctrl-C.");
        out.flush();
        RecursorCommand.runUntilStopped(recursor, lab);
        return 0;
    }
}
