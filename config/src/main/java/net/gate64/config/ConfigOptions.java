package net.gate64.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} and {@code -Dkey=value}, as every gate64 program that reads settings takes them (a picocli
 * mixin: {@code @Mixin ConfigOptions config;}).
 */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "settings file (HOCON); every setting is documented with its default in conf/*.conf")
    private Path file;

    @Option(names = "-D", paramLabel = "key=value",
            description = "override one setting (HOCON value syntax), e.g. -Dthreads=2; a list: -Dkey='[\"a\", \"b\"]'")
    private List<String> overrides = new ArrayList<>();

    public Path file() {
        return file;
    }

    public List<String> overrides() {
        return List.copyOf(overrides);
    }

    /** The last -D value given for {@code key}, unquoted, or null. */
    public String override(String key) {
        String found = null;
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq > 0 && o.substring(0, eq).trim().equals(key)) {
                found = o.substring(eq + 1).trim().replace("\"", "");
            }
        }
        return found;
    }

    public ConfigReader load(ConfigSchema schema) {
        return ConfigLoader.load(schema, file, overrides);
    }
}
