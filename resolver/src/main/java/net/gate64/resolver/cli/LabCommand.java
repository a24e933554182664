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

                    Serves every DIR/<origin>.zone file (root.zone for the root) over UDP and TCP.
                    """);
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
