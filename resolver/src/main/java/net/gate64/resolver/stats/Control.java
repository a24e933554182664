package net.gate64.resolver.stats;

import org.xbill.DNS.Name;

/**
 * What the web server may ask of the running recursor, and no more: the Prometheus text, the probes' verdicts, the
 * state changes the control API offers. The server depends on this, not on the recursor, so {@code stats} imports
 * nothing above it and tests can serve a fake.
 */
public interface Control {
    /** A probe's verdict: fine, or why not (one line for the operator). */
    record Status(boolean ok, String reason) {
        public static final Status OK = new Status(true, "");

        public static Status failing(String reason) {
            return new Status(false, reason);
        }
    }

    /** A request that was refused or failed: the HTTP status to answer with and the text for the operator. */
    final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        public Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Prometheus text exposition of every metric. */
    String metricsText();

    /** Liveness: every event loop runs tasks and the query backlog is not saturated. */
    Status health();

    /** Readiness: listening, the root primed (or a forwarder of "." answered), and healthy. */
    Status readiness();

    /** The stats page's data now, as JSON ({@link StatsCollector}). */
    String statsJson();

    /** Removes a name (with {@code subtree}, everything below it) from the caches; returns the entries removed. */
    long wipeCache(Name name, boolean subtree);

    /**
     * Reloads the configured hook script (never another file); returns what is in service now.
     *
     * @throws Refused 400 when no script is configured, 500 naming file:line when the new one does not load (the
     *     old one stays in service)
     */
    String reloadScript() throws Refused;
}
