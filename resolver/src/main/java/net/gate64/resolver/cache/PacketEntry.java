package net.gate64.resolver.cache;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One packet-cache entry laid out in a single {@code byte[]}: a 32-byte header, the key's name, where the TTLs sit,
 * and the answer. One array per entry and no other object keeps an entry at its payload plus 48 bytes, and lets a
 * lookup compare the key and serve the answer from one place in memory.
 *
 * <pre>
 *   0  long  inserted (ticker nanos)      16 long  tags (view tag, script tag)   29 byte  name length
 *   8  int   lifetime (seconds)           24 int   qtype, qclass                 30 short TTL offsets count
 *  12  int   hash                         28 byte  flags                         32 name, offsets (u16 each), answer
 * </pre>
 */
final class PacketEntry {
    static final int HEADER = 32;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private PacketEntry() {}

    /**
     * @param wire       the answer (its ID is stored as zero)
     * @param ttlOffsets where its TTL fields are (OPT excluded)
     */
    static byte[] create(PacketKey key, byte[] wire, int[] ttlOffsets, long insertedNanos, long lifetimeSeconds) {
        byte[] name = key.name();
        byte[] e = new byte[HEADER + name.length + 2 * ttlOffsets.length + wire.length];
        LONG.set(e, 0, insertedNanos);
        INT.set(e, 8, (int) Math.min(Integer.MAX_VALUE, lifetimeSeconds));
        INT.set(e, 12, key.hashCode());
        LONG.set(e, 16, key.tags());
        INT.set(e, 24, key.typeClass());
        e[28] = (byte) key.flags();
        e[29] = (byte) name.length;
        SHORT.set(e, 30, (short) ttlOffsets.length);
        System.arraycopy(name, 0, e, HEADER, name.length);
        int p = HEADER + name.length;
        for (int o : ttlOffsets) {
            SHORT.set(e, p, (short) o);
            p += 2;
        }
        System.arraycopy(wire, 0, e, p, wire.length);
        e[p] = 0;
        e[p + 1] = 0;
        return e;
    }

    static long inserted(byte[] e) {
        return (long) LONG.get(e, 0);
    }

    static long expires(byte[] e) {
        return inserted(e) + ((int) INT.get(e, 8)) * 1_000_000_000L;
    }

    static int hash(byte[] e) {
        return (int) INT.get(e, 12);
    }

    static int nameLength(byte[] e) {
        return e[29] & 0xff;
    }

    static int ttlCount(byte[] e) {
        return (char) (short) SHORT.get(e, 30);
    }

    /** Where the answer starts in the entry. */
    static int wireOffset(byte[] e) {
        return HEADER + nameLength(e) + 2 * ttlCount(e);
    }

    static int wireLength(byte[] e) {
        return e.length - wireOffset(e);
    }

    /** The offset (in the answer) of TTL field {@code i}. */
    static int ttlOffset(byte[] e, int i) {
        return (char) (short) SHORT.get(e, HEADER + nameLength(e) + 2 * i);
    }

    /** The TTL as stored at answer offset {@code o}. */
    static long storedTtl(byte[] e, int wireOffset, int o) {
        return ((int) INT.get(e, wireOffset + o)) & 0xffffffffL;
    }

    /** Whether this entry answers the query whose name starts at {@code nameStart} in {@code query}, any case. */
    static boolean matches(byte[] e, ByteBuf query, int nameStart, int nameLength, int typeClass, int flags, long tags) {
        if (nameLength(e) != nameLength || (int) INT.get(e, 24) != typeClass || e[28] != (byte) flags
                || (long) LONG.get(e, 16) != tags) {
            return false;
        }
        int i = 0;
        for (; i + 8 <= nameLength; i += 8) {
            if (PacketKey.lower8(query.getLong(nameStart + i)) != (long) LONG.get(e, HEADER + i)) {
                return false;
            }
        }
        for (; i < nameLength; i++) {
            if (PacketKey.lower(query.getByte(nameStart + i)) != e[HEADER + i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether this entry was stored under {@code key}. */
    static boolean matches(byte[] e, PacketKey key) {
        byte[] name = key.name();
        if (hash(e) != key.hashCode() || nameLength(e) != name.length || (int) INT.get(e, 24) != key.typeClass()
                || e[28] != (byte) key.flags() || (long) LONG.get(e, 16) != key.tags()) {
            return false;
        }
        return java.util.Arrays.equals(e, HEADER, HEADER + name.length, name, 0, name.length);
    }

    /** What an entry costs in the heap: the array with its 16-byte header, rounded to the JVM's 8-byte alignment. */
    static long weight(byte[] e) {
        return (16L + e.length + 7) & ~7L;
    }
}
