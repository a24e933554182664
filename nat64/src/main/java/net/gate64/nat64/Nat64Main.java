package net.gate64.nat64;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import net.gate64.common.ListenError;
import net.gate64.common.systemd.ServiceNotifier;
import net.gate64.common.systemd.Signals;
import net.gate64.config.Build;
import net.gate64.config.Cli;
import net.gate64.config.ConfigOptions;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.nat64.config.SettingsLoader;
import net.gate64.nat64.log.EventLog;
import net.gate64.nat64.ra.RouterAdvertiser;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gate64 nat64 [--config FILE] [-Dkey=value ...] [--check] [--ra-only]}: the gateway, with the same
 * command-line conventions as the recursor (picocli; unknown options and stray arguments are errors with the usage
 * line). {@code ./gate64 ra} is {@code --ra-only}: only the Router Advertisements of the same configuration, no TUN
 * and no translation.
 */
@Command(name = "gate64 nat64", mixinStandardHelpOptions = true, versionProvider = Nat64Main.Version.class,
        subcommands = Nat64ControlCommand.class,
        description = {"Userspace NAT64 gateway on a Linux TUN device: stateful NAT64 (RFC 6146) or stateless SIIT "
                + "(RFC 7915 + EAM, RFC 7757). Needs root (or CAP_NET_ADMIN) and /dev/net/tun.",
            "Settings are documented with their defaults in conf/nat64.conf; -Dkey=value overrides one."},
        footer = {"", "Unless configure-interface = true, bring the interface up and route the prefixes yourself, e.g.:",
            "  ip link set dev nat64 mtu 1500 up",
            "  ip -6 route replace 64:ff9b::/96 dev nat64",
            "  ip -4 route replace 192.0.2.0/24 dev nat64",
            "Metrics: http://127.0.0.1:8064/metrics (Prometheus), sessions: /sessions, probes: /health, /ready",
            "SIGHUP reloads the config file; gate64 nat64 control --help lists the control verbs.",
            "Guide: docs/nat64.md"})
public final class Nat64Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--check", description = "validate the settings, print the `ip` commands for the interface, exit")
    boolean check;

    @Option(names = "--ra-only", description = "only send the Router Advertisements (PREF64, RDNSS) of ra-interfaces: "
            + "no TUN, no translation (what ./gate64 ra runs)")
    boolean raOnly;

    /** The version of this build, for --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gate64 nat64 " + Build.version()};
        }
    }

    private Nat64Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, java.io.PrintStream out, java.io.PrintStream err) {
        CommandLine cl = Cli.commandLine(new Nat64Main(), SettingsLoader.SCHEMA.keys());
        if (args.length > 0 && args[0].equals("--ra-only")) {
            cl.setCommandName("gate64 ra"); // ./gate64 ra: its errors and help name the command the operator typed
        }
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        net.gate64.config.ConfigReader reader = config.load(SettingsLoader.SCHEMA);
        Nat64Settings settings = SettingsLoader.read(reader);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (raOnly) {
            return advertiseOnly(settings, out, err);
        }
        if (check) {
            out.println("configuration OK; interface commands:");
            for (List<String> cmd : InterfaceSetup.commands(settings)) {
                out.println("  " + String.join(" ", cmd));
            }
            return Cli.OK;
        }
        Nat64Service service;
        try {
            service = new Nat64Service(settings, System::nanoTime, EventLog.open(settings.sessionLog(), settings.pool6()));
        } catch (IOException e) {
            err.println("gate64 nat64: cannot open the session log: " + Cli.describe(e));
            return Cli.FAILED;
        }
        service.reloader().from(() -> config.load(SettingsLoader.SCHEMA), reader);
        try {
            service.start();
        } catch (ListenError e) {
            err.println("gate64 nat64: " + e.getMessage());
            service.close();
            return Cli.FAILED;
        } catch (Exception e) {
            err.println("gate64 nat64: cannot start: " + Cli.describe(e)
                    + " (needs root or CAP_NET_ADMIN and /dev/net/tun)");
            service.close();
            return Cli.FAILED;
        }
        // systemd Type=notify (contrib/systemd): ready once the TUN device, routes and workers are up, and only
        // after the SIGHUP handler and the shutdown hook are in place: a reload or stop sent the moment systemd
        // hears READY=1 must not find the JVM's default actions (exit without STOPPING=1 or the interface cleanup).
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment();
        reloadOnSighup(service, notifier);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            notifier.stopping("stopping");
            service.close();
        }, "nat64-shutdown"));
        java.net.InetSocketAddress web = settings.httpAddress();
        notifier.ready("translating " + settings.pool6().stream().map(Object::toString)
                .collect(java.util.stream.Collectors.joining(" ")) + " on " + settings.tunName()
                + (web == null ? "" : ", web on " + net.gate64.common.HostPort.format(web)));
        try {
            service.awaitWorkers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Cli.FAILED; // workers only end on a fatal TUN error
    }

    /**
     * SIGHUP reads the config file again (with the command line's -D overrides), as {@code gate64 nat64 control
     * reload-config} does; systemd hears RELOADING=1 then READY=1 with the outcome. A bad file is refused (logged
     * with the key and position) and the running settings stay. Installed whatever the settings: the JVM's default
     * action for SIGHUP is to exit, and {@code systemctl reload} sends it.
     */
    private static void reloadOnSighup(Nat64Service service, ServiceNotifier notifier) {
        Signals.reloadOnHup("gateway", "gate64 nat64 control reload-config", () -> {
            notifier.reloading("reloading the config file");
            String outcome;
            try {
                outcome = service.reloader().reload().replace('\n', ';');
            } catch (RuntimeException e) {
                outcome = "reload refused, the running settings stay in service: " + e.getMessage();
            }
            notifier.ready(outcome);
        });
    }

    /** {@code ./gate64 ra}: Router Advertisements until stopped; the last one withdraws the prefix. */
    private int advertiseOnly(Nat64Settings settings, PrintWriter out, PrintWriter err) {
        if (!settings.ra().enabled()) {
            err.println("gate64 ra: ra-interfaces is empty: no interface to advertise on");
            return Cli.USAGE;
        }
        if (check) {
            out.println("configuration OK; advertising " + settings.ra().pref64() + " on " + settings.ra().interfaces());
            return Cli.OK;
        }
        RouterAdvertiser ra;
        try {
            ra = RouterAdvertiser.start(settings.ra());
        } catch (IOException e) {
            err.println("gate64 ra: cannot start: " + Cli.describe(e));
            return Cli.FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ra::close, "nat64-ra-shutdown"));
        try {
            ra.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Cli.OK;
    }
}
