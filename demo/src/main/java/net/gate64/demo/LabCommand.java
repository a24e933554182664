package net.gate64.demo;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import net.gate64.resolver.cli.Main;
import net.gate64.resolver.cli.RecursorCommand;
import net.gate64.resolver.cli.Subcommand;
import net.gate64.common.HostPort;
import net.gate64.resolver.lab.LabServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gate64 lab --zones=DIR --listen=ADDRESS:PORT}: serves zone files authoritatively until stopped. */
@Command(name = "lab", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        customSynopsis = {"gate64 lab --zones=DIR [--listen=ADDRESS:PORT]",
            "gate64 lab --signed [--base=A.B.C] [--out=DIR] [--many=N] [--write-only]"},
        description = {"Serves every DIR/<origin>.zone file (root.zone for the root) over UDP and TCP, for tests and "
                + "experiments.",
            "--signed serves the DNSSEC lab instead: a hierarchy signed with fresh keys on BASE.1 (root), BASE.2 (test.) "
                    + "and BASE.3 (secure.test, expired.test, ...; see docs/dnssec.md), port 53. It writes "
                    + "DIR/hints.zone and DIR/anchor.ds (the root DS, for trust-anchors or Unbound)."})
public final class LabCommand implements Subcommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--zones", paramLabel = "DIR", description = "folder of zone files to serve")
    Path zones;

    @Option(names = "--listen", paramLabel = "ADDRESS:PORT", defaultValue = "127.0.0.1:5301",
            description = "where to serve --zones (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--signed", description = "serve the signed DNSSEC lab on BASE.1-3, port 53")
    boolean signed;

    @Option(names = "--base", paramLabel = "A.B.C", defaultValue = "127.0.56",
            description = "first three octets of the signed lab's addresses (default: ${DEFAULT-VALUE})")
    String base;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".",
            description = "where --signed writes hints.zone and anchor.ds (default: the current folder)")
    Path outDir;

    @Option(names = "--many", paramLabel = "N", defaultValue = "0",
            description = "add many.test with N signed names (n0.many.test ...) for cache-miss benchmarks")
    int many;

    @Option(names = "--write-only", description = "write DIR/<address>/<zone>.zone for another server (e.g. NSD) "
            + "instead of serving")
    boolean writeOnly;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (signed == (zones != null)) {
            throw new ParameterException(spec.commandLine(), signed ? "--signed and --zones exclude each other"
                    : "give --zones=DIR (zone files to serve) or --signed (the DNSSEC lab)");
        }
        if (!signed && (many != 0 || writeOnly || spec.commandLine().getParseResult().hasMatchedOption("--base")
                || spec.commandLine().getParseResult().hasMatchedOption("--out"))) {
            throw new ParameterException(spec.commandLine(), "--base, --out, --many and --write-only go with --signed");
        }
        if (signed && spec.commandLine().getParseResult().hasMatchedOption("--listen")) {
            throw new ParameterException(spec.commandLine(), "--listen goes with --zones (the signed lab uses BASE.1-3:53)");
        }
        if (many < 0) {
            throw new ParameterException(spec.commandLine(), "--many must be 0 or more");
        }
        if (signed) {
            Path dir = java.nio.file.Files.createDirectories(outDir);
            net.gate64.resolver.lab.SignedLab.Built built = net.gate64.resolver.lab.SignedLab.build(base, many);
            if (writeOnly) {
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
        InetSocketAddress at;
        try {
            at = HostPort.parse(listen, 53);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
        }
        LabServer lab;
        try {
            lab = LabServer.start(at, LabServer.loadZones(zones));
        } catch (java.net.BindException e) {
            throw net.gate64.common.ListenError.of("--listen", at, e);
        }
        out.println("gate64 lab: serving " + zones + " on " + HostPort.format(lab.address()));
        out.flush();
        RecursorCommand.runUntilStopped(lab);
        return 0;
    }
}
