package net.gate64.scripting;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code pdnslog(message [, level])}: syslog levels as {@code pdns.loglevels} numbers them, default Warning. */
public final class ScriptLog {
    private static final Logger LOG = LoggerFactory.getLogger("gate64.script.log");

    private ScriptLog() {}

    public static void log(String message, int level) {
        if (level <= 3) {
            LOG.error(message);
        } else if (level == 4) {
            LOG.warn(message);
        } else if (level <= 6) {
            LOG.info(message);
        } else {
            LOG.debug(message);
        }
    }
}
