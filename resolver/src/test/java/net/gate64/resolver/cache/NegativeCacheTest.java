package net.gate64.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import net.gate64.resolver.FakeTicker;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

class NegativeCacheTest {
    private final FakeTicker ticker = new FakeTicker();
    private final NegativeCache cache = new NegativeCache(1000, 900, ticker);
    private final Name zone = Name.fromConstantString("example.org.");
    private final Name name = Name.fromConstantString("missing.example.org.");

    private SOARecord soa(long ttl, long minimum) {
        return new SOARecord(zone, DClass.IN, ttl, Name.fromConstantString("ns.example.org."),
                Name.fromConstantString("hostmaster.example.org."), 1, 3600, 600, 86400, minimum);
    }

    /** RFC 2308 §5: the negative TTL is the smaller of the SOA's TTL and its MINIMUM field. */
    @Test
    void negativeTtlIsMinOfSoaTtlAndMinimum() {
        assertEquals(60, NegativeCache.negativeTtl(soa(3600, 60)));
        assertEquals(30, NegativeCache.negativeTtl(soa(30, 600)));
    }

    @Test
    void nxdomainCoversEveryType() {
        SOARecord s = soa(3600, 60);
        cache.put(name, Type.A, Rcode.NXDOMAIN, s, List.of(s), Security.INDETERMINATE);
        NegativeCache.Hit hit = cache.get(name, Type.AAAA);
        assertNotNull(hit);
        assertEquals(Rcode.NXDOMAIN, hit.rcode());
        ticker.advance(Duration.ofSeconds(20));
        assertEquals(40, cache.get(name, Type.MX).authority().get(0).getTTL());
        ticker.advance(Duration.ofSeconds(41));
        assertNull(cache.get(name, Type.A));
    }

    @Test
    void nodataIsPerType() {
        SOARecord s = soa(3600, 60);
        cache.put(name, Type.AAAA, Rcode.NOERROR, s, List.of(s), Security.INDETERMINATE);
        assertNotNull(cache.get(name, Type.AAAA));
        assertNull(cache.get(name, Type.A));
    }

    @Test
    void capAtMaxNegativeTtl() {
        SOARecord s = soa(86400, 86400);
        cache.put(name, Type.AAAA, Rcode.NOERROR, s, List.of(s), Security.INDETERMINATE);
        assertEquals(900, cache.get(name, Type.AAAA).ttl());
    }
}
