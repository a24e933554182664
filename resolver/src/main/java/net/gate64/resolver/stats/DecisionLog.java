package net.gate64.resolver.stats;

import net.gate64.common.log.OncePerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * Decisions about one name worth telling the operator (a DNSSEC Bogus verdict, why DNS64 did not synthesise), logged
 * once per name and reason every ten minutes and at most five lines a second ({@link OncePerKey#standard()}), with
 * the fields {@code qname}, {@code qtype}, {@code reason} and any given. Nothing is computed while the level is off.
 */
public final class DecisionLog {
    private record Key(Name qname, String reason) {}

    private final Logger log;
    private final OncePerKey once;

    /** @param logger the logger's name, e.g. {@code net.gate64.resolver.dnssec} (its level can be set on its own) */
    public DecisionLog(String logger) {
        this(LoggerFactory.getLogger(logger), OncePerKey.standard());
    }

    DecisionLog(Logger log, OncePerKey once) {
        this.log = log;
        this.once = once;
    }

    /** Whether a decision at {@code level} would be logged at all (to skip building its fields). */
    public boolean enabled(Level level) {
        return log.isEnabledForLevel(level);
    }

    /**
     * Logs {@code msg} at {@code level} unless this name was logged with this reason lately.
     *
     * @param more further key/value pairs, e.g. {@code "mode", "validate"}
     */
    public void decided(Level level, String msg, Name qname, int qtype, String reason, Object... more) {
        if (!log.isEnabledForLevel(level) || !once.admit(new Key(qname, reason))) {
            return;
        }
        LoggingEventBuilder b = log.atLevel(level).addKeyValue("qname", qname.toString())
                .addKeyValue("qtype", Type.string(qtype)).addKeyValue("reason", reason);
        for (int i = 0; i + 1 < more.length; i += 2) {
            b = b.addKeyValue(String.valueOf(more[i]), more[i + 1]);
        }
        long held = once.takeSuppressed();
        if (held > 0) {
            b = b.addKeyValue("suppressed", held); // lines held back by the rate since the last one
        }
        b.log(msg);
    }
}
