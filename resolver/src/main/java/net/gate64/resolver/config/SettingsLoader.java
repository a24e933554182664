package net.gate64.resolver.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import net.gate64.common.NetworkSet;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Reads HOCON settings: the built-in defaults ({@code gate64-recursor.conf}, every key documented), the operator's
 * file, then {@code -Dkey=value} overrides. Every key is checked against the defaults and every value is turned into
 * a typed {@link RecursorSettings} here, in one place; mistakes become a {@link ConfigError} naming key and position.
 */
public final class SettingsLoader {
    private static final String DEFAULTS = "gate64-recursor.conf";

    private final Config merged;

    private SettingsLoader(Config merged) {
        this.merged = merged;
    }

    /** Reads {@code file} (may be null: defaults only) with {@code overrides} ("key=value" HOCON) on top. */
    public static RecursorSettings load(Path file, List<String> overrides) {
        return open(file, overrides).settings();
    }

    /** The merged configuration, for later issues' settings that live beside these (dns64, scripts, dnssec). */
    public static SettingsLoader open(Path file, List<String> overrides) {
        Config defaults = ConfigFactory.parseResources(SettingsLoader.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigError("config file " + file + " does not exist or is not a file");
            }
            user = parse(() -> ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError("override '-D" + o + "' is not key=value");
            }
            String key = o.substring(0, eq).trim();
            String text = quoteKey(key) + " = " + o.substring(eq + 1);
            Config one = parse(() -> ConfigFactory.parseString(text,
                    ConfigParseOptions.defaults().setOriginDescription("command line -D" + key)));
            user = one.withFallback(user);
        }
        for (Map.Entry<String, ConfigValue> e : user.root().entrySet()) {
            if (!defaults.root().containsKey(e.getKey())) {
                throw new ConfigError(where(e.getValue()) + "unknown setting '" + e.getKey() + "'" + suggest(e.getKey(), defaults.root().keySet()));
            }
        }
        Config layered = user;
        return new SettingsLoader(parse(() -> layered.withFallback(defaults).resolve()));
    }

    private static String quoteKey(String key) {
        return "\"" + key.replace("\"", "") + "\"";
    }

    private static Config parse(java.util.function.Supplier<Config> parser) {
        try {
            return parser.get();
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    public RecursorSettings settings() {
        return new RecursorSettings(
                list("local-address", s -> HostPort.parse(s, 53)),
                networks("allow-from"),
                forwardZones(),
                path("hint-file"),
                networks("dont-query"),
                longIn("max-cache-entries", 1, Long.MAX_VALUE),
                longIn("max-cache-ttl", 0, Integer.MAX_VALUE),
                longIn("max-negative-ttl", 0, Integer.MAX_VALUE),
                longIn("max-packetcache-entries", 0, Long.MAX_VALUE),
                longIn("packetcache-ttl", 0, Integer.MAX_VALUE),
                longIn("packetcache-negative-ttl", 0, Integer.MAX_VALUE),
                longIn("packetcache-servfail-ttl", 0, Integer.MAX_VALUE),
                (int) longIn("threads", 0, 1024),
                (int) longIn("max-mthreads", 1, 1_000_000),
                Duration.ofMillis(longIn("network-timeout", 1, 60_000)),
                (int) longIn("edns-outgoing-bufsize", 512, 4096),
                (int) longIn("udp-truncation-threshold", 512, 65535),
                (int) longIn("max-cnames-followed", 1, 100),
                Duration.ofSeconds(longIn("client-tcp-timeout", 1, 3600)),
                (int) longIn("max-tcp-clients", 1, 1_000_000),
                bool("webserver"),
                value("webserver-address", s -> HostPort.parse(s, 8082)),
                new net.gate64.common.web.WebAccess(networks("webserver-allow-from"),
                        value("api-key", net.gate64.common.web.Secret::parse),
                        value("webserver-password", net.gate64.common.web.Secret::parse),
                        list("webserver-hostnames", s -> s)),
                new net.gate64.resolver.health.HealthChecks.Settings(
                        Duration.ofMillis(longIn("health-loop-stall-msec", 100, 600_000)),
                        (int) longIn("health-backlog-percent", 1, 100),
                        Duration.ofMillis(longIn("health-backlog-msec", 0, 3_600_000))),
                value("stats-nat64-url", u -> net.gate64.resolver.stats.GatewayStats.Source.of(u,
                        string("stats-nat64-password"))),
                value("loglevel", net.gate64.common.log.LogLevel::parse),
                value("log-format", net.gate64.common.log.LogFormat::parse),
                list("query-local-address", s -> HostPort.parse(s, 0)),
                bool("qname-minimization"),
                (int) longIn("max-qperq", 1, 10_000),
                (int) longIn("max-ns-address-qperq", 0, 1000),
                (int) longIn("max-recursion-depth", 1, 100),
                Duration.ofMillis(longIn("max-total-msec", 1, 600_000)),
                (int) longIn("max-referrals", 1, 100),
                net.gate64.resolver.script.ScriptSettings.from(this),
                net.gate64.resolver.dns64.Dns64Settings.from(this),
                net.gate64.resolver.dnssec.DnssecSettings.from(this),
                net.gate64.resolver.server.ClientLimits.from(this));
    }

    /** The merged config, for settings owned by other components; use the helpers below to read it. */
    public Config config() {
        return merged;
    }

    /** "file: line: " of a value, or "" when it came from nowhere in particular. */
    public static String where(ConfigValue v) {
        String d = v.origin().description();
        return d == null || d.isEmpty() ? "" : d + ": ";
    }

    public ConfigError invalid(String key, String why) {
        return new ConfigError(where(merged.getValue(key)) + "invalid value for '" + key + "': " + why);
    }

    public boolean bool(String key) {
        return typed(key, () -> merged.getBoolean(key));
    }

    public String string(String key) {
        return typed(key, () -> merged.getString(key));
    }

    public long longIn(String key, long min, long max) {
        long v = typed(key, () -> merged.getLong(key));
        if (v < min || v > max) {
            throw invalid(key, v + " is outside " + min + ".." + max);
        }
        return v;
    }

    public <T> T value(String key, Function<String, T> parser) {
        String s = string(key);
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /** A list of strings (a single string is accepted as a one-element list), each parsed. */
    public <T> List<T> list(String key, Function<String, T> parser) {
        List<String> texts = strings(merged, key);
        List<T> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(parser.apply(t));
            } catch (IllegalArgumentException e) {
                throw invalid(key, e.getMessage());
            }
        }
        return out;
    }

    public NetworkSet networks(String key) {
        List<String> texts = strings(merged, key);
        try {
            return NetworkSet.of(texts);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private Path path(String key) {
        String s = string(key);
        return s.isBlank() ? null : Path.of(s);
    }

    private static List<String> strings(Config c, String key) {
        return typed(key, () -> c.getValue(key).valueType() == ConfigValueType.STRING
                ? List.of(c.getString(key)) : c.getStringList(key));
    }

    private Map<Name, ForwardZone> forwardZones() {
        Map<Name, ForwardZone> zones = new HashMap<>();
        addZones("forward-zones", false, zones);
        addZones("forward-zones-recurse", true, zones);
        return zones;
    }

    private void addZones(String key, boolean recurse, Map<Name, ForwardZone> into) {
        ConfigObject obj = typed(key, () -> merged.getObject(key));
        for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
            Name zone;
            try {
                zone = Name.fromString(e.getKey(), Name.root);
            } catch (TextParseException ex) {
                throw new ConfigError(where(e.getValue()) + "invalid zone '" + e.getKey() + "' in '" + key + "': " + ex.getMessage());
            }
            Config one = obj.toConfig();
            List<String> texts = strings(one, quoteKey(e.getKey()));
            List<InetSocketAddress> servers = new ArrayList<>();
            for (String t : texts) {
                try {
                    servers.add(HostPort.parse(t, 53));
                } catch (IllegalArgumentException ex) {
                    throw new ConfigError(where(e.getValue()) + "invalid server in '" + key + "' for '" + e.getKey() + "': " + ex.getMessage());
                }
            }
            if (servers.isEmpty()) {
                throw new ConfigError(where(e.getValue()) + "'" + key + "' lists no servers for '" + e.getKey() + "'");
            }
            if (into.put(zone, new ForwardZone(zone, servers, recurse)) != null) {
                throw new ConfigError(where(e.getValue()) + "zone '" + e.getKey() + "' appears in both forward-zones and forward-zones-recurse");
            }
        }
    }

    private static <T> T typed(String key, java.util.function.Supplier<T> getter) {
        try {
            return getter.get();
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    private static String suggest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 4;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
