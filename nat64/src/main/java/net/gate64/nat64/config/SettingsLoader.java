package net.gate64.nat64.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.nat64.packet.Bytes;
import net.gate64.nat64.siit.EamTable;
import net.gate64.nat64.state.Bib;
import net.gate64.nat64.state.Limits;
import net.gate64.nat64.state.NatEventSink;
import net.gate64.nat64.state.Pool4;
import net.gate64.nat64.state.PortPlan;
import net.gate64.nat64.state.StaticBinding;
import net.gate64.nat64.state.Timeouts;
import net.gate64.nat64.translate.TranslatorConfig;

/**
 * Reads the gateway's HOCON settings: built-in defaults ({@code gate64-nat64.conf}), the operator's file, then
 * {@code -Dkey=value} overrides. Every key is checked against the defaults and every value turned into a typed
 * {@link Nat64Settings} here; mistakes become a {@link ConfigError} naming the key and its file position. (The same
 * approach as the resolver's loader; the gateway does not depend on the resolver module.)
 */
public final class SettingsLoader {
    private static final String DEFAULTS = "gate64-nat64.conf";
    private final Config merged;

    private SettingsLoader(Config merged) {
        this.merged = merged;
    }

    public static Nat64Settings load(Path file, List<String> overrides) {
        Config defaults = parse(() -> ConfigFactory.parseResources(SettingsLoader.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false)));
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
            String text = "\"" + key.replace("\"", "") + "\" = " + o.substring(eq + 1);
            Config one = parse(() -> ConfigFactory.parseString(text,
                    ConfigParseOptions.defaults().setOriginDescription("command line -D" + key)));
            user = one.withFallback(user);
        }
        for (Map.Entry<String, ConfigValue> e : user.root().entrySet()) {
            if (!defaults.root().containsKey(e.getKey())) {
                throw new ConfigError(where(e.getValue()) + "unknown setting '" + e.getKey() + "'");
            }
        }
        Config layered = user;
        return new SettingsLoader(parse(() -> layered.withFallback(defaults).resolve())).settings();
    }

    private Nat64Settings settings() {
        String tun = value("tun-name", s -> {
            if (s.isEmpty() || s.length() > 15 || !s.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("must be 1-15 characters of letters, digits, '_', '.', '-'");
            }
            return s;
        });
        Nat64Settings.Mode mode = value("mode", s -> switch (s) {
            case "stateful" -> Nat64Settings.Mode.STATEFUL;
            case "siit" -> Nat64Settings.Mode.SIIT;
            default -> throw new IllegalArgumentException("must be \"stateful\" or \"siit\"");
        });
        List<Nat64Prefix> pool6 = list("pool6", Nat64Prefix::parse);
        IpNetwork pool4 = value("pool4", s -> {
            if (s.isBlank()) {
                return null;
            }
            IpNetwork n = IpNetwork.parse(s);
            if (!n.isIpv4() || n.bits() < 16) {
                throw new IllegalArgumentException("must be an IPv4 prefix of /16 or longer");
            }
            return n;
        });
        int[] ports = value("pool4-ports", SettingsLoader::portRange);
        List<EamTable.Entry> eam = eam();
        if (mode == Nat64Settings.Mode.STATEFUL) {
            if (pool4 == null) {
                throw invalid("pool4", "stateful mode needs an IPv4 pool, e.g. pool4 = \"192.0.2.0/24\"");
            }
            if (pool6.isEmpty()) {
                throw invalid("pool6", "stateful mode needs at least one prefix, e.g. pool6 = \"64:ff9b::/96\"");
            }
        } else if (pool6.isEmpty() && eam.isEmpty()) {
            throw invalid("pool6", "siit mode needs pool6 or eam entries");
        }
        int ipv4 = value("ipv4-address", s -> {
            if (s.isBlank()) {
                if (pool4 == null) {
                    throw new IllegalArgumentException("must be set in siit mode (the source of the gateway's ICMPv4 errors)");
                }
                return Bytes.i32(pool4.network(), 0) + (pool4.bits() < 31 ? 1 : 0);
            }
            byte[] b = IpNetwork.parseAddress(s, s);
            if (b.length != 4) {
                throw new IllegalArgumentException("must be an IPv4 address");
            }
            return Bytes.i32(b, 0);
        });
        byte[] ipv6 = value("ipv6-address", s -> {
            if (s.isBlank()) {
                if (pool6.isEmpty()) {
                    throw new IllegalArgumentException("must be set when pool6 is empty");
                }
                byte[] b = new byte[16];
                pool6.getFirst().embed(ipv4, b, 0);
                return b;
            }
            byte[] b = IpNetwork.parseAddress(s, s);
            if (b.length != 16) {
                throw new IllegalArgumentException("must be an IPv6 address");
            }
            return b;
        });
        int mtu = (int) longIn("mtu", 1280, 65535);
        int threads = (int) longIn("threads", 0, 256);
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        Limits limits = new Limits((int) longIn("max-sessions", 0, Integer.MAX_VALUE),
                (int) longIn("max-sessions-per-client", 0, Integer.MAX_VALUE));
        Duration synHold = duration("tcp-incoming-syn-timeout");
        if (synHold.compareTo(Duration.ofSeconds(6)) < 0) {
            throw invalid("tcp-incoming-syn-timeout", "RFC 6146 section 3.5.2.2 holds an unsolicited SYN at least 6 s");
        }
        Timeouts timeouts = new Timeouts(duration("tcp-established-timeout"), duration("tcp-transitory-timeout"),
                duration("udp-timeout"), duration("icmp-timeout"), synHold);
        double icmpRate = longIn("icmp-errors-per-second", 0, 1_000_000);
        InetSocketAddress http = value("http-address", SettingsLoader::hostPort);
        net.gate64.common.web.WebAccess httpAccess = new net.gate64.common.web.WebAccess(
                networks("http-allow-from"),
                value("api-key", net.gate64.common.web.Secret::parse),
                value("http-password", net.gate64.common.web.Secret::parse),
                list("http-hostnames", x -> x));
        boolean decrement = bool("decrement-hop-limit");
        TranslatorConfig translator = translator(mtu, decrement, ipv4, ipv6);
        IpNetwork rfc6791v4 = optionalNetwork("rfc6791v4-prefix", true);
        IpNetwork rfc6791v6 = optionalNetwork("rfc6791v6-prefix", false);
        PortPlan plan = portPlan(pool4, ports);
        Nat64Settings.Stateful stateful = new Nat64Settings.Stateful(plan, bool("address-dependent-filtering"),
                (int) longIn("max-held-syns", 0, 65536), staticBib(mode, pool4, plan, ports));
        return new Nat64Settings(tun, mode, pool6, pool4, ports[0], ports[1], eam, ipv4, ipv6, mtu, threads,
                decrement, bool("allow-non-global"), limits, timeouts, icmpRate,
                bool("configure-interface"), bool("offload"), http, httpAccess, sessionLog(mode), translator,
                rfc6791v4, rfc6791v6, stateful);
    }

    /** How ports are handed out: per client prefix, preserved, one by one, in dynamic blocks or deterministic. */
    private PortPlan portPlan(IpNetwork pool4, int[] ports) {
        int clientLength = (int) longIn("client-prefix-length", 1, 128);
        int blockSize = (int) longIn("port-block-size", 0, 65535);
        if (blockSize != 0 && blockSize < PortPlan.MINIMUM_BLOCK) {
            throw invalid("port-block-size", "must be 0 (no blocks) or at least " + PortPlan.MINIMUM_BLOCK);
        }
        int perClient = (int) longIn("port-blocks-per-client", 1, 65535);
        IpNetwork deterministic = optionalNetwork("deterministic-prefix", false);
        if (deterministic != null && blockSize == 0) {
            throw invalid("deterministic-prefix", "deterministic ranges are made of port blocks: set port-block-size");
        }
        if (deterministic != null && deterministic.bits() > clientLength) {
            throw invalid("deterministic-prefix", "is longer than client-prefix-length /" + clientLength);
        }
        if (deterministic != null && clientLength - deterministic.bits() > 28) {
            throw invalid("deterministic-prefix", "holds more than 2^28 clients of /" + clientLength);
        }
        PortPlan plan = new PortPlan(clientLength, bool("port-preservation"), blockSize, blockSize == 0 ? 0 : perClient,
                deterministic);
        if (pool4 != null && plan.blocks()) {
            try { // the geometry and the deterministic capacity are checked against the pool here, not at start
                new Bib(new Pool4(pool4, ports[0], ports[1]), NatEventSink.NONE, plan);
            } catch (IllegalArgumentException e) {
                throw invalid(deterministic != null ? "deterministic-prefix" : "port-blocks-per-client", e.getMessage());
            }
        }
        return plan;
    }

    /** {@code bib = [ { protocol = "tcp", ipv6 = "[2001:db8::5]:80", ipv4 = "192.0.2.1:8080" } ]} */
    private List<StaticBinding> staticBib(Nat64Settings.Mode mode, IpNetwork pool4, PortPlan plan, int[] ports) {
        List<StaticBinding> out = new ArrayList<>();
        List<? extends Config> entries = typed("bib", () -> merged.getConfigList("bib"));
        if (!entries.isEmpty() && mode != Nat64Settings.Mode.STATEFUL) {
            throw invalid("bib", "static bindings exist in stateful mode only");
        }
        Bib check = entries.isEmpty() ? null : new Bib(new Pool4(pool4, ports[0], ports[1]), NatEventSink.NONE, plan);
        for (Config e : entries) {
            String where = where(e.root());
            for (String key : e.root().keySet()) {
                if (!key.equals("protocol") && !key.equals("ipv6") && !key.equals("ipv4")) {
                    throw new ConfigError(where + "bib: unknown key '" + key + "' (expected protocol, ipv6, ipv4)");
                }
            }
            try {
                int proto = switch (e.getString("protocol").trim()) {
                    case "tcp" -> 6;
                    case "udp" -> 17;
                    case "icmp" -> 1;
                    default -> throw new IllegalArgumentException("protocol must be \"tcp\", \"udp\" or \"icmp\"");
                };
                String v6 = e.getString("ipv6").trim();
                String v4 = e.getString("ipv4").trim();
                java.util.regex.Matcher m6 = java.util.regex.Pattern.compile("\\[(.+)]:(\\d{1,5})").matcher(v6);
                java.util.regex.Matcher m4 = java.util.regex.Pattern.compile("([0-9.]+):(\\d{1,5})").matcher(v4);
                if (!m6.matches()) {
                    throw new IllegalArgumentException("ipv6 must be \"[address]:port\", got \"" + v6 + "\"");
                }
                if (!m4.matches()) {
                    throw new IllegalArgumentException("ipv4 must be \"address:port\", got \"" + v4 + "\"");
                }
                byte[] a6 = IpNetwork.parseAddress(m6.group(1), v6);
                byte[] a4 = IpNetwork.parseAddress(m4.group(1), v4);
                if (a6.length != 16 || a4.length != 4) {
                    throw new IllegalArgumentException("ipv6 needs an IPv6 address, ipv4 an IPv4 one");
                }
                StaticBinding b = new StaticBinding(proto, a6, Integer.parseInt(m6.group(2)), Bytes.i32(a4, 0),
                        Integer.parseInt(m4.group(2)));
                b.addTo(check); // the same checks as at start: inside pool4, ports, no two on one address
                out.add(b);
            } catch (ConfigException | IllegalArgumentException ex) {
                throw new ConfigError(where + "invalid value for 'bib': " + ex.getMessage());
            }
        }
        return out;
    }

    /** RFC 7915 §4.1/§5.1 knobs: the two next-hop MTUs (0 = the TUN mtu), lowest-ipv6-mtu, TOS, zero checksums. */
    private TranslatorConfig translator(int mtu, boolean decrement, int ipv4, byte[] ipv6) {
        int ipv4Mtu = (int) longIn("ipv4-mtu", 0, 65535);
        ipv4Mtu = ipv4Mtu == 0 ? mtu : ipv4Mtu;
        if (ipv4Mtu < TranslatorConfig.IPV4_MINIMUM_MTU) {
            throw invalid("ipv4-mtu", "must be 0 (the mtu) or 68..65535");
        }
        int ipv6Mtu = (int) longIn("ipv6-mtu", 0, 65535);
        ipv6Mtu = ipv6Mtu == 0 ? mtu : ipv6Mtu;
        if (ipv6Mtu < TranslatorConfig.IPV6_MINIMUM_MTU) {
            throw invalid("ipv6-mtu", "must be 0 (the mtu) or 1280..65535");
        }
        int lowest = (int) longIn("lowest-ipv6-mtu", TranslatorConfig.IPV6_MINIMUM_MTU, 65535);
        if (lowest > ipv6Mtu) {
            throw invalid("lowest-ipv6-mtu", lowest + " is larger than the IPv6 MTU " + ipv6Mtu);
        }
        return new TranslatorConfig(ipv4Mtu, ipv6Mtu, lowest, decrement, ipv4, ipv6, bool("zeroize-traffic-class"),
                (int) longIn("override-tos", -1, 255), bool("amend-udp-checksum-zero"));
    }

    private IpNetwork optionalNetwork(String key, boolean ipv4) {
        return value(key, s -> {
            if (s.isBlank()) {
                return null;
            }
            IpNetwork n = IpNetwork.parse(s);
            if (n.isIpv4() != ipv4) {
                throw new IllegalArgumentException("must be an " + (ipv4 ? "IPv4" : "IPv6") + " prefix");
            }
            return n;
        });
    }

    private SessionLogSettings sessionLog(Nat64Settings.Mode mode) {
        String json = typed("session-log", () -> merged.getString("session-log")).trim();
        InetSocketAddress ipfix = value("ipfix-collector", SettingsLoader::hostPort);
        if (ipfix != null && ipfix.getPort() == 0) {
            throw invalid("ipfix-collector", "needs a port, e.g. \"192.0.2.9:4739\"");
        }
        Duration refresh = duration("ipfix-template-refresh");
        long domain = longIn("ipfix-observation-domain", 0, 0xffffffffL);
        int queue = (int) longIn("session-log-queue", 1, 1 << 24);
        boolean stdout = json.equals("-");
        SessionLogSettings s = new SessionLogSettings(json.isEmpty() || stdout ? null : Path.of(json), stdout, ipfix,
                refresh, domain, queue);
        if (s.enabled() && mode == Nat64Settings.Mode.SIIT) {
            throw invalid(json.isEmpty() ? "ipfix-collector" : "session-log", "siit mode keeps no sessions to log");
        }
        return s;
    }

    private static int[] portRange(String s) {
        String[] parts = s.split("-");
        try {
            int lo = Integer.parseInt(parts[0].trim());
            int hi = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : lo;
            if (parts.length > 2 || lo < 1 || hi > 65535 || lo > hi) {
                throw new IllegalArgumentException("must be a range like \"1024-65535\" within 1-65535");
            }
            return new int[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a range like \"1024-65535\"");
        }
    }

    private static InetSocketAddress hostPort(String s) {
        if (s.isBlank()) {
            return null;
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("must be address:port, e.g. 127.0.0.1:8064 or [::1]:8064");
        }
        String host = s.substring(0, colon);
        byte[] addr = IpNetwork.parseAddress(host, s);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has an unreadable port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private List<EamTable.Entry> eam() {
        List<EamTable.Entry> out = new ArrayList<>();
        List<? extends Config> entries = typed("eam", () -> merged.getConfigList("eam"));
        for (Config e : entries) {
            String where = where(e.root());
            for (String key : e.root().keySet()) {
                if (!key.equals("ipv4") && !key.equals("ipv6")) {
                    throw new ConfigError(where + "eam: unknown key '" + key + "' (expected ipv4, ipv6)");
                }
            }
            try {
                out.add(new EamTable.Entry(IpNetwork.parse(e.getString("ipv4")), IpNetwork.parse(e.getString("ipv6"))));
            } catch (ConfigException | IllegalArgumentException ex) {
                throw new ConfigError(where + "invalid value for 'eam': " + ex.getMessage());
            }
        }
        return out;
    }

    private static Config parse(Supplier<Config> parser) {
        try {
            return parser.get();
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }

    static String where(ConfigValue v) {
        String d = v.origin().description();
        return d == null || d.isEmpty() ? "" : d + ": ";
    }

    private ConfigError invalid(String key, String why) {
        return new ConfigError(where(merged.getValue(key)) + "invalid value for '" + key + "': " + why);
    }

    private boolean bool(String key) {
        return typed(key, () -> merged.getBoolean(key));
    }

    private long longIn(String key, long min, long max) {
        long v = typed(key, () -> merged.getLong(key));
        if (v < min || v > max) {
            throw invalid(key, v + " is outside " + min + ".." + max);
        }
        return v;
    }

    private Duration duration(String key) {
        Duration d = typed(key, () -> merged.getDuration(key));
        if (d.isNegative() || d.isZero()) {
            throw invalid(key, "must be positive");
        }
        return d;
    }

    private <T> T value(String key, Function<String, T> parser) {
        String s = typed(key, () -> merged.getString(key)).trim();
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private net.gate64.common.NetworkSet networks(String key) {
        List<String> texts = list(key, x -> x);
        try {
            return net.gate64.common.NetworkSet.of(texts);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private <T> List<T> list(String key, Function<String, T> parser) {
        List<String> texts = typed(key, () -> merged.getValue(key).valueType() == ConfigValueType.STRING
                ? (merged.getString(key).isBlank() ? List.<String>of() : List.of(merged.getString(key)))
                : merged.getStringList(key));
        List<T> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(parser.apply(t.trim()));
            } catch (IllegalArgumentException e) {
                throw invalid(key, e.getMessage());
            }
        }
        return out;
    }

    private static <T> T typed(String key, Supplier<T> getter) {
        try {
            return getter.get();
        } catch (ConfigException e) {
            throw new ConfigError(e.getMessage());
        }
    }
}
