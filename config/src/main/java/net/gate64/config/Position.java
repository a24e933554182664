package net.gate64.config;

import com.typesafe.config.ConfigOrigin;

/**
 * Where a value came from, as the operator should read it: the file as they named it and the line, or
 * {@code command line -Dkey}, or the built-in defaults (which the operator did not write, so errors about them point
 * at the operator's file instead).
 */
record Position(String source, int line, boolean builtIn) {
    static final String OVERRIDE_PREFIX = "command line -D";

    static Position of(ConfigOrigin origin) {
        if (origin.resource() != null) {
            return new Position("built-in defaults", Math.max(0, origin.lineNumber()), true);
        }
        if (origin.filename() != null) {
            return new Position(origin.filename(), Math.max(0, origin.lineNumber()), false);
        }
        String d = origin.description();
        if (d != null && d.startsWith(OVERRIDE_PREFIX)) {
            // "command line -Dkey: 1": an override is one line, its number says nothing
            int colon = d.lastIndexOf(": ");
            return new Position(colon > 0 ? d.substring(0, colon) : d, 0, false);
        }
        return new Position(d, Math.max(0, origin.lineNumber()), false);
    }

    ConfigError error(String problem) {
        return new ConfigError(source, line, problem);
    }

    /** Sort key: overrides after files, then by line. */
    int order() {
        return source.startsWith(OVERRIDE_PREFIX) ? Integer.MAX_VALUE : line;
    }
}
