package net.gate64.resolver.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import net.gate64.config.Build;
import net.gate64.config.Cli;
import net.gate64.resolver.config.SettingsLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code gate64 <command>}: the entry point behind the {@code ./gate64} launcher. Every subcommand is a picocli
 * command, so its {@code --help}, its usage line and its parsing come from one set of definitions; an unknown option
 * or a stray argument is an error with the usage line (exit 2). Start-up failures (a bad setting, a port that cannot
 * be bound, a script that does not load) end with one line saying what, where and what to do, and exit 1.
 */
@Command(name = "gate64", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "A DNS64 recursor and a NAT64 gateway for IPv6-only networks.",
        subcommands = {RecursorCommand.class, ControlCommand.class, Main.Nat64.class, Main.Ra.class, Main.Test.class,
                Main.Fuzz.class},
        footer = {"", "Each command takes --help, e.g. gate64 recursor --help. Documentation: README.md and docs/."})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The version of this build, for --version. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gate64 " + Build.version()};
        }
    }

    /** Listed in the help; {@code ./gate64 nat64} runs the gateway's own program (net.gate64.nat64.Nat64Main). */
    @Command(name = "nat64", description = "Runs the NAT64 gateway (gate64 nat64 --config conf/nat64.conf; see gate64 nat64 --help).")
    static final class Nat64 implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Unmatched
        List<String> ignored;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("gate64 nat64: the gateway is its own program: run it as ./gate64 nat64 (the launcher "
                    + "starts net.gate64.nat64.Nat64Main)");
            return Cli.USAGE;
        }
    }

    /** Listed in the help; {@code ./gate64 ra} runs the gateway's program with {@code --ra-only}. */
    @Command(name = "ra", description = "Sends only the PREF64 Router Advertisements of ra-interfaces, no translation "
            + "(gate64 ra --config conf/nat64.conf; see gate64 nat64 --help).")
    static final class Ra extends LauncherOnly {
        Ra() {
            super("the launcher starts net.gate64.nat64.Nat64Main --ra-only");
        }
    }

    /** Listed in the help; {@code ./gate64 test} is handled by the launcher itself (it runs Maven). */
    @Command(name = "test", description = "Runs every test: unit, end-to-end on loopback, dig, network namespaces "
            + "(installs the tools they drive as root; see ./gate64 test --help).")
    static final class Test extends LauncherOnly {
        Test() {
            super("the launcher installs the test tools and runs Maven");
        }
    }

    /** Listed in the help; {@code ./gate64 fuzz} is handled by the launcher itself (fuzz/run.sh, Jazzer). */
    @Command(name = "fuzz", description = "Fuzzes the packet, settings and zone-file parsers (Jazzer): "
            + "./gate64 fuzz [DURATION | --runs N] [Class#method...] (fuzz/run.sh).")
    static final class Fuzz extends LauncherOnly {
        Fuzz() {
            super("the launcher runs fuzz/run.sh");
        }
    }

    /** A command the launcher runs itself: listed in the help, and if it reaches this program, says how to run it. */
    abstract static class LauncherOnly implements Callable<Integer> {
        private final String how;

        @Spec
        CommandSpec spec;

        @Unmatched
        List<String> ignored;

        LauncherOnly(String how) {
            this.how = how;
        }

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("gate64 " + spec.name() + ": run it as ./gate64 " + spec.name() + " (" + how + ")");
            return Cli.USAGE;
        }
    }

    /** The subcommands that come from other modules (ServiceLoader), in the order the help lists them. */
    static final List<String> PLUGGED = List.of("demo", "lab");

    /**
     * {@code demo} and {@code lab} from the demo module when it is on the class path (a source checkout, the
     * tests), otherwise a command that says they are not part of this installation; then {@code help}.
     */
    static void addPluggedCommands(CommandLine cl) {
        java.util.Map<String, Subcommand> found = new java.util.HashMap<>();
        for (Subcommand s : java.util.ServiceLoader.load(Subcommand.class)) {
            found.put(CommandLine.Model.CommandSpec.forAnnotatedObject(s).name(), s);
        }
        for (String name : PLUGGED) {
            Object command = found.containsKey(name) ? found.get(name) : new NotInstalled(name);
            CommandLine sub = new CommandLine(command);
            sub.setExpandAtFiles(false);
            sub.setUsageHelpWidth(cl.getUsageHelpWidth());
            cl.addSubcommand(name, sub);
        }
        cl.addSubcommand("help", new CommandLine.HelpCommand());
    }

    /** {@code demo} or {@code lab} where the demo module is absent (the image, the Debian package). */
    @Command(description = "not part of this installation: the demo and the lab come with a source checkout")
    static final class NotInstalled implements Callable<Integer> {
        private final String name;

        @Spec
        CommandSpec spec;

        @Unmatched
        List<String> ignored;

        NotInstalled(String name) {
            this.name = name;
        }

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("gate64 " + name + ": the demo and the lab are not part of this "
                    + "installation (they are test and demo infrastructure); run ./gate64 " + name + " in a source checkout");
            return Cli.FAILED;
        }
    }

    private Main() {}

    @Override
    public Integer call() {
        // no command: the list of commands, as an error
        spec.commandLine().usage(spec.commandLine().getErr());
        return Cli.USAGE;
    }

    public static void main(String[] argv) {
        // On one CPU the common pool has parallelism 1, and CompletableFuture then starts a new platform thread for
        // every async stage; dnsjava's validator has several per validation. Two workers keep them on a pool.
        if (Runtime.getRuntime().availableProcessors() < 2
                && System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        }
        PolyglotCache.prepare(); // before any JavaScript hook loads: a service user may have no home directory
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command line; returns the exit status (0 done, 1 failed, 2 wrong command line). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        CommandLine cl = Cli.commandLine(new Main(), SettingsLoader.SCHEMA.keys());
        addPluggedCommands(cl);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(argv);
    }
}
