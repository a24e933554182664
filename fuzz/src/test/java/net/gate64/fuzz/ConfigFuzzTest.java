package net.gate64.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.gate64.config.ConfigError;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.resolver.resolve.RootHints;

/**
 * The text parsers an operator's files go through: the recursor's and the gateway's HOCON settings (file and
 * {@code -Dkey=value}), root hints and trust-anchor files in zone-file format. Property: a bad file is refused with
 * the loader's own error (ConfigError, or the zone parser's IOException), never another exception. HOCON includes
 * are skipped: an include names other files or URLs, which the operator's own file may do but a fuzzer must not.
 */
class ConfigFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("gate64-fuzz", ".conf");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(byte[] data) {
        try {
            Files.write(FILE, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean includes(String text) {
        return text.toLowerCase(java.util.Locale.ROOT).contains("include");
    }

    @FuzzTest(maxDuration = "10s")
    void recursorSettings(FuzzedDataProvider in) {
        String override = in.consumeString(200);
        String text = in.consumeRemainingAsString();
        if (includes(text) || includes(override)) {
            return;
        }
        write(text.getBytes(StandardCharsets.UTF_8));
        try {
            SettingsLoader.load(FILE, List.of());
        } catch (ConfigError refused) {
            // the expected way to say no
        }
        try {
            SettingsLoader.load(null, List.of(override));
        } catch (ConfigError refused) {
            // likewise
        }
    }

    @FuzzTest(maxDuration = "10s")
    void nat64Settings(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (includes(text)) {
            return;
        }
        write(data);
        try {
            net.gate64.nat64.config.SettingsLoader.load(FILE, List.of());
        } catch (ConfigError refused) {
            // expected
        }
    }

    @FuzzTest(maxDuration = "10s")
    void zoneFiles(byte[] data) {
        if (includes(new String(data, StandardCharsets.ISO_8859_1))) {
            return; // $INCLUDE names another file
        }
        write(data);
        try {
            RootHints.load(FILE);
        } catch (IOException | ConfigError refused) {
            // expected
        }
        try {
            SettingsLoader.load(null, List.of("trust-anchor-file=\"" + FILE + "\""));
        } catch (ConfigError refused) {
            // expected
        }
    }
}
