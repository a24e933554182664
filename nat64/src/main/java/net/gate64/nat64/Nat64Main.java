package net.gate64.nat64;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.gate64.common.systemd.ServiceNotifier;
import net.gate64.nat64.config.ConfigError;
import net.gate64.nat64.config.Nat64Settings;
import net.gate64.nat64.config.SettingsLoader;
import net.gate64.nat64.log.EventLog;
import net.gate64.nat64.ra.RouterAdvertiser;

/**
 * {@code ./gate64 nat64 [--config FILE] [-Dkey=value ...] [--check] [--ra-only] [--help]}; {@code ./gate64 ra} is
 * {@code --ra-only}: only the Router Advertisements of the same configuration, no TUN and no translation.
 */
public final class Nat64Main {
    private Nat64Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path config = null;
        boolean check = false;
        boolean raOnly = false;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                usage(out);
                return 0;
            } else if (a.equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=")) {
                config = Path.of(a.substring("--config=".length()));
            } else if (a.startsWith("-D") && a.length() > 2) {
                overrides.add(a.substring(2));
            } else if (a.equals("--check")) {
                check = true;
            } else if (a.equals("--ra-only")) {
                raOnly = true;
            } else {
                err.println("gate64 nat64: unknown argument '" + a + "' (see --help)");
                return 2;
            }
        }
        Nat64Settings settings;
        try {
            settings = SettingsLoader.load(config, overrides);
        } catch (ConfigError e) {
            err.println("gate64 nat64: configuration error: " + e.getMessage());
            return 2;
        }
        if (raOnly) {
            return advertiseOnly(settings, check, out, err);
        }
        if (check) {
            out.println("configuration OK; interface commands:");
            for (List<String> cmd : InterfaceSetup.commands(settings)) {
                out.println("  " + String.join(" ", cmd));
            }
            return 0;
        }
        Nat64Service service;
        try {
            service = new Nat64Service(settings, System::nanoTime, EventLog.open(settings.sessionLog(), settings.pool6()));
        } catch (IOException e) {
            err.println("gate64 nat64: cannot open the session log: " + e.getMessage());
            return 1;
        }
        try {
            service.start();
        } catch (Exception e) {
            err.println("gate64 nat64: cannot start: " + e.getMessage()
                    + " (needs root or CAP_NET_ADMIN and /dev/net/tun)");
            service.close();
            return 1;
        }
        // systemd Type=notify (contrib/systemd): ready once the TUN device, routes and workers are up.
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment();
        java.net.InetSocketAddress web = settings.httpAddress();
        notifier.ready("translating " + settings.pool6().stream().map(Object::toString)
                .collect(java.util.stream.Collectors.joining(" ")) + " on " + settings.tunName()
                + (web == null ? "" : ", web on " + (web.getAddress() instanceof java.net.Inet6Address
                        ? "[" + web.getAddress().getHostAddress() + "]" : web.getAddress().getHostAddress())
                        + ":" + web.getPort()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            notifier.stopping("stopping");
            service.close();
        }, "nat64-shutdown"));
        try {
            service.awaitWorkers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 1; // workers only end on a fatal TUN error
    }

    /** {@code ./gate64 ra}: Router Advertisements until stopped; the last one withdraws the prefix. */
    private static int advertiseOnly(Nat64Settings settings, boolean check, PrintStream out, PrintStream err) {
        if (!settings.ra().enabled()) {
            err.println("gate64 ra: ra-interfaces is empty: no interface to advertise on");
            return 2;
        }
        if (check) {
            out.println("configuration OK; advertising " + settings.ra().pref64() + " on " + settings.ra().interfaces());
            return 0;
        }
        RouterAdvertiser ra;
        try {
            ra = RouterAdvertiser.start(settings.ra());
        } catch (IOException e) {
            err.println("gate64 ra: cannot start: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ra::close, "nat64-ra-shutdown"));
        try {
            ra.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: ./gate64 nat64 [--config FILE] [-Dkey=value ...] [--check] [--ra-only] [--help]
                       ./gate64 ra [--config FILE] [-Dkey=value ...] [--check]

                Userspace NAT64 gateway on a Linux TUN device: stateful NAT64 (RFC 6146) or stateless SIIT
                (RFC 7915 + EAM, RFC 7757). Needs root (or CAP_NET_ADMIN) and /dev/net/tun.

                  --config FILE   HOCON settings (conf/nat64.conf documents every key and its default)
                  -Dkey=value     override one setting, e.g. -Dthreads=2 -Dpool4=\\"192.0.2.0/24\\"
                  --check         validate the settings, print the `ip` commands for the interface, exit
                  --ra-only       only send the Router Advertisements (PREF64, RDNSS) of ra-interfaces: no TUN,
                                  no translation (what `./gate64 ra` runs)
                  --help          this text

                Unless configure-interface = true, bring the interface up and route the prefixes yourself, e.g.:
                  ip link set dev nat64 mtu 1500 up
                  ip -6 route replace 64:ff9b::/96 dev nat64
                  ip -4 route replace 192.0.2.0/24 dev nat64
                Metrics: http://127.0.0.1:8064/metrics (Prometheus), sessions: /sessions, probes: /health, /ready
                Guide: docs/nat64.md""");
    }
}
