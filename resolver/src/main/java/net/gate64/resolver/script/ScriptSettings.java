package net.gate64.resolver.script;

import java.nio.file.Path;
import java.time.Duration;
import net.gate64.resolver.config.SettingsLoader;
import net.gate64.scripting.ScriptOptions;
import net.gate64.scripting.ScriptSandbox;

/**
 * The hook-script settings: {@code lua-dns-script} (a {@code .js} file is JavaScript; empty = no script),
 * {@code lua-hook-timeout-msec}, the most one hook call may take before it is stopped and treated as "not handled",
 * and the sandbox ({@code script-sandbox}, {@code script-read-allow}).
 */
public record ScriptSettings(Path file, Duration hookTimeout, ScriptSandbox sandbox) {
    public static ScriptSettings from(SettingsLoader loader) {
        String file = loader.string("lua-dns-script").trim();
        long timeout = loader.longIn("lua-hook-timeout-msec", 1, 60_000);
        ScriptSandbox sandbox = new ScriptSandbox(loader.bool("script-sandbox"),
                loader.list("script-read-allow", s -> Path.of(s)));
        return new ScriptSettings(file.isEmpty() ? null : Path.of(file), Duration.ofMillis(timeout), sandbox);
    }

    public ScriptOptions options() {
        return new ScriptOptions(hookTimeout, ScriptOptions.defaults().maxInstances(), sandbox);
    }
}
