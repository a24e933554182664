package net.gate64.resolver.config;

import java.nio.file.Path;
import java.util.List;
import net.gate64.config.ConfigLoader;
import net.gate64.config.ConfigReader;

/**
 * Where the running recursor's settings come from: the {@code --config} file (null: built-in defaults only) and the
 * {@code -Dkey=value} overrides of its command line. A reload reads the same file again with the same overrides on
 * top, as the program did at start.
 */
public record SettingsSource(Path file, List<String> overrides) {
    public SettingsSource {
        overrides = List.copyOf(overrides);
    }

    /** Reads the file and the overrides now. @throws net.gate64.config.ConfigError naming key and position */
    public ConfigReader load() {
        return ConfigLoader.load(SettingsLoader.SCHEMA, file, overrides);
    }

    /** The file for messages, or what stands in for it. */
    public String describe() {
        return file == null ? "the built-in defaults and -D overrides (no --config file)" : file.toString();
    }
}
