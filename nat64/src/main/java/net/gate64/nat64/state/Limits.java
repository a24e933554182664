package net.gate64.nat64.state;

/** Table limits: total sessions, and sessions per IPv6 client address (0 = unlimited). */
public record Limits(int maxSessions, int maxSessionsPerClient) {
    public static final Limits DEFAULT = new Limits(1_000_000, 10_000);
}
