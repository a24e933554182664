package net.gate64.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import net.gate64.resolver.FakeTicker;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** max-cache-entries counts RRsets; max-cache-bytes bounds the estimated heap; whichever is tighter holds. */
class RecordCacheBoundsTest {
    private final FakeTicker ticker = new FakeTicker();

    private static List<Record> a(int i) throws Exception {
        return List.of(new ARecord(Name.fromString("host-" + i + ".mem.test."), DClass.IN, 3600,
                InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >>> 8), (byte) i})));
    }

    private static List<Record> aaaa(int i) throws Exception {
        return List.of(new AAAARecord(Name.fromString("host-" + i + ".mem.test."), DClass.IN, 3600,
                InetAddress.getByName("2001:db8::" + Integer.toHexString(i))));
    }

    @Test
    void sizeCountsRrsetsThroughStoresRemovalsAndWipes() throws Exception {
        RecordCache c = new RecordCache(1000, 3600, ticker);
        for (int i = 0; i < 10; i++) {
            c.put(a(i), List.of(), Rank.AUTH_ANSWER, Security.INSECURE);
            c.put(aaaa(i), List.of(), Rank.AUTH_ANSWER, Security.INSECURE);
        }
        c.put(a(3), List.of(), Rank.AUTH_ANSWER, Security.INSECURE); // replaced, not added
        assertEquals(20, c.size());
        assertEquals(10, c.names());
        c.remove(Name.fromString("host-1.mem.test."), Type.A);
        assertEquals(19, c.size());
        c.remove(Name.fromString("host-1.mem.test."), Type.AAAA); // the owner goes
        assertEquals(18, c.size());
        assertEquals(2, c.wipe(Name.fromString("host-2.mem.test."), false));
        assertEquals(16, c.size());
        c.clear();
        assertEquals(0, c.size());
    }

    @Test
    void entriesBoundRrsetsWhenBytesAreAmple() throws Exception {
        RecordCache c = new RecordCache(100, 1L << 30, 3600, ticker);
        for (int i = 0; i < 1000; i++) {
            c.put(a(i), List.of(), Rank.AUTH_ANSWER, Security.INSECURE);
        }
        c.put(a(5000), List.of(), Rank.AUTH_ANSWER, Security.INSECURE);
        assertTrue(c.size() <= 100 && c.size() >= 90, "size " + c.size());
    }

    @Test
    void bytesBoundTheCacheWhenTheyAreTighter() throws Exception {
        // a name with one A RRset is estimated at 344 bytes (HeapBytes; the heap histogram shows ~370 with the map's
        // own table): 344,000 bytes hold about a thousand of them, far below the entry bound
        RecordCache c = new RecordCache(1_000_000, 344_000, 3600, ticker);
        for (int i = 0; i < 20_000; i++) {
            c.put(a(i), List.of(), Rank.AUTH_ANSWER, Security.INSECURE);
        }
        assertTrue(c.size() <= 1000 && c.size() >= 900, "size " + c.size());
    }
}
