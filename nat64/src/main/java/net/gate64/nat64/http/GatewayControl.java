package net.gate64.nat64.http;

/**
 * What the gateway's HTTP endpoint may ask of the running gateway, and no more: its metrics, the probes' verdicts,
 * the tables to list and the few state changes {@code gate64 nat64 control} offers. The endpoint depends on this,
 * not on the service, so {@code http} imports nothing above it and tests can serve a fake.
 */
public interface GatewayControl {
    /** A probe's verdict and the text that explains it (the response body). */
    record Probe(boolean ok, String text) {}

    /** A request that was refused or failed: the HTTP status and the text for the operator. */
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

    /** Prometheus text exposition of the gateway's counters and table sizes. */
    String metricsText();

    /** Liveness: workers running and making progress, the expiry sweep running. */
    Probe health();

    /** Readiness: healthy, and the TUN interface up and running. */
    Probe readiness();

    /**
     * The sessions, soonest to expire first, one per line, at most {@code limit}; {@code filter} (null: all) keeps
     * those of a protocol ({@code tcp}, {@code udp}, {@code icmp}) or that involve an address (IPv6 or IPv4, either
     * side), several words all having to match.
     */
    String sessions(String filter, int limit) throws Refused;

    /** The bindings (BIB), static ones marked, with the same filter as {@link #sessions}. */
    String bindings(String filter, int limit) throws Refused;

    /** Adds a static binding: {@code ipv6} "[addr]:port", {@code ipv4} "addr:port" inside pool4. */
    String addStaticBinding(String protocol, String ipv6, String ipv4) throws Refused;

    /** Makes a static binding dynamic again (it goes with its last session, or now when it has none). */
    String removeStaticBinding(String protocol, String ipv6) throws Refused;

    /** Ends every dynamic session and the bindings they held; static bindings stay. */
    String flush() throws Refused;

    /**
     * Reads the config file again and applies what can change live; returns what changed, what needs a restart and
     * how many sessions ended.
     *
     * @throws Refused 400 naming the key and position when the file is bad (nothing changes)
     */
    String reloadConfig() throws Refused;
}
