package net.gate64.common.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * An slf4j logger writing through {@link Logs}. The level check is one volatile read while the settings stay the
 * same; the fluent API's key/value pairs ({@code LOG.atInfo().addKeyValue("qname", q).log(...)}) become fields.
 */
final class GateLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;

    /** The threshold and the settings generation it was computed for, packed so they are read together. */
    private transient volatile long cached = -1;

    GateLogger(String name) {
        this.name = name;
    }

    private int threshold() {
        Logs.Config c = Logs.config();
        long packed = cached;
        if (packed >>> 32 != (c.generation() & 0xffffffffL) || packed == -1) {
            int severity = Logs.effective(name, c).severity;
            packed = (c.generation() & 0xffffffffL) << 32 | (severity & 0xffffffffL);
            cached = packed;
        }
        return (int) packed;
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold();
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        Logs.emit(of(level), name, MessageFormatter.basicArrayFormat(pattern, args), List.of(), t);
    }

    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) {
            return;
        }
        Object[] args = event.getArgumentArray();
        Throwable t = event.getThrowable();
        if (t == null && args != null) {
            t = MessageFormatter.getThrowableCandidate(args);
            if (t != null) {
                args = MessageFormatter.trimmedCopy(args);
            }
        }
        List<Map.Entry<String, Object>> pairs = List.of();
        List<KeyValuePair> kvs = event.getKeyValuePairs();
        if (kvs != null && !kvs.isEmpty()) {
            pairs = new ArrayList<>(kvs.size());
            for (KeyValuePair kv : kvs) {
                pairs.add(new java.util.AbstractMap.SimpleImmutableEntry<>(kv.key, kv.value));
            }
        }
        Logs.emit(of(event.getLevel()), name, MessageFormatter.basicArrayFormat(event.getMessage(), args), pairs, t);
    }

    private static LogLevel of(Level level) {
        return switch (level) {
            case TRACE -> LogLevel.TRACE;
            case DEBUG -> LogLevel.DEBUG;
            case INFO -> LogLevel.INFO;
            case WARN -> LogLevel.WARN;
            case ERROR -> LogLevel.ERROR;
        };
    }
}
