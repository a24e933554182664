package net.gate64.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * After a test run ({@code ./gate64 test}): reads the Surefire and Failsafe reports written since the run began,
 * lists the skipped tests grouped by their reason, and fails (exit 1) when a test class ran no test at all, which is
 * what an assumption in {@code @BeforeAll} or an empty class looks like in the reports: no test, and no reason.
 *
 * <p>{@code java -cp testing/target/classes net.gate64.testing.TestReports [--since FILE] DIR...}
 */
public final class TestReports {
    /** One report file's verdict. */
    record Suite(String name, int tests, int skipped, Map<String, Integer> reasons) {}

    private TestReports() {}

    public static void main(String[] args) throws Exception {
        FileTime since = null;
        List<Path> roots = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--since")) {
                since = Files.getLastModifiedTime(Path.of(args[++i]));
            } else {
                roots.add(Path.of(args[i]));
            }
        }
        List<Suite> suites = new ArrayList<>();
        for (Path root : roots) {
            for (Path report : reports(root, since)) {
                suites.add(read(report));
            }
        }
        System.exit(summarize(suites, System.out) ? 0 : 1);
    }

    /** Prints the skips by reason and the classes that ran nothing; true when there are none of the latter. */
    static boolean summarize(List<Suite> suites, PrintStream out) {
        Map<String, Map<String, Integer>> byReason = new TreeMap<>();
        int skipped = 0;
        int tests = 0;
        List<String> empty = new ArrayList<>();
        for (Suite s : suites) {
            tests += s.tests;
            skipped += s.skipped;
            s.reasons.forEach((reason, n) -> byReason.computeIfAbsent(reason, k -> new TreeMap<>()).merge(s.name, n, Integer::sum));
            if (s.tests == 0 && suites.stream().noneMatch(o -> o.name.startsWith(s.name + "$") && o.tests > 0)) {
                empty.add(s.name); // an outer class of @Nested ones reports 0 itself: fine when they ran
            }
        }
        out.println("gate64 test: " + tests + " tests in " + suites.size() + " classes, " + skipped + " skipped"
                + (skipped == 0 ? "" : ":"));
        byReason.forEach((reason, classes) -> {
            out.println("  skipped: " + reason);
            classes.forEach((c, n) -> out.println("      " + n + " in " + c.substring(c.lastIndexOf('.') + 1)));
        });
        if (!empty.isEmpty()) {
            out.println("gate64 test: FAILED: these classes ran no test and gave no reason (an assumption in @BeforeAll, "
                    + "or no tests; use @Requires or per-test assumptions so that skips say why):");
            empty.forEach(c -> out.println("  " + c));
        }
        return empty.isEmpty();
    }

    private static List<Path> reports(Path root, FileTime since) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root, 4)) {
            return s.filter(p -> p.getFileName().toString().startsWith("TEST-") && p.toString().endsWith(".xml"))
                    .filter(p -> p.getParent().getFileName().toString().matches("(surefire|failsafe)-reports"))
                    .filter(p -> since == null || modified(p).compareTo(since) >= 0)
                    .sorted().toList();
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static Suite read(Path report) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(report.toFile());
        Element suite = d.getDocumentElement();
        Map<String, Integer> reasons = new TreeMap<>();
        NodeList skips = suite.getElementsByTagName("skipped");
        for (int i = 0; i < skips.getLength(); i++) {
            Element e = (Element) skips.item(i);
            String reason = e.getAttribute("message");
            if (reason.isEmpty()) {
                reason = e.getTextContent().strip().replaceFirst("^org\\.opentest4j\\.TestAbortedException: ", "")
                        .replaceFirst("^Assumption failed: ", "").lines().findFirst().orElse("(no reason given)");
            }
            reasons.merge(reason, 1, Integer::sum);
        }
        // Counted from the test cases: with @Nested classes Surefire writes tests="0" on a suite that holds them all.
        return new Suite(suite.getAttribute("name"), suite.getElementsByTagName("testcase").getLength(),
                skips.getLength(), reasons);
    }
}
