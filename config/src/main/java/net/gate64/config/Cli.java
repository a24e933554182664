package net.gate64.config;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
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
        List<String> unmatched = u.getUnmatched();
        List<String> parts = new ArrayList<>();
        boolean suggested = false;
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            OptionSpec meant = arg.startsWith("--") && !settingKeys.contains(name.substring(2)) ? nearestOption(name, cl) : null;
            if (meant == null) {
                parts.add(describe(arg, cl, settingKeys));
                suggested |= arg.endsWith(".conf"); // "--config FILE" is the suggestion, not a command
                continue;
            }
            parts.add("unknown option '" + arg + "' (did you mean '" + meant.longestName() + "'?)");
            suggested = true;
            // "--conf FILE": the next word is the value meant for it, not a second mistake
            if (name.equals(arg) && meant.arity().min() > 0 && i + 1 < unmatched.size()
                    && !unmatched.get(i + 1).startsWith("-")) {
                i++;
            }
        }
        String text = String.join("; ", parts);
        List<String> suggestions = u.getSuggestions();
        if (!suggested && !suggestions.isEmpty() && !text.contains("did you mean")) {
            text += " (did you mean " + String.join(" or ", suggestions.stream().map(s -> "'" + s + "'").toList()) + "?)";
        }
        return text;
    }

    /** The command's long option that {@code given} most likely meant: one it abbreviates, or one a typo away; or null. */
    static OptionSpec nearestOption(String given, CommandLine cl) {
        OptionSpec best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (OptionSpec o : cl.getCommandSpec().options()) {
            for (String n : o.names()) {
                if (!n.startsWith("--") || n.equals(given)) {
                    continue;
                }
                int d = given.length() >= 5 && n.startsWith(given) ? 0 : Suggestions.distance(given, n);
                if (d <= 2 && d < bestDistance) {
                    best = o;
                    bestDistance = d;
                }
            }
        }
        return best;
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
        if (arg.endsWith(".conf") && cl.getCommandSpec().findOption("--config") != null) {
            return "unexpected argument '" + arg + "' (to read a settings file, write --config " + arg + ")";
        }
        if (arg.endsWith(".conf")) {
            // gate64 conf/x.conf: the file goes to the first command that reads one
            for (Map.Entry<String, CommandLine> sub : cl.getSubcommands().entrySet()) {
                if (sub.getValue().getCommandSpec().findOption("--config") != null) {
                    return "unexpected argument '" + arg + "' (a settings file goes after its command: "
                            + sub.getValue().getCommandSpec().qualifiedName() + " --config " + arg + ")";
                }
            }
        }
        if (!cl.getSubcommands().isEmpty()) {
            return "unknown command '" + arg + "' (commands: " + String.join(", ", cl.getSubcommands().keySet()) + ")";
        }
        return "unexpected argument '" + arg + "'";
    }
}
