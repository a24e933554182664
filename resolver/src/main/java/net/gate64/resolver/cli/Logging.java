package net.gate64.resolver.cli;

import java.util.Locale;

/**
 * Sets up slf4j-simple, which reads its settings once, from system properties, when the first logger is created:
 * so this runs before anything logs. A property given on the JVM command line (e.g. through GATE64_JAVA_OPTS) wins.
 */
final class Logging {
    private Logging() {}

    /** @param level error, warn, info, debug or trace (the {@code loglevel} setting) */
    static void configure(String level) {
        String l = level == null ? "info" : level.trim().toLowerCase(Locale.ROOT);
        set("org.slf4j.simpleLogger.defaultLogLevel", l);
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        set("org.slf4j.simpleLogger.showShortLogName", "true");
        set("org.slf4j.simpleLogger.log.io.netty", "warn");
        // dnsjava logs every failed validation at ERROR with a stack trace: a flood of forged answers would flood the
        // log. gate64 reports verdicts itself (metrics; log-fail mode logs each Bogus answer once).
        if (!l.equals("debug") && !l.equals("trace")) {
            set("org.slf4j.simpleLogger.log.org.xbill.DNS.dnssec", "off");
        }
    }

    private static void set(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
