package net.gate64.resolver.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code get NAME...} and {@code get-all} over the Prometheus text of {@code /metrics}: a NAME is a whole series
 * ({@code gate64_answers_total{rcode="servfail"}}), a family (every series of it), or one of the rec_control names
 * PowerDNS operators type ({@code questions}, {@code cache-hits}, ...), which map onto gate64's series.
 */
final class Statistics {
    /** rec_control names and the series (or families, summed) that answer them. */
    static final Map<String, List<String>> POWERDNS = new LinkedHashMap<>();

    static {
        alias("questions", "gate64_queries_total");
        alias("tcp-questions", "gate64_queries_total{transport=\"tcp\"}");
        alias("noerror-answers", "gate64_answers_total{rcode=\"noerror\"}");
        alias("nxdomain-answers", "gate64_answers_total{rcode=\"nxdomain\"}");
        alias("servfail-answers", "gate64_answers_total{rcode=\"servfail\"}");
        alias("cache-hits", "gate64_cache_hits_total{cache=\"record\"}");
        alias("cache-misses", "gate64_cache_misses_total{cache=\"record\"}");
        alias("cache-entries", "gate64_cache_entries{cache=\"record\"}");
        alias("negcache-entries", "gate64_cache_entries{cache=\"negative\"}");
        alias("packetcache-hits", "gate64_cache_hits_total{cache=\"packet\"}");
        alias("packetcache-misses", "gate64_cache_misses_total{cache=\"packet\"}");
        alias("packetcache-entries", "gate64_cache_entries{cache=\"packet\"}");
        alias("all-outqueries", "gate64_outgoing_queries_total");
        alias("tcp-outqueries", "gate64_outgoing_queries_total{transport=\"tcp\"}");
        alias("outgoing-timeouts", "gate64_outgoing_timeouts_total");
        alias("concurrent-queries", "gate64_queries_in_flight");
        alias("over-capacity-drops", "gate64_drops_total{reason=\"overload\"}");
        alias("unauthorized-queries", "gate64_acl_refusals_total");
        alias("dns64-prefix-answers", "gate64_dns64_synthesized_total", "gate64_dns64_ptr_total");
        alias("dnssec-result-secure", "gate64_dnssec_results_total{state=\"secure\"}");
        alias("dnssec-result-insecure", "gate64_dnssec_results_total{state=\"insecure\"}");
        alias("dnssec-result-bogus", "gate64_dnssec_results_total{state=\"bogus\"}");
    }

    private static void alias(String name, String... series) {
        POWERDNS.put(name, List.of(series));
    }

    private final Map<String, String> series = new LinkedHashMap<>();

    /** The series of a Prometheus text exposition, by name, in order; comments and histogram buckets included. */
    Statistics(String prometheusText) {
        for (String line : prometheusText.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space > 0) {
                series.put(line.substring(0, space), line.substring(space + 1));
            }
        }
    }

    Map<String, String> all() {
        return series;
    }

    /**
     * The answer for one NAME: its value (a whole series or an alias), or "series value" lines (a family); null
     * when there is no such statistic.
     */
    String get(String name) {
        String exact = series.get(name);
        if (exact != null) {
            return exact;
        }
        List<String> alias = POWERDNS.get(name);
        if (alias != null) {
            double sum = 0;
            for (String a : alias) {
                for (String v : family(a).values()) {
                    sum += Double.parseDouble(v);
                }
            }
            return number(sum);
        }
        Map<String, String> f = family(name);
        if (f.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        f.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "\n").append(k).append(' ').append(v));
        return sb.toString();
    }

    /** The series of a family, or the one series named exactly. */
    private Map<String, String> family(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        if (series.containsKey(name)) {
            out.put(name, series.get(name));
            return out;
        }
        series.forEach((k, v) -> {
            if (k.startsWith(name + "{")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** " (did you mean 'x'?)" for an unknown name, or "". */
    String didYouMean(String name) {
        List<String> all = new ArrayList<>(POWERDNS.keySet());
        series.keySet().forEach(k -> {
            int brace = k.indexOf('{');
            String f = brace < 0 ? k : k.substring(0, brace);
            if (!all.contains(f)) {
                all.add(f);
            }
        });
        return net.gate64.config.Suggestions.didYouMean(name, all);
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
