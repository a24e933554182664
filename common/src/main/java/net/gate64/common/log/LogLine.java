package net.gate64.common.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One log event as one line, in either {@link LogFormat}. The fields and their names are stable (operators' log
 * pipelines key on them):
 * <ul>
 *   <li>{@code ts}: UTC time with milliseconds, {@code 2026-12-01T08:31:41.123Z};</li>
 *   <li>{@code level}: {@code error}, {@code warn}, {@code info}, {@code debug}, {@code trace};</li>
 *   <li>{@code logger}: the class that logged (its simple name in text, the full name in JSON);</li>
 *   <li>{@code thread}: the thread's name;</li>
 *   <li>{@code msg}: the message with its {@code {}} placeholders filled in;</li>
 *   <li>then the event's own key/value pairs (e.g. {@code qname}, {@code reason}), in the order they were added;
 *       a pair whose key is one of the names here gets a leading {@code _};</li>
 *   <li>{@code error}: an exception's class and message, when there is one; in JSON also {@code stack}, the whole
 *       trace; in text the trace follows on indented lines.</li>
 * </ul>
 * Text is logfmt: {@code key=value}, the value in double quotes (with {@code \"}, {@code \\}, {@code \n} escapes)
 * when it is empty or holds a space, {@code =}, a quote or a control character. JSON values are strings, except
 * numbers and booleans given as such.
 */
public final class LogLine {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);
    static final Set<String> RESERVED = Set.of("ts", "level", "logger", "thread", "msg", "error", "stack");

    private LogLine() {}

    /** The line, without the trailing newline (text with a stack trace: several lines). */
    public static String format(LogFormat format, long epochMillis, LogLevel level, String logger, String thread,
                                String msg, List<Map.Entry<String, Object>> pairs, Throwable error) {
        StringBuilder sb = new StringBuilder(160);
        boolean json = format == LogFormat.JSON;
        if (json) {
            sb.append('{');
        }
        field(sb, json, "ts", TS.format(Instant.ofEpochMilli(epochMillis)));
        field(sb, json, "level", level.label());
        field(sb, json, "logger", json ? logger : shortName(logger));
        field(sb, json, "thread", thread);
        field(sb, json, "msg", msg == null ? "" : msg);
        if (pairs != null) {
            for (Map.Entry<String, Object> p : pairs) {
                String key = p.getKey() == null ? "_" : RESERVED.contains(p.getKey()) ? "_" + p.getKey() : p.getKey();
                field(sb, json, key, p.getValue());
            }
        }
        if (error != null) {
            field(sb, json, "error", error.toString());
            if (json) {
                field(sb, true, "stack", stack(error));
            }
        }
        if (json) {
            sb.append('}');
        } else if (error != null) {
            String trace = stack(error);
            int firstLine = trace.indexOf('\n'); // the first line repeats error=
            if (firstLine >= 0) {
                sb.append('\n').append(trace, firstLine + 1, trace.length() - (trace.endsWith("\n") ? 1 : 0));
            }
        }
        return sb.toString();
    }

    static String shortName(String logger) {
        if (logger == null) {
            return "";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static void field(StringBuilder sb, boolean json, String key, Object value) {
        if (json) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            jsonString(sb, key);
            sb.append(':');
            if (value instanceof Number n && isFinite(n) || value instanceof Boolean) {
                sb.append(value);
            } else {
                jsonString(sb, value == null ? "null" : String.valueOf(value));
            }
        } else {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(key).append('=');
            logfmtValue(sb, value == null ? "null" : String.valueOf(value));
        }
    }

    private static boolean isFinite(Number n) {
        return !(n instanceof Double d && !Double.isFinite(d)) && !(n instanceof Float f && !Float.isFinite(f));
    }

    static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    static void logfmtValue(StringBuilder sb, String s) {
        boolean quote = s.isEmpty();
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f;
        }
        if (!quote) {
            sb.append(s);
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
