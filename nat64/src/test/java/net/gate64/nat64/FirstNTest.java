package net.gate64.nat64;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The first N of a shuffled stream equal the head of the sorted stream, whatever N and the stream's size. */
class FirstNTest {
    @ParameterizedTest
    @CsvSource({"0, 0", "0, 5", "5, 0", "1, 1", "3, 10", "10, 3", "10, 10", "100, 10000", "10000, 100"})
    void firstNAreTheHeadOfTheSortedStream(int limit, int size) {
        List<Integer> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            items.add(i / 2); // duplicates: equal keys must not be lost or doubled
        }
        Collections.shuffle(items, new Random(limit * 31L + size));
        FirstN<Integer> first = new FirstN<>(Comparator.naturalOrder(), limit);
        items.forEach(first);
        List<Integer> sorted = new ArrayList<>(items);
        sorted.sort(null);
        assertEquals(sorted.subList(0, Math.min(limit, size)), first.first());
        assertEquals(size, first.seen());
        assertEquals(Math.max(0, size - limit), first.more());
    }
}
