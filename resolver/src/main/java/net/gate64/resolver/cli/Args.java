package net.gate64.resolver.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command-line arguments shared by the subcommands: {@code --config FILE}, {@code -Dkey=value}, flags, words. */
final class Args {
    Path config;
    final List<String> overrides = new ArrayList<>();
    final List<String> words = new ArrayList<>();
    final List<String> options = new ArrayList<>();
    boolean help;

    static Args parse(String[] argv, int from) {
        Args a = new Args();
        for (int i = from; i < argv.length; i++) {
            String s = argv[i];
            if (s.equals("--help") || s.equals("-h")) {
                a.help = true;
            } else if (s.equals("--config")) {
                if (i + 1 >= argv.length) {
                    throw new UsageError("--config needs a file");
                }
                a.config = Path.of(argv[++i]);
            } else if (s.startsWith("--config=")) {
                a.config = Path.of(s.substring("--config=".length()));
            } else if (s.startsWith("-D")) {
                a.overrides.add(s.substring(2));
            } else if (s.startsWith("--")) {
                a.options.add(s);
            } else {
                a.words.add(s);
            }
        }
        return a;
    }

    /** The value of {@code --name=value} or {@code --name value}-style options (only the = form is supported). */
    String option(String name, String fallback) {
        for (String o : options) {
            if (o.startsWith("--" + name + "=")) {
                return o.substring(name.length() + 3);
            }
        }
        return fallback;
    }

    /** Whether the bare option {@code --name} was given. */
    boolean flag(String name) {
        return options.contains("--" + name);
    }

    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }
}
