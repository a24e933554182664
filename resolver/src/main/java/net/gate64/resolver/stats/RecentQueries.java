package net.gate64.resolver.stats;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The most recent client queries (name, type, client) in one ring per event loop, for the top names and clients
 * the stats page and {@code top-queries} show, as pdns-recursor's stats ring buffers. Bounded memory: each ring holds
 * the last {@value #SLOTS} queries, their names in a {@value #AREA}-byte circular area (a name overwritten there
 * before its slot is simply left out), about 200 KB per loop. Recording is done by the loop that read the query,
 * copies at most 255 bytes and allocates nothing; reading copies each ring on its own loop, so nothing is shared
 * between threads while it is written.
 */
public final class RecentQueries {
    static final int SLOTS = 4096;
    static final int AREA = 128 * 1024;

    /** One name (or client) and how often it was seen among the recent queries. */
    public record Count(String key, int count) {}

    /** The top names (with their types) and clients among the queries the rings hold. */
    public record Top(int sampled, List<Count> names, List<Count> clients) {}

    private final FastThreadLocal<Ring> rings = new FastThreadLocal<>();
    private final List<Ring> all = new CopyOnWriteArrayList<>();

    /**
     * Records one query (on the event loop that read it): the question's name and type from the wire, and the
     * client. Anything that is not a plain one-question query is left out.
     */
    public void record(ByteBuf query, EventExecutor loop, InetAddress client) {
        int nameLen = questionNameLength(query);
        if (nameLen < 0) {
            return;
        }
        int start = query.readerIndex();
        int qtype = query.getUnsignedShort(start + 12 + nameLen);
        ring(loop).add(query, start + 12, nameLen, qtype, client);
    }

    /**
     * The wire length of the question's name (root label included) when {@code query} is a plain query with one
     * question, its name uncompressed and its type present; -1 otherwise. Reads, allocates nothing.
     */
    public static int questionNameLength(ByteBuf query) {
        int start = query.readerIndex();
        int end = query.writerIndex();
        if (end - start < 12 + 5 || (query.getByte(start + 2) & 0x80) != 0 || query.getUnsignedShort(start + 4) != 1) {
            return -1; // short, a response, or not one question
        }
        int p = start + 12;
        while (true) {
            if (p >= end) {
                return -1;
            }
            int len = query.getUnsignedByte(p);
            if (len == 0) {
                break;
            }
            if (len > 63) {
                return -1; // a compression pointer or worse: not in a query's question
            }
            p += len + 1;
            if (p - start - 12 > 254) {
                return -1;
            }
        }
        if (p + 3 > end) {
            return -1; // no room for the type
        }
        return p + 1 - (start + 12);
    }

    private Ring ring(EventExecutor loop) {
        Ring r = rings.getIfExists();
        if (r == null) {
            r = new Ring(loop);
            rings.set(r);
            all.add(r);
        }
        return r;
    }

    /** The top {@code n} names and clients now. Each loop's ring is copied on that loop; a stalled loop is skipped. */
    public Top top(int n) {
        return top(n, 500);
    }

    /** As {@link #top(int)}, waiting up to {@code waitMillis} for each loop (the control CLI waits longer than the page). */
    public Top top(int n, long waitMillis) {
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> clients = new HashMap<>();
        int sampled = 0;
        for (Ring r : all) {
            Snapshot s;
            try {
                s = r.loop == null || r.loop.inEventLoop() ? r.snapshot()
                        : CompletableFuture.supplyAsync(r::snapshot, r.loop).get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (Exception stalledOrClosed) {
                s = null;
            }
            if (s != null) {
                sampled += s.countInto(names, clients);
            }
        }
        return new Top(sampled, top(names, n), top(clients, n));
    }

    private static List<Count> top(Map<String, Integer> counts, int n) {
        List<Count> out = new ArrayList<>();
        counts.forEach((k, v) -> out.add(new Count(k, v)));
        out.sort(Comparator.comparingInt(Count::count).reversed().thenComparing(Count::key));
        return out.size() > n ? List.copyOf(out.subList(0, n)) : out;
    }

    /** One loop's ring; written only by that loop. */
    static final class Ring {
        final EventExecutor loop;
        final byte[] area = new byte[AREA];
        final long[] pos = new long[SLOTS];
        final short[] len = new short[SLOTS];
        final char[] type = new char[SLOTS];
        final InetAddress[] client = new InetAddress[SLOTS];
        long written; // bytes ever written to the area
        long count;   // queries ever recorded

        Ring(EventExecutor loop) {
            this.loop = loop;
        }

        void add(ByteBuf q, int from, int n, int qtype, InetAddress c) {
            int slot = (int) (count % SLOTS);
            int at = (int) (written % AREA);
            int first = Math.min(n, AREA - at);
            q.getBytes(from, area, at, first);
            if (first < n) {
                q.getBytes(from + first, area, 0, n - first);
            }
            pos[slot] = written;
            len[slot] = (short) n;
            type[slot] = (char) qtype;
            client[slot] = c;
            written += n;
            count++;
        }

        Snapshot snapshot() {
            return new Snapshot(area.clone(), pos.clone(), len.clone(), type.clone(), client.clone(), written, count);
        }
    }

    /** A copy of one ring, read off the loop. */
    record Snapshot(byte[] area, long[] pos, short[] len, char[] type, InetAddress[] client, long written, long count) {
        int countInto(Map<String, Integer> names, Map<String, Integer> clients) {
            int n = (int) Math.min(count, SLOTS);
            int used = 0;
            for (int i = 0; i < n; i++) {
                if (pos[i] < written - AREA) {
                    continue; // its name bytes were overwritten by newer names
                }
                byte[] wire = new byte[len[i]];
                int at = (int) (pos[i] % AREA);
                int first = Math.min(wire.length, AREA - at);
                System.arraycopy(area, at, wire, 0, first);
                System.arraycopy(area, 0, wire, first, wire.length - first);
                String name;
                try {
                    name = new Name(wire).toString().toLowerCase(Locale.ROOT);
                } catch (java.io.IOException e) {
                    continue;
                }
                names.merge(name + " " + Type.string(type[i]), 1, Integer::sum);
                clients.merge(client[i].getHostAddress(), 1, Integer::sum);
                used++;
            }
            return used;
        }
    }
}
