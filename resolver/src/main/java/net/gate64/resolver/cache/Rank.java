package net.gate64.resolver.cache;

/**
 * How much a cached RRset is trusted (RFC 2181 §5.4.1), lowest first. Data of a lower rank never replaces live data
 * of a higher rank, so glue cannot overwrite an authoritative answer.
 */
public enum Rank {
    /** Glue and other additional-section data. */
    ADDITIONAL,
    /** Authority-section data from a non-authoritative response (referral NS sets). */
    NONAUTH_AUTHORITY,
    /** Answer-section data from a non-authoritative response (what a recursive forwarder returns). */
    NONAUTH_ANSWER,
    /** Authority-section data from an authoritative response. */
    AUTH_AUTHORITY,
    /** Answer-section data from an authoritative response. */
    AUTH_ANSWER
}
