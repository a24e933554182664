package net.gate64.nat64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.gate64.common.IpNetwork;
import net.gate64.config.ConfigError;
import net.gate64.nat64.config.SettingsLoader;
import net.gate64.nat64.http.GatewayControl;
import net.gate64.nat64.state.BibEntry;
import net.gate64.nat64.state.Session;
import net.gate64.nat64.state.StaticBinding;

/**
 * What the HTTP endpoint may do with the running gateway ({@link GatewayControl}): the metrics and probes, the
 * tables listed and filtered, static bindings added and removed, a flush, a reload, each turning the operator's words
 * into a change and a line back, or a {@link GatewayControl.Refused} naming the problem.
 */
final class Nat64Control implements GatewayControl {
    private final Nat64Service service;

    Nat64Control(Nat64Service service) {
        this.service = service;
    }

    @Override
    public String metricsText() {
        return GatewayMetrics.render(service);
    }

    @Override
    public Probe health() {
        GatewayHealth.Report r = service.health();
        return new Probe(r.ok(), r.text("ok", "unhealthy"));
    }

    @Override
    public Probe readiness() {
        GatewayHealth.Report r = service.readiness();
        return new Probe(r.ok(), r.text("ready", "not ready"));
    }

    @Override
    public String sessions(String filter, int limit) throws Refused {
        if (service.sessions() == null) {
            return "# siit mode keeps no sessions\n";
        }
        Filter f = Filter.parse(filter);
        long now = service.nanoTime();
        FirstN<Session> page = new FirstN<>(Comparator.comparingLong(Session::expiresAtNanos), limit);
        service.sessions().forEachLive(s -> {
            if (f.test(s)) {
                page.accept(s);
            }
        });
        return listing("# proto [ipv6]:port <-> pool4:port <-> remote:port state expires-in-s", page,
                s -> s + (s.tcpState() == null ? " -" : "") + ' '
                        + Math.max(0, (s.expiresAtNanos() - now) / 1_000_000_000L));
    }

    @Override
    public String bindings(String filter, int limit) throws Refused {
        if (service.bib() == null) {
            return "# siit mode keeps no bindings\n";
        }
        Filter f = Filter.parse(filter);
        FirstN<BibEntry> page = new FirstN<>(Comparator.comparing(BibEntry::toString), limit);
        service.bib().forEachEntry(e -> {
            if (f.test(e)) {
                page.accept(e);
            }
        });
        return listing("# proto [ipv6]:port <-> pool4:port kind", page,
                e -> e + (e.isStatic() ? " static" : " dynamic"));
    }

    /** A table page as text: the heading, a line per entry, and how many more matched when the page is full. */
    private static <T> String listing(String heading, FirstN<T> page, java.util.function.Function<T, String> line) {
        StringBuilder sb = new StringBuilder(heading).append('\n');
        for (T t : page.first()) {
            sb.append(line.apply(t)).append('\n');
        }
        if (page.more() > 0) {
            sb.append("# ... ").append(page.more()).append(" more\n");
        }
        return sb.toString();
    }

    /**
     * The words of a {@code sessions} or {@code bib} filter, every one of which must match: a protocol ({@code tcp},
     * {@code udp}, {@code icmp}), {@code static} or {@code dynamic} (the binding), an IPv6 address or prefix (the
     * client), an IPv4 address or prefix (the pool4 side, or for a session also the remote).
     */
    private record Filter(List<Integer> protocols, Boolean statics, List<IpNetwork> networks) {
        static Filter parse(String text) throws Refused {
            List<Integer> protos = new ArrayList<>();
            Boolean statics = null;
            List<IpNetwork> nets = new ArrayList<>();
            if (text != null && !text.isBlank()) {
                for (String w : text.trim().split("\\s+")) {
                    switch (w) {
                        case "tcp", "udp", "icmp" -> protos.add(SettingsLoader.protocol(w));
                        case "static" -> statics = Boolean.TRUE;
                        case "dynamic" -> statics = Boolean.FALSE;
                        default -> nets.add(network(w));
                    }
                }
            }
            return new Filter(protos, statics, nets);
        }

        boolean test(BibEntry e) {
            return binding(e) && networks.stream().allMatch(n -> n.isIpv4() ? n.contains(v4(e.addr4())) : n.contains(e.addr6()));
        }

        boolean test(Session s) {
            BibEntry e = s.bib();
            return binding(e) && networks.stream().allMatch(n -> n.isIpv4()
                    ? n.contains(v4(e.addr4())) || n.contains(v4(s.remote4())) : n.contains(e.addr6()));
        }

        private boolean binding(BibEntry e) {
            return (protocols.isEmpty() || protocols.contains(e.proto())) && (statics == null || statics == e.isStatic());
        }

        private static byte[] v4(int a) {
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }

        private static IpNetwork network(String w) throws Refused {
            try {
                return IpNetwork.parse(w.contains("/") ? w : w + (w.contains(":") ? "/128" : "/32"));
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "filter words are tcp, udp, icmp, static, dynamic, or an address or prefix; not '"
                        + w + "' (" + e.getMessage() + ")");
            }
        }
    }

    @Override
    public String addStaticBinding(String protocol, String ipv6, String ipv4) throws Refused {
        stateful();
        StaticBinding b;
        try {
            b = SettingsLoader.staticBinding(protocol, ipv6, ipv4);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
        try {
            b.addTo(service.bib());
        } catch (IllegalArgumentException e) {
            throw new Refused(409, "not added: " + e.getMessage());
        }
        return "added static binding " + b + " until bib-remove or a restart (the bib setting makes it lasting)";
    }

    @Override
    public String removeStaticBinding(String protocol, String ipv6) throws Refused {
        stateful();
        int proto;
        byte[][] six = new byte[1][];
        int port6;
        try {
            proto = SettingsLoader.protocol(protocol);
            port6 = SettingsLoader.ipv6Transport(ipv6, six);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
        if (!service.bib().removeStatic(proto, six[0], port6)) {
            throw new Refused(404, "no static binding for " + protocol + " " + ipv6 + " (control bib static lists them)");
        }
        return "removed the static binding of " + protocol + " " + ipv6
                + " (it goes with its last session, or now when it has none)";
    }

    @Override
    public String flush() throws Refused {
        stateful();
        int n = service.sessions().endIf(s -> true);
        return "flushed " + n + " sessions and the dynamic bindings they held; "
                + service.bib().staticEntries().size() + " static bindings kept";
    }

    @Override
    public String reloadConfig() throws Refused {
        try {
            return service.reloader().reload();
        } catch (ConfigError e) {
            throw new Refused(400, "reload refused, the running settings stay in service: " + e.getMessage());
        }
    }

    private void stateful() throws Refused {
        if (service.bib() == null) {
            throw new Refused(400, "siit mode keeps no sessions or bindings (mode = \"stateful\" does)");
        }
    }
}
