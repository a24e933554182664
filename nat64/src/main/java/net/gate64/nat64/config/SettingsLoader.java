package net.gate64.nat64.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.gate64.common.IpNetwork;
import net.gate64.common.Nat64Prefix;
import net.gate64.common.NetworkSet;
import net.gate64.common.web.Secret;
import net.gate64.common.web.WebAccess;
import net.gate64.config.ConfigError;
import net.gate64.config.ConfigLoader;
import net.gate64.config.ConfigReader;
import net.gate64.config.ConfigSchema;
import net.gate64.nat64.packet.Bytes;
import net.gate64.common.EamTable;
import net.gate64.nat64.state.Bib;
import net.gate64.nat64.state.Limits;
import net.gate64.nat64.state.NatEventSink;
import net.gate64.nat64.state.Pool4;
import net.gate64.nat64.state.PortPlan;
import net.gate64.nat64.state.StaticBinding;
import net.gate64.nat64.state.Timeouts;
import net.gate64.nat64.translate.TranslatorConfig;

/**
 * The gateway's settings: loaded by the shared kernel ({@link ConfigLoader}: built-in defaults
 * {@code gate64-nat64.conf} ← the operator's file ← {@code -Dkey=value}) and turned here into a typed
 * {@link Nat64Settings}; mistakes are {@link ConfigError}s naming the key and its position.
 */
public final class SettingsLoader {
    /** Every gateway setting, with its default; documented in conf/nat64.conf. */
    public static final ConfigSchema SCHEMA =
            new ConfigSchema(SettingsLoader.class.getClassLoader(), "gate64-nat64.conf", "conf/nat64.conf", "nat64");
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    private final ConfigReader c;

    private SettingsLoader(ConfigReader c) {
        this.c = c;
    }

    public static Nat64Settings load(Path file, List<String> overrides) {
        return read(ConfigLoader.load(SCHEMA, file, overrides));
    }

    public static Nat64Settings read(ConfigReader c) {
        return new SettingsLoader(c).settings();
    }

