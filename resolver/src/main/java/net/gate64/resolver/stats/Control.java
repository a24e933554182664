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

    /**
     * Reads the config file again (with the command line's {@code -D} overrides) and puts the new settings in
     * service as one snapshot; returns what changed, what was wiped and what needs a restart.
     *
     * @throws Refused 400 naming the key and position when the file is bad (the running settings stay)
     */
    String reloadConfig() throws Refused;

    /** Writes the record and negative caches, zone-file-like, with TTLs left and validation states. */
    void dumpCache(java.io.Writer out) throws java.io.IOException;

    /** Adds a negative trust anchor (RFC 7646) until the next reload-config; returns a line for the operator. */
    String addNegativeAnchor(Name zone, String reason) throws Refused;

    /** Removes negative trust anchors ({@code null}: all of them); returns a line for the operator. */
    String clearNegativeAnchors(java.util.List<Name> zones) throws Refused;

    /** The negative trust anchors in force, one "zone reason" per line. */
    String negativeAnchors();

    /** Adds a DS trust anchor for {@code zone} ({@code ds}: the DS record's data) until the next reload-config. */
    String addTrustAnchor(Name zone, String ds) throws Refused;

    /** Removes the trust anchors of {@code zone} (never the root's). */
    String clearTrustAnchor(Name zone) throws Refused;

    /** The trust anchors in force, one record per line. */
    String trustAnchors();

    /** Sets the log level of every logger until the next reload-config that changes {@code loglevel}. */
    String setLogLevel(String level) throws Refused;

    /** Traces every query whose name matches {@code regex} to the log; null stops tracing. */
    String traceRegex(String regex) throws Refused;

    /** A queue of every trace line from now on (for a client that streams them to a file); give it back when done. */
    java.util.concurrent.BlockingQueue<String> followTrace();

    void unfollowTrace(java.util.concurrent.BlockingQueue<String> lines);

    /** The top names ("queries"), clients ("remotes") or SERVFAIL names ("servfail-queries") of the recent queries. */
    String top(String what, int n) throws Refused;

    /** The queries being resolved now, one per line, oldest first. */
    String currentQueries();

    /** Stops answering and ends the program, as SIGTERM does (asynchronously: the caller has answered first). */
    void quitNicely();
}
