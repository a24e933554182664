package net.gate64.resolver.resolve;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Gets the answer for one question from outside (a forwarder, or the iterator walking down from the root).
 * Returns the response message as the answering server sent it, or null when nobody answered usefully.
 */
public interface Fetcher {
    /** The response and whether it came from an authoritative server (AA) or a recursive one. */
    record Fetch(Message response, boolean authoritative) {}

    Fetch fetch(Name name, int type, QueryBudget budget);
}
