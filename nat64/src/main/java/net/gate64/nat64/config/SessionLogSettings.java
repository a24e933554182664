package net.gate64.nat64.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where session events go (docs/nat64.md, "Session logging"): JSON lines to {@code jsonFile} or standard output,
 * IPFIX to {@code ipfixCollector}; either, both or neither.
 *
 * @param jsonFile         file to append JSON lines to; null for none (or for standard output)
 * @param jsonStdout       JSON lines to standard output
 * @param ipfixCollector   the collector's address; null for no IPFIX export
 * @param templateRefresh  how often the IPFIX templates are sent again
 * @param observationDomain the IPFIX observation domain ID in every message header
 * @param queue            events buffered per destination before new ones are dropped (and counted)
 */
public record SessionLogSettings(Path jsonFile, boolean jsonStdout, InetSocketAddress ipfixCollector,
                                 Duration templateRefresh, long observationDomain, int queue) {
    public static final SessionLogSettings OFF = new SessionLogSettings(null, false, null, Duration.ofSeconds(60), 1,
            65536);

    public boolean enabled() {
        return jsonFile != null || jsonStdout || ipfixCollector != null;
    }
}
