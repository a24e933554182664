package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.gate64.config.ConfigSchema;
import net.gate64.nat64.Nat64Service;
import net.gate64.nat64.http.ObservabilityServer;
import org.junit.jupiter.api.Test;

/**
 * The documentation's claims against the code, in both directions and for both programs, so that they cannot drift
 * apart unnoticed. Settings: the shipped conf file of each program holds exactly its settings, each is in the
 * settings tables of its reference doc, and every name in a settings table of the docs is a real setting; the other
 * conf/*.conf files use only real settings. Metrics: every family a program exports (in its code and on a freshly
 * started {@code /metrics}) is named in its reference doc, every family the docs name exists, the documented label
 * values of the drop counters are the exported ones, and a family is typed counter exactly when its name ends in
 * _total. The README's layout names every module and every contrib/ folder.
 */
class DocsMatchTheCodeTest {
    private static final Path REPO = LabFixture.REPO;
    private static final Pattern METRIC_IN_DOCS = Pattern.compile("\\bgate64_[a-z][a-z0-9_]*[a-z0-9]");
    private static final Pattern METRIC_IN_CODE = Pattern.compile("\"(?:# (?:HELP|TYPE) )?(gate64_[a-z][a-z0-9_]*[a-z0-9])[\"{ ]");
    private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
    private static final Pattern BACKTICKED_NAME = Pattern.compile("`([a-z][a-z0-9-]*)`");

    /**
     * One program: its settings (the class-path reference file), its shipped conf file, the doc that is the reference
     * for its settings and /metrics, and its module. The gateway's metric names start gate64_nat64_, the recursor's
     * are the other gate64_ names.
     */
    record Program(String name, ConfigSchema schema, String conf, String doc, String module) {
        boolean owns(String metric) {
            boolean gateway = metric.startsWith("gate64_nat64_");
            return name.equals("nat64") ? gateway : metric.startsWith("gate64_") && !gateway;
        }
    }

    static final Program RECURSOR = new Program("recursor", net.gate64.resolver.config.SettingsLoader.SCHEMA,
            "conf/recursor.conf", "docs/configuration.md", "resolver");
    static final Program NAT64 = new Program("nat64", net.gate64.nat64.config.SettingsLoader.SCHEMA,
            "conf/nat64.conf", "docs/nat64.md", "nat64");
    static final List<Program> PROGRAMS = List.of(RECURSOR, NAT64);

    private static String recursorMetrics;
    private static String gatewayMetrics;

    private static String read(String path) throws IOException {
        return Files.readString(REPO.resolve(path));
    }

    private static Set<String> keys(String conf) {
        return new TreeSet<>(ConfigFactory.parseFile(REPO.resolve(conf).toFile()).root().keySet());
    }

