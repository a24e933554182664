package net.gate64.resolver.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import net.gate64.common.log.Logs;
import net.gate64.common.systemd.ServiceNotifier;
import net.gate64.common.systemd.Signals;
import java.util.List;
import net.gate64.common.Nat64Prefix;
import net.gate64.config.ConfigOptions;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.dns64.Nat64Agreement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import net.gate64.resolver.Recursor;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.config.SettingsSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gate64 recursor [--config FILE] [-Dkey=value ...]}: runs until SIGINT/SIGTERM. */
@Command(name = "recursor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Runs the DNS64 recursor until stopped (SIGINT/SIGTERM); SIGHUP reloads the config file "
                + "(hook script included), as gate64 control reload-config does.",
            "Settings are documented with their defaults in conf/recursor.conf; -Dkey=value overrides one "
                    + "(HOCON value syntax), after the --config file."},
        footer = {"", "Examples:",
            "  gate64 recursor --config conf/recursor.conf",
            "  gate64 recursor --config conf/recursor.conf -Dlocal-address='[\"[::]:53\"]' -Dthreads=4"})
public final class RecursorCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RecursorCommand.class);

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        ConfigReader loaded = config.load(SettingsLoader.SCHEMA);
        RecursorSettings settings = SettingsLoader.read(loaded);
        Logs.configure(settings.logLevel(), settings.logFormat()); // loglevel and log-format from the file, before start
        warnUnlessNat64Agrees(settings, loaded);
        Recursor recursor = Recursor.start(new SettingsSource(config.file(), config.overrides()), loaded);
        StartupSummary.log(recursor, config.file());
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment(); // systemd Type=notify (contrib/systemd)
        reloadOnSighup(recursor, notifier);
        recursor.onQuit(() -> {
            LOG.info("quit-nicely: stopping");
            System.exit(0); // the shutdown hook below closes the recursor and tells systemd
        });
        // READY=1 only once SIGHUP and the shutdown hook are handled: systemd may reload or stop the moment it hears it.
        CountDownLatch stopped = closeOnStop(() -> notifier.stopping("stopping"), recursor);
        notifier.ready(serving(recursor));
        stopped.await();
        return 0;
    }

    /**
     * Issue 15 item 5: DNS64 prefixes that no known NAT64 gateway translates are reported at start (a warning each
     * when the file's nat64 section has another pool6; one note when the file has no gateway section).
     */
    private static void warnUnlessNat64Agrees(RecursorSettings settings, ConfigReader loaded) {
        List<String> pool6Text = loaded.otherSection("nat64", "pool6");
        List<Nat64Prefix> pool6 = null;
        if (pool6Text != null) {
            pool6 = new java.util.ArrayList<>();
            for (String t : pool6Text) {
                try {
                    pool6.add(Nat64Prefix.parse(t.trim()));
                } catch (IllegalArgumentException e) {
                    // the gateway refuses it with its own error; nothing to compare here
                }
            }
        }
        String file = loaded.file() == null ? "no file" : loaded.file().toString();
        Logger log = LoggerFactory.getLogger(RecursorCommand.class);
        for (String w : Nat64Agreement.check(settings.dns64(), pool6, file)) {
            if (pool6 == null) {
                log.info(w);
            } else {
                log.warn(w);
            }
        }
    }

    /** The status line systemd shows: where it listens. */
    static String serving(Recursor recursor) {
        StringBuilder sb = new StringBuilder("serving DNS on");
        recursor.dnsAddresses().forEach(a -> sb.append(' ').append(net.gate64.common.HostPort.format(a)));
        if (recursor.webAddress() != null) {
            sb.append(", web on ").append(net.gate64.common.HostPort.format(recursor.webAddress()));
        }
        return sb.toString();
    }

    /**
     * SIGHUP reloads the whole config file, hook script included, as {@code control reload-config} does and as
     * operators of PowerDNS and Unbound expect; systemd hears RELOADING=1 then READY=1 with the outcome as status. A
     * bad file is refused (the reload logs the key and position) and the running settings keep serving. The handler
     * is installed whatever the settings: the JVM's default action for SIGHUP is to exit, and {@code systemctl
     * reload} sends it. Without SIGHUP on the platform, control reload-config remains.
     */
    private static void reloadOnSighup(Recursor recursor, ServiceNotifier notifier) {
        Signals.reloadOnHup("recursor", "gate64 control reload-config", () -> {
            notifier.reloading("reloading " + recursor.source().describe());
            String outcome;
            try {
                outcome = recursor.reloadConfig().summary();
            } catch (RuntimeException e) {
                // already logged by the reload, with the key and position
                outcome = "reload failed, the running settings stay in service: " + e.getMessage();
            }
            notifier.ready(outcome + "; " + serving(recursor));
        });
    }

    /** Blocks until the JVM is asked to stop, then closes {@code resources}. */
    public static void runUntilStopped(AutoCloseable... resources) throws InterruptedException {
        closeOnStop(resources).await();
    }

    /** Closes {@code resources}, in order, when the JVM is asked to stop; the latch opens once they are closed. */
    static CountDownLatch closeOnStop(AutoCloseable... resources) {
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
        return stopped;
    }
}
