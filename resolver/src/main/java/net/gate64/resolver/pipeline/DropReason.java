package net.gate64.resolver.pipeline;

/**
 * Why a received client query got no answer. Every query counted in {@code gate64_queries_total} ends as exactly one
 * answer ({@code gate64_answers_total{rcode}}) or one drop ({@code gate64_drops_total{reason}}), so the two families
 * add up to the queries received (docs/security.md, "Metrics that add up").
 */
public enum DropReason {
    /** Shorter than a DNS header: nothing to answer to. */
    SHORT("short"),
    /** Outside {@code allow-from} with the QR bit set (a REFUSED to a response could start a loop). */
    ACL("acl"),
    /** Unparsable and with the QR bit set: FORMERR is for queries. */
    MALFORMED("malformed"),
    /** A response (QR=1) sent to the listener. */
    RESPONSE_BIT("response-bit"),
    /** The script's ipfilter hook said so. */
    IPFILTER("ipfilter"),
    /** {@code max-mthreads} cache-missing queries were already in flight. */
    OVERLOAD("overload"),
    /** {@code max-inflight-bytes} was used up by queries in flight and queued TCP answers. */
    MEMORY("memory"),
    /** The answer was ready but its TCP connection had been closed (by the client, or by a limit). */
    CONNECTION_CLOSED("connection-closed"),
    /** The UDP socket's send queue was full: the answer was not queued (it would only grow the backlog). */
    SEND_QUEUE("send-queue"),
    /** The server was shutting down. */
    SHUTDOWN("shutdown"),
    /** A bug: the pipeline threw. Logged at ERROR with the query's client. */
    INTERNAL_ERROR("internal-error");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The {@code reason} label of {@code gate64_drops_total}. */
    public String label() {
        return label;
    }
}
