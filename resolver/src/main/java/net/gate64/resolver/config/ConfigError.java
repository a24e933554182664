package net.gate64.resolver.config;

/** A configuration mistake the operator must fix; its message names the key and, where known, file and line. */
public final class ConfigError extends RuntimeException {
    public ConfigError(String message) {
        super(message, null, false, false);
    }
}
