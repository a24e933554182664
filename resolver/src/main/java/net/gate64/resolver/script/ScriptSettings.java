package net.gate64.resolver.script;

import java.nio.file.Path;
import java.time.Duration;
import net.gate64.scripting.ScriptOptions;

/**
 * The hook-script settings: {@code lua-dns-script} (a {@code .js} file is JavaScript; null = no script) and
 * {@code lua-hook-timeout-msec}, the most one hook call may take before it is stopped and treated as "not handled".
 * A plain value, read by the config package.
 */
public record ScriptSettings(Path file, Duration hookTimeout) {
    public ScriptOptions options() {
        return new ScriptOptions(hookTimeout, ScriptOptions.defaults().maxInstances());
    }
}
