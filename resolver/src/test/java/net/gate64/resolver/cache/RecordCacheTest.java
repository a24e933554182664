package net.gate64.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import net.gate64.resolver.FakeTicker;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class RecordCacheTest {
    private final FakeTicker ticker = new FakeTicker();
    private final RecordCache cache = new RecordCache(1000, 3600, ticker);
    private final Name name = Name.fromConstantString("www.example.org.");

    private Record a(long ttl, String ip) throws Exception {
        return new ARecord(name, DClass.IN, ttl, InetAddress.getByName(ip));
    }

    @Test
    void ttlsAgeAndEntriesExpire() throws Exception {
        cache.put(List.of(a(300, "192.0.2.1"), a(300, "192.0.2.2")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        ticker.advance(Duration.ofSeconds(100));
        RecordCache.Hit hit = cache.get(Name.fromConstantString("WWW.example.org."), Type.A);
        assertNotNull(hit, "names compare case-insensitively");
        assertEquals(200, hit.ttl());
        assertEquals(200, hit.records().get(1).getTTL());
        ticker.advance(Duration.ofSeconds(200));
        assertNull(cache.get(name, Type.A));
    }

    @Test
    void ttlIsCappedAtMaxCacheTtl() throws Exception {
        cache.put(List.of(a(86400, "192.0.2.1")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        assertEquals(3600, cache.get(name, Type.A).ttl());
    }

    @Test
    void rrsetTakesItsSmallestTtl() throws Exception {
        cache.put(List.of(a(300, "192.0.2.1"), a(60, "192.0.2.2")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        assertEquals(60, cache.get(name, Type.A).ttl());
    }

    @Test
    void lowerRankNeverReplacesLiveHigherRank() throws Exception {
        cache.put(List.of(a(300, "192.0.2.1")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        assertFalse(cache.put(List.of(a(300, "203.0.113.66")), List.of(), Rank.ADDITIONAL, Security.INDETERMINATE));
        assertEquals("192.0.2.1", cache.get(name, Type.A).records().get(0).rdataToString());
        ticker.advance(Duration.ofSeconds(301));
        cache.put(List.of(a(300, "203.0.113.66")), List.of(), Rank.ADDITIONAL, Security.INDETERMINATE);
        assertEquals("203.0.113.66", cache.get(name, Type.A).records().get(0).rdataToString());
    }

    @Test
    void zeroTtlIsNotCached() throws Exception {
        cache.put(List.of(a(0, "192.0.2.1")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        assertNull(cache.get(name, Type.A));
    }

    @Test
    void wipeRemovesSubtree() throws Exception {
        cache.put(List.of(a(300, "192.0.2.1")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        assertEquals(1, cache.wipe(Name.fromConstantString("example.org."), true));
        assertNull(cache.get(name, Type.A));
    }

    /** Several RRsets under one name are one cache entry; each keeps its own TTL and rank. */
    @Test
    void typesAtOneNameExpireOnTheirOwn() throws Exception {
        cache.put(List.of(a(60, "192.0.2.1")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        cache.put(List.of(new org.xbill.DNS.TXTRecord(name, DClass.IN, 600, "kept")), List.of(), Rank.AUTH_ANSWER,
                Security.INDETERMINATE);
        assertEquals(2, cache.size(), "max-cache-entries counts RRsets");
        ticker.advance(Duration.ofSeconds(61));
        assertNull(cache.get(name, Type.A));
        assertEquals(539, cache.get(name, Type.TXT).ttl());
        assertEquals(1, cache.wipe(name, false));
    }

    @Test
    void getOrCnameFindsTheTypeElseTheAlias() throws Exception {
        Name alias = Name.fromConstantString("alias.example.org.");
        cache.put(List.of(new org.xbill.DNS.CNAMERecord(alias, DClass.IN, 300, name)), List.of(), Rank.AUTH_ANSWER,
                Security.INDETERMINATE);
        cache.put(List.of(a(300, "192.0.2.1")), List.of(), Rank.AUTH_ANSWER, Security.INDETERMINATE);
        assertEquals(Type.CNAME, cache.getOrCname(alias, Type.A).type());
        assertEquals(Type.A, cache.getOrCname(name, Type.A).type());
        assertNull(cache.getOrCname(name, Type.AAAA));
        assertNull(cache.getOrCname(Name.fromConstantString("other.example.org."), Type.A));
    }
}
