package net.gate64.resolver.resolve;

import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/**
 * Gets the answer for one question from outside (a forwarder, or the iterator walking down from the root).
 * The future completes on the query's event loop with the response message as the answering server sent it, or
 * null when nobody answered usefully; it fails with {@link QueryBudget.Exhausted} when a limit ended the work.
 */
public interface Fetcher {
    /**
     * The response, whether it came from an authoritative server or a recursive one, and the bailiwick: the zone
     * the answering server was asked as an authority for. Data outside it is neither used nor cached (for a
     * recursive forwarder, which answers for everything, it is the root).
     */
    record Fetch(Message response, boolean authoritative, Name bailiwick) {}

    CompletableFuture<Fetch> fetch(Name name, int type, QueryBudget budget);
}
