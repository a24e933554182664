package net.gate64.resolver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolyglotCacheTest {
    @TempDir
    Path dir;

    @Test
    void aWritableHomeKeepsTrufflesDefault() throws Exception {
        assertNull(PolyglotCache.choose(dir, null, p -> true));
        Files.createDirectories(dir.resolve(".cache"));
        assertNull(PolyglotCache.choose(dir, "/var/cache/gate64", p -> true));
    }

    @Test
    void noHomeGoesToSystemdsCacheDirectoryOrAPrivateTemporaryOne() {
        Path none = dir.resolve("nonexistent");
        assertEquals(Path.of("/var/cache/gate64/polyglot"), PolyglotCache.choose(none, "/var/cache/gate64:/x", p -> true));
        assertEquals(PolyglotCache.TEMPORARY, PolyglotCache.choose(none, null, p -> true));
        assertEquals(PolyglotCache.TEMPORARY, PolyglotCache.choose(dir, "", p -> false), "a read-only home");
    }
}
