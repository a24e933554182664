package net.gate64.resolver.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
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
        Recursor recursor = Recursor.start(settings);
        runUntilStopped(recursor);
        return 0;
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
