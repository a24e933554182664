package net.gate64.resolver;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import net.gate64.common.log.LogLevel;
import net.gate64.common.log.Logs;
import net.gate64.config.ConfigError;
import net.gate64.resolver.dnssec.DnssecSettings;
import net.gate64.resolver.query.ClientQuery;
import net.gate64.resolver.stats.Control;
import net.gate64.resolver.stats.RecentQueries;
import net.gate64.scripting.ScriptLoadError;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What the web server may do with the running recursor ({@link Control}): the probes, the stats, and the control
 * verbs of {@code gate64 control}, each turning the operator's words into a change of the recursor and a line
 * back, or a {@link Control.Refused} naming the problem.
 */
final class RecursorControl implements Control {
    private final Recursor r;

    RecursorControl(Recursor recursor) {
        this.r = recursor;
    }

    @Override
    public String metricsText() {
        return r.metrics().prometheusText();
    }

    @Override
    public Status health() {
        return r.health();
    }

    @Override
    public Status readiness() {
        return r.readiness();
    }

    @Override
    public String statsJson() {
        return r.stats().json(r.health(), r.readiness());
    }

    @Override
    public long wipeCache(Name name, boolean subtree) {
        return r.wipeCache(name, subtree);
    }

    @Override
    public String reloadScript() throws Refused {
        if (r.settings().script().file() == null) {
            throw new Refused(400, "no script is configured (lua-dns-script is empty)");
        }
        try {
            return r.reloadScript(null);
        } catch (ScriptLoadError e) {
            throw new Refused(500, "reload failed, the previous script stays in service: " + e.getMessage());
        }
    }

    @Override
    public String reloadConfig() throws Refused {
        try {
            return r.reloadConfig().text();
        } catch (ConfigError e) {
            throw new Refused(400, "reload refused, the running settings stay in service: " + e.getMessage());
        }
    }

    @Override
    public void dumpCache(Writer out) throws IOException {
        QueryPath.Shared s = r.shared();
        CacheDump.write(out, s.records(), s.negatives(), s.verdicts(), s.packets().size());
    }

    @Override
    public String addNegativeAnchor(Name zone, String reason) throws Refused {
        String why = reason == null || reason.isBlank() ? "added by gate64 control add-nta" : reason;
        String outcome = anchors(d -> {
            Map<Name, String> ntas = new HashMap<>(d.negativeAnchors());
            ntas.put(zone, why);
            return with(d, d.anchors(), ntas);
        });
        return "added negative trust anchor for " + zone + " (" + why + ") until the next reload-config; " + outcome;
    }

    @Override
    public String clearNegativeAnchors(List<Name> zones) throws Refused {
        Map<Name, String> now = r.settings().dnssec().negativeAnchors();
        if (zones != null) {
            List<String> unknown = zones.stream().filter(z -> !now.containsKey(z)).map(Name::toString).toList();
            if (!unknown.isEmpty()) {
                throw new Refused(400, "no negative trust anchor for " + String.join(", ", unknown)
                        + " (get-ntas lists them); nothing changed");
            }
        }
        String outcome = anchors(d -> {
            Map<Name, String> ntas = new HashMap<>(d.negativeAnchors());
            if (zones == null) {
                ntas.clear();
            } else {
                zones.forEach(ntas::remove);
            }
            return with(d, d.anchors(), ntas);
        });
        return "cleared " + (zones == null ? "every negative trust anchor (" + now.size() + ")"
                : "the negative trust anchors of " + zones.stream().map(Name::toString).toList()) + "; " + outcome;
    }

