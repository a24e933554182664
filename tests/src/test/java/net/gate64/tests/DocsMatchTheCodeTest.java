package net.gate64.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;

/**
 * The documentation's claims against the code, so that they cannot drift apart unnoticed: every setting in
 * conf/*.conf is documented in docs/, every metric the docs name exists in the code and every metric in the code is
 * documented, a freshly started recursor exports every one of its families already (at 0, not only after the first
 * event), and a family is typed counter exactly when its name ends in _total.
 */
class DocsMatchTheCodeTest {
    private static final Path REPO = LabFixture.REPO;
    private static final Pattern METRIC_IN_DOCS = Pattern.compile("\\bgate64_[a-z][a-z0-9_]*[a-z0-9]");
    private static final Pattern METRIC_IN_CODE = Pattern.compile("\"(gate64_[a-z][a-z0-9_]*[a-z0-9])[\"{]");
    private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

    private static String read(String path) throws IOException {
        return Files.readString(REPO.resolve(path));
    }

    private static Set<String> keys(String conf) {
        return new TreeSet<>(ConfigFactory.parseFile(REPO.resolve(conf).toFile()).root().keySet());
    }

    private static void everyKeyDocumented(String conf, String doc) throws IOException {
        String text = read(doc);
        List<String> missing = new ArrayList<>();
        for (String key : keys(conf)) {
            if (!text.contains("`" + key + "`")) {
                missing.add(key);
            }
        }
        assertEquals(List.of(), missing, "settings of " + conf + " that " + doc + " does not name (as `key`)");
    }

    @Test
    void everyRecursorSettingIsDocumented() throws IOException {
        everyKeyDocumented("conf/recursor.conf", "docs/configuration.md");
    }

    @Test
    void everyGatewaySettingIsDocumented() throws IOException {
        everyKeyDocumented("conf/nat64.conf", "docs/nat64.md");
    }

    @Test
    void everyOtherConfFileUsesOnlyDocumentedSettings() throws IOException {
        String recursorDocs = read("docs/configuration.md");
        String nat64Docs = read("docs/nat64.md");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> confs = Files.list(REPO.resolve("conf"))) {
            for (Path conf : confs.filter(p -> p.toString().endsWith(".conf")).sorted().toList()) {
                com.typesafe.config.ConfigObject root = ConfigFactory.parseFile(conf.toFile()).root();
                for (String key : root.keySet()) {
                    // one file for both programs: recursor { } and nat64 { } sections
                    if ((key.equals("recursor") || key.equals("nat64"))
                            && root.get(key) instanceof com.typesafe.config.ConfigObject section) {
                        for (String k : section.keySet()) {
                            String docs = key.equals("nat64") ? nat64Docs : recursorDocs;
                            if (!docs.contains("`" + k + "`")) {
                                missing.add(conf.getFileName() + ": " + key + "." + k);
                            }
                        }
                    } else if (!recursorDocs.contains("`" + key + "`") && !nat64Docs.contains("`" + key + "`")) {
                        missing.add(conf.getFileName() + ": " + key);
                    }
                }
            }
        }
        assertEquals(List.of(), missing, "settings in conf/*.conf that the docs do not name (as `key`)");
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
    private static Set<String> inCode(String... modules) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String module : modules) {
            try (Stream<Path> files = Files.walk(REPO.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = METRIC_IN_CODE.matcher(Files.readString(f));
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyDocumentedMetricExistsAndEveryMetricIsDocumented() throws IOException {
        Set<String> code = inCode("resolver", "nat64", "common");
        Map<String, Set<String>> docs = documented();
        Map<String, Set<String>> unknown = new TreeMap<>(docs);
        unknown.keySet().removeAll(code);
        assertEquals(Map.of(), unknown, "metrics the docs name that the code does not export (name: where)");
        Set<String> undocumented = new TreeSet<>(code);
        undocumented.removeAll(docs.keySet());
        assertEquals(Set.of(), undocumented, "metrics the code exports that no docs/*.md names");
    }

    @Test
    void aFreshRecursorExportsEveryFamilyWithTheRightType() throws Exception {
        Path script = REPO.resolve("contrib/dns64.lua");
        // everything switched on: a script, DNS64, validation (nothing is asked, so the unsigned lab does not matter)
        try (LabFixture f = LabFixture.start("lua-dns-script=\"" + script + "\"", "dns64-prefix=\"64:ff9b::/96\"",
                "dnssec=validate")) {
            String text = f.recursor.metrics().prometheusText();
            Map<String, String> types = new TreeMap<>();
            Matcher m = TYPE_LINE.matcher(text);
            while (m.find()) {
                types.put(m.group(1), m.group(2));
            }
            Set<String> absent = new TreeSet<>(inCode("resolver"));
            absent.removeAll(types.keySet());
            assertEquals(Set.of(), absent, "recursor metrics that a fresh recursor does not export yet");
            List<String> wrong = new ArrayList<>();
            types.forEach((name, type) -> {
                boolean total = name.endsWith("_total");
                if (total != type.equals("counter")) {
                    wrong.add(name + " is a " + type);
                }
            });
            assertEquals(List.of(), wrong, "families ending in _total must be counters, and only they");
            assertTrue(text.contains("gate64_drops_total{reason=\"acl\"} 0"), "drop reasons are there from the start");
        }
    }
}
