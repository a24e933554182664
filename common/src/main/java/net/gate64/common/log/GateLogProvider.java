package net.gate64.common.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * gate64's slf4j backend, found by slf4j through {@code META-INF/services}. Why our own rather than slf4j-simple or
 * logback: slf4j-simple fixes its levels when the first logger is created (so neither the config file's
 * {@code loglevel} nor a reload could change them) and writes text only; logback can change levels, but its JSON
 * encoder nests key/value pairs in arrays under its own field names, and flat, documented keys would need a custom
 * encoder (or logstash-logback-encoder and Jackson) on top of two more jars. This is what we need and no more:
 * levels changeable at run time, text (logfmt) or JSON lines with the fields {@link LogLine} documents.
 */
public final class GateLogProvider implements SLF4JServiceProvider {
    private ILoggerFactory factory;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public void initialize() {
        ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
        factory = name -> loggers.computeIfAbsent(name, GateLogger::new);
        markers = new BasicMarkerFactory();
        mdc = new BasicMDCAdapter();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