    private Nat64Settings settings() {
        String tun = c.value("tun-name", s -> {
            if (s.isEmpty() || s.length() > 15 || !s.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("must be 1-15 characters of letters, digits, '_', '.', '-'");
            }
            return s;
        });
        Nat64Settings.Mode mode = c.value("mode", s -> switch (s) {
            case "stateful" -> Nat64Settings.Mode.STATEFUL;
            case "siit" -> Nat64Settings.Mode.SIIT;
            default -> throw new IllegalArgumentException("must be \"stateful\" or \"siit\"");
        });
        List<Nat64Prefix> pool6 = c.list("pool6", Nat64Prefix::parse);
        IpNetwork pool4 = c.value("pool4", s -> {
            if (s.isBlank()) {
                return null;
            }
            IpNetwork n = IpNetwork.parse(s);
            if (!n.isIpv4() || n.bits() < 16) {
                throw new IllegalArgumentException("must be an IPv4 prefix of /16 or longer");
            }
            return n;
        });
        int[] ports = c.value("pool4-ports", SettingsLoader::portRange);
        List<EamTable.Entry> eam = eam();
        if (mode == Nat64Settings.Mode.STATEFUL) {
            if (pool4 == null) {
                throw c.invalid("pool4", "stateful mode needs an IPv4 pool, e.g. pool4 = \"192.0.2.0/24\"");
            }
            if (pool6.isEmpty()) {
                throw c.invalid("pool6", "stateful mode needs at least one prefix, e.g. pool6 = \"64:ff9b::/96\"");
            }
        } else if (pool6.isEmpty() && eam.isEmpty()) {
            throw c.invalid("pool6", "siit mode needs pool6 or eam entries");
        }
        int ipv4 = c.value("ipv4-address", s -> {
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
        byte[] ipv6 = c.value("ipv6-address", s -> {
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
        int mtu = (int) c.number("mtu", 1280, 65535, "bytes");
        int threads = (int) c.number("threads", 0, 256);
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        Limits limits = new Limits((int) c.number("max-sessions", 0, Integer.MAX_VALUE),
                (int) c.number("max-sessions-per-client", 0, Integer.MAX_VALUE));
        Timeouts timeouts = new Timeouts(duration("tcp-established-timeout"), duration("tcp-transitory-timeout"),
                duration("udp-timeout"), duration("icmp-timeout"),
                // RFC 6146 §3.5.2.2: an unsolicited SYN is held at least 6 s
                c.duration("tcp-incoming-syn-timeout", Duration.ofSeconds(6), MAX_TIMEOUT));
        double icmpRate = c.number("icmp-errors-per-second", 0, 1_000_000);
        InetSocketAddress http = c.value("http-address", SettingsLoader::hostPort);
        WebAccess httpAccess = new WebAccess(c.all("http-allow-from", NetworkSet::of),
                c.value("api-key", Secret::parse),
                c.value("http-password", Secret::parse),
                c.list("http-hostnames", x -> x));
        boolean decrement = c.bool("decrement-hop-limit");
        TranslatorConfig translator = translator(mtu, decrement, ipv4, ipv6);
        IpNetwork rfc6791v4 = optionalNetwork("rfc6791v4-prefix", true);
        IpNetwork rfc6791v6 = optionalNetwork("rfc6791v6-prefix", false);
        PortPlan plan = portPlan(pool4, ports);
        Nat64Settings.Stateful stateful = new Nat64Settings.Stateful(plan, c.bool("address-dependent-filtering"),
                (int) c.number("max-held-syns", 0, 65536), staticBib(mode, pool4, plan, ports));
        return new Nat64Settings(tun, mode, pool6, pool4, ports[0], ports[1], eam, ipv4, ipv6, mtu, threads,
                decrement, c.bool("allow-non-global"), limits, timeouts, icmpRate,
                c.bool("configure-interface"), c.bool("offload"), c.bool("io-uring"), http, httpAccess, sessionLog(mode), translator,
                rfc6791v4, rfc6791v6, ra(pool6), stateful);
    }

    /** How ports are handed out: per client prefix, preserved, one by one, in dynamic blocks or deterministic. */
    private PortPlan portPlan(IpNetwork pool4, int[] ports) {
        int clientLength = (int) c.number("client-prefix-length", 1, 128, "bits");
        int blockSize = (int) c.number("port-block-size", 0, 65535, "ports");
        if (blockSize != 0 && blockSize < PortPlan.MINIMUM_BLOCK) {
            throw c.invalid("port-block-size", "must be 0 (no blocks) or at least " + PortPlan.MINIMUM_BLOCK);
        }
        int perClient = (int) c.number("port-blocks-per-client", 1, 65535, "blocks");
        IpNetwork deterministic = optionalNetwork("deterministic-prefix", false);
        if (deterministic != null && blockSize == 0) {
            throw c.invalid("deterministic-prefix", "deterministic ranges are made of port blocks: set port-block-size");
        }
        if (deterministic != null && deterministic.bits() > clientLength) {
            throw c.invalid("deterministic-prefix", "is longer than client-prefix-length /" + clientLength);
        }
        if (deterministic != null && clientLength - deterministic.bits() > 28) {
            throw c.invalid("deterministic-prefix", "holds more than 2^28 clients of /" + clientLength);
        }
        PortPlan plan = new PortPlan(clientLength, c.bool("port-preservation"), blockSize, blockSize == 0 ? 0 : perClient,
                deterministic);
        if (pool4 != null && plan.blocks()) {
            try { // the geometry and the deterministic capacity are checked against the pool here, not at start
                new Bib(new Pool4(pool4, ports[0], ports[1]), NatEventSink.NONE, plan);
            } catch (IllegalArgumentException e) {
                throw c.invalid(deterministic != null ? "deterministic-prefix" : "port-blocks-per-client", e.getMessage());
            }
        }
        return plan;
    }

    /** {@code bib = [ { protocol = "tcp", ipv6 = "[2001:db8::5]:80", ipv4 = "192.0.2.1:8080" } ]} */
    private List<StaticBinding> staticBib(Nat64Settings.Mode mode, IpNetwork pool4, PortPlan plan, int[] ports) {
        List<StaticBinding> out = new ArrayList<>();
        List<ConfigReader> entries = c.objects("bib", Set.of("protocol", "ipv6", "ipv4"));
        if (!entries.isEmpty() && mode != Nat64Settings.Mode.STATEFUL) {
            throw c.invalid("bib", "static bindings exist in stateful mode only");
        }
        Bib check = entries.isEmpty() ? null : new Bib(new Pool4(pool4, ports[0], ports[1]), NatEventSink.NONE, plan);
        for (ConfigReader e : entries) {
            int proto = e.value("protocol", v -> switch (v) {
                case "tcp" -> 6;
                case "udp" -> 17;
                case "icmp" -> 1;
                default -> throw new IllegalArgumentException("must be \"tcp\", \"udp\" or \"icmp\"");
            });
            byte[][] six = new byte[1][];
            int port6 = e.value("ipv6", v -> transport(v, true, six));
            byte[][] four = new byte[1][];
            int port4 = e.value("ipv4", v -> transport(v, false, four));
            StaticBinding b = new StaticBinding(proto, six[0], port6, Bytes.i32(four[0], 0), port4);
            try {
                b.addTo(check); // the same checks as at start: inside pool4, no two on one transport address
            } catch (IllegalArgumentException ex) {
                throw e.invalid("ipv4", ex.getMessage());
            }
            out.add(b);
        }
        return out;
    }

    /**
     * One static binding as the {@code bib} setting and {@code control bib-add} write it: protocol {@code tcp},
     * {@code udp} or {@code icmp}, {@code "[2001:db8::5]:80"}, {@code "192.0.2.1:80"}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static StaticBinding staticBinding(String protocol, String ipv6, String ipv4) {
        int proto = protocol(protocol);
        byte[][] six = new byte[1][];
        int port6 = transport(ipv6, true, six);
        byte[][] four = new byte[1][];
        int port4 = transport(ipv4, false, four);
        return new StaticBinding(proto, six[0], port6, Bytes.i32(four[0], 0), port4);
    }

    /** "tcp", "udp", "icmp" as 6, 17, 1. */
    public static int protocol(String name) {
        return switch (name) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            default -> throw new IllegalArgumentException("protocol must be \"tcp\", \"udp\" or \"icmp\", not \"" + name + "\"");
        };
    }

    /** "[2001:db8::5]:80": the port, the address into {@code address[0]}. */
    public static int ipv6Transport(String text, byte[][] address) {
        return transport(text, true, address);
    }

    /** "[2001:db8::5]:80" (ipv6) or "192.0.2.1:80": the port, the address into {@code address[0]}. */
    private static int transport(String text, boolean ipv6, byte[][] address) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(ipv6 ? "\\[(.+)]:(\\d{1,5})" : "([0-9.]+):(\\d{1,5})")
                .matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(ipv6 ? "must be \"[IPv6 address]:port\"" : "must be \"IPv4 address:port\"");
        }
        byte[] a = IpNetwork.parseAddress(m.group(1), text);
        if (a.length != (ipv6 ? 16 : 4)) {
            throw new IllegalArgumentException("needs an " + (ipv6 ? "IPv6" : "IPv4") + " address");
        }
        int port = Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        address[0] = a;
        return port;
    }

    private RaSettings ra(List<Nat64Prefix> pool6) {
        List<String> interfaces = c.list("ra-interfaces", n -> {
            if (n.isEmpty() || n.length() > 15 || n.contains("/") || n.contains(" ")) {
                throw new IllegalArgumentException("'" + n + "' is not an interface name");
            }
            return n;
        });
        // RFC 4861 MaxRtrAdvInterval
        Duration interval = c.duration("ra-interval", Duration.ofSeconds(4), Duration.ofSeconds(1800));
        Duration lifetime = c.duration("ra-router-lifetime", Duration.ZERO, Duration.ofSeconds(9000));
        if (!lifetime.isZero() && lifetime.compareTo(interval) < 0) {
            throw c.invalid("ra-router-lifetime", "must be 0 (not a default router) or from ra-interval to 9000s (RFC 4861)");
        }
        List<Nat64Prefix> pref64 = c.list("ra-pref64", Nat64Prefix::parse);
        if (pref64.isEmpty()) {
            pref64 = pool6;
        }
        List<byte[]> rdnss = c.list("ra-rdnss", a -> {
            byte[] b = IpNetwork.parseAddress(a, a);
            if (b.length != 16 || (b[0] & 0xff) == 0xff || java.util.Arrays.equals(b, new byte[16])) {
                throw new IllegalArgumentException("'" + a + "' is not a unicast IPv6 address");
            }
            return b;
        });
        if (!interfaces.isEmpty() && pref64.isEmpty()) {
            throw c.invalid("ra-pref64", "nothing to advertise: pool6 is empty, name the prefixes here");
        }
        return new RaSettings(interfaces, interval, lifetime, pref64, rdnss);
    }

    /** RFC 7915 §4.1/§5.1 knobs: the two next-hop MTUs (0 = the TUN mtu), lowest-ipv6-mtu, TOS, zero checksums. */
    private TranslatorConfig translator(int mtu, boolean decrement, int ipv4, byte[] ipv6) {
        int ipv4Mtu = (int) c.number("ipv4-mtu", 0, 65535, "bytes");
        ipv4Mtu = ipv4Mtu == 0 ? mtu : ipv4Mtu;
        if (ipv4Mtu < TranslatorConfig.IPV4_MINIMUM_MTU) {
            throw c.invalid("ipv4-mtu", "must be 0 (the mtu) or 68..65535");
        }
        int ipv6Mtu = (int) c.number("ipv6-mtu", 0, 65535, "bytes");
        ipv6Mtu = ipv6Mtu == 0 ? mtu : ipv6Mtu;
        if (ipv6Mtu < TranslatorConfig.IPV6_MINIMUM_MTU) {
            throw c.invalid("ipv6-mtu", "must be 0 (the mtu) or 1280..65535");
        }
        int lowest = (int) c.number("lowest-ipv6-mtu", TranslatorConfig.IPV6_MINIMUM_MTU, 65535, "bytes");
        if (lowest > ipv6Mtu) {
            throw c.invalid("lowest-ipv6-mtu", lowest + " is larger than the IPv6 MTU " + ipv6Mtu);
        }
        return new TranslatorConfig(ipv4Mtu, ipv6Mtu, lowest, decrement, ipv4, ipv6, c.bool("zeroize-traffic-class"),
                (int) c.number("override-tos", -1, 255), c.bool("amend-udp-checksum-zero"));
    }

    private IpNetwork optionalNetwork(String key, boolean ipv4) {
        return c.value(key, s -> {
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
        String json = c.string("session-log").trim();
        InetSocketAddress ipfix = c.value("ipfix-collector", SettingsLoader::hostPort);
        if (ipfix != null && ipfix.getPort() == 0) {
            throw c.invalid("ipfix-collector", "needs a port, e.g. \"192.0.2.9:4739\"");
        }
        Duration refresh = duration("ipfix-template-refresh");
        long domain = c.number("ipfix-observation-domain", 0, 0xffffffffL);
        int queue = (int) c.number("session-log-queue", 1, 1 << 24, "events");
        boolean stdout = json.equals("-");
        SessionLogSettings s = new SessionLogSettings(json.isEmpty() || stdout ? null : Path.of(json), stdout, ipfix,
                refresh, domain, queue);
        if (s.enabled() && mode == Nat64Settings.Mode.SIIT) {
            throw c.invalid(json.isEmpty() ? "ipfix-collector" : "session-log", "siit mode keeps no sessions to log");
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

    /**
     * Only {@code http-address} (null when empty), for {@code gate64 nat64 control}: a file with a bad value elsewhere
     * still names the endpoint, so that the running gateway can refuse the file itself, saying its settings stay.
     */
    public static InetSocketAddress httpAddress(ConfigReader c) {
        return c.value("http-address", SettingsLoader::hostPort);
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
        for (ConfigReader e : c.objects("eam", Set.of("ipv4", "ipv6"))) {
            IpNetwork v4 = e.value("ipv4", IpNetwork::parse);
            IpNetwork v6 = e.value("ipv6", IpNetwork::parse);
            try {
                out.add(new EamTable.Entry(v4, v6));
            } catch (IllegalArgumentException ex) {
                throw e.invalid("ipv6", ex.getMessage());
            }
        }
        return out;
    }

    private Duration duration(String key) {
        return c.duration(key, MIN_TIMEOUT, MAX_TIMEOUT);
    }
}
