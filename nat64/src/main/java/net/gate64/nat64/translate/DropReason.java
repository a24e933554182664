package net.gate64.nat64.translate;

/** Why a packet was not translated; each reason is a counter ({@code gate64_nat64_dropped_total{reason}}). */
public enum DropReason {
    TRUNCATED("truncated"),
    BAD_VERSION("bad_version"),
    BAD_LENGTH("bad_length"),
    BAD_HEADER_CHECKSUM("bad_header_checksum"),
    ROUTING_HEADER("routing_header"),
    /** RFC 7915 §4.1: an IPv4 packet with an unexpired loose or strict source route option. */
    SOURCE_ROUTE("source_route"),
    /** RFC 7915 §5.1: an extension header after the Fragment header cannot become consistent IPv4 fragments. */
    EXTENSION_AFTER_FRAGMENT("extension_after_fragment"),
    UNSUPPORTED_PROTOCOL("unsupported_protocol"),
    ICMP_UNTRANSLATABLE("icmp_untranslatable"),
    ICMP_ERROR_NESTED("icmp_error_nested"),
    ICMP_FRAGMENTED("icmp_fragmented"),
    FRAGMENT_WITHOUT_STATE("fragment_without_state"),
    /** Stateful: a first fragment while the fragment memory is full; its later fragments could not follow it. */
    FRAGMENT_TABLE_FULL("fragment_table_full"),
    UDP_ZERO_CHECKSUM("udp_zero_checksum"),
    NOT_IN_POOL6("not_in_pool6"),
    NOT_IN_POOL4("not_in_pool4"),
    NON_GLOBAL("non_global_ipv4"),
    NO_BIB("no_binding"),
    NO_SESSION("no_session"),
    SESSION_LIMIT("session_limit"),
    CLIENT_LIMIT("client_session_limit"),
    POOL4_EXHAUSTED("pool4_exhausted"),
    /** The client used all the ports (port blocks) it may have (RFC 6888 REQ-4). */
    CLIENT_PORTS_EXHAUSTED("client_ports_exhausted"),
    /** Deterministic port blocks: the client lies outside the mapped IPv6 prefix. */
    CLIENT_OUTSIDE_MAP("client_outside_map"),
    /** An unsolicited IPv4 SYN, held for a simultaneous open (RFC 6146 §3.5.2.2). */
    TCP_SYN_HELD("tcp_syn_held"),
    /** Address-dependent filtering refused an IPv4 packet (RFC 4787 REQ-8). */
    FILTERED("filtered"),
    TTL_EXPIRED("ttl_expired"),
    TOO_BIG("too_big"),
    TO_GATEWAY("to_gateway"),
    UNSUPPORTED_OFFLOAD("unsupported_offload");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The Prometheus label value. */
    public String label() {
        return label;
    }
}
