package net.gate64.resolver.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.gate64.common.NetworkSet;
import net.gate64.resolver.dns64.Dns64Settings;
import net.gate64.resolver.resolve.ForwardZone;
import org.xbill.DNS.Name;

/**
 * The recursor's settings, typed and validated, as one immutable snapshot. {@link SettingsLoader} builds it from
 * HOCON; a reload swaps the whole snapshot.
 */
public record RecursorSettings(
        List<InetSocketAddress> localAddresses,
        NetworkSet allowFrom,
        Map<Name, ForwardZone> forwardZones,
        Path hintFile,
        NetworkSet dontQuery,
        long maxCacheEntries,
        long maxCacheBytes,
        long maxCacheTtl,
        long maxNegativeTtl,
        long maxPacketCacheEntries,
        long maxPacketCacheBytes,
        long packetCacheTtl,
        long packetCacheNegativeTtl,
        long packetCacheServfailTtl,
        int threads,
        int maxMThreads,
        Duration networkTimeout,
        int ednsOutgoingBufsize,
        int udpTruncationThreshold,
        int maxCnamesFollowed,
        Duration clientTcpTimeout,
        int maxTcpClients,
        boolean webserver,
        InetSocketAddress webserverAddress,
        net.gate64.common.web.WebAccess webserverAccess,
        net.gate64.resolver.health.HealthChecks.Settings health,
        net.gate64.resolver.stats.GatewayStats.Source nat64Stats,
        net.gate64.common.log.LogLevel logLevel,
        net.gate64.common.log.LogFormat logFormat,
        boolean quiet,
        int queryLogSample,
        List<InetSocketAddress> queryLocalAddresses,
        boolean qnameMinimization,
        int maxQueriesPerQuery,
        int maxNsAddressQueries,
        int maxRecursionDepth,
        Duration maxTotalTime,
        int maxReferrals,
        net.gate64.resolver.script.ScriptSettings script,
        Dns64Settings dns64,
        net.gate64.resolver.dns46.Dns46Settings dns46,
        net.gate64.resolver.dnssec.DnssecSettings dnssec,
        ClientLimits clientLimits) {

    public RecursorSettings {
        localAddresses = List.copyOf(localAddresses);
        forwardZones = Map.copyOf(forwardZones);
    }

    /** This snapshot with other DNSSEC settings (the control verbs add-ta, add-nta and their clear verbs). */
    public RecursorSettings withDnssec(net.gate64.resolver.dnssec.DnssecSettings d) {
        return new RecursorSettings(localAddresses, allowFrom, forwardZones, hintFile, dontQuery, maxCacheEntries, maxCacheBytes, maxCacheTtl, maxNegativeTtl, maxPacketCacheEntries, maxPacketCacheBytes, packetCacheTtl, packetCacheNegativeTtl, packetCacheServfailTtl, threads, maxMThreads, networkTimeout, ednsOutgoingBufsize, udpTruncationThreshold, maxCnamesFollowed, clientTcpTimeout, maxTcpClients, webserver, webserverAddress, webserverAccess, health, nat64Stats, logLevel, logFormat, quiet, queryLogSample, queryLocalAddresses, qnameMinimization, maxQueriesPerQuery, maxNsAddressQueries, maxRecursionDepth, maxTotalTime, maxReferrals, script, dns64, dns46, d, clientLimits);
    }

    /**
     * This snapshot with the settings that cannot change while the recursor runs taken from {@code running}: what a
     * reload puts in service (the keys are net.gate64.resolver.SettingsChange.RESTART).
     */
    public RecursorSettings withRestartOnlyFrom(RecursorSettings running) {
        return new RecursorSettings(running.localAddresses(), allowFrom, forwardZones, hintFile, dontQuery, running.maxCacheEntries(), running.maxCacheBytes(), running.maxCacheTtl(), running.maxNegativeTtl(), running.maxPacketCacheEntries(), running.maxPacketCacheBytes(), running.packetCacheTtl(), running.packetCacheNegativeTtl(), running.packetCacheServfailTtl(), running.threads(), running.maxMThreads(), networkTimeout, ednsOutgoingBufsize, udpTruncationThreshold, maxCnamesFollowed, running.clientTcpTimeout(), running.maxTcpClients(), running.webserver(), running.webserverAddress(), running.webserverAccess(), running.health(), running.nat64Stats(), logLevel, logFormat, quiet, queryLogSample, queryLocalAddresses, qnameMinimization, maxQueriesPerQuery, maxNsAddressQueries, maxRecursionDepth, maxTotalTime, maxReferrals, script, dns64, dns46, dnssec, running.clientLimits());
    }

    /** The effective event-loop thread count. */
    public int eventLoopThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
