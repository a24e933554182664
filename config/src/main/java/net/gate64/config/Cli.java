package net.gate64.config;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command-line conventions of both programs, on picocli: exit status 0 (done), 1 (could not start or failed), 2
 * (wrong command line); a wrong command line prints one line saying what is wrong, the usage line and where the full
 * help is, never a stack trace. {@code --help} and the usage line come from the same option definitions.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Cli() {}

    /**
     * A command line for {@code command} (annotated with picocli's {@code @Command}).
     *
     * @param settingKeys the program's setting names: {@code --threads=4} is answered with "settings are -Dthreads=4"
     */
    public static CommandLine commandLine(Object command, Set<String> settingKeys) {
        CommandLine cl = new CommandLine(command);
        cl.setExpandAtFiles(false); // "@x" is an ordinary argument, not a file of more arguments
        cl.setUsageHelpWidth(100);
        cl.setParameterExceptionHandler((e, args) -> usageError(e, settingKeys));
        cl.setExecutionExceptionHandler((e, sub, parsed) -> {
            if (e instanceof ParameterException p) {
                return usageError(p, settingKeys); // a wrong combination found by the command itself
            }
            sub.getErr().println(sub.getCommandSpec().qualifiedName() + ": " + describe(e));
            sub.getErr().flush();
            return FAILED;
        });
        return cl;
    }

    /**
     * A failure as one line for the operator: gate64's own errors (settings, listeners, scripts) carry complete
     * messages; for the JDK's, the kind is named too ({@code NoSuchFileException: x} says less than "file not found").
     */
    public static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof ConfigError) {
            return "configuration error: " + m;
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "file not found: " + m;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (m != null && e.getClass().getName().startsWith("net.gate64.")) {
            return m;
        }
        return m == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + m;
    }

    private static int usageError(ParameterException e, Set<String> settingKeys) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + problem(e, settingKeys));
        err.println("usage: " + cl.getHelp().synopsis(0).stripTrailing());
        err.println("Run '" + name + " --help' for every option.");
        err.flush();
        return USAGE;
    }

    static String problem(ParameterException e, Set<String> settingKeys) {
        if (!(e instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            String m = e.getMessage();
            return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
        }
        CommandLine cl = e.getCommandLine();
        List<String> parts = new ArrayList<>();
        for (String arg : u.getUnmatched()) {
            parts.add(describe(arg, cl, settingKeys));
        }
        String text = String.join("; ", parts);
        List<String> suggestions = u.getSuggestions();
        if (!suggestions.isEmpty() && !text.contains("did you mean")) {
            text += " (did you mean " + String.join(" or ", suggestions.stream().map(s -> "'" + s + "'").toList()) + "?)";
        }
        return text;
    }

    private static String describe(String arg, CommandLine cl, Set<String> settingKeys) {
        if (arg.startsWith("-")) {
            String option = arg.replaceFirst("^-+", "");
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            if (settingKeys.contains(key)) {
                String value = eq < 0 ? "VALUE" : option.substring(eq + 1);
                return "unknown option '" + arg + "': settings are given as -D" + key + "=" + value
                        + " or in the --config file";
            }
            return "unknown option '" + arg + "'";
        }
        if (!cl.getSubcommands().isEmpty()) {
            return "unknown command '" + arg + "' (commands: " + String.join(", ", cl.getSubcommands().keySet()) + ")";
        }
        if (arg.endsWith(".conf")) {
            return "unexpected argument '" + arg + "' (to read a settings file, write --config " + arg + ")";
        }
        return "unexpected argument '" + arg + "'";
    }
}
