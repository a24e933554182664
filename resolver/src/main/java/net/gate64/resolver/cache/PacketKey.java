package net.gate64.resolver.cache;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import net.gate64.resolver.wire.QueryView;

/**
 * Packet-cache key: the qname (lowercased wire form), qtype, qclass, the query flags that change an answer (RD, CD,
 * AD, DO, EDNS present) and a tag that later stages use for the client's view (its DNS64 prefix, a script's tag).
 * Two queries that could get different answers never share a key.
 */
public final class PacketKey {
    private final byte[] bytes;
    private final int hash;

    private PacketKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Builds the key from a query whose view parsed as {@link QueryView.Status#OK}. */
    public static PacketKey of(ByteBuf query, QueryView view, int tag) {
        return of(query, view, tag, 0);
    }

    /** As above, with the tag a script's gettag hook chose as well (0 without one). */
    public static PacketKey of(ByteBuf query, QueryView view, int tag, int scriptTag) {
        int base = query.readerIndex();
        int nameLength = view.qnameEnd() - 12;
        byte[] k = new byte[nameLength + 13];
        query.getBytes(base + 12, k, 0, nameLength);
        for (int i = 0; i < nameLength; i++) {
            byte c = k[i];
            if (c >= 'A' && c <= 'Z') {
                k[i] = (byte) (c + 32); // label length bytes are < 64, never in 'A'..'Z'
            }
        }
        int p = nameLength;
        k[p++] = (byte) (view.qtype() >>> 8);
        k[p++] = (byte) view.qtype();
        k[p++] = (byte) (view.qclass() >>> 8);
        k[p++] = (byte) view.qclass();
        int f = (view.flag(QueryView.FLAG_RD) ? 1 : 0) | (view.flag(QueryView.FLAG_CD) ? 2 : 0)
                | (view.flag(QueryView.FLAG_AD) ? 4 : 0) | (view.dnssecOk() ? 8 : 0) | (view.hasEdns() ? 16 : 0);
        k[p++] = (byte) f;
        k[p++] = (byte) (tag >>> 24);
        k[p++] = (byte) (tag >>> 16);
        k[p++] = (byte) (tag >>> 8);
        k[p++] = (byte) tag;
        k[p++] = (byte) (scriptTag >>> 24);
        k[p++] = (byte) (scriptTag >>> 16);
        k[p++] = (byte) (scriptTag >>> 8);
        k[p] = (byte) scriptTag;
        return new PacketKey(k);
    }

    /** The script's gettag result this key was built with (dq.tag). */
    public int scriptTag() {
        int n = bytes.length;
        return (bytes[n - 4] & 0xff) << 24 | (bytes[n - 3] & 0xff) << 16 | (bytes[n - 2] & 0xff) << 8 | (bytes[n - 1] & 0xff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PacketKey other && other.hash == hash && Arrays.equals(other.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
