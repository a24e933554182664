package net.gate64.resolver.script;

import java.nio.file.Path;
import java.time.Duration;
import net.gate64.scripting.ScriptOptions;
import net.gate64.scripting.ScriptSandbox;

/**
 * The hook-script settings: {@code lua-dns-script} (a {@code .js} file is JavaScript; null = no script),
 * {@code lua-hook-timeout-msec}, the most one hook call may take before it is stopped and treated as "not handled",
 * and the sandbox ({@code script-sandbox}, {@code script-read-allow}). A plain value, read by the config package.
 */
public record ScriptSettings(Path file, Duration hookTimeout, ScriptSandbox sandbox) {
    public ScriptOptions options() {
        return new ScriptOptions(hookTimeout, ScriptOptions.defaults().maxInstances(), sandbox);
    }
}
