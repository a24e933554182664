package net.gate64.nat64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The first {@code limit} of a stream of items in an order, and how many there were, in memory for {@code limit}
 * items only: the {@code /sessions} and {@code /bib} listings walk tables of millions of entries and show a page of
 * them. A max-heap keeps the best {@code limit} seen so far (O(n log limit)); the full table is never copied or
 * sorted.
 */
final class FirstN<T> implements Consumer<T> {
    private final Comparator<? super T> order;
    private final int limit;
    private final PriorityQueue<T> kept;
    private long seen;

    FirstN(Comparator<? super T> order, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        this.order = order;
        this.limit = limit;
        this.kept = new PriorityQueue<>(Math.min(limit, 1024) + 1, order.reversed());
    }

    @Override
    public void accept(T item) {
        seen++;
        if (limit == 0) {
            return;
        }
        if (kept.size() < limit) {
            kept.add(item);
        } else if (order.compare(item, kept.peek()) < 0) {
            kept.poll();
            kept.add(item);
        }
    }

    /** Every item offered. */
    long seen() {
        return seen;
    }

    /** The items offered beyond the first {@code limit}. */
    long more() {
        return Math.max(0, seen - limit);
    }

    /** The first {@code limit} in order (fewer when fewer were offered). */
    List<T> first() {
        List<T> out = new ArrayList<>(kept);
        out.sort(order);
        return out;
    }
}
