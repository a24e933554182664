package net.gate64.resolver.config;

import java.time.Duration;

/**
 * What one client may hold of the listeners (docs/security.md lists each with its counter and the attack it answers).
 * A plain value, read by the config package.
 *
 * @param maxTcpClients            {@code max-tcp-clients}: open client TCP connections in all
 * @param maxTcpPerClient          {@code max-tcp-per-client}: open connections from one IPv4 address or IPv6 /64
 *                                 (0: no limit)
 * @param tcpTimeout               {@code client-tcp-timeout}: the longest a connection may go without a complete query
 *                                 while it is owed no answer; bytes that do not complete a query do not count, so a
 *                                 query dripped in slowly is closed like an idle connection
 * @param maxRequestsPerConnection {@code max-concurrent-requests-per-tcp-connection}: queries of one connection in
 *                                 flight at once; past it the connection is not read until an answer leaves
 * @param maxQueuedAnswerBytes     {@code max-tcp-queued-answer-bytes}: answers queued on one connection that its
 *                                 client has not read; past half of it reading stops, past all of it the
 *                                 connection is closed
 * @param maxInflightBytes         {@code max-inflight-bytes}: the {@code MemoryBudget} (server) of all in-flight work
 */
public record ClientLimits(int maxTcpClients, int maxTcpPerClient, Duration tcpTimeout, int maxRequestsPerConnection,
                           int maxQueuedAnswerBytes, long maxInflightBytes) {}
