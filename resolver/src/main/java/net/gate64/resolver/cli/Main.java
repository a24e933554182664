package net.gate64.resolver.cli;

import java.io.PrintStream;
import java.net.BindException;
import net.gate64.resolver.config.ConfigError;

/**
 * {@code gate64 <command>}: the entry point behind the {@code ./gate64} launcher. User mistakes (bad config, a port
 * in use, a wrong argument) end with one line on stderr and a non-zero exit, never a stack trace.
 */
public final class Main {
    static final String USAGE = """
            usage: gate64 <command> [options]

            commands:
              recursor   run the DNS64 recursor          (gate64 recursor --config conf/recursor.conf)
              demo       run the recursor against an embedded lab of demo zones on 127.0.0.1:5300
              control    talk to a running recursor     (gate64 control stats | ping | wipe-cache NAME[$])
              lab        serve zone files authoritatively (for tests and experiments)
              nat64      run the NAT64 gateway           (gate64 nat64 --config conf/nat64.conf)

            Each command takes --help.
            """;

    private Main() {}

    public static void main(String[] argv) {
        // On one CPU the common pool has parallelism 1, and CompletableFuture then starts a new platform thread for
        // every async stage; dnsjava's validator has several per validation. Two workers keep them on a pool.
        if (Runtime.getRuntime().availableProcessors() < 2
                && System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        }
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        try {
            Args args = Args.parse(argv, 1);
            return switch (argv[0]) {
                case "recursor" -> RecursorCommand.run(args, out);
                case "demo" -> DemoCommand.run(args, out);
                case "control" -> ControlCommand.run(args, out, err);
                case "lab" -> LabCommand.run(args, out);
                default -> {
                    err.println("gate64: unknown command '" + argv[0] + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (ConfigError e) {
            err.println("gate64: configuration error: " + e.getMessage());
            return 1;
        } catch (Args.UsageError e) {
            err.println("gate64: " + e.getMessage());
            return 2;
        } catch (BindException e) {
            err.println("gate64: cannot listen: " + e.getMessage()
                    + " (port in use, or below 1024 without root/CAP_NET_BIND_SERVICE?)");
            return 1;
        } catch (Exception e) {
            err.println("gate64: " + e);
            return 1;
        }
    }
}
