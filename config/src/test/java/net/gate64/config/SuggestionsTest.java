package net.gate64.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which typo gets which suggestion, among some of the recursor's and the gateway's real setting names. */
class SuggestionsTest {
    private static final List<String> KEYS = List.of("bib", "mtu", "mode", "pool4", "pool6", "threads", "allow-from",
            "local-address", "max-cache-ttl", "max-cache-entries", "network-timeout", "dns64-prefix", "networks");

    @Test
    void typosGetTheirKeyAndUnrelatedWordsNothing() {
        String[][] cases = {
            {"mtuu", "mtu"}, {"mdoe", "mode"}, {"pool", "pool4"}, {"thraeds", "threads"}, {"alow-from", "allow-from"},
            {"local-adress", "local-address"}, {"max-cache-tl", "max-cache-ttl"}, {"netwroks", "networks"},
            {"network-timout", "network-timeout"}, {"dns64_prefix", "dns64-prefix"},
            {"zzz", null}, {"foo", null}, {"ttl", null}, {"timeout", null}, {"prefix", null},
        };
        for (String[] c : cases) {
            assertEquals(c[1] == null ? "" : " (did you mean '" + c[1] + "'?)", Suggestions.didYouMean(c[0], KEYS), c[0]);
        }
    }

    @Test
    void aSwapOfNeighboursIsOneEdit() {
        assertEquals(1, Suggestions.distance("nmae", "name"));
        assertEquals(1, Suggestions.distance("cuont", "count"));
        assertEquals(3, Suggestions.distance("zzz", "bib"));
        assertEquals(0, Suggestions.distance("mtu", "mtu"));
    }
}
