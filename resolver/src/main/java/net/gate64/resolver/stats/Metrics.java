package net.gate64.resolver.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The one registry of named counters, gauges and histograms every component reports into. Names follow Prometheus
 * conventions ({@code gate64_queries_total}); a series is a family name plus fixed labels. Handles are looked up once
 * and kept, so the hot path only touches a {@link LongAdder}.
 */
public final class Metrics {
    /** A metric family: name, help text, type. */
    private record Family(String name, String help, String type) {}

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, Histogram> histograms = new ConcurrentHashMap<>();
    private final Map<String, java.util.function.DoubleSupplier> fractionalGauges = new ConcurrentHashMap<>();

    /** A counter series, e.g. {@code counter("gate64_queries_total", "Client queries", "transport", "udp")}. */
    public LongAdder counter(String name, String help, String... labels) {
        register(name, help, "counter");
        return counters.computeIfAbsent(series(name, labels), k -> new LongAdder());
    }

    /**
     * A counter series whose value is kept elsewhere (a cache's hit count) and read when exported: typed counter, as
     * its {@code _total} name says, so that {@code rate()} applies.
     */
    public void counter(String name, String help, LongSupplier value, String... labels) {
        register(name, help, "counter");
        gauges.put(series(name, labels), value);
    }

    /**
     * Makes a family known before its first series exists (one whose label values are not all known up front), so
     * that a fresh process already exports its HELP and TYPE lines.
     */
    public void declare(String name, String help, String type) {
        register(name, help, type);
    }

    /** A gauge series whose value is read when exported. */
    public void gauge(String name, String help, LongSupplier value, String... labels) {
        register(name, help, "gauge");
        gauges.put(series(name, labels), value);
    }

    /** A gauge series in seconds (or any other fractional unit), read when exported. */
    public void gaugeSeconds(String name, String help, java.util.function.DoubleSupplier value, String... labels) {
        register(name, help, "gauge");
        fractionalGauges.put(series(name, labels), value);
    }

    public Histogram histogram(String name, String help, double[] bucketsSeconds) {
        register(name, help, "histogram");
        return histograms.computeIfAbsent(name, k -> new Histogram(bucketsSeconds));
    }

    /** The current value of a counter or gauge series, or 0 when it does not exist (tests and control use this). */
    public long value(String name, String... labels) {
        String s = series(name, labels);
        LongAdder c = counters.get(s);
        if (c != null) {
            return c.sum();
        }
        LongSupplier g = gauges.get(s);
        return g == null ? 0 : g.getAsLong();
    }

    /** The sum of every counter series of a family, whatever its labels (e.g. all of gate64_drops_total). */
    public long sum(String family) {
        long total = 0;
        for (Map.Entry<String, LongAdder> e : counters.entrySet()) {
            if (familyOf(e.getKey()).equals(family)) {
                total += e.getValue().sum();
            }
        }
        return total;
    }

    private void register(String name, String help, String type) {
        Family f = families.putIfAbsent(name, new Family(name, help, type));
        if (f != null && !f.type.equals(type)) {
            throw new IllegalStateException(name + " is already a " + f.type);
        }
    }

    static String series(String name, String... labels) {
        if (labels.length == 0) {
            return name;
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name/value pairs: " + List.of(labels));
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labels[i]).append("=\"").append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return sb.append('}').toString();
    }

    private static String familyOf(String series) {
        int brace = series.indexOf('{');
        return brace < 0 ? series : series.substring(0, brace);
    }

    /** The histogram of that name, or null when none was registered. */
    public Histogram findHistogram(String name) {
        return histograms.get(name);
    }

    /** Every counter and gauge series now, by series name ({@code gate64_answers_total{rcode="noerror"}}), sorted. */
    public Map<String, Double> snapshot() {
        Map<String, Double> out = new TreeMap<>();
        counters.forEach((s, v) -> out.put(s, (double) v.sum()));
        gauges.forEach((s, v) -> out.put(s, (double) v.getAsLong()));
        fractionalGauges.forEach((s, v) -> out.put(s, v.getAsDouble()));
        return out;
    }

    /** Prometheus text exposition format 0.0.4. */
    public String prometheusText() {
        Map<String, List<String>> lines = new TreeMap<>();
        counters.forEach((s, v) -> lines.computeIfAbsent(familyOf(s), k -> new ArrayList<>()).add(s + " " + v.sum()));
        gauges.forEach((s, v) -> lines.computeIfAbsent(familyOf(s), k -> new ArrayList<>()).add(s + " " + v.getAsLong()));
        fractionalGauges.forEach((s, v) -> lines.computeIfAbsent(familyOf(s), k -> new ArrayList<>()).add(s + " " + v.getAsDouble()));
        lines.values().forEach(l -> l.sort(null));
        histograms.forEach((n, h) -> lines.computeIfAbsent(n, k -> new ArrayList<>()).addAll(h.lines(n)));
        families.keySet().forEach(n -> lines.computeIfAbsent(n, k -> new ArrayList<>())); // declared, no series yet
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> e : lines.entrySet()) {
            Family f = families.get(e.getKey());
            sb.append("# HELP ").append(f.name).append(' ').append(f.help).append('\n');
            sb.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            e.getValue().forEach(l -> sb.append(l).append('\n'));
        }
        return sb.toString();
    }
}