    /**
     * The names in the first column of a doc's settings tables (a table whose header's first cell is one of
     * {@code headers}), each with its line.
     */
    static Map<String, Integer> settingsTables(String doc, Set<String> headers) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        List<String> lines = read(doc).lines().toList();
        boolean inTable = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            String first = line.split("\\|", -1)[1].strip();
            if (i + 1 < lines.size() && lines.get(i + 1).startsWith("|---")) {
                inTable = headers.contains(first); // a header row
                i++;
                continue;
            }
            if (inTable) {
                Matcher m = BACKTICKED_NAME.matcher(first);
                while (m.find()) {
                    out.putIfAbsent(m.group(1), i + 1);
                }
            }
        }
        return out;
    }

    @Test
    void eachShippedConfFileHoldsExactlyItsProgramsSettings() {
        for (Program p : PROGRAMS) {
            assertEquals(p.schema().keys(), keys(p.conf()), p.conf() + " must list every setting of the " + p.name()
                    + " (with its default) and no other");
        }
    }

    @Test
    void everySettingIsInItsReferenceDocsTables() throws IOException {
        for (Program p : PROGRAMS) {
            Set<String> missing = new TreeSet<>(p.schema().keys());
            missing.removeAll(settingsTables(p.doc(), Set.of("setting", "key")).keySet());
            assertEquals(Set.of(), missing, "settings of the " + p.name() + " that the settings tables of " + p.doc()
                    + " do not list (as `key` in the first column)");
        }
    }

    @Test
    void everyNameInASettingsTableOfTheDocsIsASetting() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (Program p : PROGRAMS) {
            settingsTables(p.doc(), Set.of("setting", "key")).forEach((name, line) -> {
                if (!p.schema().keys().contains(name)) {
                    unknown.add(p.doc() + ":" + line + ": " + name + " (no setting of the " + p.name() + ")");
                }
            });
        }
        Set<String> any = new TreeSet<>(RECURSOR.schema().keys());
        any.addAll(NAT64.schema().keys());
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            for (Path doc : docs.filter(d -> d.toString().endsWith(".md")).sorted().toList()) {
                String name = "docs/" + doc.getFileName();
                if (PROGRAMS.stream().anyMatch(p -> p.doc().equals(name))) {
                    continue;
                }
                settingsTables(name, Set.of("setting")).forEach((key, line) -> {
                    if (!any.contains(key)) {
                        unknown.add(name + ":" + line + ": " + key + " (no setting of either program)");
                    }
                });
            }
        }
        assertEquals(List.of(), unknown, "names in settings tables that are not settings");
    }

    @Test
    void everyOtherConfFileUsesOnlyRealSettings() throws IOException {
        Set<String> any = new TreeSet<>(RECURSOR.schema().keys());
        any.addAll(NAT64.schema().keys());
        List<String> unknown = new ArrayList<>();
        try (Stream<Path> confs = Files.list(REPO.resolve("conf"))) {
            for (Path conf : confs.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
                ConfigObject root = ConfigFactory.parseFile(conf.toFile()).root();
                for (String key : root.keySet()) {
                    // one file for both programs: recursor { } and nat64 { } sections
                    Program p = key.equals(RECURSOR.name()) ? RECURSOR : key.equals(NAT64.name()) ? NAT64 : null;
                    if (p != null && root.get(key) instanceof ConfigObject section) {
                        for (String k : section.keySet()) {
                            if (!p.schema().keys().contains(k)) {
                                unknown.add(conf.getFileName() + ": " + key + "." + k);
                            }
                        }
                    } else if (!any.contains(key)) {
                        unknown.add(conf.getFileName() + ": " + key);
                    }
                }
            }
        }
        assertEquals(List.of(), unknown, "settings in conf/*.conf that neither program has");
    }

    /** Metric family names in docs/*.md, each with the files that name it. */
    private static Map<String, Set<String>> documented() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                Matcher m = METRIC_IN_DOCS.matcher(Files.readString(doc));
                while (m.find()) {
                    out.computeIfAbsent(m.group(), k -> new TreeSet<>()).add("docs/" + doc.getFileName());
                }
            }
        }
        return out;
    }

    /** Metric family names written as string literals in a module's main code. */
    private static Set<String> inCode(String module) throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.walk(REPO.resolve(module).resolve("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = METRIC_IN_CODE.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** The families of a Prometheus text, with their types. */
    private static Map<String, String> families(String text) {
        Map<String, String> types = new TreeMap<>();
        Matcher m = TYPE_LINE.matcher(text);
        while (m.find()) {
            types.put(m.group(1), m.group(2));
        }
        return types;
    }

    /** A freshly started recursor's /metrics: a script, DNS64 and validation on, so that every family is there. */
    private static synchronized String freshRecursorMetrics() throws Exception {
        if (recursorMetrics != null) {
            return recursorMetrics;
        }
        Path script = REPO.resolve("contrib/dns64.lua");
        // nothing is asked, so the unsigned lab does not matter for validation
        try (LabFixture f = LabFixture.start("lua-dns-script=\"" + script + "\"", "dns64-prefix=\"64:ff9b::/96\"",
                "dnssec=validate")) {
            recursorMetrics = f.recursor.metrics().prometheusText();
            return recursorMetrics;
        }
    }

    /** A gateway's /metrics before any packet (shipped conf/nat64.conf: stateful), over HTTP as Prometheus reads it. */
    private static synchronized String freshGatewayMetrics() throws Exception {
        if (gatewayMetrics != null) {
            return gatewayMetrics;
        }
        var settings = net.gate64.nat64.config.SettingsLoader.load(REPO.resolve(NAT64.conf()), List.of());
        Nat64Service service = new Nat64Service(settings, System::nanoTime);
        ObservabilityServer http = new ObservabilityServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                settings.httpAccess(), service.control());
        http.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + http.address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            gatewayMetrics = r.body();
            return gatewayMetrics;
        } finally {
            http.stop();
        }
    }

    @Test
    void everyDocumentedMetricExistsAndEveryMetricIsInItsProgramsReferenceDoc() throws Exception {
        Map<String, Set<String>> docs = documented();
        Map<Program, Set<String>> exported = Map.of(RECURSOR, families(freshRecursorMetrics()).keySet(),
                NAT64, families(freshGatewayMetrics()).keySet());
        Map<String, Set<String>> unknown = new TreeMap<>();
        List<String> undocumented = new ArrayList<>();
        for (Program p : PROGRAMS) {
            Set<String> families = new TreeSet<>(inCode(p.module()));
            families.addAll(exported.get(p));
            for (String f : families) {
                assertTrue(p.owns(f), f + " in the " + p.name() + "'s code does not start as its metrics do");
            }
            docs.forEach((name, where) -> {
                if (p.owns(name) && !families.contains(name)) {
                    unknown.put(name, where);
                }
            });
            Set<String> inReference = new TreeSet<>();
            Matcher m = METRIC_IN_DOCS.matcher(read(p.doc()));
            while (m.find()) {
                inReference.add(m.group());
            }
            for (String f : families) {
                if (!inReference.contains(f)) {
                    undocumented.add(f + " (not in " + p.doc() + ")");
                }
            }
        }
        assertEquals(Map.of(), unknown, "metrics the docs name that neither program exports (name: where)");
        assertEquals(List.of(), undocumented, "metrics a program exports that its reference doc does not name");
    }

    @Test
    void aFreshRecursorExportsEveryFamilyOfItsCodeWithTheRightType() throws Exception {
        String text = freshRecursorMetrics();
        Map<String, String> types = families(text);
        Set<String> absent = new TreeSet<>(inCode(RECURSOR.module()));
        absent.removeAll(types.keySet());
        assertEquals(Set.of(), absent, "recursor metrics that a fresh recursor does not export yet");
        List<String> wrong = new ArrayList<>();
        types.forEach((name, type) -> {
            if (name.endsWith("_total") != type.equals("counter")) {
                wrong.add(name + " is a " + type);
            }
        });
        assertEquals(List.of(), wrong, "families ending in _total must be counters, and only they");
        assertTrue(text.contains("gate64_drops_total{reason=\"acl\"} 0"), "drop reasons are there from the start");
    }

    /** The label values of {@code family{label}} in a Prometheus text. */
    private static Set<String> labelValues(String text, String family, String label) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("^" + family + "\\{" + label + "=\"([^\"]*)\"", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The values a doc lists after {@code `family{label}`}: "(a, b, c)", "(`a`, `b`)" or "(reasons: a, b, c)". */
    private static Set<String> documentedValues(String doc, String family, String label) throws IOException {
        Matcher m = Pattern.compile("`" + family + "\\{" + label + "\\}` \\((?:reasons: )?([^)]*)\\)").matcher(read(doc));
        assertTrue(m.find(), doc + " lists no values for `" + family + "{" + label + "}` (a, b, ...)");
        Set<String> out = new TreeSet<>();
        for (String v : m.group(1).split(",")) {
            out.add(v.strip().replace("`", ""));
        }
        return out;
    }

    private static String freshMetrics(Program p) throws Exception {
        return p == RECURSOR ? freshRecursorMetrics() : freshGatewayMetrics();
    }

    @Test
    void theDocumentedLabelValuesAreTheExportedOnes() throws Exception {
        String[][] cases = { // program, doc, family, label: families that export every value from the start
            {"recursor", "docs/configuration.md", "gate64_drops_total", "reason"},
            {"recursor", "docs/configuration.md", "gate64_dnssec_results_total", "state"},
            {"recursor", "docs/dns64.md", "gate64_dns64_skipped_total", "reason"},
            {"recursor", "docs/dns46.md", "gate64_dns46_skipped_total", "reason"},
            {"nat64", "docs/nat64.md", "gate64_nat64_dropped_total", "reason"},
        };
        for (String[] c : cases) {
            Program p = c[0].equals(RECURSOR.name()) ? RECURSOR : NAT64;
            String text = freshMetrics(p);
            Set<String> exported = labelValues(text, c[2], c[3]);
            assertTrue(exported.size() > 2, c[2] + " exports its " + c[3] + "s from the start:\n" + text);
            assertEquals(exported, documentedValues(c[1], c[2], c[3]), c[1] + ": the " + c[3] + "s of " + c[2]);
        }
    }

    /**
     * Every series the docs spell out, {@code family{label="value"}}, exists on a fresh /metrics when its family
     * exports that label from the start (families whose series come with their first event are not checked).
     */
    @Test
    void everySeriesTheDocsSpellOutIsExported() throws Exception {
        Pattern series = Pattern.compile("\\b(gate64_[a-z0-9_]*[a-z0-9])\\{([a-z_]+)=\\\\?\"([^\"\\\\]*)\\\\?\"");
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
            for (Path doc : docs.filter(d -> d.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = series.matcher(Files.readString(doc));
                while (m.find()) {
                    String family = m.group(1);
                    Program p = RECURSOR.owns(family) ? RECURSOR : NAT64;
                    Set<String> values = labelValues(freshMetrics(p), family, m.group(2));
                    if (!values.isEmpty() && !values.contains(m.group(3))) {
                        wrong.add("docs/" + doc.getFileName() + ": " + m.group() + " (exported: " + values + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), wrong, "series the docs name that /metrics does not have");
    }

    @Test
    void theReadmesLayoutNamesEveryModuleAndEveryContribFolder() throws IOException {
        String readme = read("README.md");
        int start = readme.indexOf("```", readme.indexOf("## Layout"));
        String layout = readme.substring(start, readme.indexOf("```", start + 3));
        List<String> missing = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
        while (m.find()) {
            if (!layout.contains("\n" + m.group(1) + "/ ")) {
                missing.add("module " + m.group(1) + "/");
            }
        }
        try (Stream<Path> contrib = Files.list(REPO.resolve("contrib"))) {
            for (Path d : contrib.filter(Files::isDirectory).sorted().toList()) {
                String name = d.getFileName().toString();
                if (!Pattern.compile("contrib/ .*\\b" + Pattern.quote(name) + "\\b").matcher(layout).find()) {
                    missing.add("contrib/" + name + "/");
                }
            }
        }
        assertEquals(List.of(), missing, "the README's layout does not name:\n" + layout);
    }
}
