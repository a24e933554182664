package net.gate64.common.log;

import java.util.Locale;

/** The {@code loglevel} setting: a threshold; {@link #OFF} silences a logger entirely. */
public enum LogLevel {
    TRACE(0), DEBUG(10), INFO(20), WARN(30), ERROR(40), OFF(Integer.MAX_VALUE);

    /** The severity, on slf4j's scale ({@code org.slf4j.event.Level#toInt()}). */
    final int severity;

    LogLevel(int severity) {
        this.severity = severity;
    }

    /** The name as written in a config file: {@code error}, {@code warn}, {@code info}, {@code debug}, {@code trace}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "error", "warn", "info", "debug", "trace" or "off", any case; anything else is refused naming the choices. */
    public static LogLevel parse(String s) {
        for (LogLevel l : values()) {
            if (l.label().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a log level: use error, warn, info, debug or trace");
    }
}
