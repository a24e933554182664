package net.gate64.resolver.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.gate64.common.HostPort;
import net.gate64.common.NetworkSet;
import net.gate64.common.log.LogFormat;
import net.gate64.common.log.LogLevel;
import net.gate64.common.web.Secret;
import net.gate64.common.web.WebAccess;
import net.gate64.config.ConfigError;
import net.gate64.config.ConfigLoader;
import net.gate64.config.ConfigReader;
import net.gate64.config.ConfigSchema;
import net.gate64.resolver.health.HealthChecks;
import net.gate64.resolver.resolve.ForwardZone;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The recursor's settings: loaded by the shared kernel ({@link ConfigLoader}: built-in defaults
 * {@code gate64-recursor.conf} ← the operator's file ← {@code -Dkey=value}) and turned here, in one place, into a
 * typed {@link RecursorSettings} snapshot. The feature sections (DNS64, DNS46, DNSSEC, script) are read by their own
 * readers in this package into plain values; mistakes are {@link ConfigError}s naming key and position.
 */
public final class SettingsLoader {
    /** Every recursor setting, with its default; documented in conf/recursor.conf. */
    public static final ConfigSchema SCHEMA =
            new ConfigSchema(SettingsLoader.class.getClassLoader(), "gate64-recursor.conf", "conf/recursor.conf",
                    "recursor");

    private SettingsLoader() {}

    /** Reads {@code file} (may be null: defaults only) with {@code overrides} ("key=value" HOCON) on top. */
    public static RecursorSettings load(Path file, List<String> overrides) {
        return read(ConfigLoader.load(SCHEMA, file, overrides));
    }

    /** The settings from loaded configuration. */
    public static RecursorSettings read(ConfigReader c) {
        List<InetSocketAddress> local = c.list("local-address", s -> HostPort.parse(s, 53));
        if (local.isEmpty()) {
            throw c.invalid("local-address", "lists no address: the recursor would answer nowhere");
        }
        return new RecursorSettings(
                local,
                networks(c, "allow-from"),
                forwardZones(c),
                path(c, "hint-file"),
                networks(c, "dont-query"),
                c.number("max-cache-entries", 1, Long.MAX_VALUE, "entries"),
                c.number("max-cache-bytes", 0, Long.MAX_VALUE, "bytes"),
                c.seconds("max-cache-ttl", 0, Integer.MAX_VALUE),
                c.seconds("max-negative-ttl", 0, Integer.MAX_VALUE),
                c.number("max-packetcache-entries", 0, Long.MAX_VALUE, "entries"),
                c.number("max-packetcache-bytes", 0, Long.MAX_VALUE, "bytes"),
                c.seconds("packetcache-ttl", 0, Integer.MAX_VALUE),
                c.seconds("packetcache-negative-ttl", 0, Integer.MAX_VALUE),
                c.seconds("packetcache-servfail-ttl", 0, Integer.MAX_VALUE),
                (int) c.number("threads", 0, 1024),
                (int) c.number("max-mthreads", 1, 1_000_000),
                c.millis("network-timeout", 1, 60_000),
                (int) c.number("edns-outgoing-bufsize", 512, 4096, "bytes"),
                (int) c.number("udp-truncation-threshold", 512, 65535, "bytes"),
                (int) c.number("max-cnames-followed", 1, 100),
                java.time.Duration.ofSeconds(c.seconds("client-tcp-timeout", 1, 3600)),
                (int) c.number("max-tcp-clients", 1, 1_000_000),
                c.bool("webserver"),
                webserverAddress(c),
                new WebAccess(networks(c, "webserver-allow-from"),
                        c.value("api-key", Secret::parse),
                        c.value("webserver-password", Secret::parse),
                        c.list("webserver-hostnames", s -> s)),
                new HealthChecks.Settings(
                        c.millis("health-loop-stall-msec", 100, 600_000),
                        (int) c.number("health-backlog-percent", 1, 100, "percent"),
                        c.millis("health-backlog-msec", 0, 3_600_000)),
                c.value("stats-nat64-url", u -> net.gate64.resolver.stats.GatewayStats.Source.of(u,
                        c.string("stats-nat64-password"))),
                c.value("loglevel", LogLevel::parse),
                c.value("log-format", LogFormat::parse),
                c.bool("quiet"),
                (int) c.number("query-log-sample", 1, 1_000_000),
                c.list("query-local-address", s -> HostPort.parse(s, 0)),
                c.bool("qname-minimization"),
                (int) c.number("max-qperq", 1, 10_000),
                (int) c.number("max-ns-address-qperq", 0, 1000),
                (int) c.number("max-recursion-depth", 1, 100),
                c.millis("max-total-msec", 1, 600_000),
                (int) c.number("max-referrals", 1, 100),
                ScriptSettingsReader.read(c),
                Dns64SettingsReader.read(c),
                Dns46SettingsReader.read(c),
                DnssecSettingsReader.read(c),
                clientLimits(c));
    }

    /**
     * Only {@code webserver-address}, for {@code gate64 control}: a file with a bad value elsewhere still names the
     * endpoint, so that the running recursor can refuse the file itself on reload-config, saying its settings stay.
     */
    public static InetSocketAddress webserverAddress(ConfigReader c) {
        return c.value("webserver-address", s -> HostPort.parse(s, 8082));
    }

    private static ClientLimits clientLimits(ConfigReader c) {
        return new ClientLimits(
                (int) c.number("max-tcp-clients", 1, 1_000_000),
                (int) c.number("max-tcp-per-client", 0, 1_000_000),
                java.time.Duration.ofSeconds(c.seconds("client-tcp-timeout", 1, 3600)),
                (int) c.number("max-concurrent-requests-per-tcp-connection", 1, 65535),
                (int) c.number("max-tcp-queued-answer-bytes", 65537, 1 << 30, "bytes"),
                c.number("max-inflight-bytes", 1 << 20, Long.MAX_VALUE / 4, "bytes"));
    }

    static NetworkSet networks(ConfigReader c, String key) {
        return c.all(key, NetworkSet::of);
    }

    private static Path path(ConfigReader c, String key) {
        String s = c.string(key).trim();
        return s.isEmpty() ? null : Path.of(s);
    }

    private static Map<Name, ForwardZone> forwardZones(ConfigReader c) {
        Map<Name, ForwardZone> zones = new HashMap<>();
        addZones(c, "forward-zones", false, zones);
        addZones(c, "forward-zones-recurse", true, zones);
        return zones;
    }

    private static void addZones(ConfigReader c, String key, boolean recurse, Map<Name, ForwardZone> into) {
        for (ConfigReader.Member m : c.members(key)) {
            Name zone;
            try {
                zone = Name.fromString(m.name(), Name.root);
            } catch (TextParseException e) {
                throw m.error("\"" + m.name() + "\" is not a zone name: " + e.getMessage());
            }
            List<InetSocketAddress> servers = new ArrayList<>();
            for (String t : m.strings()) {
                try {
                    servers.add(HostPort.parse(t, 53));
                } catch (IllegalArgumentException e) {
                    throw m.error(e.getMessage());
                }
            }
            if (servers.isEmpty()) {
                throw m.error("lists no servers");
            }
            if (into.put(zone, new ForwardZone(zone, servers, recurse)) != null) {
                throw m.error("the zone is in both forward-zones and forward-zones-recurse");
            }
        }
    }
}
