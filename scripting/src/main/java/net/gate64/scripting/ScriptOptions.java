package net.gate64.scripting;

import java.time.Duration;

/**
 * How scripts run: the time budget of one hook call, and how many engine instances (Lua states, JavaScript
 * contexts) may exist at once. Each instance serves one hook call at a time.
 */
public record ScriptOptions(Duration hookTimeout, int maxInstances) {
    public ScriptOptions {
        if (hookTimeout.isNegative() || hookTimeout.isZero()) {
            throw new IllegalArgumentException("hook timeout must be positive");
        }
        if (maxInstances < 1) {
            throw new IllegalArgumentException("at least one script instance is needed");
        }
    }

    public static ScriptOptions defaults() {
        return new ScriptOptions(Duration.ofSeconds(1), Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
    }
}
