package net.gate64.resolver.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The observability packages stay leaves of the resolver's import graph: {@code stats} (metrics, the web server, the
 * stats page, decision logs) uses no other resolver package, so everything may report into it and it may serve any
 * of them through {@link Control}; {@code health} uses {@code stats} only. Checked on the sources, imports and
 * fully qualified names alike (comments left out).
 */
class ImportRulesTest {
    private static final Path MAIN = Path.of("src/main/java/net/gate64/resolver");
    private static final Pattern REFERENCE = Pattern.compile("net\\.gate64\\.resolver\\.([a-z0-9]+)\\b");

    private static Map<String, Set<String>> uses(String pkg) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(MAIN.resolve(pkg))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String code = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                Matcher m = REFERENCE.matcher(code); // comments may name other packages; code may not
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.computeIfAbsent(f.getFileName().toString(), k -> new TreeSet<>()).add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void statsUsesNoOtherResolverPackage() throws IOException {
        assertTrue(Files.isDirectory(MAIN.resolve("stats")), "run from the resolver module");
        assertEquals(Map.of(), uses("stats"));
    }

    @Test
    void healthUsesStatsOnly() throws IOException {
        Map<String, Set<String>> uses = uses("health");
        uses.values().removeIf(s -> s.equals(Set.of("stats")));
        assertEquals(Map.of(), uses);
    }
}
