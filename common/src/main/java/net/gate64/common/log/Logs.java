package net.gate64.common.log;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The logging backend's settings, changeable while the program runs (a reload or {@code set-loglevel} takes effect
 * for every logger at once): the level, the {@link LogFormat}, and levels for single loggers. Every slf4j logger
 * in the process writes through here ({@link GateLogProvider}), one line per event, to standard error (journald and
 * container runtimes collect it from there).
 *
 * <p>Two rules keep other libraries quiet unless asked: Netty logs warnings and errors only, and dnsjava's validator
 * (which logs every failed validation at ERROR with a stack trace, so a flood of forged answers would flood the log)
 * is silent below {@code debug}; gate64 reports DNSSEC verdicts itself, once per name and reason.
 */
public final class Logs {
    /** One immutable snapshot; loggers recompute their threshold when the generation changes. */
    record Config(LogLevel level, LogFormat format, Map<String, LogLevel> loggers, long generation) {}

    private static volatile Config config = new Config(LogLevel.INFO, LogFormat.TEXT, Map.of(), 0);
    /** The property naming a file to append log lines to instead of standard error (the test runs set it). */
    public static final String FILE_PROPERTY = "gate64.log.file";

    private static volatile PrintStream out = initialStream();

    private Logs() {}

    /** Sets the level and the format (the {@code loglevel} and {@code log-format} settings). */
    public static synchronized void configure(LogLevel level, LogFormat format) {
        Config c = config;
        config = new Config(level, format, c.loggers, c.generation + 1);
    }

    /** Changes the level only. */
    public static synchronized void setLevel(LogLevel level) {
        configure(level, config.format);
    }

    /**
     * Sets the level of one logger and those below it ({@code "net.gate64.resolver.dnssec"}); null removes the
     * setting again. These win over the general level and the quiet rules for other libraries.
     */
    public static synchronized void setLevel(String loggerPrefix, LogLevel level) {
        Config c = config;
        Map<String, LogLevel> m = new HashMap<>(c.loggers);
        if (level == null) {
            m.remove(loggerPrefix);
        } else {
            m.put(loggerPrefix, level);
        }
        config = new Config(c.level, c.format, Map.copyOf(m), c.generation + 1);
    }

    public static LogLevel level() {
        return config.level;
    }

    public static LogFormat format() {
        return config.format;
    }

    /** Standard error, or the file named by {@code -Dgate64.log.file} (appended to). */
    private static PrintStream initialStream() {
        String file = System.getProperty(FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            return System.err;
        }
        try {
            return new PrintStream(new java.io.FileOutputStream(file, true), true, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            System.err.println("gate64: cannot append the log to " + file + " (" + e.getMessage() + "): logging to stderr");
            return System.err;
        }
    }

    /** Sends every line to {@code stream} from now on (tests); returns the previous stream. */
    public static PrintStream redirect(PrintStream stream) {
        PrintStream old = out;
        out = stream;
        return old;
    }

    static Config config() {
        return config;
    }

    /** The level that applies to {@code logger}: the longest configured prefix, else the general level and rules. */
    static LogLevel effective(String logger, Config c) {
        String best = null;
        for (String prefix : c.loggers.keySet()) {
            if ((logger.equals(prefix) || logger.startsWith(prefix + ".")) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        if (best != null) {
            return c.loggers.get(best);
        }
        if (logger.startsWith("io.netty.")) {
            return c.level.severity >= LogLevel.WARN.severity ? c.level : LogLevel.WARN;
        }
        if (logger.startsWith("org.xbill.DNS.dnssec.") && c.level.severity > LogLevel.DEBUG.severity) {
            return LogLevel.OFF;
        }
        return c.level;
    }

    static void emit(LogLevel level, String logger, String msg, List<Map.Entry<String, Object>> pairs, Throwable error) {
        Thread t = Thread.currentThread();
        String thread = t.getName().isEmpty() ? (t.isVirtual() ? "virtual-" : "thread-") + t.threadId() : t.getName();
        String line = LogLine.format(config.format, System.currentTimeMillis(), level, logger, thread, msg, pairs, error);
        out.println(line); // PrintStream.println is synchronized: lines from threads never interleave
    }
}
