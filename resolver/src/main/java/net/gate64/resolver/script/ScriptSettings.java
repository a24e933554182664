package net.gate64.resolver.script;

import java.nio.file.Path;
import java.time.Duration;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.scripting.ScriptOptions;

/**
 * The hook-script settings: {@code lua-dns-script} (a {@code .js} file is JavaScript; empty = no script) and
 * {@code lua-hook-timeout-msec}, the most one hook call may take before it is stopped and treated as "not handled".
 */
public record ScriptSettings(Path file, Duration hookTimeout) {
    public static ScriptSettings from(SettingsLoader loader) {
        String file = loader.string("lua-dns-script").trim();
        long timeout = loader.longIn("lua-hook-timeout-msec", 1, 60_000);
        return new ScriptSettings(file.isEmpty() ? null : Path.of(file), Duration.ofMillis(timeout));
    }

    public ScriptOptions options() {
        return new ScriptOptions(hookTimeout, ScriptOptions.defaults().maxInstances());
    }
}
