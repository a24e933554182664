package net.gate64.resolver.resolve;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import net.gate64.resolver.stats.Metrics;
import org.xbill.DNS.Name;

/**
 * Lets identical questions in flight at the same moment share one fetch: the first asker fetches, later ones are
 * told its result. A burst of clients asking for the same missing name causes one outgoing query, not a burst.
 *
 * <p>A joiner hears the result on its own event loop (with {@code threads > 1} the owner may sit on another), and
 * no later than its own deadline: glueless delegations that depend on each other across queries would otherwise
 * wait on each other for ever.
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
    public CompletableFuture<Fetch> fetch(Name name, int type, QueryBudget budget) {
        Key key = new Key(name, type);
        CompletableFuture<Fetch> mine = new CompletableFuture<>();
        CompletableFuture<Fetch> theirs = inFlight.putIfAbsent(key, mine);
        if (theirs != null) {
            coalesced.increment();
            return join(theirs, budget);
        }
        CompletableFuture<Fetch> own = Futures.guard(() -> delegate.fetch(name, type, budget));
        own.whenComplete((f, e) -> {
            inFlight.remove(key, mine);
            mine.complete(e == null ? f : null); // joiners fail softly; the owner sees the real cause
        });
        return own;
    }

    private static CompletableFuture<Fetch> join(CompletableFuture<Fetch> theirs, QueryBudget budget) {
        EventLoop loop = budget.loop();
        CompletableFuture<Fetch> joined = new CompletableFuture<>();
        ScheduledFuture<?> timer = loop.schedule(() -> {
            joined.completeExceptionally(new QueryBudget.Exhausted("time"));
        }, Math.max(1, budget.nanosLeft()), TimeUnit.NANOSECONDS);
        theirs.whenComplete((f, e) -> {
            if (loop.inEventLoop()) {
                timer.cancel(false);
                joined.complete(f);
            } else {
                loop.execute(() -> {
                    timer.cancel(false);
                    joined.complete(f);
                });
            }
        });
        return joined;
    }
}
