package net.gate64.scripting;

import java.time.Duration;

/**
 * How scripts run: the time budget of one hook call, how many engine instances (Lua states, JavaScript contexts) may
 * exist at once (each serves one hook call at a time), and what a script may do outside the DNS API.
 */
public record ScriptOptions(Duration hookTimeout, int maxInstances, ScriptSandbox sandbox) {
    public ScriptOptions {
        if (hookTimeout.isNegative() || hookTimeout.isZero()) {
            throw new IllegalArgumentException("hook timeout must be positive");
        }
        if (maxInstances < 1) {
            throw new IllegalArgumentException("at least one script instance is needed");
        }
        if (sandbox == null) {
            throw new IllegalArgumentException("a sandbox setting is needed (ScriptSandbox.STRICT or OPEN)");
        }
    }

    /** Sandboxed and reading nothing. */
    public ScriptOptions(Duration hookTimeout, int maxInstances) {
        this(hookTimeout, maxInstances, ScriptSandbox.STRICT);
    }

    public static ScriptOptions defaults() {
        return new ScriptOptions(Duration.ofSeconds(1), Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
    }
}
