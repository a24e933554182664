package net.gate64.resolver.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import net.gate64.resolver.config.HostPort;
import net.gate64.resolver.lab.LabServer;

/** {@code gate64 lab --zones=DIR --listen=ADDRESS:PORT}: serves zone files authoritatively until stopped. */
final class LabCommand {
    private LabCommand() {}

    static int run(Args args, PrintStream out) throws Exception {
        if (args.help) {
            out.print("""
                    usage: gate64 lab --zones=DIR [--listen=127.0.0.1:5301]
                           gate64 lab --signed [--base=127.0.56] [--out=DIR] [--many=N] [--write-only]

                    Serves every DIR/<origin>.zone file (root.zone for the root) over UDP and TCP.
                    --signed serves the DNSSEC lab instead: a hierarchy signed with fresh keys on BASE.1 (root),
                    BASE.2 (test.) and BASE.3 (secure.test, expired.test, ...; see docs/dnssec.md), port 53.
                    It writes DIR/hints.zone and DIR/anchor.ds (the root DS, for trust-anchors or Unbound).
                    --many=N adds many.test with N signed names (n0.many.test ...) for cache-miss benchmarks;
                    --write-only writes DIR/<address>/<zone>.zone for another server (e.g. NSD) instead of serving.
                    """);
            return 0;
        }
        if (args.flag("signed")) {
            String base = args.option("base", "127.0.56");
            Path dir = java.nio.file.Files.createDirectories(Path.of(args.option("out", ".")));
            int many = Integer.parseInt(args.option("many", "0"));
            net.gate64.resolver.lab.SignedLab.Built built = net.gate64.resolver.lab.SignedLab.build(base, many);
            if (args.flag("write-only")) {
                built.write(dir);
                out.println("gate64 lab: wrote the signed lab's zones, hints.zone and anchor.ds under " + dir);
                return 0;
            }
            net.gate64.resolver.lab.SignedLab lab = net.gate64.resolver.lab.SignedLab.serve(built, 53);
            lab.writeHints(dir.resolve("hints.zone"));
            java.nio.file.Files.writeString(dir.resolve("anchor.ds"), lab.rootDs() + "\n");
            out.println("gate64 lab: signed hierarchy on " + base + ".1-3:53; root DS " + lab.rootAnchor());
            out.println("gate64 lab: wrote " + dir.resolve("hints.zone") + " and " + dir.resolve("anchor.ds"));
            out.flush();
            RecursorCommand.runUntilStopped(lab);
            return 0;
        }
        String zones = args.option("zones", null);
        if (zones == null) {
            throw new Args.UsageError("lab needs --zones=DIR");
        }
        InetSocketAddress at = HostPort.parse(args.option("listen", "127.0.0.1:5301"), 53);
        LabServer lab = LabServer.start(at, LabServer.loadZones(Path.of(zones)));
        out.println("gate64 lab: serving " + zones + " on " + HostPort.format(lab.address()));
        out.flush();
        RecursorCommand.runUntilStopped(lab);
        return 0;
    }
}
