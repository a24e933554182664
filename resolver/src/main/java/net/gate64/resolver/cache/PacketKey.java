package net.gate64.resolver.cache;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.gate64.resolver.wire.QueryView;

/**
 * Packet-cache key: the qname (lowercased wire form), qtype, qclass, the query flags that change an answer (RD, CD,
 * AD, DO, EDNS present) and two tags that later stages use for the client's view (its DNS64 prefix choice, a
 * script's gettag). Two queries that could get different answers never share a key.
 *
 * <p>The cache never needs this object to serve a hit: {@link #hash(ByteBuf, QueryView, int, int)} and
 * {@link PacketEntry#matches} read the query's own bytes. A key is built only on a miss, for the later store.
 */
public final class PacketKey {
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final byte[] name; // lowercased wire form of the qname
    private final int typeClass;
    private final int flags;
    private final long tags;
    private final int hash;

    private PacketKey(byte[] name, int typeClass, int flags, long tags) {
        this.name = name;
        this.typeClass = typeClass;
        this.flags = flags;
        this.tags = tags;
        this.hash = hash(name, typeClass, flags, tags);
    }

    /** Builds the key from a query whose view parsed as {@link QueryView.Status#OK}. */
    public static PacketKey of(ByteBuf query, QueryView view, int tag) {
        return of(query, view, tag, 0);
    }

    /** As above, with the tag a script's gettag hook chose as well (0 without one). */
    public static PacketKey of(ByteBuf query, QueryView view, int tag, int scriptTag) {
        byte[] k = new byte[view.qnameEnd() - 12];
        query.getBytes(query.readerIndex() + 12, k);
        for (int i = 0; i < k.length; i++) {
            k[i] = lower(k[i]);
        }
        return new PacketKey(k, typeClass(view), flags(view), tags(tag, scriptTag));
    }

    /** qtype and qclass in one int, as stored. */
    static int typeClass(QueryView view) {
        return view.qtype() << 16 | view.qclass();
    }

    /** The flags that change an answer, as stored. */
    static int flags(QueryView view) {
        return (view.flag(QueryView.FLAG_RD) ? 1 : 0) | (view.flag(QueryView.FLAG_CD) ? 2 : 0)
                | (view.flag(QueryView.FLAG_AD) ? 4 : 0) | (view.dnssecOk() ? 8 : 0) | (view.hasEdns() ? 16 : 0);
    }

    static long tags(int tag, int scriptTag) {
        return (long) tag << 32 | (scriptTag & 0xffffffffL);
    }

    /** The hash of the key {@code query} would build, computed on the query's bytes without copying them. */
    public static int hash(ByteBuf query, QueryView view, int tag, int scriptTag) {
        int start = query.readerIndex() + 12;
        int length = view.qnameEnd() - 12;
        long h = 0x243F6A8885A308D3L ^ length;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = mix(h, lower8(query.getLong(start + i)));
        }
        if (i < length) {
            h = mix(h, lower8(tail(query, start + i, length - i)));
        }
        return finish(h, typeClass(view), flags(view), tags(tag, scriptTag));
    }

    static int hash(byte[] name, int typeClass, int flags, long tags) {
        long h = 0x243F6A8885A308D3L ^ name.length;
        int i = 0;
        for (; i + 8 <= name.length; i += 8) {
            h = mix(h, (long) LONG_BE.get(name, i));
        }
        if (i < name.length) {
            long w = 0;
            for (int j = i; j < name.length; j++) {
                w = w << 8 | (name[j] & 0xff);
            }
            h = mix(h, w);
        }
        return finish(h, typeClass, flags, tags);
    }

    /** The last 1..7 bytes of a name as the low bytes of a long, the same way {@link #hash(byte[], int, int, long)} reads them. */
    private static long tail(ByteBuf b, int from, int n) {
        long w = 0;
        for (int j = 0; j < n; j++) {
            w = w << 8 | b.getUnsignedByte(from + j);
        }
        return w;
    }

    private static long mix(long h, long w) {
        h = (h ^ w) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    private static int finish(long h, int typeClass, int flags, long tags) {
        h = mix(h, (long) typeClass << 8 | flags);
        h = mix(h, tags);
        h ^= h >>> 33; // murmur3 fmix64
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h;
    }

    /** ASCII lowercase of one byte; label length bytes are below 64, never in 'A'..'Z'. */
    static byte lower(byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    /** ASCII lowercase of eight bytes at once (each byte in 'A'..'Z' gets bit 0x20; nothing else changes). */
    static long lower8(long x) {
        long seven = x & ~HIGHS;                 // low seven bits of each byte, so the additions below never carry over
        long geA = seven + ONES * (0x80 - 'A');   // high bit set where the byte is >= 'A'
        long gtZ = seven + ONES * (0x80 - 'Z' - 1); // high bit set where the byte is > 'Z'
        long upper = geA & ~gtZ & ~x & HIGHS;     // ... and the byte's own high bit is clear
        return x | (upper >>> 2);
    }

    byte[] name() {
        return name;
    }

    int typeClass() {
        return typeClass;
    }

    int flags() {
        return flags;
    }

    long tags() {
        return tags;
    }

    /** The script's gettag result this key was built with (dq.tag). */
    public int scriptTag() {
        return (int) tags;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PacketKey k && k.hash == hash && k.typeClass == typeClass && k.flags == flags
                && k.tags == tags && Arrays.equals(k.name, name);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
