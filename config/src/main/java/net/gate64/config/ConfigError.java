package net.gate64.config;

/**
 * A configuration mistake the operator must fix: what is wrong ({@link #problem()}) and where ({@link #source()}, a
 * file or {@code command line -Dkey}, and {@link #line()} when known). The message reads
 * {@code conf/recursor.conf: 3: unknown setting 'max-cache-tl' (did you mean 'max-cache-ttl'?)}. Both programs
 * throw only this type for settings; no stack trace is shown to the operator.
 */
public final class ConfigError extends RuntimeException {
    private final String source;
    private final int line;
    private final String problem;

    /** A mistake with no position (e.g. a value combination). */
    public ConfigError(String problem) {
        this(null, 0, problem);
    }

    /**
     * @param source the file as the operator named it, or {@code command line -Dkey}; null when not known
     * @param line   1-based line in {@code source}; 0 when not known
     */
    public ConfigError(String source, int line, String problem) {
        super(format(source, line, problem), null, false, false);
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    /** The file (as given), {@code command line -Dkey}, or null. */
    public String source() {
        return source;
    }

    /** The 1-based line in {@link #source()}, or 0. */
    public int line() {
        return line;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    private static String format(String source, int line, String problem) {
        if (source == null) {
            return problem;
        }
        return line > 0 ? source + ": " + line + ": " + problem : source + ": " + problem;
    }
}
