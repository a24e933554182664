package net.gate64.resolver.resolve;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Gets the answer for one question from outside (a forwarder, or the iterator walking down from the root).
 * Returns the response message as the answering server sent it, or null when nobody answered usefully.
 */
public interface Fetcher {
    /**
     * The response, whether it came from an authoritative server or a recursive one, and the bailiwick: the zone
     * the answering server was asked as an authority for. Data outside it is neither used nor cached (for a
     * recursive forwarder, which answers for everything, it is the root).
     */
    record Fetch(Message response, boolean authoritative, Name bailiwick) {}

    Fetch fetch(Name name, int type, QueryBudget budget);
}
