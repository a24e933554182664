package net.gate64.resolver.cache;

/** DNSSEC validation state of cached data (RFC 4035 §4.3). Indeterminate until validation exists or is asked for. */
public enum Security {
    INDETERMINATE,
    INSECURE,
    SECURE,
    BOGUS
}
