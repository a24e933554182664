package net.gate64.resolver.cache;

import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What cached dnsjava data costs in the heap, estimated for the byte bounds ({@code max-cache-bytes}). The constants
 * are the object sizes a heap histogram (jcmd GC.class_histogram) shows on a 64-bit JVM with compressed references,
 * after filling the record cache with a million names (docs/benchmarks.md): an estimate within a few percent for
 * the common types, on the high side for the rest.
 */
final class HeapBytes {
    /** Caffeine's node and its ConcurrentHashMap node, per cache entry. */
    static final int CACHE_NODE = 56 + 32;
    /** A dnsjava Record's own object (owner, type, class, TTL and the type's fixed fields). */
    private static final int RECORD = 40;
    /** A Name object and its byte array's header. */
    private static final int NAME = 32 + 16;
    /** A List.of / List.copyOf list object. */
    private static final int LIST = 24;

    private HeapBytes() {}

    static long align(long n) {
        return (n + 7) & ~7L;
    }

    /** An array object of {@code n} elements of {@code width} bytes. */
    static long array(int n, int width) {
        return align(16L + (long) n * width);
    }

    static long name(Name n) {
        return align(NAME + n.length());
    }

    /** The records of an RRset (their owner names counted once, the cache's key). */
    static long records(List<Record> records) {
        if (records.isEmpty()) {
            return 0; // the shared empty list
        }
        long n = records.size() <= 2 ? LIST : LIST + array(records.size(), 4);
        for (Record r : records) {
            n += record(r);
        }
        return n;
    }

    static long record(Record r) {
        return switch (r) {
            case ARecord a -> RECORD;
            case AAAARecord a -> RECORD + array(16, 1);
            // Other types hold their rdata as names and byte arrays: count its wire form twice over (objects and
            // arrays around it), and the owner name, which a record read off the wire does not share.
            default -> RECORD + 2 * align(r.rdataToWireCanonical().length) + name(r.getName());
        };
    }
}
