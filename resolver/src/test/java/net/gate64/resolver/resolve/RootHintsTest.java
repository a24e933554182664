package net.gate64.resolver.resolve;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions found by fuzz/ConfigFuzzTest#zoneFiles (its crash input is replayed there too). */
class RootHintsTest {
    /** dnsjava's zone parser threw StringIndexOutOfBoundsException on an empty quoted owner name; now a refusal. */
    @Test
    void anEmptyQuotedOwnerNameIsAParseErrorNotACrash(@TempDir Path dir) throws Exception {
        Path hints = dir.resolve("hints.zone");
        Files.writeString(hints, "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"st\\81\"\n", StandardCharsets.ISO_8859_1);
        IOException e = assertThrows(IOException.class, () -> RootHints.load(hints));
        assertTrue(e.getMessage().contains("unreadable record"), e.getMessage());
    }
}
