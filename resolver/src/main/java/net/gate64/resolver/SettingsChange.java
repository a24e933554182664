package net.gate64.resolver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import net.gate64.config.ConfigReader;
import net.gate64.resolver.config.RecursorSettings;
import net.gate64.resolver.dnssec.DnssecSettings;
import net.gate64.resolver.resolve.ForwardZone;
import net.gate64.resolver.resolve.RootHints;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What a reload changes, worked out before anything is put in service: the settings whose value differs, those among
 * them that cannot change while the recursor runs (they keep their running value and are reported as needing a
 * restart), and what the caches must lose so that no answer outlives the settings that shaped it.
 *
 * <p>The caches hold data as the authorities sent it, so most changes cost them nothing. What is wiped:
 * <ul>
 *   <li>a forward zone added, removed or pointed elsewhere: its subtree (record, negative and validation caches);
 *   <li>a trust anchor or negative trust anchor added, removed or changed: the validation verdicts of its subtree;
 *       the DNSSEC limits: every verdict;
 *   <li>{@code dnssec} between {@code off} and a mode that asks for DNSSEC records: everything (data cached
 *       without signatures cannot be validated);
 *   <li>a {@code hint-file} that names other root servers: everything (another root is another namespace);
 *   <li>the packet cache (whole answers in wire form, which it cannot wipe by subtree) whenever a setting that
 *       shapes answers changes: all but those of {@link #ANSWER_NEUTRAL}. It refills from the record cache.
 * </ul>
 * The ACL, the UDP answer size and the log settings change behaviour from the next query on and wipe nothing.
 */
public record SettingsChange(List<String> changed, List<String> needRestart, Set<Name> subtrees, Set<Name> verdictSubtrees,
                      boolean wipeAll, boolean allVerdicts, boolean packetCache) {

    /**
     * Settings that cannot change while the recursor runs: sockets, threads, the sizes and TTL caps the caches were
     * built with, the connection and in-flight bounds the listeners hold, the web server and its access rules, the
     * health checks. A reload reports them and leaves them as they are.
     */
    static final Set<String> RESTART = Set.of(
            "local-address", "threads", "webserver", "webserver-address", "webserver-allow-from", "api-key",
            "webserver-password", "webserver-hostnames",
            "max-cache-entries", "max-cache-bytes", "max-cache-ttl", "max-negative-ttl", "max-packetcache-entries",
            "max-packetcache-bytes", "packetcache-ttl", "packetcache-negative-ttl", "packetcache-servfail-ttl",
            "max-mthreads", "max-inflight-bytes", "client-tcp-timeout", "max-tcp-clients", "max-tcp-per-client",
            "max-concurrent-requests-per-tcp-connection", "max-tcp-queued-answer-bytes",
            "health-loop-stall-msec", "health-backlog-percent", "health-backlog-msec",
            "stats-nat64-url", "stats-nat64-password");

    /**
     * Live settings that do not change what an answer holds: who is answered, how much of an answer fits in UDP
     * (the packet cache stores full answers and truncates on the way out), logging.
     */
    static final Set<String> ANSWER_NEUTRAL = Set.of("allow-from", "udp-truncation-threshold", "loglevel",
            "log-format", "quiet", "query-log-sample");

    /** Whether the reload changes nothing at all. */
    public boolean none() {
        return changed.isEmpty();
    }

    /** The settings that take effect with this reload (changed and live). */
    public List<String> applied() {
        List<String> out = new ArrayList<>(changed);
        out.removeAll(needRestart);
        return out;
    }

    static SettingsChange between(ConfigReader oldConfig, RecursorSettings old, RootHints oldHints,
                                  ConfigReader newConfig, RecursorSettings now, RootHints newHints) {
        List<String> changed = new ArrayList<>();
        for (String key : new TreeSet<>(net.gate64.resolver.config.SettingsLoader.SCHEMA.keys())) {
            if (!Objects.equals(oldConfig.rendered(key), newConfig.rendered(key))) {
                changed.add(key);
            }
        }
        // Files named by settings count by their content: the same path may hold new anchors or hints.
        if (!changed.contains("trust-anchor-file") && !changed.contains("trust-anchors")
                && !old.dnssec().anchors().equals(now.dnssec().anchors())) {
            changed.add(oldConfig.rendered("trust-anchor-file").equals("\"\"") ? "trust-anchors" : "trust-anchor-file");
        }
        if (!changed.contains("negative-trust-anchors")
                && !old.dnssec().negativeAnchors().equals(now.dnssec().negativeAnchors())) {
            changed.add("negative-trust-anchors"); // those added at run time (add-nta) go back to the file's
        }
        boolean hintsChanged = !oldHints.equals(newHints);
        if (hintsChanged && !changed.contains("hint-file")) {
            changed.add("hint-file");
        }
        java.util.Collections.sort(changed);
        List<String> restart = changed.stream().filter(RESTART::contains).toList();

        Set<Name> subtrees = new HashSet<>(changedZones(old.forwardZones(), now.forwardZones()));
        Set<Name> verdicts = new HashSet<>(subtrees);
        verdicts.addAll(changedAnchors(old.dnssec().anchors(), now.dnssec().anchors()));
        verdicts.addAll(changedKeys(old.dnssec().negativeAnchors(), now.dnssec().negativeAnchors()));
        DnssecSettings a = old.dnssec();
        DnssecSettings b = now.dnssec();
        boolean limits = a.maxRrsigsPerRecord() != b.maxRrsigsPerRecord() || a.maxDsMatchFailures() != b.maxDsMatchFailures()
                || a.nsec3MaxIterations() != b.nsec3MaxIterations() || a.maxSubqueries() != b.maxSubqueries()
                || a.maxValidationMillis() != b.maxValidationMillis();
        boolean signatures = a.mode().requestsDnssecRecords() != b.mode().requestsDnssecRecords();
        boolean wipeAll = signatures || hintsChanged;
        boolean shaping = changed.stream().anyMatch(k -> !RESTART.contains(k) && !ANSWER_NEUTRAL.contains(k));
        boolean packets = wipeAll || shaping || !verdicts.isEmpty()
                || old.script().file() != null || now.script().file() != null; // a script is reloaded every time
        return new SettingsChange(List.copyOf(changed), restart, Set.copyOf(subtrees), Set.copyOf(verdicts), wipeAll,
                limits || wipeAll, packets);
    }

    /** Forward zones added, removed, or with other servers or recursion. */
    static Set<Name> changedZones(Map<Name, ForwardZone> a, Map<Name, ForwardZone> b) {
        return changedKeys(a, b);
    }

    /** Zones whose anchor set differs (added, removed or other records). */
    static Set<Name> changedAnchors(List<Record> a, List<Record> b) {
        return changedKeys(byZone(a), byZone(b));
    }

    private static Map<Name, Set<Record>> byZone(List<Record> anchors) {
        Map<Name, Set<Record>> out = new HashMap<>();
        for (Record r : anchors) {
            out.computeIfAbsent(r.getName(), k -> new HashSet<>()).add(r); // Record.equals ignores the TTL
        }
        return out;
    }

    private static <V> Set<Name> changedKeys(Map<Name, V> a, Map<Name, V> b) {
        Set<Name> out = new HashSet<>();
        for (Map.Entry<Name, V> e : a.entrySet()) {
            if (!Objects.equals(e.getValue(), b.get(e.getKey()))) {
                out.add(e.getKey());
            }
        }
        for (Name n : b.keySet()) {
            if (!a.containsKey(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
