package net.gate64.resolver.resolve;

import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.Name;

/**
 * Resolves one question to an {@link Answer}. The plain {@link CachingResolver} and the DNSSEC validator that wraps it
 * both are one, so later stages (DNS64, scripts' follow-ups) ask whichever the client's flags call for.
 *
 * <p>Asynchronous: the future completes on the query's event loop ({@link QueryBudget#loop()}), at once when the
 * caches hold the answer, later when it must be fetched. Nothing waits for it.
 */
public interface Lookup {
    /** A spent budget ends in SERVFAIL (counted); the future never fails. */
    CompletableFuture<Answer> resolve(Name qname, int qtype, QueryBudget budget);
}
