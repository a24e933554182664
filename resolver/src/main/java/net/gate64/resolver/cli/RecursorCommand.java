package net.gate64.resolver.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import net.gate64.common.log.Logs;
import net.gate64.common.systemd.ServiceNotifier;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.config.SettingsLoader;

/** {@code gate64 recursor [--config FILE] [-Dkey=value ...]}: runs until SIGINT/SIGTERM. */
final class RecursorCommand {
    private RecursorCommand() {}

    static int run(Args args, PrintStream out) throws Exception {
        if (args.help) {
            out.print("""
                    usage: gate64 recursor [--config FILE] [-Dkey=value ...]

                    Runs the recursor. Settings are documented in conf/recursor.conf; -Dkey=value overrides a
                    setting (HOCON value syntax, e.g. -Dlocal-address='["127.0.0.1:5300"]').
                    """);
            return 0;
        }
        RecursorSettings settings = SettingsLoader.load(args.config, args.overrides);
        Logs.configure(settings.logLevel(), settings.logFormat()); // loglevel and log-format from the file, before start
        Recursor recursor = Recursor.start(settings);
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment(); // systemd Type=notify (contrib/systemd)
        reloadScriptOnSighup(recursor, notifier);
        notifier.ready(serving(recursor));
        runUntilStopped(() -> notifier.stopping("stopping"), recursor);
        return 0;
    }

    /** The status line systemd shows: where it listens. */
    static String serving(Recursor recursor) {
        StringBuilder sb = new StringBuilder("serving DNS on");
        recursor.dnsAddresses().forEach(a -> sb.append(' ').append(net.gate64.resolver.config.HostPort.format(a)));
        if (recursor.webAddress() != null) {
            sb.append(", web on ").append(net.gate64.resolver.config.HostPort.format(recursor.webAddress()));
        }
        return sb.toString();
    }

    /**
     * SIGHUP reloads the hook script, as operators of PowerDNS and most daemons expect. The reload logs its own
     * outcome; a failing script leaves the old one in service. sun.misc.Signal is the JDK's only signal API.
     */
    @SuppressWarnings("restriction")
    private static void reloadScriptOnSighup(Recursor recursor, ServiceNotifier notifier) {
        if (recursor.settings().script().file() == null) {
            return;
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                notifier.reloading("reloading " + recursor.settings().script().file());
                String outcome;
                try {
                    outcome = "reloaded " + recursor.reloadScript(null) + "; " + serving(recursor);
                } catch (RuntimeException e) {
                    // already logged by the reload, with file:line
                    outcome = "reload failed, the previous script stays in service; " + serving(recursor);
                }
                notifier.ready(outcome);
            });
        } catch (IllegalArgumentException e) {
            // no SIGHUP on this platform: control reload-lua-script remains
        }
    }

    /** Blocks until the JVM is asked to stop, then closes {@code resource}. */
    static void runUntilStopped(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
            stopped.countDown();
        }));
        stopped.await();
    }
}
