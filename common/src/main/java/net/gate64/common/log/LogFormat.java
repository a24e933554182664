package net.gate64.common.log;

import java.util.Locale;

/**
 * The {@code log-format} setting. Both carry the same fields under the same names ({@link LogLine}): {@link #TEXT}
 * as one {@code key=value} line per event (logfmt, quoted where needed), {@link #JSON} as one JSON object per line.
 */
public enum LogFormat {
    TEXT, JSON;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LogFormat parse(String s) {
        for (LogFormat f : values()) {
            if (f.label().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a log format: use \"text\" or \"json\"");
    }
}