    @Override
    public String negativeAnchors() {
        Map<Name, String> ntas = r.settings().dnssec().negativeAnchors();
        if (ntas.isEmpty()) {
            return "no negative trust anchors\n";
        }
        StringBuilder sb = new StringBuilder();
        ntas.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append('\t').append(e.getValue()).append('\n'));
        return sb.toString();
    }

    @Override
    public String addTrustAnchor(Name zone, String ds) throws Refused {
        List<Record> parsed;
        try {
            parsed = DnssecSettings.records(zone + " 3600 IN DS " + ds);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "not the data of a DS record (key tag, algorithm, digest type, digest): " + ds
                    + ": " + e.getMessage());
        }
        if (parsed.size() != 1 || !(parsed.get(0) instanceof DSRecord)) {
            throw new Refused(400, "not the data of one DS record: " + ds);
        }
        Record anchor = parsed.get(0);
        String outcome = anchors(d -> {
            List<Record> anchors = new ArrayList<>(d.anchors());
            if (!anchors.contains(anchor)) {
                anchors.add(anchor);
            }
            return with(d, anchors, d.negativeAnchors());
        });
        return "added trust anchor " + anchor + " until the next reload-config; " + outcome;
    }

    @Override
    public String clearTrustAnchor(Name zone) throws Refused {
        if (zone.equals(Name.root)) {
            throw new Refused(400, "refusing to remove the root's trust anchors (as rec_control does); nothing changed");
        }
        if (r.settings().dnssec().anchors().stream().noneMatch(a -> a.getName().equals(zone))) {
            throw new Refused(400, "no trust anchor for " + zone + " (get-tas lists them); nothing changed");
        }
        String outcome = anchors(d -> with(d, d.anchors().stream().filter(a -> !a.getName().equals(zone)).toList(),
                d.negativeAnchors()));
        return "removed the trust anchors of " + zone + "; " + outcome;
    }

    @Override
    public String trustAnchors() {
        StringBuilder sb = new StringBuilder();
        r.settings().dnssec().anchors().stream().sorted(java.util.Comparator.comparing(Record::getName)
                        .thenComparing(Record::rdataToString))
                .forEach(a -> sb.append(a.getName()).append('\t').append(Type.string(a.getType())).append('\t')
                        .append(a.rdataToString()).append('\n'));
        return sb.toString();
    }

    private String anchors(java.util.function.UnaryOperator<DnssecSettings> change) throws Refused {
        try {
            return r.changeAnchors(change);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new Refused(400, "the anchors do not load: " + e.getMessage() + "; nothing changed");
        }
    }

    private static DnssecSettings with(DnssecSettings d, List<Record> anchors, Map<Name, String> ntas) {
        return new DnssecSettings(d.mode(), anchors, ntas, d.maxRrsigsPerRecord(), d.maxDsMatchFailures(),
                d.nsec3MaxIterations(), d.maxSubqueries(), d.maxValidationMillis());
    }

    @Override
    public String setLogLevel(String level) throws Refused {
        LogLevel l;
        try {
            l = LogLevel.parse(level);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
        LogLevel before = Logs.level();
        Logs.setLevel(l);
        return "loglevel " + name(before) + " -> " + name(l) + " (until a reload-config that changes loglevel)";
    }

    private static String name(LogLevel l) {
        return l.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String traceRegex(String regex) throws Refused {
        try {
            return r.shared().tracer().set(regex);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
    }

    @Override
    public BlockingQueue<String> followTrace() {
        return r.shared().tracer().follow();
    }

    @Override
    public void unfollowTrace(BlockingQueue<String> lines) {
        r.shared().tracer().unfollow(lines);
    }

    @Override
    public String top(String what, int n) throws Refused {
        RecentQueries.Top top = switch (what) {
            case "queries", "remotes" -> r.shared().recent().top(n, 10_000);
            case "servfail-queries" -> r.servfails().top(n, 10_000);
            default -> throw new Refused(400, "top of what? queries, remotes or servfail-queries, not " + what);
        };
        List<RecentQueries.Count> counts = what.equals("remotes") ? top.clients() : top.names();
        StringBuilder sb = new StringBuilder("Over last " + top.sampled() + " entries:\n");
        for (RecentQueries.Count c : counts) {
            sb.append(String.format(Locale.ROOT, "%6.2f%%\t%s%n", 100.0 * c.count() / Math.max(1, top.sampled()),
                    c.key().replace(' ', '/')));
        }
        return sb.toString();
    }

    @Override
    public String currentQueries() {
        List<ClientQuery> queries = r.frontend().currentQueries();
        long now = System.nanoTime();
        StringBuilder sb = new StringBuilder(queries.size() + " queries being resolved\n");
        if (!queries.isEmpty()) {
            sb.append("qname\tqtype\tremote\ttransport\tage-ms\n");
        }
        for (ClientQuery q : queries) {
            String name = "?";
            String type = "?";
            io.netty.buffer.ByteBuf wire = io.netty.buffer.Unpooled.wrappedBuffer(q.wire());
            int len = RecentQueries.questionNameLength(wire);
            if (len > 0) {
                try {
                    name = new Name(java.util.Arrays.copyOfRange(q.wire(), 12, 12 + len)).toString();
                    type = Type.string(wire.getUnsignedShort(12 + len));
                } catch (IOException e) {
                    // left as "?"
                }
            }
            sb.append(name).append('\t').append(type).append('\t').append(q.remote().getAddress().getHostAddress())
                    .append('\t').append(q.transport().name().toLowerCase(Locale.ROOT)).append('\t')
                    .append((now - q.receivedNanos()) / 1_000_000).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void quitNicely() {
        Thread.ofPlatform().name("gate64-quit").start(r::quit);
    }
}
