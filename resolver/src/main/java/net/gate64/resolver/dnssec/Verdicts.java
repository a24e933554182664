package net.gate64.resolver.dnssec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import net.gate64.resolver.cache.Security;
import net.gate64.resolver.resolve.Answer;
import org.xbill.DNS.Name;

/**
 * The validator's verdicts per (name, type), each for the TTL of the data it judged, so a cache hit never re-verifies
 * a signature. It outlives a {@link Validator}: a config reload builds a new validator around the same verdicts and
 * wipes only the subtrees whose trust anchors or negative trust anchors changed.
 */
public final class Verdicts {
    record Key(Name name, int type) {}

    record Verdict(Security security, Answer.Ede ede, long ttl) {}

    private final Cache<Key, Verdict> cache;

    public Verdicts(long maxEntries, Ticker ticker) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(Math.max(1, maxEntries))
                .ticker(ticker)
                .expireAfter(Expiry.<Key, Verdict>writing((k, v) -> Duration.ofSeconds(v.ttl())))
                .executor(Runnable::run)
                .build();
    }

    Verdict get(Name name, int type) {
        return cache.getIfPresent(new Key(name, type));
    }

    void put(Name name, int type, Verdict v) {
        cache.put(new Key(name, type), v);
    }

    /** The state of the last verdict on the answer for {@code name}/{@code type}, or null when none is held. */
    public Security state(Name name, int type) {
        Verdict v = cache.getIfPresent(new Key(name, type));
        return v == null ? null : v.security();
    }

    /** Removes the verdicts for {@code name} and, with {@code subtree}, every name below it; returns how many. */
    public long wipe(Name name, boolean subtree) {
        long[] n = {0};
        cache.asMap().keySet().removeIf(k -> {
            boolean match = subtree ? k.name().subdomain(name) : k.name().equals(name);
            n[0] += match ? 1 : 0;
            return match;
        });
        return n[0];
    }

    public void clear() {
        cache.invalidateAll();
    }

    public long size() {
        return cache.estimatedSize();
    }
}
