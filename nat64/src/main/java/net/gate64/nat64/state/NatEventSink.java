package net.gate64.nat64.state;

/**
 * What the stateful tables tell the outside when a binding or a session starts or ends (the events RFC 8158 names:
 * NAT64 BIB create/delete, NAT64 session create/delete). Creations are reported from the worker that made them,
 * on the packet path; deletions from the expiry sweep. Implementations must return at once and never throw: a
 * logger queues the event (bounded, drops counted) and writes it on its own thread.
 *
 * <p>{@link #NONE} ignores everything (tests, and gateways without session logging).
 */
public interface NatEventSink {
    NatEventSink NONE = new NatEventSink() {};

    /** A new binding (RFC 6146 §3.1): the IPv6 transport address now has its pool4 transport address. */
    default void bibCreated(BibEntry e) {}

    /** A binding retired with its last session. */
    default void bibDeleted(BibEntry e) {}

    /** A new session: the binding plus the IPv4 remote endpoint. */
    default void sessionCreated(Session s) {}

    /** A session expired (its deadline passed) and left the table. */
    default void sessionDeleted(Session s) {}

    /**
     * A client took a port block (dynamic port blocks, RFC 6888 REQ-14; reported from the worker, on the packet
     * path). Deterministic ranges are never reported: they are computed from the client's address.
     */
    default void portBlockCreated(PortBlock b) {}

    /** A client's port block went back with its last binding (reported from the expiry sweep). */
    default void portBlockDeleted(PortBlock b) {}
}
