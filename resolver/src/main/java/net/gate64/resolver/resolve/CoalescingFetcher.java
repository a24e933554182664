package net.gate64.resolver.resolve;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;
import org.xbill.DNS.Name;

/**
 * Lets identical questions in flight at the same moment share one fetch: the first asker fetches, later ones wait
 * for its result. A burst of clients asking for the same missing name causes one outgoing query, not a burst.
 */
public final class CoalescingFetcher implements Fetcher {
    private record Key(Name name, int type) {}

    private final Fetcher delegate;
    private final ConcurrentHashMap<Key, CompletableFuture<Fetch>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder coalesced;

    public CoalescingFetcher(Fetcher delegate, Metrics metrics) {
        this.delegate = delegate;
        this.coalesced = metrics.counter("gate64_coalesced_fetches_total", "Fetches that joined an identical one in flight");
    }

    @Override
    public Fetch fetch(Name name, int type, QueryBudget budget) {
        Key key = new Key(name, type);
        CompletableFuture<Fetch> mine = new CompletableFuture<>();
        CompletableFuture<Fetch> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            coalesced.increment();
            try {
                // bounded: glueless delegations that depend on each other across queries must not deadlock
                return theirs.get(Math.max(1, budget.nanosLeft()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new QueryBudget.Exhausted("time");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return null;
            }
        }
        try {
            Fetch f = delegate.fetch(name, type, budget);
            mine.complete(f);
            return f;
        } catch (RuntimeException e) {
            mine.complete(null); // joiners fail softly; the owner sees the real cause
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }
}
