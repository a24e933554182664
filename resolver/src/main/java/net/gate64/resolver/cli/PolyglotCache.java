package net.gate64.resolver.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Where GraalJS (Truffle) unpacks its native helper library. Truffle uses {@code ~/.cache/org.graalvm.polyglot};
 * for a service user without a (writable) home directory, such as systemd's {@code DynamicUser} with
 * {@code ProtectHome}, that fails and every start printed an eight-line "truffleattach" warning when a .js hook
 * loaded, and ran without the optimising runtime. Then the cache goes to systemd's {@code CACHE_DIRECTORY}
 * ({@code CacheDirectory=} in the unit) or else to a fresh private temporary directory, removed at exit. An operator's
 * own {@code -Dpolyglot.engine.userResourceCache=DIR} (through GATE64_JAVA_OPTS) always wins.
 */
final class PolyglotCache {
    static final String PROPERTY = "polyglot.engine.userResourceCache";

    private PolyglotCache() {}

    /** Sets {@link #PROPERTY} when Truffle's default place cannot be written. */
    static void prepare() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        Path home = Path.of(System.getProperty("user.home", "/nonexistent"));
        Path chosen = choose(home, System.getenv("CACHE_DIRECTORY"), Files::isWritable);
        if (chosen == null) {
            return;
        }
        try {
            if (chosen.equals(TEMPORARY)) {
                chosen = Files.createTempDirectory("gate64-polyglot-"); // 0700, a name nobody can guess
                Path dir = chosen;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "polyglot-cache-cleanup"));
            } else {
                Files.createDirectories(chosen);
            }
            System.setProperty(PROPERTY, chosen.toString());
        } catch (IOException e) {
            // nowhere writable: Truffle warns once and runs without its optimising runtime
        }
    }

    /** Stands for "a fresh private temporary directory". */
    static final Path TEMPORARY = Path.of("<temporary>");

    /**
     * Null when Truffle's default ({@code home/.cache}) works; else {@code systemdCache/polyglot} (the first of a
     * colon-separated list) or {@link #TEMPORARY}.
     */
    static Path choose(Path home, String systemdCache, Predicate<Path> writable) {
        Path cache = home.resolve(".cache");
        if (Files.isDirectory(cache) ? writable.test(cache) : Files.isDirectory(home) && writable.test(home)) {
            return null;
        }
        if (systemdCache != null && !systemdCache.isBlank()) {
            return Path.of(systemdCache.split(":")[0]).resolve("polyglot");
        }
        return TEMPORARY;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit
        }
    }
}
