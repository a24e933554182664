package net.gate64.nat64.config;

/** A configuration mistake the operator must fix; the message names the key and, where known, file and line. */
public final class ConfigError extends RuntimeException {
    public ConfigError(String message) {
        super(message, null, false, false);
    }
}
